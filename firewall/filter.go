package firewall

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/icmpname"
)

// Family is a filter's address family.
type Family uint8

const (
	Inet Family = iota
	Inet6
)

func (f Family) String() string {
	if f == Inet6 {
		return "inet6"
	}
	return "inet"
}

// Action is what a term does with a packet it matches.
type Action uint8

const (
	Accept  Action = iota
	Discard        // drop silently
	Reject         // drop and answer (RejectStyle)
	Next           // next term: the modifiers apply, evaluation goes on
)

// RejectStyle is the answer to a rejected packet.
type RejectStyle uint8

const (
	AdminProhibited RejectStyle = iota // Junos' default
	NetworkUnreachable
	HostUnreachable
	ProtocolUnreachable
	PortUnreachable
	TCPReset // other protocols: administratively prohibited
)

// Prefix is one entry of an address condition.
type Prefix struct {
	netip.Prefix
	Except bool
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

// Term is one compiled term. Empty conditions are not checked.
type Term struct {
	Name string
	// Address conditions, sorted longest prefix first (longest match).
	Src, Dst, Either           []Prefix
	Protocols                  []uint8 // protocol (inet) or next-header (inet6)
	ProtocolsExcept            []uint8
	SrcPorts, SrcPortsExcept   []PortRange
	DstPorts, DstPortsExcept   []PortRange
	Ports, PortsExcept         []PortRange // either side
	ICMPTypes, ICMPTypesExcept []uint8
	ICMPCodes                  []uint8
	TCPInitial, TCPEstablished bool

	Count       string // counter name, "" for none
	Log, Syslog bool
	Action      Action
	Reject      RejectStyle
}

// Filter is one compiled filter.
type Filter struct {
	Name   string
	Family Family
	Terms  []Term
}

// Binding applies filters to one logical interface (Junos name, e.g.
// ge-0/0/0.0) in one family. Each direction holds one filter (`filter
// input NAME`) or a filter list (`filter input-list [ A B ]`), evaluated
// as Junos does: in order, a packet no term of a filter takes going on
// to the next, the implicit discard only after the last (MatchList).
type Binding struct {
	Interface     string
	Family        Family
	Input, Output []string // filter names; nil for none
}

// Config is the compiled [edit firewall] with its bindings.
type Config struct {
	Filters  []*Filter // by family, then name
	Bindings []Binding // by interface, then family
}

// Filter returns the filter of family f named name, or nil.
func (c *Config) Filter(f Family, name string) *Filter {
	for _, x := range c.Filters {
		if x.Family == f && x.Name == name {
			return x
		}
	}
	return nil
}

// Compile compiles the active configuration root. Errors name the
// statement (validation normally refused it before).
func Compile(root *tree.Node) (*Config, error) {
	c := &Config{}
	lists := prefixLists(root)
	fam := root.ActiveChild("firewall").ActiveChild("family")
	for _, f := range []Family{Inet, Inet6} {
		for _, fn := range fam.ActiveChild(f.String()).ActiveNamed("filter") {
			flt, err := compileFilter(fn, f, lists)
			if err != nil {
				return nil, err
			}
			c.Filters = append(c.Filters, flt)
		}
	}
	for _, ifd := range root.ActiveChild("interfaces").ActiveNamed("interface") {
		for _, u := range ifd.ActiveNamed("unit") {
			for _, f := range []Family{Inet, Inet6} {
				fl := u.ActiveChild("family").ActiveChild(f.String()).ActiveChild("filter")
				in, out := boundFilters(fl, "input"), boundFilters(fl, "output")
				if in == nil && out == nil {
					continue
				}
				b := Binding{Interface: ifd.Key + "." + u.Key, Family: f, Input: in, Output: out}
				for _, n := range append(append([]string(nil), in...), out...) {
					if c.Filter(f, n) == nil {
						return nil, fmt.Errorf("interfaces %s unit %s family %s filter: filter %s is not defined", ifd.Key, u.Key, f, n)
					}
				}
				c.Bindings = append(c.Bindings, b)
			}
		}
	}
	return c, nil
}

// boundFilters reads one direction of a unit family's `filter`: `input
// NAME` (the container holding filter-name) or `input-list [ … ]`, in
// the configured order; nil for none.
func boundFilters(fl *tree.Node, dir string) []string {
	if n, _ := fl.ActiveChild(dir).Leaf("filter-name"); n != "" {
		return []string{n}
	}
	var out []string
	for _, v := range fl.ActiveNamed(dir + "-list") {
		out = append(out, v.Value)
	}
	return out
}

// prefixLists reads policy-options prefix-list: name → prefixes.
func prefixLists(root *tree.Node) map[string][]netip.Prefix {
	out := map[string][]netip.Prefix{}
	for _, pl := range root.ActiveChild("policy-options").ActiveNamed("prefix-list") {
		var ps []netip.Prefix
		for _, it := range pl.ActiveNamed("prefix-list-item") {
			if p, err := netip.ParsePrefix(it.Key); err == nil {
				ps = append(ps, p.Masked())
			}
		}
		out[pl.Key] = ps
	}
	return out
}

func compileFilter(fn *tree.Node, f Family, lists map[string][]netip.Prefix) (*Filter, error) {
	flt := &Filter{Name: fn.Key, Family: f}
	for _, tn := range fn.ActiveNamed("term") {
		t, err := compileTerm(tn, f, lists)
		if err != nil {
			return nil, fmt.Errorf("firewall family %s filter %s term %s: %w", f, fn.Key, tn.Key, err)
		}
		flt.Terms = append(flt.Terms, t)
	}
	return flt, nil
}

func compileTerm(tn *tree.Node, f Family, lists map[string][]netip.Prefix) (Term, error) {
	t := Term{Name: tn.Key}
	from := tn.ActiveChild("from")
	var err error
	addr := func(name, plist string) ([]Prefix, error) {
		var ps []Prefix
		for _, a := range from.ActiveNamed(name) {
			p, err := netip.ParsePrefix(a.Key)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %v", name, a.Key, err)
			}
			ps = append(ps, Prefix{p.Masked(), a.ActiveChild("except") != nil})
		}
		for _, l := range from.ActiveNamed(plist) {
			items, ok := lists[l.Key]
			if !ok {
				return nil, fmt.Errorf("%s %s: prefix-list is not defined", plist, l.Key)
			}
			except := l.ActiveChild("except") != nil
			for _, p := range items {
				if p.Addr().Is4() == (f == Inet) {
					ps = append(ps, Prefix{p, except})
				}
			}
		}
		sortPrefixes(ps)
		return ps, nil
	}
	if t.Src, err = addr("source-address", "source-prefix-list"); err != nil {
		return t, err
	}
	if t.Dst, err = addr("destination-address", "destination-prefix-list"); err != nil {
		return t, err
	}
	if t.Either, err = addr("address", "prefix-list"); err != nil {
		return t, err
	}
	proto := "protocol"
	if f == Inet6 {
		proto = "next-header"
	}
	if t.Protocols, err = bytesOf(from, proto); err != nil {
		return t, err
	}
	if t.ProtocolsExcept, err = bytesOf(from, proto+"-except"); err != nil {
		return t, err
	}
	for _, p := range []struct {
		name string
		dst  *[]PortRange
	}{{"source-port", &t.SrcPorts}, {"source-port-except", &t.SrcPortsExcept},
		{"destination-port", &t.DstPorts}, {"destination-port-except", &t.DstPortsExcept},
		{"port", &t.Ports}, {"port-except", &t.PortsExcept}} {
		if *p.dst, err = portsOf(from, p.name); err != nil {
			return t, err
		}
	}
	if t.ICMPTypes, err = bytesOf(from, "icmp-type"); err != nil {
		return t, err
	}
	if t.ICMPTypesExcept, err = bytesOf(from, "icmp-type-except"); err != nil {
		return t, err
	}
	if t.ICMPCodes, err = codesOf(from, f, t.ICMPTypes); err != nil {
		return t, err
	}
	t.TCPInitial = from.ActiveChild("tcp-initial") != nil
	t.TCPEstablished = from.ActiveChild("tcp-established") != nil

	then := tn.ActiveChild("then")
	t.Count, _ = then.Leaf("count")
	t.Log = then.ActiveChild("log") != nil
	t.Syslog = then.ActiveChild("syslog") != nil
	switch {
	case then.ActiveChild("discard") != nil:
		t.Action = Discard
	case then.ActiveChild("reject") != nil:
		t.Action = Reject
		r := then.ActiveChild("reject")
		for name, st := range map[string]RejectStyle{"network-unreachable": NetworkUnreachable,
			"host-unreachable": HostUnreachable, "protocol-unreachable": ProtocolUnreachable,
			"port-unreachable": PortUnreachable, "tcp-reset": TCPReset} {
			if r.ActiveChild(name) != nil {
				t.Reject = st
			}
		}
	case then.ActiveChild("next") != nil:
		t.Action = Next
	default:
		t.Action = Accept // `accept`, or no action at all
	}
	return t, nil
}

