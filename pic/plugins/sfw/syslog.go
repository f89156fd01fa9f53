package sfw

import (
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/gnos/gnos/pic"
)

// A term with `then syslog` logs each session it decides, as Junos'
// stateful firewall does:
//
//	{ss1}[FWNAT]: JSERVICES_SFW_RULE_ACCEPT: proto 6 (TCP) application: junos-http, 10.1.0.1:33005 -> 192.0.2.10:80, Match SFW accept rule-set: , rule: fw, term: web
//
// The data core records the decision in its event queue (no allocation;
// a full queue drops the line and counts it) and the control core formats
// and emits it (ReportEvents, about once a second).

// eventsPerCore bounds the decisions a core keeps between two reports.
const eventsPerCore = 1024

// Event tags by the term's action.
var eventTags = map[pic.Result]string{pic.ResultForward: "JSERVICES_SFW_RULE_ACCEPT",
	pic.Drop: "JSERVICES_SFW_RULE_DISCARD", pic.Reject: "JSERVICES_SFW_RULE_REJECT"}

// record queues the decision of rule ri term ti about c's session.
func (d *Data) record(c *pic.DataCtx, ri, ti int, app *pic.AppMatch) {
	ev := pic.Event{ServiceSet: c.ServiceSet, Key: c.Session.Key(pic.Forward), Policy: c.Policy,
		A: uint32(ri), B: uint32(ti)}
	if app != nil {
		ev.Ref = app
	}
	d.events.Put(c.Core, &ev)
}

// ReportEvents emits the decisions recorded since the last report, and a
// line for those a full queue dropped.
func (d *Data) ReportEvents(sets []pic.ShowSet, emit func(pic.Message)) {
	if d.events == nil {
		return
	}
	names := make(map[uint32]string, len(sets))
	for _, s := range sets {
		names[s.ID] = s.Name
	}
	d.events.Drain(pic.MaxMessages, func(ev *pic.Event) {
		if m, ok := formatDecision(ev); ok {
			m.ServiceSet = names[ev.ServiceSet]
			emit(m)
		}
	})
	if n := d.events.Dropped(); n > d.reportedDrops {
		emit(pic.Message{Tag: "JSERVICES_SFW_LOG_DROPPED", Level: slog.LevelWarn,
			Text: fmt.Sprintf("%d stateful firewall syslog messages dropped (queue full)", n-d.reportedDrops)})
		d.reportedDrops = n
	}
}

// formatDecision renders a recorded decision.
func formatDecision(ev *pic.Event) (pic.Message, bool) {
	pol, _ := ev.Policy.(*Policy)
	if pol == nil || int(ev.A) >= len(pol.Rules) || int(ev.B) >= len(pol.Rules[ev.A].Terms) {
		return pic.Message{}, false
	}
	r := &pol.Rules[ev.A]
	t := &r.Terms[ev.B]
	app := "any"
	if am, _ := ev.Ref.(*pic.AppMatch); am != nil {
		for i := range t.match.Apps {
			if &t.match.Apps[i] == am && i < len(t.Apps) {
				app = t.Apps[i].Name
			}
		}
	}
	k := &ev.Key
	text := fmt.Sprintf("proto %d (%s) application: %s, %s -> %s, Match SFW %s rule-set: , rule: %s, term: %s",
		k.Proto, pic.ProtoName(k.Proto), app, endpoint(k.SrcAddr(), k.SPort, k.Proto), endpoint(k.DstAddr(), k.DPort, k.Proto),
		t.Action, r.Name, t.Name)
	return pic.Message{Tag: eventTags[t.action], Level: slog.LevelInfo, Text: text}, true
}

// endpoint is addr:port for TCP and UDP, the address alone otherwise.
func endpoint(a netip.Addr, port uint16, proto uint8) string {
	if proto == pic.ProtoTCP || proto == pic.ProtoUDP {
		return netip.AddrPortFrom(a, port).String()
	}
	return a.String()
}
