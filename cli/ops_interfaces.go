package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/internal/wildcard"
)

// show interfaces reports the configured interfaces, and lo0 always, with
// the state and counters of their Linux links (Engine.Links) in live
// mode. Without the live data plane, or when a link does not exist, an
// interface shows its configuration and a link that is down (lo0 is
// always up). The reply carries Junos' element names at every level;
// the level asked for (junos:style) decides how much the text shows and
// which optional parts (bytes, errors, MAC statistics) the XML holds.

// interfaceStyles are show interfaces' output levels.
var interfaceStyles = []string{"terse", "brief", "detail", "extensive", "media", "descriptions", "statistics"}

func interfacesCommand() *Command {
	args := []Arg{{Name: "interface-name", Positional: true, Help: "Name of physical or logical interface (wildcards: ge-*)"},
		{Name: "routing-instance", Value: true, Help: "Name of routing instance"}}
	for _, s := range interfaceStyles {
		args = append(args, Arg{Name: s, Help: "Display " + s + " output"})
	}
	return &Command{Words: []string{"show", "interfaces"}, RPC: "get-interface-information",
		Help: "Show interface information", Args: args, Run: showInterfaces, Text: textInterfaces}
}

func interfaceStyle(a Args) (string, error) {
	style := ""
	for _, s := range interfaceStyles {
		if a.Has(s) {
			if style != "" {
				return "", fmt.Errorf("%s and %s are mutually exclusive", style, s)
			}
			style = s
		}
	}
	return style, nil
}

func showInterfaces(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	style, err := interfaceStyle(a)
	if err != nil {
		return nil, err
	}
	match, err := interfaceMatcher(a["interface-name"])
	if err != nil {
		return nil, err
	}
	root := s.eng.Configd.Active()
	e := E("interface-information")
	if style != "" {
		e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: style}}
	}
	if ri, ok := a["routing-instance"]; ok && ri == PrivateInstance {
		return e.Add(privateInterfaces()...), nil // ops_chassis_internal.go
	}
	inInstance, err := instanceFilter(root, a)
	if err != nil {
		return nil, err
	}
	ifds := root.ActiveChild("interfaces").ActiveNamed("interface")
	hasLo := false
	for _, ifd := range ifds {
		hasLo = hasLo || ifd.Key == "lo0"
	}
	if sc := root.S.Child("interfaces"); !hasLo && sc != nil {
		ifds = append(ifds, &tree.Node{S: sc.Child("interface"), Key: "lo0"}) // lo0 exists unconfigured
	}
	for _, ifd := range ifds {
		if !inInstance(ifd.Key) {
			continue
		}
		if phy := s.eng.physical(ifd, match, style); phy != nil {
			e.Add(phy)
		}
	}
	if a["interface-name"] != "" && len(e.Kids) == 0 {
		return nil, fmt.Errorf("device %s not found", a["interface-name"])
	}
	return e, nil
}

// matcher selects interfaces by name: physical (and its units), logical
// (that unit alone) or a wildcard as PyEZ tables send ('[afgxe][et]-*').
type matcher struct {
	name string
	glob bool // name is a wildcard pattern
}

func interfaceMatcher(name string) (*matcher, error) {
	if err := wildcard.Valid(name); err != nil {
		return nil, fmt.Errorf("invalid interface name %q: %v", name, err)
	}
	return &matcher{name: name, glob: wildcard.Has(name)}, nil
}

// physical reports whether the physical interface ifd is selected, and
// which of its units.
func (m *matcher) physical(ifd string) bool {
	switch {
	case m.name == "":
		return true
	case m.glob:
		return wildcard.Match(m.name, ifd)
	}
	return ifname.Within(m.name, ifd)
}

func (m *matcher) unit(logical string) bool {
	if m.glob || !ifname.HasUnit(m.name) {
		return true
	}
	return ifname.Logical(m.name) == logical
}

// link returns the live state of a Junos interface's link.
func (e *Engine) link(junos string) (ifname.LinkState, bool) {
	if e.Links == nil {
		return ifname.LinkState{}, false
	}
	return e.Links(junos)
}

