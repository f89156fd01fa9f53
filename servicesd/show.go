package servicesd

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/picd"
)

// Commands adds servicesd's operational commands to the CLI table.
func (s *Servicesd) Commands(t *cli.Table) {
	t.Describe("show services", "Show services information")
	t.Describe("show services service-sets", "Show service-set information")
	t.Describe("request", "Make system-level requests")
	t.Describe("request chassis", "Chassis requests")
	slotArgs := []cli.Arg{{Name: "fpc-slot", Value: true, Help: "FPC slot number"},
		{Name: "pic-slot", Value: true, Help: "PIC slot number"}}
	t.Add(
		&cli.Command{Words: []string{"show", "chassis", "pic"}, RPC: "get-pic-detail",
			Help: "Show Physical Interface Card information",
			Args: append(append([]cli.Arg(nil), slotArgs...), cli.Arg{Name: "extensive", Help: "Display each service-set's generation"}),
			Run:  s.showPIC, Text: textPIC},
		&cli.Command{Words: []string{"show", "services", "service-sets", "summary"},
			RPC: "get-service-set-summary-information", Help: "Show service sets summary",
			Run: s.showSummary, Text: textSummary},
		&cli.Command{Words: []string{"show", "services", "service-sets", "plug-ins"},
			RPC: "get-service-set-plugin-information", Help: "Show service-set plug-ins",
			Run: s.showPlugins, Text: textPlugins},
		&cli.Command{Words: []string{"show", "services", "service-sets", "memory-usage"},
			RPC: "get-service-set-memory-usage-information", Help: "Show service-set memory usage",
			Run: s.showMemory, Text: textMemory},
		&cli.Command{Words: []string{"request", "chassis", "pic"}, RPC: "request-chassis-pic",
			Help: "Take a PIC online or offline",
			Args: append(slotArgs, cli.Arg{Name: "offline", Help: "Take PIC offline"},
				cli.Arg{Name: "online", Help: "Bring PIC online"}),
			Run: s.requestPIC},
	)
	s.sessionCommands(t)
	s.trafficCommands(t)
	s.pluginCommands(t)
}

func parseSlot(a cli.Args) (pic.Slot, error) {
	f, err1 := strconv.Atoi(a["fpc-slot"])
	p, err2 := strconv.Atoi(a["pic-slot"])
	if !a.Has("fpc-slot") || !a.Has("pic-slot") || err1 != nil || err2 != nil {
		return pic.Slot{}, errkind.Errorf(errkind.Invalid, "syntax error, expecting fpc-slot <number> pic-slot <number>")
	}
	return pic.Slot{FPC: f, PIC: p}, nil
}

// serviceIf is the PIC's services interface, as Junos names PICs in
// services output.
func serviceIf(slot pic.Slot) string { return ifname.Service(slot.FPC, slot.PIC) }

// picView is what servicesd knows of one PIC, plus its status when
// connected.
type picView struct {
	slot      pic.Slot
	cfg       picd.Config
	sets      int
	policy    int64
	connected bool
	pid       int
	resyncs   uint64
	acks      uint64
	stale     uint64
	errors    uint64
	lastError string
	status    *picd.Status
	gens      map[string]*pic.SSRB // the SSRBs servicesd holds for the PIC
}

func (s *Servicesd) view(ctx context.Context, slot pic.Slot) (*picView, bool) {
	s.mu.Lock()
	_, ok := s.pics[slot]
	if !ok {
		s.mu.Unlock()
		return nil, false
	}
	v := &picView{slot: slot, cfg: *s.configLocked(slot), policy: s.usage[slot], gens: map[string]*pic.SSRB{}}
	for name, st := range s.sets {
		if slotOfSSRB(st.ssrb) == slot {
			v.sets++
			v.gens[name] = st.ssrb
		}
	}
	c := s.conns[slot]
	s.mu.Unlock()
	if c != nil {
		c.mu.Lock()
		v.connected, v.pid, v.resyncs, v.acks, v.stale, v.errors, v.lastError =
			true, c.hello.PID, c.resyncs, c.acks, c.stale, c.errors, c.lastError
		c.mu.Unlock()
		if st, err := s.PICStatus(ctx, slot); err == nil {
			v.status = st
		}
	}
	return v, true
}

func (v *picView) state() string {
	switch {
	case !v.cfg.Online:
		return "Offline (requested)"
	case !v.connected:
		return "Offline (picd not connected)"
	case v.status == nil:
		return "Unknown"
	case v.status.State == "online":
		return "Online"
	}
	return strings.ToUpper(v.status.State[:1]) + v.status.State[1:]
}

