package services

import (
	"context"
	"fmt"
	"io"
	"strconv"

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
		&cli.Command{Words: []string{"show", "services", "sessions"}, RPC: "get-service-sessions-information",
			Help: "Show services sessions",
			Args: []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set"},
				{Name: "interface", Value: true, Help: "Service interface or bound interface (ms-0/0/0, ge-0/0/0.0)"},
				{Name: "source-prefix", Value: true, Help: "Source prefix"},
				{Name: "destination-prefix", Value: true, Help: "Destination prefix"},
				{Name: "application-protocol", Value: true, Help: "Protocol (tcp, udp, icmp, icmp6)"},
				{Name: "count", Help: "Show the number of sessions only"},
				{Name: "limit", Value: true, Help: "Maximum number of sessions to display"},
				{Name: "brief", Help: "Display brief output (default)"},
				{Name: "extensive", Help: "Display each plug-in's session state"}},
			Run: c.showSessions, Text: textSessions},
		&cli.Command{Words: []string{"clear", "services", "sessions"}, RPC: "clear-service-sessions",
			Help: "Clear services sessions",
			Args: []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set"}},
			Run:  c.clearSessions},
		&cli.Command{Words: []string{"show", "services", "service-sets", "cpu-usage"},
			RPC: "get-service-set-cpu-statistics", Help: "Show service-set CPU usage (since the previous show)",
			Run: c.showCPU, Text: textCPU},
		&cli.Command{Words: []string{"show", "services", "service-sets", "statistics", "packet-drops"},
			RPC: "get-service-set-packet-drop-information", Help: "Show service-set packet drops",
			Run: c.showDrops, Text: textDrops},
	)
}

var protoByName = map[string]uint8{"tcp": pic.ProtoTCP, "udp": pic.ProtoUDP, "icmp": pic.ProtoICMP, "icmp6": pic.ProtoICMPv6}

var protoNames = map[uint8]string{pic.ProtoTCP: "TCP", pic.ProtoUDP: "UDP", pic.ProtoICMP: "ICMP", pic.ProtoICMPv6: "ICMPV6"}

func (c *commands) showSessions(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	q := &picd.Query{Sessions: true, ServiceSet: a["service-set"], Interface: a["interface"], Extensive: a.Has("extensive")}
	var err error
	if q.Source, err = prefixArg(a, "source-prefix"); err != nil {
		return nil, err
	}
	if q.Dest, err = prefixArg(a, "destination-prefix"); err != nil {
		return nil, err
	}
	if p := a["application-protocol"]; p != "" {
		n, ok := protoByName[p]
		if !ok {
			return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting tcp, udp, icmp or icmp6: %s", p)
		}
		q.Proto = n
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
	e := cli.E("service-sessions-information")
	for _, r := range replies {
		if q.Count {
			e.Add(cli.E("service-sessions-pic", cli.T("interface-name", serviceIf(r.Slot)),
				cli.T("session-count", strconv.Itoa(r.Status.SessionCount))))
			continue
		}
		sessions, err := c.morePages(ctx, r, q, limit)
		if err != nil {
			return nil, err
		}
		pe := cli.E("service-sessions-pic", cli.T("interface-name", serviceIf(r.Slot)),
			cli.T("session-count", strconv.Itoa(len(sessions))))
		for _, ss := range sessions {
			pe.Add(sessionElem(&ss))
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

func sessionElem(ss *pic.SessionInfo) *cli.Elem {
	proto := protoNames[ss.Proto]
	if proto == "" {
		proto = strconv.Itoa(int(ss.Proto))
	}
	e := cli.E("service-session", cli.T("service-set-name", ss.ServiceSet),
		cli.T("protocol", proto), cli.T("data-core", strconv.Itoa(ss.Core)),
		cli.T("session-state", ss.TCP), cli.T("inactivity-timeout", strconv.Itoa(int(ss.Timeout))),
		cli.T("idle-seconds", strconv.Itoa(int(ss.Idle.Seconds()))))
	for i, f := range ss.Flows {
		e.Add(cli.E("flow", cli.T("direction", [2]string{"Forward", "Reverse"}[i]),
			cli.T("source-address", f.Src.String()), cli.T("destination-address", f.Dst.String()),
			cli.T("packets", strconv.FormatUint(f.Packets, 10)), cli.T("bytes", strconv.FormatUint(f.Bytes, 10))))
	}
	for _, p := range ss.Plugins {
		e.Add(cli.E("plugin-state", cli.T("plugin-name", p.Plugin), cli.T("description", p.Text)))
	}
	return e
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
	e := cli.E("service-set-packet-drop-information")
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