func (e *Engine) physical(ifd *tree.Node, m *matcher, style string) *Elem {
	if !m.physical(ifd.Key) {
		return nil
	}
	_, disabled := ifd.Leaf("disable")
	admin, oper := upDown(!disabled), "down"
	if ifd.Key == "lo0" {
		oper = upDown(!disabled)
	}
	st, live := e.link(ifd.Key)
	if live {
		admin, oper = upDown(st.AdminUp), upDown(st.OperUp)
	}
	phy := E("physical-interface", T("name", ifd.Key), T("admin-status", admin), T("oper-status", oper))
	if live {
		phy.Add(T("local-index", strconv.Itoa(st.Index)), T("snmp-index", strconv.Itoa(st.Index)), T("linux-name", st.Linux))
	}
	if d, ok := ifd.Leaf("description"); ok {
		phy.Add(T("description", d))
	}
	lt := "Ethernet"
	switch {
	case ifd.Key == "lo0":
		lt = "Unspecified"
	case ifname.IsService(ifd.Key):
		lt = "Services"
	case live:
		lt = linkType(st.Kind)
	}
	phy.Add(T("link-level-type", lt), T("mtu", physicalMTU(ifd, st, live, lt)), T("speed", "Unspecified"))
	if lt == "Ethernet" {
		phy.Add(T("link-mode", "Full-duplex"))
	}
	flags := E("if-device-flags", T("ifdf-present", ""))
	if oper == "up" {
		flags.Add(T("ifdf-running", ""))
	}
	if ifd.Key == "lo0" {
		flags.Add(T("ifdf-loopback", ""))
	}
	phy.Add(flags, E("if-config-flags", T("iff-snmp-traps", "")))
	if live && st.MAC != "" {
		phy.Add(T("current-physical-address", st.MAC), T("hardware-physical-address", st.MAC))
	}
	flapped := T("interface-flapped", "Never")
	flapped.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "seconds"}, Value: "0"}}
	phy.Add(flapped)
	cnt := e.counters(ifd.Key, st, live)
	if style != "terse" && style != "descriptions" {
		phy.Add(T("statistics-cleared", cnt.cleared))
		phy.Add(trafficStats(cnt, style, true))
		if style == "extensive" || style == "statistics" || style == "detail" {
			phy.Add(errorLists(cnt)...)
		}
		if style == "extensive" || style == "media" {
			phy.Add(E("ethernet-mac-statistics", T("input-bytes", u64(cnt.RxBytes)), T("output-bytes", u64(cnt.TxBytes)),
				T("input-packets", u64(cnt.RxPackets)), T("output-packets", u64(cnt.TxPackets))))
		}
	}
	for _, u := range ifd.ActiveNamed("unit") {
		lname := ifname.Unit(ifd.Key, u.Key)
		if !m.unit(ifname.Logical(lname)) {
			continue
		}
		phy.Add(e.logical(u, lname, admin, oper, disabled, live, style))
		if !live && lname != "" {
			if lst, ok := e.link(lname); ok && lst.OperUp {
				// A service interface is its units (one TUN each): it is
				// up when a unit is.
				phy.Get("oper-status").Text = "up"
			}
		}
	}
	return phy
}

// physicalMTU is Junos' physical MTU: the Ethernet frame (the Linux MTU
// plus the 14-byte header), or what the configuration says.
func physicalMTU(ifd *tree.Node, st ifname.LinkState, live bool, lt string) string {
	switch {
	case live && lt == "Ethernet":
		return strconv.Itoa(st.MTU + 14)
	case live:
		return strconv.Itoa(st.MTU)
	}
	if m, ok := ifd.Leaf("mtu"); ok {
		return m
	}
	if ifd.Key == "lo0" {
		return "Unlimited"
	}
	return "1514"
}

func (e *Engine) logical(u *tree.Node, lname, admin, oper string, disabled, live bool, style string) *Elem {
	if _, off := u.Leaf("disable"); off {
		disabled = true
		admin = "down"
	}
	ladmin, loper := admin, oper
	lst, llive := e.link(lname)
	if llive {
		ladmin, loper = upDown(lst.AdminUp && !disabled), upDown(lst.OperUp)
	} else if live {
		loper = "down" // a unit whose link does not exist
	}
	l := E("logical-interface", T("name", lname))
	if llive {
		l.Add(T("local-index", strconv.Itoa(lst.Index)), T("snmp-index", strconv.Itoa(lst.Index)))
	}
	if d, ok := u.Leaf("description"); ok {
		l.Add(T("description", d))
	}
	l.Add(T("admin-status", ladmin), T("oper-status", loper))
	cf := E("if-config-flags")
	switch {
	case oper != "up":
		cf.Add(T("iff-device-down", ""))
	case loper == "up":
		cf.Add(T("iff-up", ""))
	}
	encap := "ENET2"
	if strings.HasPrefix(lname, "lo0.") {
		encap = "Unspecified"
	}
	l.Add(cf.Add(T("iff-snmp-traps", "")))
	if v, ok := u.Leaf("vlan-id"); ok {
		l.Add(T("link-address", "VLAN-Tag [ 0x8100."+v+" ] "))
	}
	l.Add(T("encapsulation", encap))
	if style != "terse" && style != "descriptions" {
		l.Add(trafficStats(e.counters(lname, lst, llive), "", false))
	}
	mtu := 1500
	if llive {
		mtu = lst.MTU
	}
	fam := u.ActiveChild("family")
	for _, f := range []string{"inet", "inet6"} {
		fn := fam.ActiveChild(f)
		if fn == nil {
			continue
		}
		fmtu := mtu
		if v, ok := fn.Leaf("mtu"); ok && !llive {
			fmtu, _ = strconv.Atoi(v)
		}
		af := E("address-family", T("address-family-name", f), T("mtu", strconv.Itoa(fmtu)))
		if f == "inet" {
			af.Add(E("address-family-flags", T("ifff-sendbcast-pkt-to-re", "")))
		}
		addrs := fn.ActiveNamed("address")
		primary, preferred := addressFlags(addrs)
		for _, ad := range addrs {
			af.Add(interfaceAddress(ad.Key, primary == ad.Key, preferred[ad.Key], style == "terse"))
		}
		l.Add(af)
	}
	return l
}