func (s *Servicesd) showPIC(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	slot, err := parseSlot(a)
	if err != nil {
		return nil, err
	}
	v, ok := s.view(ctx, slot)
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "FPC %d PIC %d is not a configured services PIC", slot.FPC, slot.PIC)
	}
	e := cli.E("pic-detail",
		cli.T("slot", strconv.Itoa(slot.FPC)), cli.T("pic-slot", strconv.Itoa(slot.PIC)),
		cli.T("pic-type", "MS-PIC (gnos picd)"), cli.T("state", v.state()),
		cli.T("control-cores", strconv.Itoa(v.cfg.ControlCores)), cli.T("data-cores", strconv.Itoa(v.cfg.DataCores)),
		cli.T("object-cache-size", strconv.Itoa(int(v.cfg.ObjectCacheMB))),
		cli.T("policy-db-size", strconv.Itoa(int(v.cfg.PolicyDBMB))),
		cli.T("packages", strings.Join(v.cfg.Packages, " ")),
		cli.T("service-sets-configured", strconv.Itoa(v.sets)))
	if v.connected {
		e.Add(cli.T("picd-pid", strconv.Itoa(v.pid)), cli.T("resyncs", strconv.FormatUint(v.resyncs, 10)),
			cli.T("acks", strconv.FormatUint(v.acks, 10)), cli.T("stale-acks", strconv.FormatUint(v.stale, 10)),
			cli.T("refused-updates", strconv.FormatUint(v.errors, 10)))
		if v.lastError != "" {
			e.Add(cli.T("last-refusal", v.lastError))
		}
	}
	if st := v.status; st != nil {
		var maxGen uint64
		for _, h := range st.SSRBs {
			maxGen = max(maxGen, h.Gen)
		}
		e.Add(cli.T("incarnation", strconv.FormatUint(st.Incarnation, 10)),
			cli.T("pic-restarts", strconv.FormatUint(st.Restarts, 10)),
			cli.T("service-sets-held", strconv.Itoa(len(st.SSRBs))),
			cli.T("max-generation", strconv.FormatUint(maxGen, 10)),
			cli.T("updates", strconv.FormatUint(st.Counters.Updates(), 10)))
		if st.LastEvent != "" {
			e.Add(cli.T("last-event", st.LastEvent))
		}
		for _, p := range st.Plugins {
			e.Add(pluginElem(p))
		}
		if a.Has("extensive") {
			held := map[string]picd.HeldSSRB{}
			for _, h := range st.SSRBs {
				held[h.Name] = h
			}
			for _, name := range sortedNames(v.gens) {
				x := v.gens[name]
				pg := "-"
				if h, ok := held[name]; ok {
					pg = strconv.FormatUint(h.Gen, 10)
				}
				e.Add(cli.E("service-set", cli.T("name", name), cli.T("id", strconv.FormatUint(uint64(x.ID), 10)),
					cli.T("generation", strconv.FormatUint(x.Gen, 10)), cli.T("pic-generation", pg)))
			}
		}
	}
	return e, nil
}

// sortedNames returns m's keys in configuration order (tree.KeyLess).
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return tree.KeyLess(out[i], out[j]) })
	return out
}

func pluginElem(p picd.PluginStatus) *cli.Elem {
	e := cli.E("plugin", cli.T("plugin-name", p.Name), cli.T("plugin-id", strconv.Itoa(p.ID)),
		cli.T("plugin-mode", p.Mode), cli.T("plugin-restart", strconv.FormatBool(p.Restart)),
		cli.T("plugin-state", p.State), cli.T("plugin-restarts", strconv.FormatUint(p.Restarts, 10)),
		cli.T("plugin-policies", strconv.Itoa(p.Policies)))
	if p.LastPanic != "" {
		e.Add(cli.T("plugin-last-panic", p.LastPanic))
	}
	return e
}