// sortPrefixes orders an address condition longest prefix first, so the
// first entry that contains an address is its longest match.
func sortPrefixes(ps []Prefix) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Bits() > ps[j].Bits() })
}

// bytesOf reads leaf-list name of n as 8-bit numbers, taking enumeration
// names (tcp, echo-request…) at their YANG enum values.
func bytesOf(n *tree.Node, name string) ([]uint8, error) {
	var out []uint8
	for _, it := range n.ActiveNamed(name) {
		v, err := numberOf(it.S, it.Value, 255)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", name, it.Value, err)
		}
		out = append(out, uint8(v))
	}
	return out, nil
}

// codesOf reads the icmp-code leaf-list: numbers, or Junos code names of
// the family's ICMP version, each a code of one of the term's icmp-type
// values (a name's YANG enum value is not its code: see internal/icmpname).
func codesOf(n *tree.Node, f Family, types []uint8) ([]uint8, error) {
	fam := icmpname.V4
	if f == Inet6 {
		fam = icmpname.V6
	}
	var out []uint8
	for _, it := range n.ActiveNamed("icmp-code") {
		c, err := icmpname.Code(fam, it.Value, types)
		if err != nil {
			return nil, fmt.Errorf("icmp-code %s: %w", it.Value, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// portsOf reads a leaf-list of ports: numbers, ranges lo-hi, or names.
func portsOf(n *tree.Node, name string) ([]PortRange, error) {
	var out []PortRange
	for _, it := range n.ActiveNamed(name) {
		lo, hi, isRange := strings.Cut(it.Value, "-")
		if !isRange {
			v, err := numberOf(it.S, it.Value, 65535)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %v", name, it.Value, err)
			}
			out = append(out, PortRange{uint16(v), uint16(v)})
			continue
		}
		l, err1 := strconv.ParseUint(lo, 10, 16)
		h, err2 := strconv.ParseUint(hi, 10, 16)
		if err1 != nil || err2 != nil || l > h {
			return nil, fmt.Errorf("%s %s: not a port range", name, it.Value)
		}
		out = append(out, PortRange{uint16(l), uint16(h)})
	}
	return out, nil
}

// numberOf is v as a number: decimal, or an enumeration name of s's type.
func numberOf(s *schema.Node, v string, max uint64) (uint64, error) {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		if n > max {
			return 0, fmt.Errorf("above %d", max)
		}
		return n, nil
	}
	if s != nil {
		if n, ok := enumValue(s.Type, v); ok && n >= 0 && uint64(n) <= max {
			return uint64(n), nil
		}
	}
	return 0, fmt.Errorf("unknown name")
}

func enumValue(t *goyang.YangType, name string) (int64, bool) {
	if t == nil {
		return 0, false
	}
	if t.Kind == goyang.Yenum && t.Enum != nil && t.Enum.IsDefined(name) {
		return t.Enum.Value(name), true
	}
	for _, u := range t.Type {
		if v, ok := enumValue(u, name); ok {
			return v, true
		}
	}
	return 0, false
}
