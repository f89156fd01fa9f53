package services

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// sessionCommands adds the data-path commands: show/clear services
// sessions, the service-sets' CPU usage and packet-drop statistics. The
// sessions live on the PICs' data cores; each command asks every
// connected PIC, which filters its sessions itself.
func (c *commands) sessionCommands(t *cli.Table) {
	t.Describe("clear services", "Clear services information")
	t.Describe("show services service-sets statistics", "Show service-set statistics")
	t.Add(
		&cli.Command{Words: []string{"show", "services", "sessions"}, RPC: SessionsRPC,
			Help: "Show services sessions",
			Args: []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set"},
				{Name: "interface", Value: true, Help: "Service interface or bound interface (ms-0/0/0, ge-0/0/0.0)"},
				{Name: "source-prefix", Value: true, Help: "Source prefix"},
				{Name: "destination-prefix", Value: true, Help: "Destination prefix"},
				{Name: "source-port", Value: true, Help: "Source port (0..65535)"},
				{Name: "destination-port", Value: true, Help: "Destination port (0..65535)"},
				{Name: "protocol", Value: true, Help: "IP protocol type (number, tcp, udp, icmp, icmp6, ...)"},
				{Name: "application-protocol", Value: true, Help: "Application protocol: gnos has no ALGs, so tcp, udp, icmp or icmp6 as protocol"},
				{Name: "count", Help: "Display a count of the matching entries"},
				{Name: "limit", Value: true, Help: "Maximum number of entries to display"},
				{Name: "brief", Help: "Display brief output (default)"},
				{Name: "extensive", Help: "Display extensive output: byte counts, flow roles, each plug-in's session state"},
				{Name: "terse", Help: "Display terse output: the flows only"}},
			Run: c.showSessions, Text: textSessions},
		&cli.Command{Words: []string{"clear", "services", "sessions"}, RPC: "clear-service-sessions",
			Help: "Clear services sessions",
			Args: []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set"}},
			Run:  c.clearSessions},
		&cli.Command{Words: []string{"show", "services", "service-sets", "cpu-usage"},
			RPC: "get-service-set-cpu-statistics", Help: "Show service-set CPU usage (since the previous show)",
			Run: c.showCPU, Text: textCPU},
		&cli.Command{Words: []string{"show", "services", "service-sets", "statistics", "packet-drops"},
			RPC: "get-service-set-packet-drop-statistics", Help: "Show service-set packet drops",
			Run: c.showDrops, Text: textDrops},
	)
}

// SessionsRPC is show services sessions' RPC, as Junos' XML API names it
// (services_methods: get-msp-session-table, reply msp-session-table;
// with count, service-msp-sess-count-information).
const SessionsRPC = "get-msp-session-table"

// protoByName are the protocols the traffic generator makes and
// application-protocol takes.
var protoByName = map[string]uint8{"tcp": pic.ProtoTCP, "udp": pic.ProtoUDP, "icmp": pic.ProtoICMP, "icmp6": pic.ProtoICMPv6}

// ipTypes are the protocol names show services sessions protocol takes,
// as Junos spells them (numbers are taken too).
var ipTypes = map[string]uint8{"tcp": pic.ProtoTCP, "udp": pic.ProtoUDP, "icmp": pic.ProtoICMP, "icmp6": pic.ProtoICMPv6,
	"ah": 51, "esp": 50, "gre": 47, "igmp": 2, "ipip": 4, "ospf": 89, "pim": 103, "rsvp": 46, "sctp": 132, "egp": 8}

