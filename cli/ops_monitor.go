package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gnos/gnos/internal/ifname"
)

// monitor interface NAME|traffic redraws interface counters every
// monitorPeriod until Ctrl-C, as Junos does: a terminal command, shown
// through the session's progress writer (stream.go), each frame after the
// ANSI sequence that clears the screen. Counters and deltas are the
// link's since the last clear (live mode); without a link they are 0.
// Time comes from the configuration daemon's clock, so tests step it.

const monitorPeriod = 2 * time.Second

func monitorCommands(t *Table) []*Command {
	t.Describe("monitor", "Show real-time debugging information")
	return []*Command{{Words: []string{"monitor", "interface"}, RPC: "monitor-interface",
		Help: "Show interface traffic until interrupted (Ctrl-C)",
		Args: []Arg{{Name: "interface-name", Positional: true, Help: "Name of interface, or traffic for all of them"}},
		Run:  runMonitor}}
}

// clearScreen moves the cursor home and clears the screen.
const clearScreen = "\x1b[H\x1b[2J"

func runMonitor(ctx context.Context, s *Session, a Args, p *Pipeline, _ io.Writer) (*Elem, error) {
	name := a["interface-name"]
	if name == "" {
		return nil, fmt.Errorf("missing argument: interface-name (or traffic)")
	}
	if p.progress == nil {
		return nil, fmt.Errorf("monitor interface needs a terminal (no pipes, no RPC)")
	}
	names := s.monitored(name)
	if len(names) == 0 {
		return nil, fmt.Errorf("device %s not found", name)
	}
	clk := s.eng.Configd.Clock()
	start := clk.Now()
	first := map[string]ifname.LinkState{}
	for {
		now := clk.Now()
		var b strings.Builder
		b.WriteString(clearScreen)
		fmt.Fprintf(&b, "%-32s Seconds: %-18d Time: %s\n\n", s.eng.Hostname(), int(now.Sub(start)/time.Second), now.UTC().Format("15:04:05"))
		if name == "traffic" {
			s.trafficFrame(&b, names, first)
		} else {
			s.interfaceFrame(&b, names[0], first)
		}
		fmt.Fprint(p.progress, b.String())
		tick := make(chan struct{})
		tm := clk.AfterFunc(monitorPeriod, func() { close(tick) })
		select {
		case <-tick:
		case <-ctx.Done():
			tm.Stop()
			fmt.Fprintln(p.progress)
			return nil, nil
		}
	}
}

// monitored lists the interfaces a monitor shows: one, or (traffic)
// every configured physical interface.
func (s *Session) monitored(name string) []string {
	var out []string
	for _, ifd := range s.eng.Configd.Active().ActiveChild("interfaces").ActiveNamed("interface") {
		if name == "traffic" || name == ifd.Key {
			out = append(out, ifd.Key)
		}
		for _, u := range ifd.ActiveNamed("unit") {
			if l := ifname.Unit(ifd.Key, u.Key); name != "traffic" && ifname.Logical(name) == l {
				out = append(out, l)
			}
		}
	}
	return out
}

// sample is an interface's counters now, and the change since the
// monitor started (remembered in first).
func (s *Session) sample(n string, first map[string]ifname.LinkState) (c ifCounters, up bool, delta ifname.LinkState) {
	st, live := s.eng.link(n)
	c = s.eng.counters(n, st, live)
	f, ok := first[n]
	if !ok {
		f = c.LinkState
		first[n] = f
	}
	delta = ifname.LinkState{RxBytes: sub(c.RxBytes, f.RxBytes), TxBytes: sub(c.TxBytes, f.TxBytes),
		RxPackets: sub(c.RxPackets, f.RxPackets), TxPackets: sub(c.TxPackets, f.TxPackets),
		RxErrors: sub(c.RxErrors, f.RxErrors), TxErrors: sub(c.TxErrors, f.TxErrors),
		RxDropped: sub(c.RxDropped, f.RxDropped), TxDropped: sub(c.TxDropped, f.TxDropped)}
	return c, live && st.OperUp, delta
}

func (s *Session) trafficFrame(b *strings.Builder, names []string, first map[string]ifname.LinkState) {
	fmt.Fprintf(b, "%-12s %-5s %14s %11s %18s %11s\n", "Interface", "Link", "Input packets", "(pps)", "Output packets", "(pps)")
	for _, n := range names {
		c, up, _ := s.sample(n, first)
		fmt.Fprintf(b, " %-11s %-5s %14d %11s %18d %11s\n", n, linkWord(up), c.RxPackets, fmt.Sprintf("(%d)", c.inPps), c.TxPackets, fmt.Sprintf("(%d)", c.outPps))
	}
	b.WriteString("\nBytes=b, Clear=c, Delta=d, Packets=p, Quit=q or ESC, Rate=r, Up=^U, Down=^D\n")
}

func (s *Session) interfaceFrame(b *strings.Builder, n string, first map[string]ifname.LinkState) {
	c, up, d := s.sample(n, first)
	fmt.Fprintf(b, "Interface: %s, Enabled, Link is %s\n", n, linkWord(up))
	fmt.Fprintf(b, "%-62s%s\n", "Traffic statistics:", "Current delta")
	row := func(label string, v uint64, rate string, dv uint64) {
		fmt.Fprintf(b, "  %-16s %14d %-28s [%d]\n", label, v, rate, dv)
	}
	row("Input bytes:", c.RxBytes, fmt.Sprintf("(%d bps)", c.inBps), d.RxBytes)
	row("Output bytes:", c.TxBytes, fmt.Sprintf("(%d bps)", c.outBps), d.TxBytes)
	row("Input packets:", c.RxPackets, fmt.Sprintf("(%d pps)", c.inPps), d.RxPackets)
	row("Output packets:", c.TxPackets, fmt.Sprintf("(%d pps)", c.outPps), d.TxPackets)
	b.WriteString("Error statistics:\n")
	row("Input errors:", c.RxErrors, "", d.RxErrors)
	row("Input drops:", c.RxDropped, "", d.RxDropped)
	row("Output errors:", c.TxErrors, "", d.TxErrors)
	row("Output drops:", c.TxDropped, "", d.TxDropped)
}

func linkWord(up bool) string {
	if up {
		return "Up"
	}
	return "Down"
}
