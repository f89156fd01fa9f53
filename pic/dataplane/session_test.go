package dataplane

import (
	"net/netip"
	"testing"
	"time"
	"unsafe"
)

// TestSessionLayout: every field an established packet of an IPv4
// session reads or writes lies in a session's first hotBytes (its first
// cache line, which touchSessions pulls in), an IPv6 session's addresses
// fill its last line, and a session is 256 bytes.
func TestSessionLayout(t *testing.T) {
	var s Session
	hot := []struct {
		name      string
		off, size uintptr
	}{
		{"flags", unsafe.Offsetof(s.flags), unsafe.Sizeof(s.flags)},
		{"TCP", unsafe.Offsetof(s.TCP), unsafe.Sizeof(s.TCP)},
		{"finSeen", unsafe.Offsetof(s.finSeen), unsafe.Sizeof(s.finSeen)},
		{"Side", unsafe.Offsetof(s.Side), unsafe.Sizeof(s.Side)},
		{"proto", unsafe.Offsetof(s.proto), unsafe.Sizeof(s.proto)},
		{"v6", unsafe.Offsetof(s.v6), unsafe.Sizeof(s.v6)},
		{"keys", unsafe.Offsetof(s.keys), unsafe.Sizeof(s.keys)},
		{"pkts", unsafe.Offsetof(s.pkts), unsafe.Sizeof(s.pkts)},
		{"bytes", unsafe.Offsetof(s.bytes), unsafe.Sizeof(s.bytes)},
		{"set", unsafe.Offsetof(s.set), unsafe.Sizeof(s.set)},
		{"last", unsafe.Offsetof(s.last), unsafe.Sizeof(s.last)},
	}
	for _, f := range hot {
		if f.off+f.size > hotBytes {
			t.Errorf("Session.%s at bytes %d-%d: past the first %d a packet reads", f.name, f.off, f.off+f.size, hotBytes)
		}
	}
	if off := unsafe.Offsetof(s.addr6); off != 192 || unsafe.Sizeof(s.addr6) != 64 {
		t.Errorf("IPv6 addresses at bytes %d-%d, want the last line (192-256)", off, off+unsafe.Sizeof(s.addr6))
	}
	if SessionSize != 256 {
		t.Errorf("a session is %d bytes, want 256", SessionSize)
	}
}

// A counter's low word carries into its high word: the counters are 64
// bits though a packet writes only the low words.
func TestSessionCountersCarry(t *testing.T) {
	var s Session
	s.setCounters(Forward, 1<<32-1, 1<<32-100)
	s.count(Forward, 200)
	s.count(Reverse, 1500)
	if s.Packets(Forward) != 1<<32 || s.Bytes(Forward) != 1<<32+100 || s.Packets(Reverse) != 1 || s.Bytes(Reverse) != 1500 {
		t.Fatalf("got forward %d packets %d bytes, reverse %d %d; want %d %d, 1 1500",
			s.Packets(Forward), s.Bytes(Forward), s.Packets(Reverse), s.Bytes(Reverse), uint64(1<<32), uint64(1<<32+100))
	}
}

// An IPv6 session keeps its addresses on its last line: answers find it
// by them and show gives them back.
func TestSessionIPv6Addresses(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	h.send(Input, PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoUDP, SPort: 5000, DPort: 53})
	h.send(Output, PacketSpec{Src: srv6, Dst: cli6, Proto: ProtoUDP, SPort: 53, DPort: 5000})
	h.send(Input, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53})
	ss := h.dp.Sessions(SessionFilter{})
	if len(ss) != 2 {
		t.Fatalf("got %d sessions, want 2", len(ss))
	}
	for _, s := range ss {
		f := s.Flows
		if f[0].Src.Addr().Is6() && (f[0].Src.Addr() != cli6 || f[0].Dst.Addr() != srv6 || f[1].Src.Addr() != srv6 ||
			f[1].Dst.Addr() != cli6 || f[1].Packets != 1) {
			t.Errorf("IPv6 session flows %+v: want %v -> %v and its answer counted", f, cli6, srv6)
		}
	}
}

// A first-packet handler's rewrite of the reverse key (DataCtx.Keys) is
// the session's: answers to the translated port find it (what the
// session cannot keep, another protocol or bytes of an IPv4-mapped
// prefix the handler scribbled on, is ignored), and when a later plugin
// refuses the session, the destroy events see the keys as translated, by
// which a plugin gives back what it took (nat its port).
func TestFirstPacketRewritesReverseKey(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		h := newHarness(t, 1, 1<<20)
		a := &dpTestPolicy{translatePort: 20001}
		h.policy("test-dp-a", a)
		h.policy("test-dp-b", &dpTestPolicy{dropFirst: refuse})
		h.send(Input, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53})
		if refuse {
			if got := a.destroyPort.Load(); got != 20001 {
				t.Errorf("refused session destroyed with reverse port %d, want the translated 20001", got)
			}
			continue
		}
		h.send(Output, PacketSpec{Src: srv4, Dst: cli4, Proto: ProtoUDP, SPort: 53, DPort: 20001})
		ss := h.dp.Sessions(SessionFilter{})
		if len(ss) != 1 || ss[0].Flows[1].Packets != 1 || ss[0].Flows[1].Dst.Port() != 20001 {
			t.Fatalf("got %+v, want one session whose answer to port 20001 was counted", ss)
		}
	}
}

// IPv4 and IPv6 sessions share the object cache: after a peak of one
// family has filled it and expired, the other opens as many sessions.
// (An object class keeps the memory it took until the PIC restarts, so a
// family with objects of its own would find the cache held by the
// other's peak.)
func TestFamiliesShareTheCache(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	open := func(v6 bool) int {
		before := h.dp.Stats().Created
		for i := range 8000 { // more than the cache holds
			src, dst := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), srv4
			if v6 {
				src, dst = netip.AddrFrom16([16]byte{0: 0x20, 1: 0x01, 14: byte(i >> 8), 15: byte(i)}), srv6
			}
			h.send(Input, PacketSpec{Src: src, Dst: dst, Proto: ProtoUDP, SPort: 1000, DPort: 53})
		}
		h.taken()
		h.clk.Advance(DefaultTimeout * time.Second) // and they expire
		h.dp.Sync()
		return int(h.dp.Stats().Created - before)
	}
	v4 := open(false)
	v6 := open(true)
	v4again := open(false)
	if st := h.dp.Stats(); st.DropMemlimit == 0 || st.Sessions != 0 {
		t.Fatalf("%d memlimit drops, %d sessions left: the peaks did not fill the cache, or did not expire", st.DropMemlimit, st.Sessions)
	}
	if v6 < v4*9/10 || v4again < v4*9/10 {
		t.Fatalf("IPv4 peak %d sessions, then IPv6 %d, then IPv4 %d: want each about the first", v4, v6, v4again)
	}
}
