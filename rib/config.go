package rib

import (
	"net/netip"
	"strconv"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// FromConfig computes the routes of the configuration root, unselected:
// Direct and Local routes of every address of an enabled interface, and
// the static routes with their next hops resolved to interfaces. The
// interfaces of a routing instance, and its static routes, go to the
// instance's tables (NAME.inet.0, NAME.inet6.0).
func FromConfig(root *tree.Node) []Route {
	instanceOf := map[string]string{} // logical interface → routing instance
	ris := root.ActiveChild("routing-instances").ActiveNamed("instance")
	for _, inst := range ris {
		for _, itf := range inst.ActiveNamed("interface") {
			instanceOf[ifname.Logical(itf.Key)] = inst.Key
		}
	}
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
					out = append(out, addressRoutes(a.Key, lname, instanceOf[lname])...)
				}
			}
		}
	}
	direct := out
	out = append(out, statics(root.ActiveChild("routing-options"), "", direct)...)
	for _, inst := range ris {
		out = append(out, statics(inst.ActiveChild("routing-options"), inst.Key, direct)...)
	}
	return out
}

// InstanceTable is the table of a destination in a routing instance (""
// the default one): inet.0, inet6.0, NAME.inet.0, NAME.inet6.0.
func InstanceTable(instance string, p netip.Prefix) string {
	if instance == "" {
		return TableOf(p)
	}
	return instance + "." + TableOf(p)
}

// statics are the static routes of a routing-options node (of the
// default instance, or of instance).
func statics(ro *tree.Node, instance string, direct []Route) []Route {
	routes := ro.ActiveChild("static").ActiveNamed("route")
	for _, r := range ro.ActiveNamed("rib") {
		routes = append(routes, r.ActiveChild("static").ActiveNamed("route")...)
	}
	var out []Route
	for _, r := range routes {
		out = append(out, staticRoutes(r, instance, direct)...)
	}
	return out
}

// addressRoutes are the routes of one interface address: its subnet
// (Direct) and the address itself (Local); a host address (/32, /128) is
// only Direct, as lo0's are in Junos.
func addressRoutes(addr, via, instance string) []Route {
	p, err := netip.ParsePrefix(addr)
	if err != nil {
		return nil // the commit validated it; nothing to route
	}
	t := InstanceTable(instance, p)
	out := []Route{{Table: t, Prefix: p.Masked(), Protocol: Direct, Preference: Preference[Direct],
		NextHops: []NextHop{{Via: via}}}}
	if p.Bits() < p.Addr().BitLen() {
		out = append(out, Route{Table: t, Prefix: netip.PrefixFrom(p.Addr(), p.Addr().BitLen()), Protocol: Local,
			Preference: Preference[Local], NextHops: []NextHop{{Via: via, Local: true}}})
	}
	return out
}

// staticRoutes builds one `static route P` statement: a route at its
// preference (default 5) with its next hops, discard or reject, and one
// more route for each other preference its qualified-next-hops name (a
// qualified-next-hop at the route's preference joins the route). A next
// hop address resolves through the Direct route of the same table that
// contains it; a route none of whose next hops resolves is hidden.
func staticRoutes(r *tree.Node, instance string, direct []Route) []Route {
	p, err := netip.ParsePrefix(r.Key)
	if err != nil {
		return nil
	}
	table := InstanceTable(instance, p)
	pref := Preference[Static]
	if v, ok := r.ActiveChild("preference").Leaf("metric-value"); ok {
		pref, _ = strconv.Atoi(v)
	}
	var out []*Route
	at := func(pref int) *Route {
		for _, rt := range out {
			if rt.Preference == pref {
				return rt
			}
		}
		rt := &Route{Table: table, Prefix: p.Masked(), Protocol: Static, Preference: pref}
		out = append(out, rt)
		return rt
	}
	hop := func(s string) NextHop {
		a, err := netip.ParseAddr(s)
		if err != nil { // an interface next hop
			return NextHop{Via: ifname.Logical(s)}
		}
		h := NextHop{To: a}
		for _, d := range direct {
			if d.Table == table && d.Protocol == Direct && d.Prefix.Contains(a) && d.Prefix.Bits() < a.BitLen() {
				h.Via = d.NextHops[0].Via
				break
			}
		}
		return h
	}
	if _, ok := r.Leaf("discard"); ok {
		at(pref).NextHops = []NextHop{{Discard: true}}
	} else if _, ok := r.Leaf("reject"); ok {
		at(pref).NextHops = []NextHop{{Reject: true}}
	}
	for _, nh := range r.ActiveNamed("next-hop") {
		rt := at(pref)
		rt.NextHops = append(rt.NextHops, hop(nh.Value))
	}
	for _, q := range r.ActiveNamed("qualified-next-hop") {
		qp := pref
		if v, ok := q.Leaf("preference"); ok {
			qp, _ = strconv.Atoi(v)
		}
		rt := at(qp)
		rt.NextHops = append(rt.NextHops, hop(q.Key))
	}
	var routes []Route
	for _, rt := range out {
		if len(rt.NextHops) == 0 {
			continue
		}
		rt.Hidden = true
		for _, h := range rt.NextHops {
			rt.Hidden = rt.Hidden && h.Via == "" && !h.Discard && !h.Reject
		}
		routes = append(routes, *rt)
	}
	return routes
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
