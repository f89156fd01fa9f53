package cli

// The box gnos presents to Junos tools: a virtual MX ("vmx", Routing
// Engine "RE-VMX") whose FPCs carry services PICs (MS-MPC, one
// MS-MPC-PIC each configured pic). Junos automation keys its behaviour on
// these names (PyEZ's personality fact is MX and virtual for exactly this
// model and RE model), so gnos uses them rather than a name of its own;
// the package lines of show version say what the software really is.
// The hardware inventory is derived from the committed chassis
// configuration: one FPC per configured fpc, one PIC per configured pic,
// with serial numbers derived from the chassis serial so they are stable.

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Names of the presented box.
const (
	ProductModel = "vmx"
	REModel      = "RE-VMX"
	FPCModel     = "MS-MPC"
	PICModel     = "MS-MPC-PIC"
)

// DefaultSerial is the chassis serial number when the engine has none.
const DefaultSerial = "VMGN0001"

// ChassisCommands adds show version and the chassis inventory commands.
func ChassisCommands(t *Table) {
	t.Add(
		&Command{Words: []string{"show", "version"}, RPC: "get-software-information",
			Help: "Show software process revision levels",
			Args: []Arg{{Name: "brief", Help: "Display brief output"}, {Name: "detail", Help: "Display detailed output"}},
			Run:  showVersion, Text: textVersion},
		&Command{Words: []string{"show", "chassis", "hardware"}, RPC: "get-chassis-inventory",
			Help: "Show installed hardware components",
			Args: []Arg{{Name: "detail", Help: "Include RAM and disk information in output"}},
			Run:  showHardware, Text: textHardware},
		&Command{Words: []string{"show", "chassis", "routing-engine"}, RPC: "get-route-engine-information",
			Help: "Show Routing Engine status", Run: showRE, Text: textRE},
	)
}

func junosAttr(name, value string) xml.Attr {
	return xml.Attr{Name: xml.Name{Space: "junos", Local: name}, Value: value}
}

// Serial is the chassis serial number.
func (e *Engine) Serial() string {
	if e.ChassisSerial != "" {
		return e.ChassisSerial
	}
	return DefaultSerial
}

// packages are the software packages show version lists: gnos' own
// components, each with the gnos release. Each line reads "JUNOS …
// [release]" as Junos' package lines do, which is what scrapers of show
// version (TextFSM templates) expect of every line after the header.
func packages() [][2]string {
	v := fmt.Sprintf("[%s]", Version)
	return [][2]string{
		{"os-kernel", "JUNOS gnos OS Kernel (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ") " + v},
		{"mgd", "JUNOS gnos Management Daemon (configd, cli, netconf) " + v},
		{"servicesd", "JUNOS gnos Services Daemon " + v},
		{"picd", "JUNOS gnos Services PIC Daemon " + v},
	}
}

func showVersion(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	e := E("software-information",
		T("host-name", s.eng.Hostname()),
		T("product-model", ProductModel),
		T("product-name", ProductModel),
		T("junos-version", JunosVersion))
	if a.Has("brief") {
		return e, nil
	}
	e.Add(E("package-information", T("name", "junos"),
		T("comment", fmt.Sprintf("JUNOS Software Release [%s] (gnos %s)", JunosVersion, Version))))
	for _, p := range packages() {
		e.Add(E("package-information", T("name", p[0]), T("comment", p[1])))
	}
	if a.Has("detail") {
		for _, d := range []string{"configd", "servicesd", "picd", "cli", "netconf"} {
			e.Add(E("version-information", T("component", d), T("release", JunosVersion),
				T("comment", "gnos "+Version), T("build-date", ""), T("builder", "gnos")))
		}
	}
	return e, nil
}

