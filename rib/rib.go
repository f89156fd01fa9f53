// Package rib is gnos' routing information base: the routes `show route`,
// `show route summary` and `show route forwarding-table` report.
//
// gnos runs no routing protocol, so the RIB is a function of the committed
// configuration, computed on demand rather than maintained: Direct and
// Local routes from the addresses of interfaces that are not disabled,
// Static routes from routing-options (static, and rib inet6.0 static).
// In live mode the routes the Linux kernel holds that the configuration
// did not put there (added by hand, by DHCP, …) join as protocol Kernel,
// a gnos addition Junos does not have. Tables are named as in Junos:
// inet.0 and inet6.0.
//
// Selection is Junos' rule for what gnos has: per destination the route
// with the lowest preference is active (Direct 0, Local 0, Static 5 or
// its own preference, Kernel 254). A static route with
// qualified-next-hops of other preferences is one route per preference,
// as Junos shows them ([Static/5], [Static/7]). A static route whose next
// hop address no Direct route of its table reaches is hidden, as Junos
// hides unresolved routes. Routing instances have their own tables
// (NAME.inet.0, NAME.inet6.0), holding their interfaces' Direct and Local
// routes and their static routes.
//
// Route ages need a time each route was learned. A configuration route
// counts as learned at the commit that made it current; a process that
// starts after that commit cannot know better, so Ages remembers the first
// time it saw each route (the last commit's time for configuration
// routes, the time of the query for kernel routes) and keeps it while the
// route exists.
package rib

import (
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"
)

// Protocol names, as Junos spells them in `[Direct/0]`.
const (
	Direct = "Direct"
	Local  = "Local"
	Static = "Static"
	Kernel = "Kernel"
)

// Preference is the route preference of each protocol.
var Preference = map[string]int{Direct: 0, Local: 0, Static: 5, Kernel: 254}

// NextHop is one next hop of a route.
type NextHop struct {
	To      netip.Addr // gateway; invalid for an interface or local route
	Via     string     // Junos logical interface (or a Linux link gnos does not manage)
	Local   bool       // the route is an address of this router
	Discard bool       // the route drops what it matches
	Reject  bool       // the route drops what it matches and answers ICMP unreachable
}

// Route is one route of one table.
type Route struct {
	Table      string // inet.0, inet6.0
	Prefix     netip.Prefix
	Protocol   string
	Preference int
	NextHops   []NextHop
	Active     bool
	Hidden     bool // unresolved: not used, not shown by default
	Learned    time.Time
}

// key identifies a route for its age: the same destination, protocol and
// next hops is the same route.
func (r *Route) key() string {
	var b strings.Builder
	b.WriteString(r.Table + " " + r.Prefix.String() + " " + r.Protocol)
	for _, nh := range r.NextHops {
		b.WriteString(" " + nh.To.String() + "@" + nh.Via)
		if nh.Discard {
			b.WriteString("!")
		}
		if nh.Reject {
			b.WriteString("#")
		}
	}
	return b.String()
}

// TableOf is the table of a destination without routing instances.
func TableOf(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "inet.0"
	}
	return "inet6.0"
}

// Select marks the active route of each destination and sorts routes by
// table (inet.0 first), then destination, then preference.
func Select(routes []Route) {
	sort.SliceStable(routes, func(i, j int) bool {
		a, b := &routes[i], &routes[j]
		if a.Table != b.Table {
			return tableLess(a.Table, b.Table)
		}
		if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
			return c < 0
		}
		if a.Hidden != b.Hidden {
			return !a.Hidden
		}
		return a.Preference < b.Preference
	})
	for i := range routes {
		r := &routes[i]
		r.Active = !r.Hidden && (i == 0 || routes[i-1].Table != r.Table || routes[i-1].Prefix != r.Prefix)
	}
}

func tableLess(a, b string) bool {
	// IPv4 tables before IPv6 ones, the default instance's first, then
	// by name: inet.0, red.inet.0, inet6.0, red.inet6.0.
	fa, fb := strings.Contains(a, "inet6."), strings.Contains(b, "inet6.")
	if fa != fb {
		return !fa
	}
	da, db := !strings.Contains(strings.TrimSuffix(a, ".0"), "."), !strings.Contains(strings.TrimSuffix(b, ".0"), ".")
	if da != db {
		return da
	}
	return a < b
}

// comparePrefix orders by address, then by length (0.0.0.0/0 first).
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// Ages remembers when each route was first seen. It is safe for
// concurrent use.
type Ages struct {
	mu   sync.Mutex // guards seen
	seen map[string]time.Time
}

// Past returns the configuration routes of rollback revision n (0 is
// the committed configuration) and the time of that commit; ok is false
// past the history.
type Past func(n int) (routes []Route, at time.Time, ok bool)

// Stamp sets each route's Learned. A route seen before keeps its time. A
// new configuration route was learned at the oldest commit of the
// unbroken run of revisions, back from the committed one, that all hold
// it; a new kernel route (or one without history) is learned now. Routes
// no longer present are forgotten.
func (a *Ages) Stamp(routes []Route, now time.Time, past Past) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var revs []map[string]bool // revision n's route keys, read on demand
	var times []time.Time
	has := func(n int, k string) (time.Time, bool) {
		for len(revs) <= n {
			rs, at, ok := past(len(revs))
			if !ok {
				return time.Time{}, false
			}
			m := make(map[string]bool, len(rs))
			for i := range rs {
				m[rs[i].key()] = true
			}
			revs, times = append(revs, m), append(times, at)
		}
		return times[n], revs[n][k]
	}
	next := make(map[string]time.Time, len(routes))
	for i := range routes {
		r := &routes[i]
		k := r.key()
		t, ok := a.seen[k]
		if !ok {
			t = now
			for n := 0; r.Protocol != Kernel && past != nil; n++ {
				at, in := has(n, k)
				if !in {
					break
				}
				t = at
			}
			if t.After(now) {
				t = now
			}
		}
		next[k] = t
		r.Learned = t
	}
	a.seen = next
}

// Neighbor is one entry of an adjacency table (ARP, IPv6 neighbour
// discovery), as the live data plane reads it from the kernel.
type Neighbor struct {
	IP        string
	MAC       string // "" while unresolved
	Interface string
	State     string // reachable, stale, delay, probe, incomplete, permanent, failed
	Router    bool   // IPv6: the neighbour says it is a router
}