func (c *commands) showSessions(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	q := &picd.Query{Sessions: true, ServiceSet: a["service-set"], Interface: a["interface"], Extensive: a.Has("extensive")}
	var err error
	if q.Source, err = prefixArg(a, "source-prefix"); err != nil {
		return nil, err
	}
	if q.Dest, err = prefixArg(a, "destination-prefix"); err != nil {
		return nil, err
	}
	for _, k := range []string{"protocol", "application-protocol"} {
		if p, ok := a[k]; ok {
			if q.Proto, err = protoArg(k, p); err != nil {
				return nil, err
			}
		}
	}
	if q.SrcPort, err = portArg(a, "source-port"); err != nil {
		return nil, err
	}
	if q.DstPort, err = portArg(a, "destination-port"); err != nil {
		return nil, err
	}
	limit := 0 // all
	if v, ok := a["limit"]; ok {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return nil, errkind.Errorf(errkind.Invalid, "invalid limit: %s (expecting a number of sessions, 1 or more)", v)
		}
	}
	q.Count = a.Has("count")
	q.Limit = pageSize(limit, 0)
	replies, err := c.b.QueryPICs(ctx, q)
	if err != nil {
		return nil, err
	}
	if q.Count {
		e := cli.E("service-msp-sess-count-information")
		for _, r := range replies {
			ce := cli.E("service-msp-sess-count", cli.T("interface-name", serviceIf(r.Slot)))
			if q.ServiceSet != "" {
				ce.Add(cli.T("service-set-name", q.ServiceSet))
			}
			e.Add(ce.Add(cli.T("sess-count", strconv.Itoa(r.Status.SessionCount))))
		}
		return e, nil
	}
	e := cli.E("msp-session-table")
	e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: sessionStyle(a)}}
	for _, r := range replies {
		sessions, err := c.morePages(ctx, r, q, limit)
		if err != nil {
			return nil, err
		}
		pe := cli.E("msp-session-pic", cli.T("interface-name", serviceIf(r.Slot)),
			cli.T("session-count", strconv.Itoa(len(sessions))))
		for _, ss := range sessions {
			pe.Add(sessionElem(&ss, q.Extensive))
		}
		e.Add(pe)
	}
	return e, nil
}

// morePages completes a PIC's first page of sessions with the pages after
// it, up to limit sessions (0: all), and sorts them (a PIC lists in the
// order of its tables).
func (c *commands) morePages(ctx context.Context, r servicesd.PICReply, q *picd.Query, limit int) ([]pic.SessionInfo, error) {
	sessions := r.Status.Sessions
	for next := r.Status.Next; next != nil && (limit == 0 || len(sessions) < limit); {
		pq := *q
		pq.Cursor, pq.Limit = next, pageSize(limit, len(sessions))
		st, err := c.b.PICQuery(ctx, r.Slot, &pq)
		if err != nil {
			return nil, err
		}
		sessions, next = append(sessions, st.Sessions...), st.Next
	}
	if limit > 0 && len(sessions) > limit {
		sessions = sessions[:limit]
	}
	dataplane.SortSessions(sessions)
	return sessions, nil
}

// pageSize is the page to ask for when have of limit (0: all) sessions
// are in.
func pageSize(limit, have int) int {
	if limit == 0 {
		return dataplane.MaxPage
	}
	return min(limit-have, dataplane.MaxPage)
}

// sessionStyle is the level of output asked for: brief (the default),
// extensive or terse.
func sessionStyle(a cli.Args) string {
	switch {
	case a.Has("extensive"):
		return "extensive"
	case a.Has("terse"):
		return "terse"
	}
	return "brief"
}

// sessionElem is one session in Junos' terms: its service-set and
// identifier, the header flags Junos prints (gnos has no ALGs, IP
// actions, offload or asymmetric sessions: none, 0x0 and no), then each
// flow with its state (Forward: the session passes), the side it arrives
// by (I: input, O: output) and its frame count; extensive adds byte
// counts, flow roles, the timeout and each plugin's state, and gnos' own
// data (data core, TCP state, idle time).
func sessionElem(ss *pic.SessionInfo, extensive bool) *cli.Elem {
	e := cli.E("msp-session", cli.T("service-set-name", ss.ServiceSet),
		cli.T("session-id", strconv.FormatUint(uint64(ss.Session), 10)),
		cli.T("alg", "none"), cli.T("session-flags", "0x0"), cli.T("ip-action", "no"),
		cli.T("offload", "no"), cli.T("asymmetric", "no"),
		cli.T("session-timeout", strconv.Itoa(int(ss.Timeout))),
		cli.T("data-core", strconv.Itoa(ss.Core)))
	if ss.TCP != "" {
		e.Add(cli.T("session-state", ss.TCP))
	}
	e.Add(cli.T("idle-seconds", strconv.Itoa(int(ss.Idle.Seconds()))))
	for _, p := range ss.Plugins {
		e.Add(cli.E("plugin-data", cli.T("plugin-name", p.Plugin), cli.T("description", p.Text)))
	}
	dirs, roles := [2]string{"I", "O"}, [2]string{"Initiator", "Responder"}
	if ss.Side == pic.Output.String() {
		dirs = [2]string{"O", "I"}
	}
	ports := ss.Proto == pic.ProtoTCP || ss.Proto == pic.ProtoUDP
	for i, f := range ss.Flows {
		fe := cli.E("flow-information", cli.T("protocol", pic.ProtoName(ss.Proto)),
			cli.T("source-address", f.Src.Addr().String()))
		if ports {
			fe.Add(cli.T("source-port", strconv.Itoa(int(f.Src.Port()))))
		}
		fe.Add(cli.T("destination-address", f.Dst.Addr().String()))
		if ports {
			fe.Add(cli.T("destination-port", strconv.Itoa(int(f.Dst.Port()))))
		}
		fe.Add(cli.T("flow-state", "Forward"), cli.T("direction", dirs[i]),
			cli.T("frame-count", strconv.FormatUint(f.Packets, 10)))
		if extensive {
			fe.Add(cli.T("byte-count", strconv.FormatUint(f.Bytes, 10)), cli.T("flow-role", roles[i]),
				cli.T("flow-timeout", strconv.Itoa(int(ss.Timeout))))
		}
		e.Add(fe)
	}
	return e
}