// textVersion is Junos' layout: Hostname, Model, Junos, then one line a
// package (the package lines are left out by brief).
func textVersion(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "Hostname: %s\nModel: %s\nJunos: %s\n", e.Val("host-name"), e.Val("product-model"), e.Val("junos-version"))
	for _, p := range e.All("package-information") {
		if p.Val("name") == "junos" {
			continue // its release is the Junos: line
		}
		fmt.Fprintln(w, p.Val("comment"))
	}
	for _, v := range e.All("version-information") {
		fmt.Fprintf(w, "%s release %s built by %s (%s)\n", strings.ToUpper(v.Val("component")), v.Val("release"), v.Val("builder"), v.Val("comment"))
	}
}

// module is one row of the inventory.
func module(tag, name, version, part, serial, desc string) *Elem {
	m := E(tag, T("name", name))
	if version != "" {
		m.Add(T("version", version))
	}
	if part != "" {
		m.Add(T("part-number", part))
	}
	if serial != "" {
		m.Add(T("serial-number", serial))
	}
	return m.Add(T("description", desc))
}

func showHardware(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	serial := s.eng.Serial()
	ch := E("chassis", T("name", "Chassis"), T("serial-number", serial), T("description", strings.ToUpper(ProductModel)))
	ch.Attrs = []xml.Attr{junosAttr("style", "inventory")}
	// Midplane and CB carry a version, part and serial number, as an MX's
	// do (tools parsing the inventory, ntc-templates', expect them).
	ch.Add(module("chassis-module", "Midplane", "REV 01", "GN-MID-VMX", serial+"M", "VMX Midplane"))
	re := module("chassis-module", "Routing Engine 0", "REV 01", "GN-RE-VMX", serial+"R0", REModel)
	if a.Has("detail") {
		h := s.eng.hostStats()
		re.Add(E("chassis-re-dimm-module", T("name", "DIMM 0"), T("description", fmt.Sprintf("%d MB", h.MemoryMB))))
		if st, err := s.eng.storage(); err == nil && len(st) > 0 {
			re.Add(E("chassis-re-disk-module", T("name", "da0"),
				T("disk-size", fmt.Sprint(st[0].totalKB/1024)), T("model", "gnos data store"),
				T("serial-number", serial+"D0"), T("description", "Hard Disk")))
		}
	}
	ch.Add(re)
	ch.Add(module("chassis-module", "CB 0", "REV 01", "GN-SCB-VMX", serial+"B0", "VMX SCB"))
	var last string
	var fpc *Elem
	for _, fp := range pics(s.eng.Configd.Active()) {
		if fp[0] != last {
			last = fp[0]
			fpc = module("chassis-module", "FPC "+fp[0], "REV 01", "GN-"+FPCModel, fmt.Sprintf("%sF%s", serial, fp[0]), FPCModel)
			fpc.Add(T("model-number", FPCModel))
			fpc.Add(module("chassis-sub-module", "CPU", "REV 01", "GN-MS-PMB", fmt.Sprintf("%sF%sC", serial, fp[0]), "MS-MPC PMB"))
			ch.Add(fpc)
		}
		fpc.Add(module("chassis-sub-module", "PIC "+fp[1], "", "BUILTIN", "BUILTIN", PICModel))
	}
	return E("chassis-inventory", ch), nil
}

// hwRow is one line of Junos' inventory: Item 17 columns (indented two a
// level), Version 9, Part number 13, Serial number 18, Description.
func hwRow(w io.Writer, depth int, m *Elem) {
	item := strings.Repeat("  ", depth) + m.Val("name")
	fmt.Fprintf(w, "%s\n", strings.TrimRight(fmt.Sprintf("%-16s %-8s %-12s %-17s %s", item, m.Val("version"), m.Val("part-number"), m.Val("serial-number"), m.Val("description")), " "))
}

