package pic

import (
	"sort"
	"strings"
)

// Steering: which service-set serves a packet met on an interface.
//
// Interface-style service-sets are applied to logical interfaces
// (interfaces ge-0/0/0 unit 0 family inet service input|output
// service-set S): a packet arriving on ge-0/0/0.0 meets S's input side, a
// packet about to leave by it meets S's output side. Next-hop-style
// service-sets own two service interface units: what is routed into the
// inside unit (ms-0/0/0.1) meets the input side, what is routed into the
// outside unit the output side.
//
// The table is rebuilt by the control core whenever a service-set is
// published or deleted, and swapped in whole (copy-on-write): packet
// sources (the TUN queues of the live data plane, replay into an
// interface) read it without locks.

// steerKey is a (logical interface, direction) pair.
type steerKey struct {
	ifname string
	dir    Side
}

// steerVal is where such a packet goes.
type steerVal struct {
	ss   uint32
	side Side
}

// steerTable maps interfaces to service-sets.
type steerTable struct {
	m map[steerKey]steerVal
}

// steerRules returns the steering entries of one SSRB.
func steerRules(s *SSRB) map[steerKey]steerVal {
	out := map[steerKey]steerVal{}
	if s.Outside != "" { // next-hop style: the direction of travel does not matter
		for _, d := range []Side{Input, Output} {
			out[steerKey{unitName(s.Inside), d}] = steerVal{s.ID, Input}
			out[steerKey{unitName(s.Outside), d}] = steerVal{s.ID, Output}
		}
		return out
	}
	for _, b := range s.Bindings {
		d := Input
		if b.Direction == "output" {
			d = Output
		}
		out[steerKey{unitName(b.Interface), d}] = steerVal{s.ID, d}
	}
	return out
}

// unitName spells a logical interface with its unit: ge-0/0/0 is
// ge-0/0/0.0.
func unitName(ifname string) string {
	if ifname != "" && !strings.Contains(ifname, ".") {
		return ifname + ".0"
	}
	return ifname
}

// rebuildSteer recomputes the steering table from the service-sets held.
// Two service-sets claiming one interface and direction (servicesd
// refuses such a commit) resolve to the lower id. Control side, dp.mu
// held.
func (dp *Dataplane) rebuildSteer() {
	ids := make([]uint32, 0, len(dp.steerBy))
	for id := range dp.steerBy {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	t := &steerTable{m: map[steerKey]steerVal{}}
	for _, id := range ids { // lower ids last: they win
		for k, v := range dp.steerBy[id] {
			t.m[k] = v
		}
	}
	dp.steer.Store(t)
}

// Steer returns the service-set serving a packet met on ifname (a
// logical interface, "ge-0/0/0.0"; a bare "ge-0/0/0" means unit 0) in
// direction dir (Input: arriving on it; Output: about to leave by it),
// and the side of the service-set the packet meets. ok is false when no
// service-set is applied there: the packet is not serviced. Lock-free;
// safe on any goroutine.
func (dp *Dataplane) Steer(ifname string, dir Side) (ss uint32, side Side, ok bool) {
	t := dp.steer.Load()
	if t == nil {
		return 0, 0, false
	}
	v, ok := t.m[steerKey{unitName(ifname), dir}]
	return v.ss, v.side, ok
}

// ServesInterface reports whether service-set id is applied to ifname
// (as a bound interface, or as its service interface; a bare name
// matches all its units). Control side (show filters).
func (dp *Dataplane) ServesInterface(id uint32, ifname string) bool {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	match := func(n string) bool {
		return n == ifname || unitName(n) == ifname || strings.HasPrefix(n, ifname+".")
	}
	for k := range dp.steerBy[id] {
		if match(k.ifname) {
			return true
		}
	}
	return match(dp.svcIf[id])
}