// protoArg reads a protocol argument: a name or a number 0..255.
func protoArg(k, v string) (uint8, error) {
	names := protoByName
	if k == "protocol" {
		names = ipTypes
	}
	if n, ok := names[v]; ok {
		return n, nil
	}
	if n, err := strconv.ParseUint(v, 10, 8); err == nil && k == "protocol" {
		return uint8(n), nil
	}
	if k == "protocol" {
		return 0, errkind.Errorf(errkind.Invalid, "invalid value for protocol: %q (expecting a number 0..255 or one of %s)", v, protoList())
	}
	return 0, errkind.Errorf(errkind.Invalid, "syntax error, expecting tcp, udp, icmp or icmp6: %s", v)
}

func protoList() string {
	names := make([]string, 0, len(ipTypes))
	for n := range ipTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// portArg reads a port argument (0..65535); nil when absent.
func portArg(a cli.Args, k string) (*uint16, error) {
	v, ok := a[k]
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return nil, errkind.Errorf(errkind.Invalid, "invalid value for %s: %q (expecting a port, 0..65535)", k, v)
	}
	p := uint16(n)
	return &p, nil
}

func (c *commands) clearSessions(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	_, err := c.b.QueryPICs(ctx, &picd.Query{Clear: true, ServiceSet: a["service-set"]})
	return nil, err
}

func (c *commands) showDrops(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	replies, err := c.b.QueryPICs(ctx, nil)
	if err != nil {
		return nil, err
	}
	e := cli.E("service-set-packet-drop-statistics")
	for _, r := range replies {
		d := r.Status.DataPath
		if d == nil {
			continue
		}
		u := func(v uint64) string { return strconv.FormatUint(v, 10) }
		e.Add(cli.E("service-set-packet-drops", cli.T("interface-name", serviceIf(r.Slot)),
			cli.T("sessions", strconv.FormatInt(d.Sessions, 10)), cli.T("input-packets", u(d.Rx)),
			cli.T("output-packets", u(d.Tx)), cli.T("policy-drops", u(d.DropPolicy)),
			cli.T("memlimit-drops", u(d.DropMemlimit)), cli.T("max-flows-drops", u(d.DropMaxFlows)),
			cli.T("malformed-drops", u(d.DropParse)), cli.T("no-service-set-drops", u(d.DropNoSet)),
			cli.T("rejects", u(d.Rejects)), cli.T("icmp-unrelated-drops", u(d.DropICMPUnrelated)),
			cli.T("fragmented-datagrams", u(d.FragDatagrams)), cli.T("fragments-held", u(d.FragHeld)),
			cli.T("frag-no-session-drops", u(d.DropFragOrphan)), cli.T("frag-timeout-drops", u(d.DropFragTimeout)),
			cli.T("frag-memlimit-drops", u(d.DropFragMemlimit)), cli.T("frag-limit-drops", u(d.DropFragLimit)),
			cli.T("nd-passed", u(d.NDPassed)), cli.T("mss-clamped", u(d.MSSClamped))))
	}
	return e, nil
}

func (c *commands) showCPU(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	replies, err := c.b.QueryPICs(ctx, &picd.Query{CPU: true})
	if err != nil {
		return nil, err
	}
	e := cli.E("service-set-cpu-statistics-information")
	for _, r := range replies {
		for _, u := range r.Status.CPU {
			e.Add(cli.E("service-set-cpu-statistics", cli.T("interface-name", serviceIf(r.Slot)),
				cli.T("service-set-name", u.Name), cli.T("cpu-utilization-percent", fmt.Sprintf("%.2f", u.Percent))))
		}
	}
	return e, nil
}
