package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gnos/gnos/internal/ifname"
)

// Interface counters as show interfaces reports them. Linux cannot zero
// a link's counters, so `clear interfaces statistics` keeps the counters
// of the moment as a baseline that later reports subtract, as Junos
// shows counters since they were last cleared. Rates are the change
// since the previous report of the same interface, over the time between
// the two (0 on the first).

// ifBook holds the baselines and the last samples, by Junos name.
type ifBook struct {
	mu      sync.Mutex // guards the maps
	cleared map[string]ifBaseline
	last    map[string]ifSample
}

type ifBaseline struct {
	at time.Time
	st ifname.LinkState
}

type ifSample struct {
	at                       time.Time
	rxBytes, txBytes, rx, tx uint64
}

// ifCounters are a link's counters since the last clear, with rates.
type ifCounters struct {
	ifname.LinkState
	cleared                      string // "Never" or the time
	inBps, inPps, outBps, outPps uint64
}

func sub(a, b uint64) uint64 {
	if a < b { // the link was recreated: its counters restarted
		return a
	}
	return a - b
}

// counters returns name's counters since the last clear (zero without a
// live link) and updates the rate sample.
func (e *Engine) counters(name string, st ifname.LinkState, live bool) ifCounters {
	b := &e.ifBook
	now := e.Configd.Clock().Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	c := ifCounters{cleared: "Never"}
	if base, ok := b.cleared[name]; ok {
		c.cleared = base.at.UTC().Format("2006-01-02 15:04:05 MST") + " (" + routeAge(now.Sub(base.at)) + " ago)"
		if live {
			o := base.st
			st.RxBytes, st.TxBytes = sub(st.RxBytes, o.RxBytes), sub(st.TxBytes, o.TxBytes)
			st.RxPackets, st.TxPackets = sub(st.RxPackets, o.RxPackets), sub(st.TxPackets, o.TxPackets)
			st.RxErrors, st.TxErrors = sub(st.RxErrors, o.RxErrors), sub(st.TxErrors, o.TxErrors)
			st.RxDropped, st.TxDropped = sub(st.RxDropped, o.RxDropped), sub(st.TxDropped, o.TxDropped)
		}
	}
	if !live {
		return c
	}
	c.LinkState = st
	s := ifSample{at: now, rxBytes: st.RxBytes, txBytes: st.TxBytes, rx: st.RxPackets, tx: st.TxPackets}
	if p, ok := b.last[name]; ok && now.After(p.at) {
		d := now.Sub(p.at).Seconds()
		rate := func(a, b uint64, scale float64) uint64 { return uint64(float64(sub(a, b)) * scale / d) }
		c.inBps, c.outBps = rate(s.rxBytes, p.rxBytes, 8), rate(s.txBytes, p.txBytes, 8)
		c.inPps, c.outPps = rate(s.rx, p.rx, 1), rate(s.tx, p.tx, 1)
	}
	if b.last == nil {
		b.last = map[string]ifSample{}
	}
	b.last[name] = s
	return c
}

func clearInterfacesCommands() []*Command {
	return []*Command{
		{Words: []string{"clear", "interfaces", "statistics"}, RPC: "clear-interfaces-statistics",
			Help: "Clear statistics on an interface",
			Args: []Arg{{Name: "interface-name", Positional: true, Help: "Name of physical or logical interface"}},
			Run:  clearInterfaces},
		{Words: []string{"clear", "interfaces", "statistics", "all"}, RPC: "clear-interfaces-statistics-all",
			Help: "Clear statistics on all interfaces", Run: clearInterfacesAll},
	}
}

func clearInterfaces(ctx context.Context, s *Session, a Args, p *Pipeline, w io.Writer) (*Elem, error) {
	if a["interface-name"] == "" {
		return nil, fmt.Errorf("missing argument: interface-name (or all)")
	}
	return clearStatistics(s, a["interface-name"])
}

func clearInterfacesAll(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	return clearStatistics(s, "")
}

// clearStatistics sets the baseline of the named interface (its units
// too) or, name "", of every interface.
func clearStatistics(s *Session, name string) (*Elem, error) {
	var names []string
	for _, ifd := range s.eng.Configd.Active().ActiveChild("interfaces").ActiveNamed("interface") {
		if name == "" || ifname.Within(name, ifd.Key) {
			if !ifname.HasUnit(name) {
				names = append(names, ifd.Key)
			}
			for _, u := range ifd.ActiveNamed("unit") {
				l := ifname.Unit(ifd.Key, u.Key)
				if !ifname.HasUnit(name) || ifname.Logical(name) == l {
					names = append(names, l)
				}
			}
		}
	}
	if name == "" {
		names = append(names, "lo0")
	}
	if name != "" && len(names) == 0 {
		if name != "lo0" {
			return nil, fmt.Errorf("device %s not found", name)
		}
		names = []string{"lo0"}
	}
	now := s.eng.Configd.Clock().Now()
	b := &s.eng.ifBook
	for _, n := range names {
		st, _ := s.eng.link(n)
		b.mu.Lock()
		if b.cleared == nil {
			b.cleared = map[string]ifBaseline{}
		}
		b.cleared[n] = ifBaseline{at: now, st: st}
		delete(b.last, n)
		b.mu.Unlock()
	}
	return nil, nil
}
