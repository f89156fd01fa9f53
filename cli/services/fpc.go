package services

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/servicesd"
)

// fpcCommands adds show chassis fpc (get-fpc-information). An FPC of
// gnos is the set of configured PICs with its slot number: it is Online
// when one of its PICs is, its DRAM is its PICs' object caches, its heap
// utilization the share of those caches in use and its buffer
// utilization the share of the policy DBs in use. gnos does not measure
// an FPC's CPU or temperature: the CPU columns show "-", the temperature
// "Testing" (as a virtual MX reports it), and the XML leaves the CPU
// elements out.
func (c *commands) fpcCommands(t *cli.Table) {
	t.Add(&cli.Command{Words: []string{"show", "chassis", "fpc"}, RPC: "get-fpc-information",
		Help: "Show Flexible PIC Concentrator status",
		Args: []cli.Arg{{Name: "pic-status", Help: "Display PIC status"},
			{Name: "slot", Positional: true, Help: "FPC slot number"}},
		Run: c.showFPC, Text: textFPC})
}

type fpcSum struct {
	slot                 int
	online               bool
	cacheMB              int64
	cacheBudget, cacheIn int64
	dbBudget, dbUsed     int64
	pics                 []*servicesd.PICInfo
}

func pct(used, total int64) string {
	if total <= 0 {
		return "0"
	}
	return strconv.FormatInt(used*100/total, 10)
}

func (c *commands) showFPC(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	want := -1
	if v, ok := a["slot"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid FPC slot %q", v)
		}
		want = n
	}
	ps, err := c.b.PICs(ctx)
	if err != nil {
		return nil, err
	}
	var fpcs []*fpcSum
	for _, p := range ps {
		if want >= 0 && p.Slot.FPC != want {
			continue
		}
		if len(fpcs) == 0 || fpcs[len(fpcs)-1].slot != p.Slot.FPC {
			fpcs = append(fpcs, &fpcSum{slot: p.Slot.FPC})
		}
		f := fpcs[len(fpcs)-1]
		f.pics = append(f.pics, p)
		f.cacheMB += int64(p.Config.ObjectCacheMB)
		if picState(p) == "Online" {
			f.online = true
		}
		if st := p.Status; st != nil {
			f.cacheBudget += st.ObjectCache.Budget
			f.cacheIn += st.ObjectCache.Reserved
			f.dbBudget += st.PolicyDB.Budget
			f.dbUsed += st.PolicyDB.Used
		}
	}
	if want >= 0 && len(fpcs) == 0 {
		return nil, fmt.Errorf("FPC %d is not configured", want)
	}
	style := "brief"
	if a.Has("pic-status") {
		style = "pic-style"
	}
	e := cli.E("fpc-information")
	e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: style}}
	for _, f := range fpcs {
		state := "Offline"
		if f.online {
			state = "Online"
		}
		fe := cli.E("fpc", cli.T("slot", strconv.Itoa(f.slot)), cli.T("state", state))
		if style == "pic-style" {
			fe.Add(cli.T("description", cli.FPCModel))
			for _, p := range f.pics {
				fe.Add(cli.E("pic", cli.T("pic-slot", strconv.Itoa(p.Slot.PIC)), cli.T("pic-state", picState(p)),
					cli.T("pic-type", cli.PICModel)))
			}
		} else {
			fe.Add(cli.T("temperature", "Testing"),
				cli.T("memory-dram-size", strconv.FormatInt(f.cacheMB, 10)),
				cli.T("memory-heap-utilization", pct(f.cacheIn, f.cacheBudget)),
				cli.T("memory-buffer-utilization", pct(f.dbUsed, f.dbBudget)))
		}
		e.Add(fe)
	}
	return e, nil
}

// textFPC is Junos' layout of show chassis fpc and of its pic-status
// form.
func textFPC(w io.Writer, e *cli.Elem) {
	fpcs := e.All("fpc")
	if len(fpcs) > 0 && fpcs[0].Get("description") != nil {
		for _, f := range fpcs {
			fmt.Fprintf(w, "%-8s %-12s %s\n", "Slot "+f.Val("slot"), f.Val("state"), f.Val("description"))
			for _, p := range f.All("pic") {
				fmt.Fprintf(w, "  %-6s %-12s %s\n", "PIC "+p.Val("pic-slot"), p.Val("pic-state"), p.Val("pic-type"))
			}
		}
		return
	}
	fmt.Fprintln(w, "                     Temp  CPU Utilization (%)   CPU Utilization (%)  Memory    Utilization (%)")
	fmt.Fprintln(w, "Slot State            (C)  Total  Interrupt      1min   5min   15min  DRAM (MB) Heap     Buffer")
	for _, f := range fpcs {
		fmt.Fprintf(w, "%3s  %-16s %-7s%4s%10s%9s%7s%7s%7s%10s%11s\n", f.Val("slot"), f.Val("state"), f.Val("temperature"),
			"-", "-", "-", "-", "-", f.Val("memory-dram-size"), f.Val("memory-heap-utilization"), f.Val("memory-buffer-utilization"))
	}
}
