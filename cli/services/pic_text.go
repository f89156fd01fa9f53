package services

import (
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/cli"
)

// The text renderings of the PIC status commands.

// textPIC renders show chassis pic in Junos' layout (FPC slot, PIC slot
// information: Type, State); extensive goes on with gnos' rows.
func textPIC(w io.Writer, fi *cli.Elem) {
	f := fi.Get("fpc")
	if f == nil || f.Get("pic-detail") == nil {
		return
	}
	e := f.Get("pic-detail")
	fmt.Fprintf(w, "FPC slot %s, PIC slot %s information:\n", f.Val("slot"), e.Val("pic-slot"))
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

// textSummary renders show services service-sets summary in Junos'
// columns (interface, service sets configured, bytes used, policy bytes
// used, CPU utilization), with gnos' PIC state as a last column.
func textSummary(w io.Writer, e *cli.Elem) {
	const row = "%-14s%-14s%-21s%-21s%-13s%s\n"
	fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf(row, "", "Service sets", "", "", "CPU", ""), " \n"))
	fmt.Fprintf(w, row, "Interface", "configured", "Bytes used", "Policy bytes used", "utilization", "State")
	for _, r := range e.All("service-set-summary-information-entry") {
		t := r.Get("service-set-service-type-entry")
		if t == nil {
			continue
		}
		fmt.Fprintf(w, row, r.Val("interface-name"), t.Val("service-sets-configured"),
			fmt.Sprintf("%s (%5s%%)", t.Val("service-set-bytes-used"), t.Val("service-set-percent-bytes-used")),
			fmt.Sprintf("%s (%5s%%)", t.Val("service-set-policy-bytes-used"), t.Val("service-set-percent-policy-bytes-used")),
			t.Val("service-set-cpu-utilization"), r.Val("pic-state"))
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
