package ifmgr

import (
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/ifname"
)

// DefaultPreference is Junos' preference of static routes.
const DefaultPreference = 5

// A static route becomes one Linux route per preference: the route's own
// next hops (next-hop, several of them an ECMP route; or discard, a
// blackhole route; or reject, an unreachable route) at its preference
// (default 5), and each qualified-next-hop at its own (default the
// route's), next hops of equal preference joining one route. The
// preference is the Linux route's priority (metric), so the kernel uses
// the lowest one present, as Junos makes the lowest preference active:
// a qualified-next-hop with a higher preference is a floating static
// route that takes over when the preferred route's link goes away.

// addStatic adds the Linux routes of one static route statement into
// table (main, or a routing instance's).
func (d *desired) addStatic(sr staticRoute, table int, names *ifname.Map, linuxOf map[string]string) error {
	p, r := sr.p, sr.r
	dst, err := netip.ParsePrefix(r.Key)
	if err != nil {
		return configd.PathDiagnostic(p, "", "%v", err)
	}
	pref := DefaultPreference
	if v, ok := r.ActiveChild("preference").Leaf("metric-value"); ok {
		pref = atoi(v)
	}
	byPref := map[int]*route{}
	get := func(pref int) *route {
		rt := byPref[pref]
		if rt == nil {
			rt = &route{dst: dst.Masked(), table: table, metric: pref}
			byPref[pref] = rt
		}
		return rt
	}
	if _, ok := r.Leaf("discard"); ok {
		get(pref).blackhole = true
	}
	if _, ok := r.Leaf("reject"); ok {
		get(pref).unreachable = true
	}
	hop := func(rt *route, leaf, nh string) error {
		if a, err := netip.ParseAddr(nh); err == nil {
			rt.gws = append(rt.gws, a)
			return nil
		}
		ln, ok := linuxOf[ifname.Logical(nh)]
		if !ok {
			if ln, err = names.Linux(nh); err != nil {
				return configd.PathDiagnostic(p, leaf, "%v", err)
			}
		}
		if rt.dev != "" && rt.dev != ln {
			return configd.PathDiagnostic(p, leaf, "gnos supports one interface next hop per route and preference")
		}
		rt.dev = ln
		if l := d.links[ln]; l != nil && l.tun {
			inst := d.instanceOf(table)
			switch {
			case l.svcInstance == inst:
			case inst == "":
				return configd.PathDiagnostic(p, leaf, "next hop %s is an interface of routing instance %s", nh, l.svcInstance)
			case l.svcInstance == "":
				return configd.PathDiagnostic(p, leaf, "next hop %s: routing instance %s routes into a service interface it lists (set routing-instances %s interface %s)", nh, inst, inst, nh)
			default:
				return configd.PathDiagnostic(p, leaf, "next hop %s is an interface of routing instance %s, not of %s", nh, l.svcInstance, inst)
			}
			if inst == "" {
				rt.table = ServiceTable
			}
			rt.svc = true
		}
		return nil
	}
	for _, nh := range r.ActiveNamed("next-hop") {
		if err := hop(get(pref), "next-hop", nh.Value); err != nil {
			return err
		}
	}
	for _, q := range r.ActiveNamed("qualified-next-hop") {
		qp := pref
		if v, ok := q.Leaf("preference"); ok {
			qp = atoi(v)
		}
		if err := hop(get(qp), "qualified-next-hop", q.Key); err != nil {
			return err
		}
	}
	for _, pr := range slices.Sorted(maps.Keys(byPref)) {
		rt := byPref[pr]
		switch {
		case (rt.blackhole || rt.unreachable) && (rt.dev != "" || len(rt.gws) > 0):
			return configd.PathDiagnostic(p, "qualified-next-hop", "preference %d: a next hop and discard or reject at one preference", pr)
		case rt.dev != "" && len(rt.gws) > 0:
			return configd.PathDiagnostic(p, "next-hop", "mix of address and interface next hops at preference %d", pr)
		case !rt.blackhole && !rt.unreachable && rt.dev == "" && len(rt.gws) == 0:
			continue
		}
		sort.Slice(rt.gws, func(i, j int) bool { return rt.gws[i].Less(rt.gws[j]) })
		rt.gws = slices.Compact(rt.gws)
		d.addRoute(*rt)
	}
	return nil
}

// atoi reads a number the schema validated.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
