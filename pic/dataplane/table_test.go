package dataplane

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestTableModel drives a small table (a length that is not a power of
// two, so the multiply-shift home and the wrap are both exercised) with
// random inserts and removes against a map: every entry present is found
// under its key and direction, every removed one is gone.
func TestTableModel(t *testing.T) {
	for _, slots := range []int{8, 13, 64, 100} {
		tab := newTable(slots)
		rng := rand.New(rand.NewPCG(uint64(slots), 7))
		type ent struct {
			s *Session
			d Dir
			h uint64
		}
		var live []ent
		for step := range 20000 {
			if len(live) > 0 && (tab.full(0) || rng.IntN(3) == 0) {
				i := rng.IntN(len(live))
				e := live[i]
				tab.remove(e.s, e.d)
				live[i] = live[len(live)-1]
				live = live[:len(live)-1]
				k := e.s.Key(e.d)
				if s, _ := tab.lookup(e.h, &k, e.s.set.id); s == e.s {
					t.Fatalf("slots %d step %d: removed entry still found", slots, step)
				}
			} else {
				s := &Session{set: &setInfo{id: 1}}
				k := FlowKey{Src: [16]byte{10: 0xff, 11: 0xff, 15: 1}, SPort: uint16(rng.Uint32()), DPort: uint16(step), Proto: ProtoUDP}
				rk := k.Reverse()
				s.setKeys(&k, &rk)
				for d := Forward; d <= Reverse; d++ {
					k := s.Key(d)
					h := k.hash(1)
					tab.insert(h, s, d)
					live = append(live, ent{s, d, h})
				}
			}
			if tab.used != len(live) {
				t.Fatalf("slots %d step %d: got %d entries, want %d", slots, step, tab.used, len(live))
			}
			for _, e := range live {
				k := e.s.Key(e.d)
				if s, d := tab.lookup(e.h, &k, 1); s != e.s || d != e.d {
					t.Fatalf("slots %d step %d: entry %v lost (got %p %v)", slots, step, k, s, d)
				}
			}
		}
	}
}

// The session tables come out of the object cache: charged when the data
// plane is built, sized from the budget, shown apart.
func TestTableChargedToCache(t *testing.T) {
	const budget = 8 << 20
	h := newHarness(t, 2, budget)
	st := h.oc.Stats()
	if want := TableBytes(budget, 2); st.Tables != want || st.Reserved != want {
		t.Errorf("got tables %d, reserved %d; want both %d", st.Tables, st.Reserved, want)
	}
	if got := len(h.dp.Core(0).tab.slots); got != tableSlots(budget, 2) {
		t.Errorf("got %d slots a core, want %d", got, tableSlots(budget, 2))
	}
	if _, err := NewDataplane(DataplaneOptions{Cores: 1, DB: NewPolicyDB(1<<20, 1), Cache: NewObjectCache(64)}); err == nil {
		t.Error("a cache too small for the session tables: got no error")
	}
}

// A core whose table is full refuses new sessions as memlimit drops,
// counted by the data path and by the object cache, even while the cache
// has room (the flows all steer to one core of two).
func TestTableFullIsMemlimit(t *testing.T) {
	const budget = 1 << 20
	h := newHarness(t, 2, budget)
	room := tableSlots(budget, 2) / slotsPerSession
	for i := range room + 10 {
		a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
		h.send(Input, PacketSpec{Src: a, Dst: srv4, Proto: ProtoUDP, SPort: 1000, DPort: 53})
	}
	st := h.dp.Stats()
	if st.Sessions != int64(room) || st.DropMemlimit != 10 || h.oc.Stats().MemlimitDrops != 10 {
		t.Fatalf("got %d sessions, %d memlimit drops (cache %d); want %d and 10", st.Sessions, st.DropMemlimit,
			h.oc.Stats().MemlimitDrops, room)
	}
	if h.oc.Stats().Reserved >= budget {
		t.Fatalf("the cache is full (%d of %d): the test shows nothing", h.oc.Stats().Reserved, budget)
	}
}

// The list of live sessions stays dense and exact under random arrivals
// and departures: every session in it knows its index, and it holds
// exactly the sessions entered and not left.
func TestLiveList(t *testing.T) {
	tab := newTable(400)
	rng := rand.New(rand.NewPCG(3, 4))
	in := map[*Session]bool{}
	for step := range 5000 {
		if len(tab.live) > 0 && (len(tab.live) == cap(tab.live) || rng.IntN(2) == 0) {
			s := tab.live[rng.IntN(len(tab.live))]
			tab.leave(s)
			delete(in, s)
		} else {
			s := &Session{}
			tab.enter(s)
			in[s] = true
		}
		if len(tab.live) != len(in) {
			t.Fatalf("step %d: %d listed, want %d", step, len(tab.live), len(in))
		}
		for i, s := range tab.live {
			if int(s.li) != i || !in[s] {
				t.Fatalf("step %d: index %d holds a session that says %d (listed %v)", step, i, s.li, in[s])
			}
		}
	}
}

// TestTableRemoveKeepsReverseReachable: an entry's home is its session
// hash's, without the direction bit the slot also stores. Where that bit
// moves the hash across a slot boundary (tables whose length is not a
// power of two), a backward shift must still move a reverse entry toward
// its real home, or a lookup stops at the hole before it.
func TestTableRemoveKeepsReverseReachable(t *testing.T) {
	tb := newTable(10)
	var h uint64
	for c := uint64(0); c < 1<<20; c++ { // a hash in slot 0 whose bit-1 form is in slot 1
		if x := c<<2 | 1; tb.home(x) == 0 && tb.home(x|2) == 1 {
			h = x
			break
		}
		if x := ^uint64(0)/tb.n - c; x&2 == 0 && tb.home(x) == 0 && tb.home(x|2) == 1 {
			h = x
			break
		}
	}
	if h == 0 {
		t.Skip("no hash crosses a slot boundary with its direction bit in this table")
	}
	x, r := &Session{}, &Session{}
	tb.insert(4|1, x, Forward) // slot 0
	tb.insert(h, r, Reverse)   // probes past slot 0 into slot 1
	tb.remove(x, Forward)
	if s, d := tb.candidate(h); s != r || d != Reverse {
		t.Fatalf("after removing the entry before it, the reverse entry is not found (got %p, %v)", s, d)
	}
}

// TestSessionMatches: a session gives back the keys it was given, and
// its compact compare agrees with == on the whole key whichever field or
// address byte of a packet's key differs (an IPv4 key's first twelve
// address bytes are always the mapped prefix), IPv4 and IPv6, both
// directions.
func TestSessionMatches(t *testing.T) {
	v4 := FlowKey{Src: [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 1}, Dst: [16]byte{10: 0xff, 11: 0xff, 12: 192, 15: 53},
		SPort: 1024, DPort: 53, Proto: ProtoUDP}
	v6 := FlowKey{Src: [16]byte{0: 0x20, 1: 1, 15: 1}, Dst: [16]byte{0: 0x20, 1: 1, 14: 1, 15: 2},
		SPort: 40000, DPort: 443, Proto: ProtoTCP, V6: true}
	for _, base := range []FlowKey{v4, v6} {
		s := &Session{}
		rb := base.Reverse()
		s.setKeys(&base, &rb)
		if s.Key(Forward) != base || s.Key(Reverse) != base.Reverse() {
			t.Fatalf("keys %v / %v, want %v / %v", s.Key(Forward), s.Key(Reverse), base, base.Reverse())
		}
		variants := []func(*FlowKey){
			func(k *FlowKey) {}, func(k *FlowKey) { k.SPort++ }, func(k *FlowKey) { k.DPort++ },
			func(k *FlowKey) { k.SPort, k.DPort = k.DPort, k.SPort },
			func(k *FlowKey) { k.Proto = ProtoICMP }, func(k *FlowKey) { k.V6 = !k.V6 },
		}
		first := 12
		if base.V6 {
			first = 0
		}
		for i := first; i < 16; i++ {
			variants = append(variants, func(k *FlowKey) { k.Src[i] ^= 0x80 }, func(k *FlowKey) { k.Dst[i] ^= 1 })
		}
		for d := range Dir(2) {
			want := s.Key(d)
			for i, v := range variants {
				k := want
				v(&k)
				if got := s.matches(d, &k); got != (k == want) {
					t.Errorf("%v %v variant %d: matches %v, == %v", base, d, i, got, k == want)
				}
			}
		}
	}
}

// A session's hash of its compact keys is FlowKey.hash of its keys, both
// families, both directions.
func TestSessionHash(t *testing.T) {
	v4 := FlowKey{SPort: 1024, DPort: 53, Proto: ProtoUDP}
	mapV4(&v4.Src, []byte{10, 0, 0, 1})
	mapV4(&v4.Dst, []byte{192, 0, 2, 53})
	v6 := FlowKey{Src: [16]byte{0: 0x20, 1: 1, 15: 1}, Dst: [16]byte{0: 0x20, 1: 1, 14: 1, 15: 2},
		SPort: 40000, DPort: 443, Proto: ProtoTCP, V6: true}
	for _, k := range []FlowKey{v4, v6} {
		s := &Session{set: &setInfo{id: 77}}
		r := k.Reverse()
		s.setKeys(&k, &r)
		for d := range Dir(2) {
			if want := s.Key(d); s.hash(d) != want.hash(77) {
				t.Errorf("%v %v: session hash %#x, FlowKey hash %#x", k, d, s.hash(d), want.hash(77))
			}
		}
	}
}
