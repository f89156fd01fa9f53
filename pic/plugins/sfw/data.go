package sfw

import (
	"fmt"
	"io"
	"strconv"
	"sync/atomic"

	"github.com/gnos/gnos/pic"
)

// Prepare builds the data-path form of the policy (on the control core,
// before it is published).
func (p *Policy) Prepare() error {
	for i := range p.Rules {
		r := &p.Rules[i]
		for j := range r.Terms {
			t := &r.Terms[j]
			m, err := pic.CompileMatch(pic.Addresses{Src: t.Sources, SrcExcept: t.SourcesExcept,
				Dst: t.Destinations, DstExcept: t.DestinationsExcept}, t.Apps)
			if err != nil {
				return fmt.Errorf("rule %s term %s: %w", r.Name, t.Name, err)
			}
			t.match = m
			t.action = actions[t.Action]
		}
	}
	return nil
}

var actions = map[string]pic.Result{"accept": pic.ResultForward, "discard": pic.Drop, "reject": pic.Reject}

// The firewall's decision for a session is one word kept inside the
// session (pic.SetWord: no object, no cache line of its own): the rule
// and term that accepted it, (rule+1)<<16 | term; 0 until then.
func verdict(rule, term int) uint32 { return uint32(rule+1)<<16 | uint32(term) }

func decode(w uint32) (rule, term int, ok bool) { return int(w>>16) - 1, int(w & 0xffff), w != 0 }

// Counters are the stateful firewall's per-core counters.
type Counters struct {
	Accepted, Discarded, Rejected, NoMatch, NonSYN atomic.Uint64
	_                                              [24]byte
}

// Data is the stateful firewall's data handler. The first packet of a
// session is matched against the service-set's rules in order (rules whose
// match-direction fits the side the session started on), terms in order;
// the first matching term decides: accept opens the session, discard
// drops, reject drops and answers (TCP RST / ICMP unreachable). A session
// no term matches is discarded, and a TCP session must begin with a SYN.
// Later packets of an accepted session pass without a lookup: that is the
// state in stateful.
type Data struct {
	counters []Counters
	events   *pic.EventRing // terms with `then syslog` (syslog.go)

	reportedDrops uint64 // events.Dropped() at the last report (control core)
}

// Totals returns the per-core counters summed.
func (d *Data) Totals() (accepted, discarded, rejected, nomatch, nonsyn uint64) {
	for i := range d.counters {
		c := &d.counters[i]
		accepted += c.Accepted.Load()
		discarded += c.Discarded.Load()
		rejected += c.Rejected.Load()
		nomatch += c.NoMatch.Load()
		nonsyn += c.NonSYN.Load()
	}
	return
}

func inc(c *atomic.Uint64) { c.Store(c.Load() + 1) }

// FirstPacketOnly: the firewall decides on a session's first packet;
// its later packets pass without a call (pic.FirstPacketOnly).
func (d *Data) FirstPacketOnly() {}

// SessionEvents: the firewall keeps nothing in a session to free or to
// note on its close (pic.SessionEvents).
func (d *Data) SessionEvents() pic.EventSet { return 0 }

// Data handles the data events.
func (d *Data) Data(ev pic.DataEvent, c *pic.DataCtx) pic.Result {
	switch ev {
	case pic.EvSessionManagerInit:
		d.counters = make([]Counters, c.Cores)
		d.events = pic.NewEventRing(c.Cores, eventsPerCore)
	case pic.EvFirstPacket:
		return d.first(c)
	}
	return pic.OK
}

func (d *Data) first(c *pic.DataCtx) pic.Result {
	pol, _ := c.Policy.(*Policy)
	cnt := &d.counters[c.Core]
	if pol == nil {
		return pic.ResultForward
	}
	p, s := c.Packet, c.Session
	if p.Proto == pic.ProtoTCP && p.TCPFlags&(pic.TCPSyn|pic.TCPAck|pic.TCPRst) != pic.TCPSyn {
		inc(&cnt.NonSYN)
		return pic.Drop
	}
	k := &c.Keys[pic.Forward]
	for ri := range pol.Rules {
		r := &pol.Rules[ri]
		if !r.Applies(s.Side) {
			continue
		}
		for ti := range r.Terms {
			t := &r.Terms[ti]
			ok, app := t.match.Matches(k, p.ICMPType, p.ICMPCode)
			if !ok {
				continue
			}
			if t.Syslog {
				d.record(c, ri, ti, app)
			}
			switch t.action {
			case pic.Drop:
				inc(&cnt.Discarded)
				return pic.Drop
			case pic.Reject:
				inc(&cnt.Rejected)
				return pic.Reject
			}
			pic.SetWord(c, verdict(ri, ti))
			if app != nil {
				s.SetTimeout(app.Timeout)
			}
			inc(&cnt.Accepted)
			return pic.ResultForward
		}
	}
	inc(&cnt.NoMatch)
	return pic.Drop
}

