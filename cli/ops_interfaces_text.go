package cli

import (
	"fmt"
	"io"
	"strings"
)

// Text layouts of show interfaces, after Junos': terse and descriptions
// are tables; the others print each physical interface with its logical
// units, more of the counters the higher the level.

func textInterfaces(w io.Writer, e *Elem) {
	style := ""
	if len(e.Attrs) > 0 {
		style = e.Attrs[0].Value
	}
	switch style {
	case "terse":
		textInterfacesTerse(w, e)
	case "descriptions":
		textInterfacesDescriptions(w, e)
	default:
		for _, p := range e.All("physical-interface") {
			textPhysical(w, p, style)
		}
	}
}

func textInterfacesTerse(w io.Writer, e *Elem) {
	row := func(name, admin, link, proto, local, remote string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%-24s%-6s%-5s%-9s%-22s%s", name, admin, link, proto, local, remote), " "))
	}
	row("Interface", "Admin", "Link", "Proto", "Local", "Remote")
	for _, p := range e.All("physical-interface") {
		row(p.Val("name"), p.Val("admin-status"), p.Val("oper-status"), "", "", "")
		for _, l := range p.All("logical-interface") {
			name, admin, oper := l.Val("name"), l.Val("admin-status"), l.Val("oper-status")
			first := true
			for _, af := range l.All("address-family") {
				addrs := af.All("interface-address")
				if len(addrs) == 0 {
					addrs = []*Elem{E("interface-address")}
				}
				for i, a := range addrs {
					proto := af.Val("address-family-name")
					if i > 0 {
						proto = ""
					}
					local, remote := a.Val("ifa-local"), ""
					if strings.HasPrefix(name, "lo0.") && (strings.HasSuffix(local, "/32") || strings.HasSuffix(local, "/128")) {
						local, remote = local[:strings.IndexByte(local, '/')], "--> 0/0"
						if strings.Contains(local, ":") {
							remote = "--> ::/0"
						}
					}
					if first {
						row(name, admin, oper, proto, local, remote)
						first = false
					} else {
						row("", "", "", proto, local, remote)
					}
				}
			}
			if first {
				row(name, admin, oper, "", "", "")
			}
		}
	}
}

func textInterfacesDescriptions(w io.Writer, e *Elem) {
	var rows [][4]string
	for _, p := range e.All("physical-interface") {
		if d := p.Val("description"); d != "" {
			rows = append(rows, [4]string{p.Val("name"), p.Val("admin-status"), p.Val("oper-status"), d})
		}
		for _, l := range p.All("logical-interface") {
			if d := l.Val("description"); d != "" {
				rows = append(rows, [4]string{l.Val("name"), l.Val("admin-status"), l.Val("oper-status"), d})
			}
		}
	}
	if len(rows) == 0 {
		return // Junos prints nothing when no interface has a description
	}
	fmt.Fprintf(w, "%-16s%-6s%-5s%s\n", "Interface", "Admin", "Link", "Description")
	for _, r := range rows {
		fmt.Fprintf(w, "%-16s%-6s%-5s%s\n", r[0], r[1], r[2], r[3])
	}
}

func flagNames(f *Elem, names map[string]string, order []string) string {
	var out []string
	for _, k := range order {
		if f != nil && f.Get(k) != nil {
			out = append(out, names[k])
		}
	}
	if len(out) == 0 {
		return "None"
	}
	return strings.Join(out, " ")
}

var deviceFlags = map[string]string{"ifdf-present": "Present", "ifdf-running": "Running", "ifdf-loopback": "Loopback"}

func textPhysical(w io.Writer, p *Elem, style string) {
	state := "Enabled"
	if p.Val("admin-status") == "down" {
		state = "Administratively down"
	}
	fmt.Fprintf(w, "Physical interface: %s, %s, Physical link is %s\n", p.Val("name"), state, titleCase(p.Val("oper-status")))
	if idx := p.Val("local-index"); idx != "" && style != "brief" {
		fmt.Fprintf(w, "  Interface index: %s, SNMP ifIndex: %s, Linux name: %s\n", idx, p.Val("snmp-index"), p.Val("linux-name"))
	}
	if d := p.Val("description"); d != "" {
		fmt.Fprintf(w, "  Description: %s\n", d)
	}
	mode := ""
	if lm := p.Val("link-mode"); lm != "" {
		mode = ", Link-mode: " + lm
	}
	if style == "brief" {
		fmt.Fprintf(w, "  Type: %s, Link-level type: %s, MTU: %s, Speed: %s\n", p.Val("link-level-type"), p.Val("link-level-type"), p.Val("mtu"), p.Val("speed"))
	} else {
		fmt.Fprintf(w, "  Link-level type: %s, MTU: %s%s, Speed: %s\n", p.Val("link-level-type"), p.Val("mtu"), mode, p.Val("speed"))
	}
	fmt.Fprintf(w, "  Device flags   : %s\n", flagNames(p.Get("if-device-flags"), deviceFlags, []string{"ifdf-present", "ifdf-running", "ifdf-loopback"}))
	fmt.Fprintf(w, "  Interface flags: %s\n", flagNames(p.Get("if-config-flags"), map[string]string{"iff-snmp-traps": "SNMP-Traps"}, []string{"iff-snmp-traps"}))
	if style == "brief" {
		for _, l := range p.All("logical-interface") {
			textLogical(w, l, style)
		}
		fmt.Fprintln(w)
		return
	}
	if mac := p.Val("current-physical-address"); mac != "" {
		fmt.Fprintf(w, "  Current address: %s, Hardware address: %s\n", mac, p.Val("hardware-physical-address"))
	}
	fmt.Fprintf(w, "  Last flapped   : %s\n", p.Val("interface-flapped"))
	ts := p.Get("traffic-statistics")
	if style == "detail" || style == "extensive" || style == "statistics" {
		fmt.Fprintf(w, "  Statistics last cleared: %s\n", p.Val("statistics-cleared"))
	}
	if ts != nil {
		textTraffic(w, ts, style)
	}
	if in := p.Get("input-error-list"); in != nil && (style == "extensive" || style == "statistics" || style == "detail") {
		out := p.Get("output-error-list")
		fmt.Fprintf(w, "  Input errors:\n    Errors: %s, Drops: %s\n", in.Val("input-errors"), in.Val("input-drops"))
		fmt.Fprintf(w, "  Output errors:\n    Errors: %s, Drops: %s\n", out.Val("output-errors"), out.Val("output-drops"))
	}
	if mac := p.Get("ethernet-mac-statistics"); mac != nil {
		fmt.Fprintf(w, "  MAC statistics:                      Receive         Transmit\n")
		fmt.Fprintf(w, "    Total octets                   %12s %16s\n", mac.Val("input-bytes"), mac.Val("output-bytes"))
		fmt.Fprintf(w, "    Total packets                  %12s %16s\n", mac.Val("input-packets"), mac.Val("output-packets"))
	}
	for _, l := range p.All("logical-interface") {
		textLogical(w, l, style)
	}
	fmt.Fprintln(w)
}

