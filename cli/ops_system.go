package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
)

// SystemCommands adds the system, chassis and interface commands whose
// data the management plane holds (the configuration, sessions, the host).
func SystemCommands(t *Table) {
	t.Describe("show chassis", "Show chassis information")
	t.Describe("show interfaces", "Show interface information")
	t.Add(
		&Command{Words: []string{"show", "system", "users"}, RPC: "get-system-users-information",
			Help: "Show user activity information", Run: showUsers, Text: textUsers},
		&Command{Words: []string{"show", "chassis", "hardware"}, RPC: "get-chassis-inventory",
			Help: "Show installed hardware components", Run: showHardware, Text: textHardware},
		&Command{Words: []string{"show", "chassis", "routing-engine"}, RPC: "get-route-engine-information",
			Help: "Show Routing Engine status", Run: showRE, Text: textRE},
		&Command{Words: []string{"show", "interfaces"}, RPC: "get-interface-information",
			Help: "Show interface information",
			Args: []Arg{{Name: "terse", Help: "Display terse output"},
				{Name: "extensive", Help: "Display extensive output"},
				{Name: "interface-name", Positional: true, Help: "Name of physical or logical interface"}},
			Run: showInterfaces, Text: textInterfaces},
	)
}

// started is when this process started, for uptime.
var started = time.Now()

// HostStats are the host figures `show chassis routing-engine` reports.
type HostStats struct {
	Started     time.Time
	MemoryMB    int
	MemoryUsed  int // percent
	LoadAverage string
}

// hostStats reads the real host, unless the engine has a fixed source
// (tests).
func (e *Engine) hostStats() HostStats {
	if e.Host != nil {
		return e.Host()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return HostStats{Started: started, MemoryMB: totalMemMB(),
		MemoryUsed: int(100 * ms.HeapInuse / max(ms.Sys, 1)), LoadAverage: loadAvg()}
}

func showUsers(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	now := s.eng.Configd.Clock().Now()
	e := E("system-users-information")
	ui := E("uptime-information",
		T("date-time", now.UTC().Format("3:04PM")),
		T("up-time", uptime(now.Sub(s.eng.hostStats().Started))),
		T("active-user-count", strconv.Itoa(len(s.eng.Configd.Sessions()))))
	ut := E("user-table")
	for _, o := range s.eng.Configd.Sessions() {
		ut.Add(E("user-entry",
			T("user", o.User), T("tty", o.Client),
			T("login-time", o.Since.UTC().Format("3:04PM")),
			T("command", "cli (configure "+o.Mode.String()+")")))
	}
	return e.Add(ui.Add(ut)), nil
}

func uptime(d time.Duration) string {
	d = max(d, 0)
	days := int(d.Hours()) / 24
	h := int(d.Hours()) % 24
	m := int(d.Minutes()) % 60
	if days > 0 {
		return fmt.Sprintf("%d days, %d:%02d", days, h, m)
	}
	return fmt.Sprintf("%d:%02d", h, m)
}

func textUsers(w io.Writer, e *Elem) {
	ui := e.Get("uptime-information")
	users := "users"
	if ui.Val("active-user-count") == "1" {
		users = "user"
	}
	fmt.Fprintf(w, " %s  up %s, %s %s\n", ui.Val("date-time"), ui.Val("up-time"), ui.Val("active-user-count"), users)
	fmt.Fprintf(w, "%-8s %-8s %-8s %s\n", "USER", "TTY", "LOGIN@", "WHAT")
	if ut := ui.Get("user-table"); ut != nil {
		for _, u := range ut.All("user-entry") {
			fmt.Fprintf(w, "%-8s %-8s %-8s %s\n", u.Val("user"), u.Val("tty"), u.Val("login-time"), u.Val("command"))
		}
	}
}

// pics lists the configured fpc/pic slots with their extension-provider.
func pics(root *tree.Node) [][2]string {
	var out [][2]string
	for _, f := range root.ChildNamed("chassis", "").AllNamed("fpc") {
		if f.Inactive {
			continue
		}
		for _, p := range f.AllNamed("pic") {
			if !p.Inactive {
				out = append(out, [2]string{f.Key, p.Key})
			}
		}
	}
	return out
}

func showHardware(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	ch := E("chassis", T("name", "Chassis"), T("serial-number", "GNOS0001"), T("description", "gnos"))
	ch.Add(E("chassis-module", T("name", "Routing Engine 0"), T("description", "gnos RE ("+runtime.GOARCH+")")))
	fpcs := map[string]*Elem{}
	var order []string
	for _, fp := range pics(s.eng.Configd.Active()) {
		m, ok := fpcs[fp[0]]
		if !ok {
			m = E("chassis-module", T("name", "FPC "+fp[0]), T("description", "gnos virtual FPC"))
			fpcs[fp[0]] = m
			order = append(order, fp[0])
		}
		m.Add(E("chassis-sub-module", T("name", "PIC "+fp[1]), T("description", "MS-PIC (services)")))
	}
	for _, f := range order {
		ch.Add(fpcs[f])
	}
	return E("chassis-inventory", ch), nil
}

func textHardware(w io.Writer, e *Elem) {
	fmt.Fprintln(w, "Hardware inventory:")
	fmt.Fprintf(w, "%-16s %-8s %-12s %-16s %s\n", "Item", "Version", "Part number", "Serial number", "Description")
	ch := e.Get("chassis")
	fmt.Fprintf(w, "%-16s %-8s %-12s %-16s %s\n", ch.Val("name"), "", "", ch.Val("serial-number"), ch.Val("description"))
	for _, m := range ch.All("chassis-module") {
		fmt.Fprintf(w, "%-16s %-8s %-12s %-16s %s\n", m.Val("name"), "", "", "", m.Val("description"))
		for _, sm := range m.All("chassis-sub-module") {
			fmt.Fprintf(w, "  %-14s %-8s %-12s %-16s %s\n", sm.Val("name"), "", "", "", sm.Val("description"))
		}
	}
}

func showRE(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	h := s.eng.hostStats()
	return E("route-engine-information", E("route-engine",
		T("slot", "0"),
		T("mastership-state", "master"),
		T("status", "OK"),
		T("memory-dram-size", fmt.Sprintf("%d MB", h.MemoryMB)),
		T("memory-buffer-utilization", strconv.Itoa(h.MemoryUsed)),
		T("model", "gnos RE"),
		T("start-time", h.Started.UTC().Format("2006-01-02 15:04:05 MST")),
		T("up-time", uptime(s.eng.Configd.Clock().Now().Sub(h.Started))),
		T("load-average-one", h.LoadAverage),
	)), nil
}

func textRE(w io.Writer, e *Elem) {
	re := e.Get("route-engine")
	fmt.Fprintln(w, "Routing Engine status:")
	for _, k := range []struct{ label, key string }{
		{"Slot", "slot"}, {"Current state", "mastership-state"}, {"DRAM", "memory-dram-size"},
		{"Memory utilization", "memory-buffer-utilization"}, {"Model", "model"},
		{"Start time", "start-time"}, {"Uptime", "up-time"}, {"Load average (1 min)", "load-average-one"},
	} {
		fmt.Fprintf(w, "    %-28s %s\n", k.label, re.Val(k.key))
	}
}

func totalMemMB() int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return 0
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "0.00"
	}
	return strings.Fields(string(b))[0]
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
