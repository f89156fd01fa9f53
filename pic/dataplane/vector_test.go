package dataplane

import (
	"strings"
	"testing"
	"time"
)

// vector processes specs as one vector on core 0 (a one-core harness),
// each with its side.
func (h *dpHarness) vector(pkts ...vpkt) {
	h.t.Helper()
	vec := make([]*Packet, len(pkts))
	for i, v := range pkts {
		vec[i] = &Packet{ServiceSet: 1, Side: v.side}
		if err := vec[i].Build(v.spec); err != nil {
			h.t.Fatal(err)
		}
	}
	h.db.Online(0)
	h.dp.Core(0).Process(vec)
	h.db.Quiesce(0)
}

type vpkt struct {
	side Side
	spec PacketSpec
}

// The later packets of a flow whose first packet opens its session in
// the same vector, both ways, belong to that session: one session is
// created, each packet runs its direction's chain after the first
// packet's events, and all leave in the order they came.
func TestVectorNewSessionTakesLaterPackets(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	syn := tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0)
	synAck := tcp(srv4, cli4, 80, 1000, TCPSyn|TCPAck, 9, 2)
	ack := tcp(cli4, srv4, 1000, 80, TCPAck, 2, 10)
	other := tcp(cli4, srv4, 1001, 80, TCPSyn, 1, 0)
	h.vector(vpkt{Input, syn}, vpkt{Output, synAck}, vpkt{Input, other}, vpkt{Input, ack})
	st := h.dp.Stats()
	if st.Created != 2 || st.Sessions != 2 || st.Tx != 4 {
		t.Fatalf("got %d sessions created (%d open), %d out; want 2, 2, 4", st.Created, st.Sessions, st.Tx)
	}
	got := strings.Join(dpEvents(), " ")
	want := "a:first-packet:forward a:session-open:forward a:first-packet:forward a:session-open:forward " +
		"a:packet:reverse a:packet:forward " +
		"b:first-packet:forward b:session-open:forward b:first-packet:forward b:session-open:forward " +
		"b:packet:reverse b:packet:forward"
	if got != want {
		t.Errorf("got events\n%s\nwant\n%s", got, want)
	}
	out := h.taken()
	ports := []uint16{1000, 80, 1001, 1000}
	for i, o := range out {
		var p Packet
		p.SetData(o.data)
		if err := p.Parse(); err != nil || p.SPort != ports[i] {
			t.Errorf("packet %d out: source port %d (%v), want %d (vector order)", i, p.SPort, err, ports[i])
		}
	}
	ss := h.dp.Sessions(SessionFilter{})
	if len(ss) != 2 {
		t.Fatalf("got %d sessions, want 2", len(ss))
	}
	for _, s := range ss {
		if s.Flows[0].Src.Port() == 1000 && (s.Flows[0].Packets != 2 || s.Flows[1].Packets != 1 || s.TCP != "ESTABLISHED") {
			t.Errorf("session %+v: want 2 packets forward, 1 reverse, established", s)
		}
	}
}

// A plugin that panics on one packet of a vector's group drops that
// packet alone: the plugin goes on with the group's next packets, the
// plugins after it never see the dropped one, the core goes on.
func TestVectorPanicDropsOnePacket(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	var open []vpkt
	for _, sp := range []uint16{1000, 1001, 1002} {
		open = append(open, vpkt{Input, tcp(cli4, srv4, sp, 80, TCPSyn, 1, 0)})
	}
	h.vector(open...)
	h.taken()
	dpEvents()
	h.policy("test-dp-a", &dpTestPolicy{panicPort: 1001})
	var later []vpkt
	for _, sp := range []uint16{1000, 1001, 1002} {
		later = append(later, vpkt{Input, tcp(cli4, srv4, sp, 80, TCPAck, 2, 1)})
	}
	h.vector(later...)
	got := strings.Join(dpEvents(), " ")
	want := "a:packet:forward a:packet:forward a:packet:forward b:packet:forward b:packet:forward"
	if got != want {
		t.Errorf("got events %q, want %q (a sees all three, b the two a let through)", got, want)
	}
	st := h.dp.Stats()
	if st.PluginPanics != 1 || st.DropPolicy != 1 || st.Tx != 5 {
		t.Errorf("got %d panics, %d policy drops, %d out in all; want 1, 1, 5", st.PluginPanics, st.DropPolicy, st.Tx)
	}
	out := h.taken()
	if len(out) != 2 {
		t.Fatalf("got %d packets out, want 2", len(out))
	}
	for i, sp := range []uint16{1000, 1002} {
		var p Packet
		p.SetData(out[i].data)
		if err := p.Parse(); err != nil || p.SPort != sp {
			t.Errorf("packet %d out from port %d (%v), want %d", i, p.SPort, err, sp)
		}
	}
}