// textTraffic: the rates (every level), then counters; detail and up
// print Junos' Traffic statistics block with bytes.
func textTraffic(w io.Writer, ts *Elem, style string) {
	fmt.Fprintf(w, "  Input rate     : %s bps (%s pps)\n", ts.Val("input-bps"), ts.Val("input-pps"))
	fmt.Fprintf(w, "  Output rate    : %s bps (%s pps)\n", ts.Val("output-bps"), ts.Val("output-pps"))
	if ts.Val("input-bytes") == "" {
		return
	}
	fmt.Fprintf(w, "  Traffic statistics:\n")
	fmt.Fprintf(w, "   Input  bytes  : %20s\n   Output bytes  : %20s\n", ts.Val("input-bytes"), ts.Val("output-bytes"))
	fmt.Fprintf(w, "   Input  packets: %20s\n   Output packets: %20s\n", ts.Val("input-packets"), ts.Val("output-packets"))
}

func textLogical(w io.Writer, l *Elem, style string) {
	fmt.Fprintf(w, "\n  Logical interface %s", l.Val("name"))
	if idx := l.Val("local-index"); idx != "" {
		fmt.Fprintf(w, " (Index %s) (SNMP ifIndex %s)", idx, l.Val("snmp-index"))
	}
	fmt.Fprintln(w)
	if d := l.Val("description"); d != "" {
		fmt.Fprintf(w, "    Description: %s\n", d)
	}
	flags := flagNames(l.Get("if-config-flags"), map[string]string{"iff-up": "Up", "iff-device-down": "Device-Down", "iff-snmp-traps": "SNMP-Traps"},
		[]string{"iff-up", "iff-device-down", "iff-snmp-traps"})
	if tag := l.Val("link-address"); tag != "" {
		flags += " " + tag
	}
	fmt.Fprintf(w, "    Flags: %s Encapsulation: %s\n", flags, l.Val("encapsulation"))
	if ts := l.Get("traffic-statistics"); ts != nil {
		fmt.Fprintf(w, "    Input packets : %s\n    Output packets: %s\n", ts.Val("input-packets"), ts.Val("output-packets"))
	}
	for _, af := range l.All("address-family") {
		if style == "brief" {
			for _, a := range af.All("interface-address") {
				fmt.Fprintf(w, "    %-5s %s\n", af.Val("address-family-name"), addrText(a))
			}
			if len(af.All("interface-address")) == 0 {
				fmt.Fprintf(w, "    %s\n", af.Val("address-family-name"))
			}
			continue
		}
		fmt.Fprintf(w, "    Protocol %s, MTU: %s\n", af.Val("address-family-name"), af.Val("mtu"))
		if af.Get("address-family-flags") != nil {
			fmt.Fprintf(w, "      Flags: Sendbcast-pkt-to-re\n")
		}
		for _, a := range af.All("interface-address") {
			fl := flagNames(a.Get("ifa-flags"), map[string]string{"ifaf-current-preferred": "Is-Preferred", "ifaf-current-primary": "Is-Primary"},
				[]string{"ifaf-current-preferred", "ifaf-current-primary"})
			fmt.Fprintf(w, "      Addresses, Flags: %s\n", fl)
			var parts []string
			if d := a.Val("ifa-destination"); d != "" {
				parts = append(parts, "Destination: "+d)
			}
			parts = append(parts, "Local: "+a.Val("ifa-local"))
			if b := a.Val("ifa-broadcast"); b != "" {
				parts = append(parts, "Broadcast: "+b)
			}
			fmt.Fprintf(w, "        %s\n", strings.Join(parts, ", "))
		}
	}
}

// addrText is an address as brief prints it: local/length.
func addrText(a *Elem) string {
	d := a.Val("ifa-destination")
	if i := strings.IndexByte(d, '/'); i >= 0 {
		return a.Val("ifa-local") + d[i:]
	}
	return a.Val("ifa-local")
}