// Describe shows the rule and term that accepted the session.
func (d *Data) Describe(c *pic.DataCtx) string {
	pol, _ := c.Policy.(*Policy)
	ri, ti, ok := decode(pic.Word(c))
	if !ok || pol == nil || ri >= len(pol.Rules) || ti >= len(pol.Rules[ri].Terms) {
		return "accepted"
	}
	r := &pol.Rules[ri]
	return fmt.Sprintf("accepted by rule %s term %s", r.Name, r.Terms[ti].Name)
}

// StatisticsRPC is the RPC of show services stateful-firewall statistics.
const StatisticsRPC = "get-service-sfw-statistics-information"

// Show answers show services stateful-firewall statistics: the session
// decisions of the PIC's data cores.
func (d *Data) Show(command string, _ []pic.ShowSet) []pic.ShowRow {
	if command != StatisticsRPC {
		return nil
	}
	a, di, r, nm, ns := d.Totals()
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	return []pic.ShowRow{{{Name: "sessions-accepted", Value: u(a)}, {Name: "sessions-discarded", Value: u(di)},
		{Name: "sessions-rejected", Value: u(r)}, {Name: "no-rule-matched", Value: u(nm)},
		{Name: "tcp-non-syn-drops", Value: u(ns)}}}
}

// TextStatistics renders show services stateful-firewall statistics in
// Junos' layout: per services interface the new flows' rule decisions,
// the drops and the errors; extensive adds the TCP errors' detail. The
// firewall counts per PIC (its data cores' counters), not per
// service-set, so no "Service set:" block is printed; "No rule matched"
// (sessions no term decided, discarded) is gnos' own line under Drops.
func TextStatistics(w io.Writer, iface, style string, rows []pic.ShowRow) {
	fmt.Fprintf(w, "Interface: %s\n", iface)
	for _, r := range rows {
		fmt.Fprintf(w, "    New flows:\n      Rule Accepts: %s, Rule Discards: %s, Rule Rejects: %s\n",
			r.Field("sessions-accepted"), r.Field("sessions-discarded"), r.Field("sessions-rejected"))
		fmt.Fprintf(w, "    Drops:\n      No rule matched: %s\n", r.Field("no-rule-matched"))
		fmt.Fprintf(w, "    Errors:\n      TCP: %s\n", r.Field("tcp-non-syn-drops"))
		if style == "extensive" {
			fmt.Fprintf(w, "    TCP Errors:\n      Non-SYN first packet: %s\n", r.Field("tcp-non-syn-drops"))
		}
	}
}

// FlowsRPC and ClearFlowsRPC are the RPCs of show and clear services
// stateful-firewall flows.
const (
	FlowsRPC      = "get-service-sfw-flow-information"
	ClearFlowsRPC = "clear-service-sfw-flow-table"
)

// ShowSession answers show services stateful-firewall flows: the two flows
// of every session the firewall accepted, with the side each arrives by
// (I: input, O: output) and its frame count.
func (d *Data) ShowSession(command string, c *pic.DataCtx, s *pic.SessionInfo) []pic.ShowRow {
	if _, _, ok := decode(pic.Word(c)); command != FlowsRPC || !ok {
		return nil
	}
	dirs := [2]string{"I", "O"}
	if s.Side == pic.Output.String() {
		dirs = [2]string{"O", "I"}
	}
	rows := make([]pic.ShowRow, 0, 2)
	for i, f := range s.Flows {
		rows = append(rows, pic.ShowRow{{Name: "service-set-name", Value: s.ServiceSet},
			{Name: "protocol", Value: pic.ProtoName(s.Proto)},
			{Name: "source-address", Value: f.Src.String()}, {Name: "destination-address", Value: f.Dst.String()},
			{Name: "flow-state", Value: "Forward"}, {Name: "direction", Value: dirs[i]},
			{Name: "frame-count", Value: strconv.FormatUint(f.Packets, 10)}})
	}
	return rows
}

// TextFlows renders show services stateful-firewall flows as Junos does:
// a header per service-set, then one line per flow.
func TextFlows(w io.Writer, iface string, rows []pic.ShowRow) {
	set := ""
	for _, r := range rows {
		if ss := r.Field("service-set-name"); ss != set || set == "" {
			set = ss
			fmt.Fprintf(w, "Interface: %s, Service set: %s\n", iface, ss)
			fmt.Fprintf(w, "%-52s %-8s %-4s %10s\n", "Flow", "State", "Dir", "Frm count")
		}
		flow := fmt.Sprintf("%-6s %21s -> %-21s", r.Field("protocol"), r.Field("source-address"), r.Field("destination-address"))
		fmt.Fprintf(w, "%-52s %-8s %-4s %10s\n", flow, r.Field("flow-state"), r.Field("direction"), r.Field("frame-count"))
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "Interface: %s\nNumber of flows: 0\n", iface)
	}
}
