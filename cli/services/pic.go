package services

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// picCommands adds the PIC status commands: show chassis pic, the
// service-sets' summary, plug-ins and memory usage, and request chassis
// pic.
func (c *commands) picCommands(t *cli.Table) {
	t.Describe("show services", "Show services information")
	t.Describe("show services service-sets", "Show service-set information")
	t.Describe("request", "Make system-level requests")
	t.Describe("request chassis", "Chassis requests")
	slotArgs := []cli.Arg{{Name: "fpc-slot", Value: true, Help: "FPC slot number"},
		{Name: "pic-slot", Value: true, Help: "PIC slot number"}}
	t.Add(
		&cli.Command{Words: []string{"show", "chassis", "pic"}, RPC: "get-pic-detail",
			Help: "Show Physical Interface Card information",
			Args: append(append([]cli.Arg(nil), slotArgs...), cli.Arg{Name: "extensive", Help: "Display each service-set's generation"}),
			Run:  c.showPIC, Text: textPIC},
		&cli.Command{Words: []string{"show", "services", "service-sets", "summary"},
			RPC: "get-service-set-summary-information", Help: "Show service sets summary",
			Run: c.showSummary, Text: textSummary},
		&cli.Command{Words: []string{"show", "services", "service-sets", "plug-ins"},
			RPC: "get-service-set-plugin-information", Help: "Show service-set plug-ins",
			Args: []cli.Arg{{Name: "detail", Help: "Display each plug-in's configurable properties"}},
			Run:  c.showPlugins, Text: textPlugins},
		&cli.Command{Words: []string{"show", "services", "service-sets", "memory-usage"},
			RPC: "get-service-set-memory-usage-information", Help: "Show service-set memory usage",
			Run: c.showMemory, Text: textMemory},
		&cli.Command{Words: []string{"request", "chassis", "pic"}, RPC: "request-chassis-pic",
			Help: "Take a PIC online or offline",
			Args: append(slotArgs, cli.Arg{Name: "offline", Help: "Take PIC offline"},
				cli.Arg{Name: "online", Help: "Bring PIC online"}),
			Run: c.requestPIC},
	)
}

func parseSlot(a cli.Args) (dataplane.Slot, error) {
	f, err1 := strconv.Atoi(a["fpc-slot"])
	p, err2 := strconv.Atoi(a["pic-slot"])
	if !a.Has("fpc-slot") || !a.Has("pic-slot") || err1 != nil || err2 != nil {
		return dataplane.Slot{}, errkind.Errorf(errkind.Invalid, "syntax error, expecting fpc-slot <number> pic-slot <number>")
	}
	return dataplane.Slot{FPC: f, PIC: p}, nil
}

// picState is a PIC's state as the show commands word it.
func picState(v *servicesd.PICInfo) string {
	switch {
	case !v.Config.Online:
		return "Offline (requested)"
	case !v.Connected:
		return "Offline (picd not connected)"
	case v.Status == nil:
		return "Unknown"
	case v.Status.State == "online":
		return "Online"
	}
	return strings.ToUpper(v.Status.State[:1]) + v.Status.State[1:]
}