// addressFlags picks a family's primary address (the one configured
// primary, else the first) and the preferred address of each subnet (the
// one configured preferred, else the subnet's first).
func addressFlags(addrs []*tree.Node) (primary string, preferred map[string]bool) {
	preferred = map[string]bool{}
	first := map[netip.Prefix]string{} // per subnet: its preferred address so far
	for _, ad := range addrs {
		p, err := netip.ParsePrefix(ad.Key)
		if err != nil {
			continue
		}
		if _, ok := ad.Leaf("primary"); ok || primary == "" {
			primary = ad.Key // the first, until one says primary (one may)
		}
		cur, seen := first[p.Masked()]
		if _, pref := ad.Leaf("preferred"); !seen || pref {
			delete(preferred, cur)
			first[p.Masked()] = ad.Key
			preferred[ad.Key] = true
		}
	}
	return primary, preferred
}

// interfaceAddress is one address: in terse, the address with its length;
// otherwise Junos' Destination (the subnet, IPv4 octets left out when
// zero: 192.0.2/24), Local and, for IPv4, Broadcast.
func interfaceAddress(addr string, primary, preferred, terse bool) *Elem {
	ia := E("interface-address")
	fl := E("ifa-flags")
	if preferred {
		fl.Add(T("ifaf-current-preferred", ""))
	}
	if primary {
		fl.Add(T("ifaf-current-primary", ""))
	}
	ia.Add(fl)
	p, err := netip.ParsePrefix(addr)
	if terse || err != nil {
		return ia.Add(T("ifa-local", addr))
	}
	if p.Bits() < p.Addr().BitLen() {
		ia.Add(T("ifa-destination", junosSubnet(p.Masked())))
	}
	ia.Add(T("ifa-local", p.Addr().String()))
	if p.Addr().Is4() && p.Bits() < 31 {
		ia.Add(T("ifa-broadcast", broadcast(p).String()))
	}
	return ia
}

// junosSubnet spells an IPv4 subnet as Junos does, trailing zero octets
// beyond the length left out: 192.0.2.0/24 is 192.0.2/24.
func junosSubnet(p netip.Prefix) string {
	if !p.Addr().Is4() {
		return p.String()
	}
	b := p.Addr().As4()
	n := max(1, (p.Bits()+7)/8)
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, strconv.Itoa(int(b[i])))
	}
	return strings.Join(parts, ".") + "/" + strconv.Itoa(p.Bits())
}

func broadcast(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

func linkType(kind string) string {
	switch kind {
	case "tun", "tuntap":
		return "Services"
	case "", "device", "veth", "bridge", "macvlan", "vlan":
		return "Ethernet"
	}
	return kind
}

func u64(v uint64) string { return strconv.FormatUint(v, 10) }

// trafficStats renders counters and rates; detail and extensive add
// bytes.
func trafficStats(c ifCounters, style string, rates bool) *Elem {
	ts := E("traffic-statistics")
	if style == "detail" || style == "extensive" || style == "statistics" {
		ts.Add(T("input-bytes", u64(c.RxBytes)), T("output-bytes", u64(c.TxBytes)))
	}
	if rates {
		ts.Add(T("input-bps", u64(c.inBps)), T("input-pps", u64(c.inPps)), T("output-bps", u64(c.outBps)), T("output-pps", u64(c.outPps)))
	}
	return ts.Add(T("input-packets", u64(c.RxPackets)), T("output-packets", u64(c.TxPackets)))
}

func errorLists(c ifCounters) []*Elem {
	return []*Elem{
		E("input-error-list", T("input-errors", u64(c.RxErrors)), T("input-drops", u64(c.RxDropped))),
		E("output-error-list", T("output-errors", u64(c.TxErrors)), T("output-drops", u64(c.TxDropped))),
	}
}
