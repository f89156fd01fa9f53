package rib

import (
	"net/netip"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// FromConfig computes the routes of the configuration root, unselected:
// Direct and Local routes of every address of an enabled interface, and
// the static routes with their next hops resolved to interfaces.
func FromConfig(root *tree.Node) []Route {
	var out []Route
	for _, ifd := range root.ActiveChild("interfaces").ActiveNamed("interface") {
		if _, off := ifd.Leaf("disable"); off {
			continue
		}
		for _, u := range ifd.ActiveNamed("unit") {
			if _, off := u.Leaf("disable"); off {
				continue
			}
			lname := ifname.Unit(ifd.Key, u.Key)
			fam := u.ActiveChild("family")
			for _, f := range []string{"inet", "inet6"} {
				for _, a := range fam.ActiveChild(f).ActiveNamed("address") {
					out = append(out, addressRoutes(a.Key, lname)...)
				}
			}
		}
	}
	ro := root.ActiveChild("routing-options")
	statics := ro.ActiveChild("static").ActiveNamed("route")
	for _, r := range ro.ActiveNamed("rib") {
		statics = append(statics, r.ActiveChild("static").ActiveNamed("route")...)
	}
	direct := out
	for _, r := range statics {
		if rt, ok := staticRoute(r, direct); ok {
			out = append(out, rt)
		}
	}
	return out
}

// addressRoutes are the routes of one interface address: its subnet
// (Direct) and the address itself (Local); a host address (/32, /128) is
// only Direct, as lo0's are in Junos.
func addressRoutes(addr, via string) []Route {
	p, err := netip.ParsePrefix(addr)
	if err != nil {
		return nil // the commit validated it; nothing to route
	}
	t := TableOf(p)
	out := []Route{{Table: t, Prefix: p.Masked(), Protocol: Direct, Preference: Preference[Direct],
		NextHops: []NextHop{{Via: via}}}}
	if p.Bits() < p.Addr().BitLen() {
		out = append(out, Route{Table: t, Prefix: netip.PrefixFrom(p.Addr(), p.Addr().BitLen()), Protocol: Local,
			Preference: Preference[Local], NextHops: []NextHop{{Via: via, Local: true}}})
	}
	return out
}

// staticRoute builds one `static route P` statement. A next hop address
// resolves through the Direct route that contains it; a route none of
// whose next hops resolves is hidden.
func staticRoute(r *tree.Node, direct []Route) (Route, bool) {
	p, err := netip.ParsePrefix(r.Key)
	if err != nil {
		return Route{}, false
	}
	rt := Route{Table: TableOf(p), Prefix: p.Masked(), Protocol: Static, Preference: Preference[Static]}
	if _, ok := r.Leaf("discard"); ok {
		rt.NextHops = []NextHop{{Discard: true}}
		return rt, true
	}
	for _, nh := range r.ActiveNamed("next-hop") {
		a, err := netip.ParseAddr(nh.Value)
		if err != nil { // an interface next hop
			rt.NextHops = append(rt.NextHops, NextHop{Via: ifname.Logical(nh.Value)})
			continue
		}
		h := NextHop{To: a}
		for _, d := range direct {
			if d.Protocol == Direct && d.Prefix.Contains(a) && d.Prefix.Bits() < a.BitLen() {
				h.Via = d.NextHops[0].Via
				break
			}
		}
		rt.NextHops = append(rt.NextHops, h)
	}
	if len(rt.NextHops) == 0 {
		return Route{}, false
	}
	rt.Hidden = true
	for _, h := range rt.NextHops {
		rt.Hidden = rt.Hidden && h.Via == ""
	}
	return rt, true
}

// Merge adds kernel routes to the configuration's: those whose
// destination and table the configuration does not already route.
func Merge(config, kernel []Route) []Route {
	have := map[string]bool{}
	for _, r := range config {
		have[r.Table+" "+r.Prefix.String()] = true
	}
	out := append([]Route(nil), config...)
	for _, r := range kernel {
		if !have[r.Table+" "+r.Prefix.String()] {
			r.Protocol, r.Preference = Kernel, Preference[Kernel]
			out = append(out, r)
		}
	}
	return out
}
