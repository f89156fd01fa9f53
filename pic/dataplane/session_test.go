package dataplane

import (
	"testing"
	"time"
	"unsafe"
)

// TestSessionLayout: every field an established packet of an IPv4
// session reads or writes lies in a session's first hotBytes (its first
// cache line, which touchSessions pulls in), and a session is 192 bytes.
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
	if SessionSize != 192 {
		t.Errorf("a session is %d bytes, want 192", SessionSize)
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

// IPv6 sessions keep their addresses in an object of their own, taken
// with the session from the object cache and given back when it goes;
// IPv4 sessions take none. Answers find the session by those addresses.
func TestSessionIPv6Addresses(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	h.send(Input, PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoUDP, SPort: 5000, DPort: 53})
	h.send(Output, PacketSpec{Src: srv6, Dst: cli6, Proto: ProtoUDP, SPort: 53, DPort: 5000})
	h.send(Input, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53})
	inUse := func() int64 {
		for _, c := range h.oc.Stats().Classes {
			if c.Name == Addrs6Class {
				return c.InUse
			}
		}
		t.Fatalf("no %s class", Addrs6Class)
		return 0
	}
	if n := inUse(); n != 1 {
		t.Fatalf("%d IPv6 address objects in use, want 1", n)
	}
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
	h.clk.Advance(DefaultTimeout * time.Second)
	h.dp.Sync()
	if n, st := inUse(), h.dp.Stats(); n != 0 || st.Sessions != 0 {
		t.Fatalf("after expiry: %d IPv6 address objects in use, %d sessions; want 0, 0", n, st.Sessions)
	}
}

// A first-packet handler's rewrite of the reverse key (DataCtx.Keys) is
// the session's: answers to the translated port find it, and when a
// later plugin refuses the session, the destroy events see the keys as
// translated, by which a plugin gives back what it took (nat its port).
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