func (c *commands) showPIC(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	slot, err := parseSlot(a)
	if err != nil {
		return nil, err
	}
	v, err := c.b.PIC(ctx, slot)
	if err != nil {
		return nil, err
	}
	e := cli.E("pic-detail",
		cli.T("slot", strconv.Itoa(slot.FPC)), cli.T("pic-slot", strconv.Itoa(slot.PIC)),
		cli.T("pic-type", "MS-PIC (gnos picd)"), cli.T("state", picState(v)),
		cli.T("control-cores", strconv.Itoa(v.Config.ControlCores)), cli.T("data-cores", strconv.Itoa(v.Config.DataCores)),
		cli.T("object-cache-size", strconv.Itoa(int(v.Config.ObjectCacheMB))),
		cli.T("policy-db-size", strconv.Itoa(int(v.Config.PolicyDBMB))),
		cli.T("packages", strings.Join(v.Config.Packages, " ")),
		cli.T("service-sets-configured", strconv.Itoa(len(v.ServiceSets))))
	for _, al := range v.Alarms {
		ae := alarmElem(al)
		if al.Reason != "" {
			ae.Add(cli.T("alarm-reason", al.Reason))
		}
		e.Add(ae)
	}
	if v.Connected {
		if v.Peer != "" {
			e.Add(cli.T("picd-address", v.Peer))
		}
		e.Add(cli.T("picd-pid", strconv.Itoa(v.PID)), cli.T("resyncs", strconv.FormatUint(v.Resyncs, 10)),
			cli.T("acks", strconv.FormatUint(v.Acks, 10)), cli.T("stale-acks", strconv.FormatUint(v.Stale, 10)),
			cli.T("refused-updates", strconv.FormatUint(v.Refused, 10)))
		if v.LastRefusal != "" {
			e.Add(cli.T("last-refusal", v.LastRefusal))
		}
	}
	if st := v.Status; st != nil {
		var maxGen uint64
		for _, h := range st.SSRBs {
			maxGen = max(maxGen, h.Gen)
		}
		e.Add(cli.T("incarnation", strconv.FormatUint(st.Incarnation, 10)),
			cli.T("pic-restarts", strconv.FormatUint(st.Restarts, 10)),
			cli.T("service-sets-held", strconv.Itoa(len(st.SSRBs))),
			cli.T("max-generation", strconv.FormatUint(maxGen, 10)),
			cli.T("updates", strconv.FormatUint(st.Counters.Updates(), 10)))
		if st.LastEvent != "" {
			e.Add(cli.T("last-event", st.LastEvent))
		}
		if st.Fault != "" {
			e.Add(cli.T("fault", st.Fault))
		}
		if sn := st.Snapshot; sn != nil {
			e.Add(snapshotElems(sn)...)
		}
		for _, p := range st.Plugins {
			e.Add(pluginElem(p))
		}
		if a.Has("extensive") {
			held := map[string]picd.HeldSSRB{}
			for _, h := range st.SSRBs {
				held[h.Name] = h
			}
			for _, x := range v.ServiceSets {
				pg := "-"
				if h, ok := held[x.Name]; ok {
					pg = strconv.FormatUint(h.Gen, 10)
				}
				e.Add(cli.E("service-set", cli.T("name", x.Name), cli.T("id", strconv.FormatUint(uint64(x.ID), 10)),
					cli.T("generation", strconv.FormatUint(x.Gen, 10)), cli.T("pic-generation", pg)))
			}
		}
	}
	return e, nil
}

// snapshotElems are the session snapshot's lines of show chassis pic:
// when it was last written and with how many sessions, what the start-up
// restore did, and the last error.
func snapshotElems(sn *picd.SnapshotStatus) []*cli.Elem {
	var out []*cli.Elem
	if !sn.Written.IsZero() {
		out = append(out, cli.T("session-snapshot-written", sn.Written.UTC().Format("2006-01-02 15:04:05 UTC")),
			cli.T("session-snapshot-sessions", fmt.Sprintf("%d (%d bytes, %d left out)", sn.Sessions, sn.Bytes, sn.Skipped)))
	}
	if r := sn.Restored; r != nil {
		out = append(out, cli.T("sessions-restored", fmt.Sprintf("%d of a snapshot %s old (expired %d, service-set gone %d, refused %d, other %d)",
			r.Restored, sn.Age.Truncate(time.Millisecond), r.Expired, r.NoServiceSet, r.Refused, r.Misplaced+r.Duplicate+r.Memlimit)))
	}
	if sn.Error != "" {
		out = append(out, cli.T("session-snapshot-error", sn.Error))
	}
	return out
}