// A vector mixing service-sets and directions is grouped for the chains
// but leaves in the order it came, each packet through its own
// service-set's chain in its direction's order.
func TestVectorGroupsKeepOrder(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	if err := h.dp.SetServiceSet(&SSRB{ID: 2, Name: "ss2", Gen: 1, Forward: []string{"test-dp-b"},
		Reverse: []string{"test-dp-b"}}); err != nil {
		t.Fatal(err)
	}
	h.send(Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
	h.sendTo(2, Input, tcp(cli4, srv4, 2000, 80, TCPSyn, 1, 0))
	h.taken()
	dpEvents()
	vec := make([]*Packet, 0, 6)
	for _, v := range []struct {
		ss   uint32
		side Side
		spec PacketSpec
	}{
		{1, Output, tcp(srv4, cli4, 80, 1000, TCPSyn|TCPAck, 9, 2)},
		{2, Input, tcp(cli4, srv4, 2000, 80, TCPAck, 2, 1)},
		{1, Input, tcp(cli4, srv4, 1000, 80, TCPAck, 2, 10)},
		{2, Output, tcp(srv4, cli4, 80, 2000, TCPAck, 9, 2)},
		{1, Output, tcp(srv4, cli4, 80, 1000, TCPAck, 10, 2)},
	} {
		p := &Packet{ServiceSet: v.ss, Side: v.side}
		if err := p.Build(v.spec); err != nil {
			t.Fatal(err)
		}
		vec = append(vec, p)
	}
	h.db.Online(0)
	h.dp.Core(0).Process(vec)
	h.db.Quiesce(0)
	got := strings.Join(dpEvents(), " ")
	// a: ss1's reverse packets (two) and its forward one; b: every packet,
	// group by group in the order the groups first appeared.
	want := "a:packet:reverse a:packet:reverse a:packet:forward " +
		"b:packet:reverse b:packet:reverse b:packet:forward b:packet:forward b:packet:reverse"
	if got != want {
		t.Errorf("got events\n%s\nwant\n%s", got, want)
	}
	out := h.taken()
	ports := []uint16{80, 2000, 1000, 80, 80}
	sides := []Side{Input, Output, Output, Input, Input}
	if len(out) != len(ports) {
		t.Fatalf("got %d packets out, want %d", len(out), len(ports))
	}
	for i, o := range out {
		var p Packet
		p.SetData(o.data)
		if err := p.Parse(); err != nil || p.SPort != ports[i] || o.side != sides[i] {
			t.Errorf("packet %d out: port %d to %v (%v), want %d to %v", i, p.SPort, o.side, err, ports[i], sides[i])
		}
	}
}

// A vector opening more sessions than its table has room for opens as
// many as fit, although their entries go in only after the pass: the
// rest are memlimit drops and the table is never over its load.
func TestVectorNewSessionsStopAtTableRoom(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	c := h.dp.Core(0)
	c.tab.max = 20 // room for 10 sessions' two entries
	var vec []vpkt
	for i := range BatchSize {
		vec = append(vec, vpkt{Input, tcp(cli4, srv4, uint16(1000+i), 80, TCPSyn, 1, 0)})
	}
	h.vector(vec...)
	st := h.dp.Stats()
	if st.Sessions != 10 || st.DropMemlimit != BatchSize-10 || c.tab.used != 20 {
		t.Fatalf("got %d sessions, %d memlimit drops, %d table entries; want 10, %d, 20", st.Sessions, st.DropMemlimit,
			c.tab.used, BatchSize-10)
	}
	for i := range 10 { // the sessions that opened are in the table
		k := FlowKey{Src: cli4.As16(), Dst: srv4.As16(), SPort: uint16(1000 + i), DPort: 80, Proto: ProtoTCP}
		if s, d := c.tab.lookup(k.hash(1), &k, 1); s == nil || d != Forward {
			t.Errorf("session of port %d not in the table", 1000+i)
		}
	}
}

// tcpLife runs a TCP session of service-set ss through its life (SYN,
// SYN-ACK, RST, the linger) and returns the data events it raised.
func tcpLife(h *dpHarness, ss uint32) string {
	dpEvents()
	h.sendTo(ss, Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
	h.sendTo(ss, Output, tcp(srv4, cli4, 80, 1000, TCPSyn|TCPAck, 9, 2))
	h.sendTo(ss, Input, tcp(cli4, srv4, 1000, 80, TCPRst, 2, 10))
	h.clk.Advance(time.Duration(TCPClosedLinger+1) * time.Second)
	h.dp.Sync()
	return strings.Join(dpEvents(), " ")
}

// A FirstPacketOnly plugin meets a session's first packet and its
// lifecycle events but none of its later packets, either way.
func TestFirstPacketOnlySkipsLaterPackets(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	if err := h.dp.SetServiceSet(&SSRB{ID: 3, Name: "ss3", Gen: 1, Forward: []string{"test-dp-c", "test-dp-a"},
		Reverse: []string{"test-dp-a", "test-dp-c"}}); err != nil {
		t.Fatal(err)
	}
	got := tcpLife(h, 3)
	want := "a:first-packet:forward a:session-open:forward a:packet:reverse a:packet:forward " +
		"a:session-close:forward a:session-destroy:forward " +
		"c:first-packet:forward c:session-open:forward c:session-close:forward c:session-destroy:forward"
	if got != want {
		t.Errorf("got events\n%s\nwant\n%s", got, want)
	}
	if st := h.dp.Stats(); st.Tx != 3 {
		t.Errorf("got %d packets out, want 3", st.Tx)
	}
}

// A plugin that takes only EvSessionDestroy of the session events
// (SessionEvents) meets a session's first packet, its later packets and
// its destroy, on open, refusal and close alike, and never its open or
// close; the others still get them all.
func TestSessionEventsSubscribed(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	if err := h.dp.SetServiceSet(&SSRB{ID: 4, Name: "ss4", Gen: 1, Forward: []string{"test-dp-d", "test-dp-a"},
		Reverse: []string{"test-dp-a", "test-dp-d"}}); err != nil {
		t.Fatal(err)
	}
	got := tcpLife(h, 4)
	want := "a:first-packet:forward a:session-open:forward a:packet:reverse a:packet:forward " +
		"a:session-close:forward a:session-destroy:forward " +
		"d:first-packet:forward d:packet:reverse d:packet:forward d:session-destroy:forward"
	if got != want {
		t.Errorf("got events\n%s\nwant\n%s", got, want)
	}
	// Refused by the plugin after it (a drops every first packet): d,
	// which ran, frees its state; no open, no close.
	if err := h.db.Publish(4, slotOf("test-dp-a"), 2, &dpTestPolicy{dropFirst: true}, 100); err != nil {
		t.Fatal(err)
	}
	h.sendTo(4, Input, tcp(cli4, srv4, 1001, 80, TCPSyn, 1, 0))
	got = strings.Join(dpEvents(), " ")
	want = "a:first-packet:forward a:session-destroy:forward d:first-packet:forward d:session-destroy:forward"
	if got != want {
		t.Errorf("refused: got events\n%s\nwant\n%s", got, want)
	}
}
