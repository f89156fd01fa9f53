package services

import (
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/cli"
)

// The text renderings of the session and data-path commands.

// textSessions renders show services sessions as Junos does: the
// services interface, then per session a header line (Service Set,
// Session, ALG, Flags, IP Action, Offload, Asymmetric) and one line per
// flow, columns as in Junos' output (protocol, source, ->, destination,
// flow state, direction, frame count). extensive adds the session
// timeout, each plugin's state, gnos' own line (data core, TCP state,
// idle time) and, under each flow, its byte count and role; terse prints
// the flows only. With count, the number of sessions per interface.
func textSessions(w io.Writer, e *cli.Elem) {
	if e.Name == "service-msp-sess-count-information" {
		for _, ce := range e.All("service-msp-sess-count") {
			fmt.Fprintln(w, ce.Val("interface-name"))
			if ss := ce.Val("service-set-name"); ss != "" {
				fmt.Fprintf(w, "Service Set: %s\n", ss)
			}
			fmt.Fprintf(w, "Number of sessions: %s\n", ce.Val("sess-count"))
		}
		return
	}
	style := ""
	for _, a := range e.Attrs {
		if a.Name.Local == "style" {
			style = a.Value
		}
	}
	for _, pe := range e.All("msp-session-pic") {
		fmt.Fprintln(w, pe.Val("interface-name"))
		sessions := pe.All("msp-session")
		if len(sessions) == 0 {
			fmt.Fprintf(w, "Number of sessions: %s\n", pe.Val("session-count"))
			continue
		}
		for _, ss := range sessions {
			if style != "terse" {
				textSessionHeader(w, ss, style == "extensive")
			}
			for _, f := range ss.All("flow-information") {
				fmt.Fprintln(w, flowLine(f))
				if style == "extensive" {
					fmt.Fprintf(w, "  Byte count: %s\n  Flow role: %s, Timeout: %s\n", f.Val("byte-count"),
						f.Val("flow-role"), f.Val("flow-timeout"))
				}
			}
		}
	}
}

func textSessionHeader(w io.Writer, ss *cli.Elem, extensive bool) {
	fmt.Fprintf(w, "Service Set: %s, Session: %s, ALG: %s, Flags: %s, IP Action: %s, Offload: %s, Asymmetric: %s",
		ss.Val("service-set-name"), ss.Val("session-id"), ss.Val("alg"), ss.Val("session-flags"),
		ss.Val("ip-action"), ss.Val("offload"), ss.Val("asymmetric"))
	if !extensive {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, ", Session timeout: %s\n", ss.Val("session-timeout"))
	state := ""
	if st := ss.Val("session-state"); st != "" {
		state = ", State: " + st
	}
	fmt.Fprintf(w, "  Data core: %s%s, Idle: %s seconds\n", ss.Val("data-core"), state, ss.Val("idle-seconds"))
	for _, p := range ss.All("plugin-data") {
		fmt.Fprintf(w, "%s Plugin Data:\n  %s: %s\n", pluginTitle(p.Val("plugin-name")), p.Val("plugin-name"), p.Val("description"))
	}
}

// pluginTitle is a plugin's name as Junos titles plugin data (NAT,
// Stateful-firewall, Passthru).
func pluginTitle(name string) string {
	if name == "nat" {
		return "NAT"
	}
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// flowLine is one flow in Junos' columns: protocol in 8, the source
// address right-aligned in 15 and its port (":N", TCP and UDP only) in 7,
// "->", the destination the same way in 16 and 7, the flow state, the
// direction and the frame count right-aligned in 16. Longer addresses
// (IPv6) push the columns right, as in Junos.
func flowLine(f *cli.Elem) string {
	port := func(k string) string {
		if p := f.Val(k); p != "" {
			return ":" + p
		}
		return ""
	}
	return fmt.Sprintf("%-8s%15s%-7s ->%16s%-7s %-7s  %s %15s", f.Val("protocol"), f.Val("source-address"),
		port("source-port"), f.Val("destination-address"), port("destination-port"), f.Val("flow-state"),
		f.Val("direction"), f.Val("frame-count"))
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
			"max-flows-drops", "malformed-drops", "no-service-set-drops", "rejects", "icmp-unrelated-drops",
			"fragmented-datagrams", "fragments-held", "frag-no-session-drops", "frag-timeout-drops",
			"frag-memlimit-drops", "frag-limit-drops", "nd-passed", "mss-clamped"} {
			fmt.Fprintf(w, "  %-22s %s\n", strings.ReplaceAll(k, "-", " ")+":", d.Val(k))
		}
	}
}
