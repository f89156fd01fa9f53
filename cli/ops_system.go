package cli

import (
	"context"
	"encoding/xml"
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
	for _, fp := range pics(s.eng.Configd.Committed()) {
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

// showInterfaces reports the configured interfaces. Until the interface
// manager programs Linux links, state comes from the configuration.
func showInterfaces(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	root := s.eng.Configd.Committed()
	e := E("interface-information")
	if a.Has("terse") {
		e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: "terse"}}
	}
	name := a["interface-name"]
	for _, ifd := range root.ChildNamed("interfaces", "").AllNamed("interface") {
		if ifd.Inactive || (name != "" && ifd.Key != name && !strings.HasPrefix(name, ifd.Key+".")) {
			continue
		}
		admin := "up"
		if _, ok := ifd.Leaf("disable"); ok {
			admin = "down"
		}
		phy := E("physical-interface", T("name", ifd.Key), T("admin-status", admin), T("oper-status", admin))
		if d, ok := ifd.Leaf("description"); ok {
			phy.Add(T("description", d))
		}
		if m, ok := ifd.Leaf("mtu"); ok {
			phy.Add(T("mtu", m))
		}
		for _, u := range ifd.AllNamed("unit") {
			if u.Inactive || (strings.Contains(name, ".") && name != ifd.Key+"."+u.Key) {
				continue
			}
			l := E("logical-interface", T("name", ifd.Key+"."+u.Key), T("admin-status", admin), T("oper-status", admin))
			fam := u.ChildNamed("family", "")
			for _, f := range []string{"inet", "inet6"} {
				fn := fam.ChildNamed(f, "")
				if fn == nil || fn.Inactive {
					continue
				}
				af := E("address-family", T("address-family-name", f))
				for _, ad := range fn.AllNamed("address") {
					if !ad.Inactive {
						af.Add(E("interface-address", T("ifa-local", ad.Key)))
					}
				}
				l.Add(af)
			}
			phy.Add(l)
		}
		e.Add(phy)
	}
	if name != "" && len(e.Kids) == 0 {
		return nil, fmt.Errorf("device %s not found", name)
	}
	return e, nil
}

func textInterfaces(w io.Writer, e *Elem) {
	if len(e.Attrs) == 0 || e.Attrs[0].Value != "terse" {
		textInterfacesDetail(w, e)
		return
	}
	fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%-23s%s\n", "Interface", "Admin", "Link", "Proto", "Local", "Remote")
	for _, p := range e.All("physical-interface") {
		fmt.Fprintf(w, "%-24s%-6s%-5s\n", p.Val("name"), p.Val("admin-status"), p.Val("oper-status"))
		for _, l := range p.All("logical-interface") {
			first := true
			for _, af := range l.All("address-family") {
				addrs := af.All("interface-address")
				if len(addrs) == 0 {
					addrs = []*Elem{T("interface-address", "")}
				}
				for _, a := range addrs {
					if first {
						fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%s\n", l.Val("name"), l.Val("admin-status"), l.Val("oper-status"), af.Val("address-family-name"), a.Val("ifa-local"))
						first = false
					} else {
						fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%s\n", "", "", "", af.Val("address-family-name"), a.Val("ifa-local"))
					}
				}
			}
			if first {
				fmt.Fprintf(w, "%-24s%-6s%-5s\n", l.Val("name"), l.Val("admin-status"), l.Val("oper-status"))
			}
		}
	}
}

// textInterfacesDetail is the default (non-terse) layout.
func textInterfacesDetail(w io.Writer, e *Elem) {
	for _, p := range e.All("physical-interface") {
		state := "Enabled"
		if p.Val("admin-status") == "down" {
			state = "Administratively down"
		}
		fmt.Fprintf(w, "Physical interface: %s, %s, Physical link is %s\n", p.Val("name"), state, titleCase(p.Val("oper-status")))
		if d := p.Val("description"); d != "" {
			fmt.Fprintf(w, "  Description: %s\n", d)
		}
		if m := p.Val("mtu"); m != "" {
			fmt.Fprintf(w, "  MTU: %s\n", m)
		}
		for _, l := range p.All("logical-interface") {
			fmt.Fprintf(w, "\n  Logical interface %s\n", l.Val("name"))
			for _, af := range l.All("address-family") {
				fmt.Fprintf(w, "    Protocol %s\n", af.Val("address-family-name"))
				for _, a := range af.All("interface-address") {
					fmt.Fprintf(w, "      Addresses, Local: %s\n", a.Val("ifa-local"))
				}
			}
		}
		fmt.Fprintln(w)
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
