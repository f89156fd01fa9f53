package servicesd

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/picd"
)

// sessionCommands adds the data-path commands: show/clear services
// sessions and the service-sets' packet-drop statistics. The sessions
// live on the PICs' data cores; each command asks every connected PIC.
func (s *Servicesd) sessionCommands(t *cli.Table) {
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
				{Name: "brief", Help: "Display brief output (default)"},
				{Name: "extensive", Help: "Display each plug-in's session state"}},
			Run: s.showSessions, Text: textSessions},
		&cli.Command{Words: []string{"clear", "services", "sessions"}, RPC: "clear-service-sessions",
			Help: "Clear services sessions",
			Args: []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set"}},
			Run:  s.clearSessions},
		&cli.Command{Words: []string{"show", "services", "service-sets", "cpu-usage"},
			RPC: "get-service-set-cpu-statistics", Help: "Show service-set CPU usage (since the previous show)",
			Run: s.showCPU, Text: textCPU},
		&cli.Command{Words: []string{"show", "services", "service-sets", "statistics", "packet-drops"},
			RPC: "get-service-set-packet-drop-information", Help: "Show service-set packet drops",
			Run: s.showDrops, Text: textDrops},
	)
}

var protoByName = map[string]uint8{"tcp": pic.ProtoTCP, "udp": pic.ProtoUDP, "icmp": pic.ProtoICMP, "icmp6": pic.ProtoICMPv6}

var protoNames = map[uint8]string{pic.ProtoTCP: "TCP", pic.ProtoUDP: "UDP", pic.ProtoICMP: "ICMP", pic.ProtoICMPv6: "ICMPV6"}

func (s *Servicesd) showSessions(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
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
	e := cli.E("service-sessions-information")
	for _, slot := range s.Slots() {
		st, err := s.PICQuery(ctx, slot, q)
		if err != nil {
			continue // not connected: nothing to show
		}
		pe := cli.E("service-sessions-pic", cli.T("interface-name", serviceIf(slot)),
			cli.T("session-count", strconv.Itoa(len(st.Sessions))))
		if !a.Has("count") {
			for _, ss := range st.Sessions {
				pe.Add(sessionElem(&ss))
			}
		}
		e.Add(pe)
	}
	return e, nil
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

func textSessions(w io.Writer, e *cli.Elem) {
	for _, pe := range e.All("service-sessions-pic") {
		fmt.Fprintln(w, pe.Val("interface-name"))
		sessions := pe.All("service-session")
		if len(sessions) == 0 {
			fmt.Fprintf(w, "Number of sessions: %s\n", pe.Val("session-count"))
			continue
		}
		for _, ss := range sessions {
			state := ""
			if st := ss.Val("session-state"); st != "" {
				state = ", State: " + st
			}
			fmt.Fprintf(w, "Service Set: %s, Core: %s%s, Timeout: %s, Idle: %ss\n", ss.Val("service-set-name"),
				ss.Val("data-core"), state, ss.Val("inactivity-timeout"), ss.Val("idle-seconds"))
			for _, f := range ss.All("flow") {
				fmt.Fprintf(w, "%-6s %28s -> %-28s %-8s %10s %12s\n", ss.Val("protocol"), f.Val("source-address"),
					f.Val("destination-address"), f.Val("direction"), f.Val("packets"), f.Val("bytes"))
			}
			for _, p := range ss.All("plugin-state") {
				fmt.Fprintf(w, "  %s: %s\n", p.Val("plugin-name"), p.Val("description"))
			}
		}
	}
}

func (s *Servicesd) clearSessions(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	for _, slot := range s.Slots() {
		_, _ = s.PICQuery(ctx, slot, &picd.Query{Clear: true, ServiceSet: a["service-set"]})
	}
	return nil, nil
}

func (s *Servicesd) showDrops(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	e := cli.E("service-set-packet-drop-information")
	for _, slot := range s.Slots() {
		st, err := s.PICStatus(ctx, slot)
		if err != nil || st.DataPath == nil {
			continue
		}
		d := st.DataPath
		u := func(v uint64) string { return strconv.FormatUint(v, 10) }
		e.Add(cli.E("service-set-packet-drops", cli.T("interface-name", serviceIf(slot)),
			cli.T("sessions", strconv.FormatInt(d.Sessions, 10)), cli.T("input-packets", u(d.Rx)),
			cli.T("output-packets", u(d.Tx)), cli.T("policy-drops", u(d.DropPolicy)),
			cli.T("memlimit-drops", u(d.DropMemlimit)), cli.T("max-flows-drops", u(d.DropMaxFlows)),
			cli.T("malformed-drops", u(d.DropParse)), cli.T("no-service-set-drops", u(d.DropNoSet)),
			cli.T("rejects", u(d.Rejects))))
	}
	return e, nil
}

func (s *Servicesd) showCPU(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	e := cli.E("service-set-cpu-statistics-information")
	for _, slot := range s.Slots() {
		st, err := s.PICQuery(ctx, slot, &picd.Query{CPU: true})
		if err != nil {
			continue
		}
		for _, u := range st.CPU {
			e.Add(cli.E("service-set-cpu-statistics", cli.T("interface-name", serviceIf(slot)),
				cli.T("service-set-name", u.Name), cli.T("cpu-utilization-percent", fmt.Sprintf("%.2f", u.Percent))))
		}
	}
	return e, nil
}

func textCPU(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "%-14s %-32s %s\n", "Interface", "Service Set", "CPU Utilization %")
	for _, c := range e.All("service-set-cpu-statistics") {
		fmt.Fprintf(w, "%-14s %-32s %17s\n", c.Val("interface-name"), c.Val("service-set-name"), c.Val("cpu-utilization-percent"))
	}
}

