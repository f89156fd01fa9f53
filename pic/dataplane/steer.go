package dataplane

import (
	"sync/atomic"

	"github.com/gnos/gnos/internal/ifname"
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
// The table is updated by the control core whenever a service-set is
// published or deleted, copy-on-write by shard (a commit touching one
// service-set of 10,000 copies one small shard, not the table): packet
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

// steerShards is the number of copy-on-write shards of the table.
const steerShards = 256

// steerTable maps interfaces to service-sets, in shards published
// whole.
type steerTable struct {
	shards [steerShards]atomic.Pointer[map[steerKey]steerVal]
}

func (k steerKey) shard() int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(k.ifname); i++ {
		h = (h ^ uint32(k.ifname[i])) * 16777619
	}
	return int((h ^ uint32(k.dir)) % steerShards)
}

// update removes the entries in del that still point at service-set id
// and adds those in add, copying each shard touched once.
func (t *steerTable) update(id uint32, del, add map[steerKey]steerVal) {
	touched := map[int]map[steerKey]steerVal{}
	shard := func(k steerKey) map[steerKey]steerVal {
		i := k.shard()
		m, ok := touched[i]
		if !ok {
			m = map[steerKey]steerVal{}
			if old := t.shards[i].Load(); old != nil {
				for k, v := range *old {
					m[k] = v
				}
			}
			touched[i] = m
		}
		return m
	}
	for k := range del {
		if m := shard(k); m[k].ss == id {
			delete(m, k)
		}
	}
	for k, v := range add {
		shard(k)[k] = v
	}
	for i, m := range touched {
		t.shards[i].Store(&m)
	}
}

// steerRules returns the steering entries of one SSRB.
func steerRules(s *SSRB) map[steerKey]steerVal {
	out := map[steerKey]steerVal{}
	if s.Outside != "" { // next-hop style: the direction of travel does not matter
		for _, d := range []Side{Input, Output} {
			out[steerKey{ifname.Logical(s.Inside), d}] = steerVal{s.ID, Input}
			out[steerKey{ifname.Logical(s.Outside), d}] = steerVal{s.ID, Output}
		}
		return out
	}
	for _, b := range s.Bindings {
		d := Input
		if b.Direction == "output" {
			d = Output
		}
		out[steerKey{ifname.Logical(b.Interface), d}] = steerVal{s.ID, d}
	}
	return out
}

// setSteer replaces service-set id's steering entries (nil: none). Two
// service-sets claiming one interface and direction (servicesd refuses
// such a commit) resolve to the one published last. Control side, dp.mu
// held.
func (dp *Dataplane) setSteer(id uint32, rules map[steerKey]steerVal) {
	dp.steer.update(id, dp.steerBy[id], rules)
	if rules == nil {
		delete(dp.steerBy, id)
	} else {
		dp.steerBy[id] = rules
	}
}

// Steer returns the service-set serving a packet met on name (a
// logical interface, "ge-0/0/0.0"; a bare "ge-0/0/0" means unit 0) in
// direction dir (Input: arriving on it; Output: about to leave by it),
// and the side of the service-set the packet meets. ok is false when no
// service-set is applied there: the packet is not serviced. Lock-free;
// safe on any goroutine.
func (dp *Dataplane) Steer(name string, dir Side) (ss uint32, side Side, ok bool) {
	k := steerKey{ifname.Logical(name), dir}
	m := dp.steer.shards[k.shard()].Load()
	if m == nil {
		return 0, 0, false
	}
	v, ok := (*m)[k]
	return v.ss, v.side, ok
}

// ServesInterface reports whether service-set id is applied to name
// (as a bound interface, or as its service interface; a bare name
// matches all its units). Control side (show filters).
func (dp *Dataplane) ServesInterface(id uint32, name string) bool {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	match := func(n string) bool {
		return ifname.Within(n, name) || ifname.Logical(n) == name
	}
	for k := range dp.steerBy[id] {
		if match(k.ifname) {
			return true
		}
	}
	return match(dp.svcIf[id])
}
