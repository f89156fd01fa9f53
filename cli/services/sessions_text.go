package services

import (
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/cli"
)

// The text renderings of the session and data-path commands.

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
