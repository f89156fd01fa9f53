package ifmgr

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Address order stands for primary and preferred. Linux has neither
// statement; what it has is order: the first address a link gets in a
// subnet is that subnet's primary (the others are secondaries) and the
// source the kernel picks there, and the link's first address is its
// default source. So gnos adds a link's addresses primary first, then the
// preferred ones, then the rest in address order. When the primary or a
// preferred address of a link's family changes, order matters for
// addresses already there: gnos then removes that family's addresses and
// adds them again in the new order (a brief gap in that family's
// addressing of the link).

// Address ranks: the lower goes in first.
const (
	rankPrimary   = 1
	rankPreferred = 2
	rankOther     = 3
)

func (l *link) rankOf(p netip.Prefix) int {
	if r, ok := l.rank[p]; ok {
		return r
	}
	return rankOther
}

// ordered returns l's addresses of one family in the order gnos adds
// them.
func (l *link) ordered(v6 bool) []netip.Prefix {
	var out []netip.Prefix
	for p := range l.addrs {
		if p.Addr().Is6() == v6 {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		if ra, rb := l.rankOf(a), l.rankOf(b); ra != rb {
			return ra - rb
		}
		return a.Addr().Compare(b.Addr())
	})
	return out
}

// ranked spells the primary and preferred addresses of one family: when
// it changes, the family's addresses are added again.
func (l *link) ranked(v6 bool) string {
	var b strings.Builder
	for _, p := range l.ordered(v6) {
		if r := l.rankOf(p); r != rankOther {
			fmt.Fprintf(&b, "%s:%d ", p, r)
		}
	}
	return b.String()
}

// addrSteps are the steps that take link o's addresses (nil: none gnos
// added) to l's.
func addrSteps(o, l *link) []step {
	var steps []step
	for _, v6 := range []bool{false, true} {
		readd := o != nil && o.ranked(v6) != l.ranked(v6)
		if o != nil {
			for _, p := range o.ordered(v6) {
				if readd || !l.addrs[p] {
					steps = append(steps, addrStep(o.linux, p, false))
				}
			}
		}
		for _, p := range l.ordered(v6) {
			if readd || o == nil || !o.addrs[p] {
				steps = append(steps, addrStep(l.linux, p, true))
			}
		}
	}
	return steps
}
