package rib

import (
	"fmt"
	"net/netip"
	"strings"
)

// Match says how a destination selects routes, as `show route`'s
// arguments do.
type Match int

const (
	// Best: the most specific routes that contain the destination
	// (`show route 10.0.0.1`).
	Best Match = iota
	// Exact: routes for exactly the destination prefix.
	Exact
	// Longer: routes for the destination prefix and any more specific.
	Longer
)

// Query selects routes. The zero Query selects every visible route.
type Query struct {
	Dest     netip.Prefix // invalid: any
	Match    Match
	Table    string // a table whose name starts with it ("inet" is both)
	Protocol string // case-insensitive protocol name
	Hidden   bool   // select hidden routes instead of visible ones
}

// ParseDest reads a destination: an address (a host prefix) or a prefix;
// IPv4 prefixes may leave out trailing zero octets, as in Junos (10/8,
// 0/0).
func ParseDest(s string) (netip.Prefix, error) {
	if addr, bits, ok := strings.Cut(s, "/"); ok && !strings.Contains(addr, ":") && addr != "" {
		for strings.Count(addr, ".") < 3 {
			addr += ".0"
		}
		s = addr + "/" + bits
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid destination %q: want an address or a prefix", s)
	}
	return p.Masked(), nil
}

// ValidProtocol reports whether name is a protocol the RIB may hold.
func ValidProtocol(name string) bool {
	for p := range Preference {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// Select returns the routes of routes (selected already) q selects, in
// order.
func (q Query) Select(routes []Route) []Route {
	var out []Route
	best := map[string]int{} // table → longest containing prefix length
	for _, r := range routes {
		if !q.keep(r) {
			continue
		}
		if q.Dest.IsValid() && q.Match == Best && r.Prefix.Bits() > best[r.Table]-1 {
			best[r.Table] = r.Prefix.Bits() + 1
		}
		out = append(out, r)
	}
	if !q.Dest.IsValid() || q.Match != Best {
		return out
	}
	kept := out[:0]
	for _, r := range out {
		if r.Prefix.Bits() == best[r.Table]-1 {
			kept = append(kept, r)
		}
	}
	return kept
}

func (q Query) keep(r Route) bool {
	if r.Hidden != q.Hidden || !strings.HasPrefix(r.Table, q.Table) {
		return false
	}
	if q.Protocol != "" && !strings.EqualFold(q.Protocol, r.Protocol) {
		return false
	}
	if !q.Dest.IsValid() {
		return true
	}
	if q.Dest.Addr().Is4() != r.Prefix.Addr().Is4() {
		return false
	}
	switch q.Match {
	case Exact:
		return r.Prefix == q.Dest
	case Longer:
		return r.Prefix.Bits() >= q.Dest.Bits() && q.Dest.Contains(r.Prefix.Addr())
	}
	return r.Prefix.Bits() <= q.Dest.Bits() && r.Prefix.Contains(q.Dest.Addr())
}

// Counts are a table's figures for its header line.
type Counts struct {
	Destinations, Routes, Active, Holddown, Hidden int
	// ByProtocol: routes and active routes of each protocol.
	ByProtocol map[string][2]int
}

// Tables returns the names of the tables of routes, in order, with their
// counts. Hidden routes count as routes and as hidden, as in Junos.
func Tables(routes []Route) ([]string, map[string]*Counts) {
	var names []string
	counts := map[string]*Counts{}
	dests := map[string]bool{}
	for _, r := range routes {
		c := counts[r.Table]
		if c == nil {
			c = &Counts{ByProtocol: map[string][2]int{}}
			counts[r.Table] = c
			names = append(names, r.Table)
		}
		c.Routes++
		pc := c.ByProtocol[r.Protocol]
		pc[0]++
		switch {
		case r.Hidden:
			c.Hidden++
		case r.Active:
			c.Active++
			pc[1]++
		}
		c.ByProtocol[r.Protocol] = pc
		if k := r.Table + " " + r.Prefix.String(); !r.Hidden && !dests[k] {
			dests[k] = true
			c.Destinations++
		}
	}
	return names, counts
}