func textDrops(w io.Writer, e *cli.Elem) {
	for _, d := range e.All("service-set-packet-drops") {
		fmt.Fprintf(w, "Interface: %s\n", d.Val("interface-name"))
		for _, k := range []string{"sessions", "input-packets", "output-packets", "policy-drops", "memlimit-drops",
			"max-flows-drops", "malformed-drops", "no-service-set-drops", "rejects"} {
			fmt.Fprintf(w, "  %-22s %s\n", strings.ReplaceAll(k, "-", " ")+":", d.Val(k))
		}
	}
}

// pluginCommands adds every registered plugin's own commands: each asks
// the PICs, whose plugin data handler answers with rows (or, for a clear
// command, clears the sessions the plugin holds state for).
func (s *Servicesd) pluginCommands(t *cli.Table) {
	for _, p := range pic.Plugins() {
		for _, c := range p.Commands {
			name, c := p.Name, c
			verb := c.Verb
			if verb == "" {
				verb = "show"
			}
			var args []cli.Arg
			for _, a := range c.Args {
				args = append(args, cli.Arg{Name: a.Name, Help: a.Help, Value: !a.Positional, Positional: a.Positional})
			}
			cmd := &cli.Command{Words: append([]string{verb}, c.Words...), RPC: c.RPC, Help: c.Help, Args: args}
			if verb == "clear" {
				cmd.Run = func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
					for _, slot := range s.Slots() {
						_, _ = s.PICQuery(ctx, slot, &picd.Query{Plugin: name, Command: c.RPC})
					}
					return nil, nil
				}
				t.Add(cmd)
				continue
			}
			cmd.Run = func(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
				e := cli.E(strings.TrimPrefix(c.RPC, "get-"))
				for _, slot := range s.Slots() {
					st, err := s.PICQuery(ctx, slot, &picd.Query{Plugin: name, Command: c.RPC})
					if err != nil {
						continue
					}
					pe := cli.E("pic", cli.T("interface-name", serviceIf(slot)))
				rows:
					for _, row := range st.Rows {
						for _, pa := range c.Args {
							if v, ok := a[pa.Name]; ok && row.Field(pa.Field) != v {
								continue rows
							}
						}
						re := cli.E("entry")
						for _, f := range row {
							re.Add(cli.T(f.Name, f.Value))
						}
						pe.Add(re)
					}
					e.Add(pe)
				}
				return e, nil
			}
			cmd.Text = textRows
			if c.Text != nil {
				text := c.Text
				cmd.Text = func(w io.Writer, e *cli.Elem) {
					for _, pe := range e.All("pic") {
						var rows []pic.ShowRow
						for _, re := range pe.All("entry") {
							row := make(pic.ShowRow, 0, len(re.Kids))
							for _, f := range re.Kids {
								row = append(row, pic.ShowField{Name: f.Name, Value: f.Text})
							}
							rows = append(rows, row)
						}
						text(w, pe.Val("interface-name"), rows)
					}
				}
			}
			t.Add(cmd)
		}
	}
}

// textRows renders a plugin command's rows: one block per row.
func textRows(w io.Writer, e *cli.Elem) {
	for _, pe := range e.All("pic") {
		fmt.Fprintf(w, "Interface: %s\n", pe.Val("interface-name"))
		for _, re := range pe.All("entry") {
			for _, f := range re.Kids {
				fmt.Fprintf(w, "  %-24s %s\n", strings.ReplaceAll(f.Name, "-", " ")+":", f.Text)
			}
			fmt.Fprintln(w)
		}
	}
}