func textHardware(w io.Writer, e *Elem) {
	fmt.Fprintln(w, "Hardware inventory:")
	fmt.Fprintln(w, "Item             Version  Part number  Serial number     Description")
	ch := e.Get("chassis")
	hwRow(w, 0, ch)
	for _, m := range ch.All("chassis-module") {
		hwRow(w, 0, m)
		for _, d := range m.All("chassis-re-dimm-module") {
			fmt.Fprintf(w, "  %-14s %s\n", d.Val("name"), d.Val("description"))
		}
		for _, d := range m.All("chassis-re-disk-module") {
			fmt.Fprintf(w, "  %-5s %6s MB  %-26s %-17s %s\n", d.Val("name"), d.Val("disk-size"), d.Val("model"), d.Val("serial-number"), d.Val("description"))
		}
		for _, sm := range m.All("chassis-sub-module") {
			hwRow(w, 1, sm)
		}
	}
}

// loads are the three load averages of h, "0.00" where unknown.
func (h HostStats) loads() [3]string {
	out := [3]string{h.LoadAverage, h.Load5, h.Load15}
	for i := range out {
		if out[i] == "" {
			out[i] = "0.00"
		}
	}
	return out
}

// longDuration is Junos' spelled-out duration: "1 day, 3 hours, 13
// minutes, 2 seconds".
func longDuration(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	secs := int64(d / time.Second)
	var parts []string
	for _, u := range []struct {
		n    int64
		name string
	}{{86400 * 7, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}} {
		if v := secs / u.n; v > 0 || (u.n == 1 && len(parts) == 0) {
			secs -= v * u.n
			name := u.name
			if v != 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", v, name))
		}
	}
	return strings.Join(parts, ", ")
}

func secondsAttr(e *Elem, d time.Duration) *Elem {
	e.Attrs = append(e.Attrs, junosAttr("seconds", strconv.FormatInt(int64(max(d, 0)/time.Second), 10)))
	return e
}

func showRE(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	h := s.eng.hostStats()
	now := s.eng.Configd.Clock().Now()
	up := now.Sub(h.Started)
	l := h.loads()
	st := T("start-time", h.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	st.Attrs = []xml.Attr{junosAttr("seconds", strconv.FormatInt(h.Started.Unix(), 10))}
	return E("route-engine-information", E("route-engine",
		T("slot", "0"),
		T("mastership-state", "master"),
		T("mastership-priority", "master (default)"),
		T("status", "OK"),
		T("memory-dram-size", fmt.Sprintf("%d MB", h.MemoryMB)),
		T("memory-installed-size", fmt.Sprintf("(%d MB installed)", h.MemoryMB)),
		T("memory-buffer-utilization", strconv.Itoa(h.MemoryUsed)),
		T("model", REModel),
		st,
		secondsAttr(T("up-time", longDuration(up)), up),
		T("last-reboot-reason", "Router rebooted after a normal shutdown."),
		T("load-average-one", l[0]), T("load-average-five", l[1]), T("load-average-fifteen", l[2]),
	)), nil
}

// textRE is Junos' single-RE layout (no Slot block: there is one RE).
func textRE(w io.Writer, e *Elem) {
	re := e.Get("route-engine")
	fmt.Fprintln(w, "Routing Engine status:")
	row := func(label, val string) { fmt.Fprintf(w, "    %-31s%s\n", label, val) }
	row("Current state", titleCase(re.Val("mastership-state")))
	row("Election priority", "Master (default)")
	fmt.Fprintf(w, "    %-22s%9s %s\n", "DRAM", re.Val("memory-dram-size"), re.Val("memory-installed-size"))
	fmt.Fprintf(w, "    %-22s%9s percent\n", "Memory utilization", re.Val("memory-buffer-utilization"))
	row("Model", re.Val("model"))
	row("Start time", re.Val("start-time"))
	row("Uptime", re.Val("up-time"))
	row("Last reboot reason", re.Val("last-reboot-reason"))
	row("Load averages:", "1 minute   5 minute  15 minute")
	fmt.Fprintf(w, "    %-31s%8s%11s%11s\n", "", re.Val("load-average-one"), re.Val("load-average-five"), re.Val("load-average-fifteen"))
}
