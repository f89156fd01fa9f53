package services

import (
	"fmt"
	"io"

	"github.com/gnos/gnos/cli"
)

// The text renderings of the PIC status commands.

func textPIC(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "FPC slot %s, PIC slot %s information:\n", e.Val("slot"), e.Val("pic-slot"))
	rows := []struct{ label, key string }{
		{"Type", "pic-type"}, {"State", "state"}, {"Control cores", "control-cores"},
		{"Data cores", "data-cores"}, {"Object cache size (MB)", "object-cache-size"},
		{"Policy DB size (MB)", "policy-db-size"}, {"Packages", "packages"},
		{"Service sets configured", "service-sets-configured"}, {"Service sets held", "service-sets-held"},
		{"Max generation", "max-generation"}, {"picd address", "picd-address"}, {"picd PID", "picd-pid"}, {"Incarnation", "incarnation"},
		{"PIC restarts", "pic-restarts"}, {"Resyncs", "resyncs"}, {"Updates", "updates"},
		{"Acknowledgements", "acks"}, {"Stale updates", "stale-acks"}, {"Refused updates", "refused-updates"},
		{"Last refusal", "last-refusal"}, {"Last event", "last-event"}, {"Fault", "fault"},
		{"Session snapshot written", "session-snapshot-written"}, {"Session snapshot sessions", "session-snapshot-sessions"},
		{"Sessions restored", "sessions-restored"}, {"Session snapshot error", "session-snapshot-error"},
	}
	for _, r := range rows {
		if e.Get(r.key) != nil {
			fmt.Fprintf(w, "  %-32s %s\n", r.label, e.Val(r.key))
		}
	}
	if as := e.All("alarm-detail"); len(as) > 0 {
		fmt.Fprintln(w, "  Alarms:")
		for _, a := range as {
			fmt.Fprintf(w, "    %-24s %-6s %s\n", a.Val("alarm-time"), a.Val("alarm-class"), a.Val("alarm-description"))
			if r := a.Val("alarm-reason"); r != "" {
				fmt.Fprintf(w, "      %s\n", r)
			}
		}
	}
	if ps := e.All("plugin"); len(ps) > 0 {
		fmt.Fprintln(w, "  Plug-ins:")
		for _, p := range ps {
			fmt.Fprintf(w, "    %-20s %-10s restarts %s", p.Val("plugin-name"), p.Val("plugin-state"), p.Val("plugin-restarts"))
			if lp := p.Val("plugin-last-panic"); lp != "" {
				fmt.Fprintf(w, " (last panic: %s)", lp)
			}
			fmt.Fprintln(w)
		}
	}
	if ss := e.All("service-set"); len(ss) > 0 {
		fmt.Fprintf(w, "  Service sets:\n    %-20s %-8s %-22s %s\n", "Name", "ID", "Generation", "Generation on PIC")
		for _, x := range ss {
			fmt.Fprintf(w, "    %-20s %-8s %-22s %s\n", x.Val("name"), x.Val("id"), x.Val("generation"), x.Val("pic-generation"))
		}
	}
}

func textSummary(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "%-13s %-12s %-12s %-18s %-8s %s\n", "", "Service sets", "Service sets", "", "Policy", "")
	fmt.Fprintf(w, "%-13s %-12s %-12s %-18s %-8s %s\n", "Interface", "configured", "on PIC", "Policy bytes used", "(%)", "State")
	for _, r := range e.All("service-set-summary-information-entry") {
		fmt.Fprintf(w, "%-13s %12s %12s %18s %8s %s\n", r.Val("interface-name"), r.Val("service-sets-configured"),
			r.Val("service-sets-held"), r.Val("policy-bytes-used"), r.Val("policy-bytes-percent"), r.Val("pic-state"))
	}
}

func textPlugins(w io.Writer, e *cli.Elem) {
	for _, pe := range e.All("service-set-plugin-pic") {
		fmt.Fprintf(w, "Interface: %s, State: %s\n", pe.Val("interface-name"), pe.Val("pic-state"))
		fmt.Fprintf(w, "  %-24s %-5s %-14s %-8s %-10s %-9s %s\n", "Plug-in name", "ID", "Mode", "Restart", "State", "Restarts", "Policies")
		for _, p := range pe.All("plugin") {
			fmt.Fprintf(w, "  %-24s %-5s %-14s %-8s %-10s %-9s %s\n", p.Val("plugin-name"), p.Val("plugin-id"),
				p.Val("plugin-mode"), map[string]string{"true": "yes", "false": "no"}[p.Val("plugin-restart")],
				p.Val("plugin-state"), p.Val("plugin-restarts"), p.Val("plugin-policies"))
			if lp := p.Val("plugin-last-panic"); lp != "" {
				fmt.Fprintf(w, "    Last panic: %s\n", lp)
			}
			textProperties(w, p)
		}
	}
}

func textMemory(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "%-11s %14s %14s %9s %8s %14s %14s %9s\n", "Interface", "Policy DB", "Policy DB", "Policies", "Pending",
		"Object cache", "Object cache", "Memlimit")
	fmt.Fprintf(w, "%-11s %14s %14s %9s %8s %14s %14s %9s\n", "", "used (bytes)", "size (bytes)", "", "free", "used (bytes)", "size (bytes)", "drops")
	for _, m := range e.All("service-set-memory-usage-entry") {
		fmt.Fprintf(w, "%-11s %14s %14s %9s %8s %14s %14s %9s\n", m.Val("interface-name"), dash(m.Val("policy-db-used")),
			m.Val("policy-db-budget"), dash(m.Val("policy-db-policies")), dash(m.Val("policy-db-pending-free")),
			dash(m.Val("object-cache-used")), m.Val("object-cache-budget"), dash(m.Val("memlimit-drops")))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