func pluginElem(p picd.PluginStatus) *cli.Elem {
	e := cli.E("plugin", cli.T("plugin-name", p.Name), cli.T("plugin-id", strconv.Itoa(p.ID)),
		cli.T("plugin-mode", p.Mode), cli.T("plugin-restart", strconv.FormatBool(p.Restart)),
		cli.T("plugin-state", p.State), cli.T("plugin-restarts", strconv.FormatUint(p.Restarts, 10)),
		cli.T("plugin-policies", strconv.Itoa(p.Policies)))
	if p.LastPanic != "" {
		e.Add(cli.T("plugin-last-panic", p.LastPanic))
	}
	return e
}

func (c *commands) showSummary(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	vs, err := c.b.PICs(ctx)
	if err != nil {
		return nil, err
	}
	e := cli.E("service-set-summary-information")
	for _, v := range vs {
		held := "-"
		if v.Status != nil {
			held = strconv.Itoa(len(v.Status.SSRBs))
		}
		pct := 0.0
		if v.Config.PolicyDBMB > 0 {
			pct = 100 * float64(v.PolicyBytes) / float64(int64(v.Config.PolicyDBMB)<<20)
		}
		e.Add(cli.E("service-set-summary-information-entry",
			cli.T("interface-name", serviceIf(v.Slot)),
			cli.T("service-sets-configured", strconv.Itoa(len(v.ServiceSets))),
			cli.T("service-sets-held", held),
			cli.T("policy-bytes-used", strconv.FormatInt(v.PolicyBytes, 10)),
			cli.T("policy-bytes-percent", fmt.Sprintf("%.2f", pct)),
			cli.T("pic-state", picState(v))))
	}
	return e, nil
}

func (c *commands) showPlugins(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	vs, err := c.b.PICs(ctx)
	if err != nil {
		return nil, err
	}
	e := cli.E("service-set-plugin-information")
	for _, v := range vs {
		pe := cli.E("service-set-plugin-pic", cli.T("interface-name", serviceIf(v.Slot)), cli.T("pic-state", picState(v)))
		if v.Status != nil {
			for _, p := range v.Status.Plugins {
				el := pluginElem(p)
				if a.Has("detail") {
					if err := addProperties(el, p.Name); err != nil {
						return nil, err
					}
				}
				pe.Add(el)
			}
		}
		e.Add(pe)
	}
	return e, nil
}

func (c *commands) showMemory(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	vs, err := c.b.PICs(ctx)
	if err != nil {
		return nil, err
	}
	e := cli.E("service-set-memory-usage-information")
	for _, v := range vs {
		m := cli.E("service-set-memory-usage-entry", cli.T("interface-name", serviceIf(v.Slot)),
			cli.T("policy-db-budget", strconv.FormatInt(int64(v.Config.PolicyDBMB)<<20, 10)),
			cli.T("object-cache-budget", strconv.FormatInt(int64(v.Config.ObjectCacheMB)<<20, 10)))
		if st := v.Status; st != nil {
			m.Add(cli.T("policy-db-used", strconv.FormatInt(st.PolicyDB.Used, 10)),
				cli.T("policy-db-policies", strconv.Itoa(st.PolicyDB.Entries)),
				cli.T("policy-db-pending-free", strconv.Itoa(st.PolicyDB.Retired)),
				cli.T("object-cache-used", strconv.FormatInt(st.ObjectCache.Reserved, 10)),
				cli.T("memlimit-drops", strconv.FormatUint(st.ObjectCache.MemlimitDrops, 10)))
		}
		e.Add(m)
	}
	return e, nil
}

func (c *commands) requestPIC(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	slot, err := parseSlot(a)
	if err != nil {
		return nil, err
	}
	if a.Has("offline") == a.Has("online") {
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting offline or online")
	}
	online := a.Has("online")
	if err := c.b.SetOnline(ctx, slot, online); err != nil {
		return nil, err
	}
	word := "offline"
	if online {
		word = "online"
	}
	return &cli.Elem{Name: "request-chassis-pic", Text: fmt.Sprintf("fpc %d pic %d will be %s", slot.FPC, slot.PIC, word)}, nil
}