func textPIC(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "FPC slot %s, PIC slot %s information:\n", e.Val("slot"), e.Val("pic-slot"))
	rows := []struct{ label, key string }{
		{"Type", "pic-type"}, {"State", "state"}, {"Control cores", "control-cores"},
		{"Data cores", "data-cores"}, {"Object cache size (MB)", "object-cache-size"},
		{"Policy DB size (MB)", "policy-db-size"}, {"Packages", "packages"},
		{"Service sets configured", "service-sets-configured"}, {"Service sets held", "service-sets-held"},
		{"Max generation", "max-generation"}, {"picd PID", "picd-pid"}, {"Incarnation", "incarnation"},
		{"PIC restarts", "pic-restarts"}, {"Resyncs", "resyncs"}, {"Updates", "updates"},
		{"Acknowledgements", "acks"}, {"Stale updates", "stale-acks"}, {"Refused updates", "refused-updates"},
		{"Last refusal", "last-refusal"}, {"Last event", "last-event"},
	}
	for _, r := range rows {
		if e.Get(r.key) != nil {
			fmt.Fprintf(w, "  %-32s %s\n", r.label, e.Val(r.key))
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

func (s *Servicesd) views(ctx context.Context) []*picView {
	var out []*picView
	for _, slot := range s.Slots() {
		if v, ok := s.view(ctx, slot); ok {
			out = append(out, v)
		}
	}
	return out
}

func (s *Servicesd) showSummary(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	e := cli.E("service-set-summary-information")
	for _, v := range s.views(ctx) {
		held := "-"
		if v.status != nil {
			held = strconv.Itoa(len(v.status.SSRBs))
		}
		pct := 0.0
		if v.cfg.PolicyDBMB > 0 {
			pct = 100 * float64(v.policy) / float64(int64(v.cfg.PolicyDBMB)<<20)
		}
		e.Add(cli.E("service-set-summary-information-entry",
			cli.T("interface-name", serviceIf(v.slot)),
			cli.T("service-sets-configured", strconv.Itoa(v.sets)),
			cli.T("service-sets-held", held),
			cli.T("policy-bytes-used", strconv.FormatInt(v.policy, 10)),
			cli.T("policy-bytes-percent", fmt.Sprintf("%.2f", pct)),
			cli.T("pic-state", v.state())))
	}
	return e, nil
}

func textSummary(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "%-13s %-12s %-12s %-18s %-8s %s\n", "", "Service sets", "Service sets", "", "Policy", "")
	fmt.Fprintf(w, "%-13s %-12s %-12s %-18s %-8s %s\n", "Interface", "configured", "on PIC", "Policy bytes used", "(%)", "State")
	for _, r := range e.All("service-set-summary-information-entry") {
		fmt.Fprintf(w, "%-13s %12s %12s %18s %8s %s\n", r.Val("interface-name"), r.Val("service-sets-configured"),
			r.Val("service-sets-held"), r.Val("policy-bytes-used"), r.Val("policy-bytes-percent"), r.Val("pic-state"))
	}
}

func (s *Servicesd) showPlugins(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	e := cli.E("service-set-plugin-information")
	for _, v := range s.views(ctx) {
		pe := cli.E("service-set-plugin-pic", cli.T("interface-name", serviceIf(v.slot)), cli.T("pic-state", v.state()))
		if v.status != nil {
			for _, p := range v.status.Plugins {
				pe.Add(pluginElem(p))
			}
		}
		e.Add(pe)
	}
	return e, nil
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
		}
	}
}

func (s *Servicesd) showMemory(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	e := cli.E("service-set-memory-usage-information")
	for _, v := range s.views(ctx) {
		m := cli.E("service-set-memory-usage-entry", cli.T("interface-name", serviceIf(v.slot)),
			cli.T("policy-db-budget", strconv.FormatInt(int64(v.cfg.PolicyDBMB)<<20, 10)),
			cli.T("object-cache-budget", strconv.FormatInt(int64(v.cfg.ObjectCacheMB)<<20, 10)))
		if st := v.status; st != nil {
			m.Add(cli.T("policy-db-used", strconv.FormatInt(st.PolicyDB.Used, 10)),
				cli.T("policy-db-policies", strconv.Itoa(st.PolicyDB.Entries)),
				cli.T("policy-db-pending-free", strconv.Itoa(st.PolicyDB.Retired)),
				cli.T("object-cache-used", strconv.FormatInt(st.ObjectCache.Reserved, 10)),
				cli.T("memlimit-drops", strconv.FormatUint(st.ObjectCache.MemlimitDrops, 10)))
		}
		e.Add(m)
	}
	return e, nil
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

func (s *Servicesd) requestPIC(_ context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	slot, err := parseSlot(a)
	if err != nil {
		return nil, err
	}
	if a.Has("offline") == a.Has("online") {
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting offline or online")
	}
	online := a.Has("online")
	if err := s.SetOnline(slot, online); err != nil {
		return nil, err
	}
	word := "offline"
	if online {
		word = "online"
	}
	return &cli.Elem{Name: "request-chassis-pic", Text: fmt.Sprintf("fpc %d pic %d will be %s", slot.FPC, slot.PIC, word)}, nil
}
