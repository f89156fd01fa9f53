package dataplane

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// dpTestPolicy steers the test data plugins.
type dpTestPolicy struct {
	dropFirst, rejectFirst, dropPacket bool
	memlimitFirst                      bool   // as a plugin whose allocation failed
	panicPort                          uint16 // EvPacket panics on packets from this source port
	panicOn                            string // the plugin panics on this session event (its String)
	timeout                            uint32
	translatePort                      uint16        // EvFirstPacket rewrites the reverse key's destination port to it
	destroyPort                        atomic.Uint32 // the reverse key's destination port EvSessionDestroy saw
	freed                              atomic.Bool
}

// Free is called by the policy DB when it reclaims the policy.
func (p *dpTestPolicy) Free() { p.freed.Store(true) }

// dpUseAfterFree counts packets that saw a reclaimed policy.
var dpUseAfterFree atomic.Int64

// dpRecorder records the data events it sees (one test at a time).
type dpRecorder struct {
	name string
	mu   sync.Mutex
	log  []string
}

var dpRec = map[string]*dpRecorder{"test-dp-a": {name: "a"}, "test-dp-b": {name: "b"}, "test-dp-c": {name: "c"},
	"test-dp-d": {name: "d"}}

// dpFirstOnly is a recorder that declares it has nothing to do on EvPacket.
type dpFirstOnly struct{ *dpRecorder }

func (dpFirstOnly) FirstPacketOnly() {}

// dpDestroyOnly is a recorder that takes no session event but destroy.
type dpDestroyOnly struct{ *dpRecorder }

func (dpDestroyOnly) SessionEvents() EventSet { return Events(EvSessionDestroy) }

func (r *dpRecorder) Data(ev DataEvent, c *DataCtx) Result {
	if ev == EvSessionManagerInit || ev == EvCoreInit {
		return OK
	}
	r.mu.Lock()
	r.log = append(r.log, fmt.Sprintf("%s:%s:%s", r.name, ev, c.Dir))
	r.mu.Unlock()
	pol, _ := c.Policy.(*dpTestPolicy)
	if pol == nil {
		return ResultForward
	}
	if pol.freed.Load() {
		dpUseAfterFree.Add(1)
	}
	switch {
	case pol.panicOn == ev.String():
		panic("test plugin: panic on " + pol.panicOn)
	case ev == EvFirstPacket && pol.dropFirst:
		return Drop
	case ev == EvFirstPacket && pol.rejectFirst:
		return Reject
	case ev == EvFirstPacket && pol.memlimitFirst:
		return DropMemlimit
	case ev == EvFirstPacket && pol.timeout != 0:
		c.Session.SetTimeout(pol.timeout)
	case ev == EvFirstPacket && pol.translatePort != 0:
		c.Keys[Reverse].DPort = pol.translatePort
		c.Keys[Reverse].Src[0], c.Keys[Reverse].Proto = 0xaa, ProtoTCP // what a session cannot keep: ignored
	case ev == EvSessionDestroy && pol.translatePort != 0:
		_, dport := Ports(c.Session, Reverse)
		pol.destroyPort.Store(uint32(dport))
	case ev == EvPacket && pol.dropPacket:
		return Drop
	case ev == EvPacket && pol.panicPort != 0 && c.Packet.SPort == pol.panicPort:
		panic("test plugin: panic on port")
	}
	return ResultForward
}

func (r *dpRecorder) Describe(c *DataCtx) string { return "recorder " + r.name }

// dpPlugins are the test plugins as the PIC daemon loads them.
var dpPlugins = []DataPlugin{
	{Name: "test-dp-a", Slot: 0, Data: func() DataHandler { return dpRec["test-dp-a"] }},
	{Name: "test-dp-b", Slot: 1, Data: func() DataHandler { return dpRec["test-dp-b"] }},
	{Name: "test-dp-c", Slot: 2, Data: func() DataHandler { return dpFirstOnly{dpRec["test-dp-c"]} }},
	{Name: "test-dp-d", Slot: 3, Data: func() DataHandler { return dpDestroyOnly{dpRec["test-dp-d"]} }},
}

// slotOf is a test plugin's slot.
func slotOf(name string) int {
	for _, p := range dpPlugins {
		if p.Name == name {
			return p.Slot
		}
	}
	panic("no test plugin " + name)
}

func dpEvents() []string {
	var out []string
	for _, n := range []string{"test-dp-a", "test-dp-b", "test-dp-c", "test-dp-d"} {
		r := dpRec[n]
		r.mu.Lock()
		out = append(out, r.log...)
		r.log = nil
		r.mu.Unlock()
	}
	return out
}

// dpHarness is a data plane on a fake clock with a capture of what leaves.
type dpHarness struct {
	t   *testing.T
	clk *clock.Fake
	db  *PolicyDB
	oc  *ObjectCache
	dp  *Dataplane
	mu  sync.Mutex
	out []captured
}

type captured struct {
	side Side
	data []byte
}

func newHarness(t *testing.T, cores int, cacheBytes int64) *dpHarness {
	t.Helper()
	h := &dpHarness{t: t, clk: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		db: NewPolicyDB(1<<20, cores), oc: NewObjectCache(cacheBytes)}
	dp, err := NewDataplane(DataplaneOptions{Cores: cores, DB: h.db, Cache: h.oc, Clock: h.clk,
		Plugins: dpPlugins,
		Tx: func(_ int, pkts []*Packet) {
			h.mu.Lock()
			for _, p := range pkts {
				h.out = append(h.out, captured{p.Out, append([]byte(nil), p.Data...)})
			}
			h.mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	h.dp = dp
	if err := dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 1, Forward: []string{"test-dp-a", "test-dp-b"},
		Reverse: []string{"test-dp-b", "test-dp-a"}}); err != nil {
		t.Fatal(err)
	}
	dpEvents()
	return h
}

// start runs the data cores until the test ends.
func (h *dpHarness) start() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	h.dp.Start(ctx)
	h.t.Cleanup(func() {
		h.dp.Stop()
		cancel()
	})
	return ctx
}

func (h *dpHarness) policy(plugin string, p *dpTestPolicy) {
	h.t.Helper()
	if err := h.db.Publish(1, slotOf(plugin), 2, p, 100); err != nil {
		h.t.Fatal(err)
	}
}

// send builds and processes packets on the right cores, synchronously.
func (h *dpHarness) send(side Side, specs ...PacketSpec) {
	h.t.Helper()
	h.sendTo(1, side, specs...)
}

// sendTo is send into service-set ss.
func (h *dpHarness) sendTo(ss uint32, side Side, specs ...PacketSpec) {
	h.t.Helper()
	for _, s := range specs {
		p := &Packet{ServiceSet: ss, Side: side}
		if err := p.Build(s); err != nil {
			h.t.Fatal(err)
		}
		c := h.dp.Core(SteerCore(p.Proto, p.SPort, p.DPort, h.dp.Cores()))
		h.db.Online(c.ID())
		c.Process([]*Packet{p})
		h.db.Quiesce(c.ID())
	}
}

func (h *dpHarness) taken() []captured {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.out
	h.out = nil
	return out
}

var (
	cli4 = netip.MustParseAddr("10.0.0.1")
	srv4 = netip.MustParseAddr("192.0.2.10")
	cli6 = netip.MustParseAddr("2001:db8::1")
	srv6 = netip.MustParseAddr("2001:db8:1::10")
)

func tcp(src, dst netip.Addr, sp, dp uint16, flags uint8, seq, ack uint32) PacketSpec {
	return PacketSpec{Src: src, Dst: dst, Proto: ProtoTCP, SPort: sp, DPort: dp, Flags: flags, Seq: seq, Ack: ack}
}

func TestSessionTCPLifecycle(t *testing.T) {
	for _, fam := range []struct {
		name     string
		cli, srv netip.Addr
	}{{"ipv4", cli4, srv4}, {"ipv6", cli6, srv6}} {
		t.Run(fam.name, func(t *testing.T) {
			h := newHarness(t, 1, 1<<20)
			c, s := fam.cli, fam.srv
			h.send(Input, tcp(c, s, 40000, 80, TCPSyn, 100, 0))
			h.send(Output, tcp(s, c, 80, 40000, TCPSyn|TCPAck, 500, 101))
			h.send(Input, tcp(c, s, 40000, 80, TCPAck, 101, 501))
			ss := h.dp.Sessions(SessionFilter{})
			if len(ss) != 1 || ss[0].TCP != "ESTABLISHED" || ss[0].Timeout != TCPTimeout {
				t.Fatalf("got %+v, want one ESTABLISHED session with timeout %d", ss, TCPTimeout)
			}
			if got := ss[0].Flows; got[0].Packets != 2 || got[1].Packets != 1 || got[0].Bytes == 0 {
				t.Errorf("got counters %+v, want 2 forward, 1 reverse", got)
			}
			if out := h.taken(); len(out) != 3 || out[0].side != Output || out[1].side != Input {
				t.Errorf("got %d packets out (%v), want 3 leaving by output, input, output", len(out), out)
			}
			h.send(Input, tcp(c, s, 40000, 80, TCPFin|TCPAck, 101, 501))
			h.send(Output, tcp(s, c, 80, 40000, TCPFin|TCPAck, 501, 102))
			h.send(Input, tcp(c, s, 40000, 80, TCPAck, 102, 502)) // last ACK still passes
			if out := h.taken(); len(out) != 3 {
				t.Errorf("got %d packets of the close, want 3", len(out))
			}
			h.clk.Advance(TCPClosedLinger * time.Second)
			h.dp.Sync()
			if ss := h.dp.Sessions(SessionFilter{}); len(ss) != 0 {
				t.Fatalf("got %d sessions after close, want 0", len(ss))
			}
			if st := h.dp.Stats(); st.Closed != 1 || st.Sessions != 0 || st.Created != 1 {
				t.Errorf("got stats %+v, want 1 created, 1 closed, 0 open", st)
			}
		})
	}
}

func TestSessionTimeouts(t *testing.T) {
	tests := []struct {
		name string
		spec PacketSpec
		pol  *dpTestPolicy
		want time.Duration
	}{
		{"udp default", PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53}, nil, DefaultTimeout * time.Second},
		{"icmp default", PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoICMP, SPort: 7}, nil, DefaultTimeout * time.Second},
		{"tcp embryonic", tcp(cli4, srv4, 1, 22, TCPSyn, 1, 0), nil, TCPOpenTimeout * time.Second},
		{"application timeout", PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53},
			&dpTestPolicy{timeout: 120}, 120 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1, 1<<20)
			if tc.pol != nil {
				h.policy("test-dp-a", tc.pol)
			}
			h.send(Input, tc.spec)
			h.clk.Advance(tc.want - time.Second)
			h.dp.Sync()
			if n := len(h.dp.Sessions(SessionFilter{})); n != 1 {
				t.Fatalf("got %d sessions 1 s before the timeout, want 1", n)
			}
			h.clk.Advance(time.Second)
			h.dp.Sync()
			if n := len(h.dp.Sessions(SessionFilter{})); n != 0 {
				t.Fatalf("got %d sessions at the timeout, want 0", n)
			}
			if st := h.dp.Stats(); st.Expired != 1 {
				t.Errorf("got %d expired, want 1", st.Expired)
			}
		})
	}
}

func TestSessionActivityKeepsAlive(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	u := PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5000, DPort: 53}
	h.send(Input, u)
	for range 5 { // 5 × 20 s with traffic: never idle 30 s
		h.clk.Advance(20 * time.Second)
		h.send(Input, u)
	}
	h.dp.Sync()
	if n := len(h.dp.Sessions(SessionFilter{})); n != 1 {
		t.Fatalf("got %d sessions, want the active one", n)
	}
	h.clk.Advance(30 * time.Second)
	h.dp.Sync()
	if n := len(h.dp.Sessions(SessionFilter{})); n != 0 {
		t.Fatalf("got %d sessions after 30 s idle, want 0", n)
	}
}

func TestChaining(t *testing.T) {
	tests := []struct {
		name   string
		pols   map[string]*dpTestPolicy
		want   []string
		out    int
		rejret bool
	}{
		{"forward order then reverse order", nil, []string{
			"a:first-packet:forward", "a:session-open:forward", "a:packet:reverse",
			"b:first-packet:forward", "b:session-open:forward", "b:packet:reverse"}, 2, false},
		// Without a session, the answer is a first packet too.
		{"drop on first packet stops the chain", map[string]*dpTestPolicy{"test-dp-a": {dropFirst: true}},
			[]string{"a:first-packet:forward", "a:session-destroy:forward",
				"a:first-packet:forward", "a:session-destroy:forward"}, 0, false},
		{"second plugin drops", map[string]*dpTestPolicy{"test-dp-b": {dropFirst: true}},
			[]string{"a:first-packet:forward", "a:session-destroy:forward", "a:first-packet:forward",
				"a:session-destroy:forward", "b:first-packet:forward", "b:session-destroy:forward",
				"b:first-packet:forward", "b:session-destroy:forward"}, 0, false},
		{"reject answers", map[string]*dpTestPolicy{"test-dp-a": {rejectFirst: true}},
			[]string{"a:first-packet:forward", "a:session-destroy:forward",
				"a:first-packet:forward", "a:session-destroy:forward"}, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1, 1<<20)
			for n, p := range tc.pols {
				h.policy(n, p)
			}
			h.send(Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
			h.send(Output, tcp(srv4, cli4, 80, 1000, TCPSyn|TCPAck|TCPRst, 9, 2)) // an RST is never answered
			got := dpEvents()
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got events %q, want %q", got, tc.want)
			}
			out := h.taken()
			if len(out) != tc.out {
				t.Fatalf("got %d packets out, want %d", len(out), tc.out)
			}
			if tc.rejret {
				var p Packet
				p.SetData(out[0].data)
				if err := p.Parse(); err != nil || p.TCPFlags != TCPRst|TCPAck || p.SPort != 80 || out[0].side != Input {
					t.Errorf("got %+v (%v) leaving %v, want an RST from port 80 back to the input", p.Key(), err, out[0].side)
				}
			}
		})
	}
}

// A plugin that panics on a session event is counted and logged and the
// core goes on: on the first packet the packet is dropped, no session
// opens and the plugins that ran (the panicking one too) get their
// destroy; on a close event the chain's other plugins still get theirs.
func TestSessionEventPanics(t *testing.T) {
	tests := []struct {
		name    string
		plugin  string
		event   string
		want    string
		created uint64
	}{
		{"first packet, second plugin", "test-dp-b", "first-packet",
			"a:first-packet:forward a:session-destroy:forward b:first-packet:forward b:session-destroy:forward", 0},
		{"first packet, first plugin", "test-dp-a", "first-packet",
			"a:first-packet:forward a:session-destroy:forward", 0},
		{"destroy, first plugin", "test-dp-a", "session-destroy",
			"a:first-packet:forward a:session-open:forward a:session-close:forward a:session-destroy:forward " +
				"b:first-packet:forward b:session-open:forward b:session-close:forward b:session-destroy:forward", 1},
		{"open, first plugin", "test-dp-a", "session-open",
			"a:first-packet:forward a:session-open:forward a:session-close:forward a:session-destroy:forward " +
				"b:first-packet:forward b:session-open:forward b:session-close:forward b:session-destroy:forward", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1, 1<<20)
			h.policy(tc.plugin, &dpTestPolicy{panicOn: tc.event})
			h.send(Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
			h.dp.ClearSessions(1, false)
			if got := strings.Join(dpEvents(), " "); got != tc.want {
				t.Errorf("got events\n%s\nwant\n%s", got, tc.want)
			}
			st := h.dp.Stats()
			if st.PluginPanics != 1 || st.Created != tc.created || st.Sessions != 0 {
				t.Errorf("got %d panics, %d sessions created, %d open; want 1, %d, 0", st.PluginPanics, st.Created, st.Sessions, tc.created)
			}
			if out := h.taken(); len(out) != int(tc.created) {
				t.Errorf("got %d packets out, want %d", len(out), tc.created)
			}
		})
	}
}

func TestPacketDropInReverseChain(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	h.send(Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
	h.policy("test-dp-b", &dpTestPolicy{dropPacket: true})
	dpEvents()
	h.send(Output, tcp(srv4, cli4, 80, 1000, TCPSyn|TCPAck, 9, 2))
	if got := dpEvents(); strings.Join(got, " ") != "b:packet:reverse" {
		t.Errorf("got %q, want b alone (reverse order, drop stops the chain)", got)
	}
	if st := h.dp.Stats(); st.DropPolicy != 1 || st.Tx != 1 {
		t.Errorf("got %+v, want 1 policy drop and only the SYN out", st)
	}
}

// A plugin's failed allocation is a memlimit drop, counted once: not also
// as a policy drop (memory-usage and packet-drops used to disagree).
func TestPluginMemlimitDropCountedOnce(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	h.policy("test-dp-a", &dpTestPolicy{memlimitFirst: true})
	h.send(Input, tcp(cli4, srv4, 1000, 80, TCPSyn, 1, 0))
	if st := h.dp.Stats(); st.DropMemlimit != 1 || st.DropPolicy != 0 || st.Sessions != 0 {
		t.Fatalf("got %d memlimit and %d policy drops, %d sessions; want 1, 0, 0", st.DropMemlimit, st.DropPolicy, st.Sessions)
	}
}

func TestMemlimitAndMaxFlows(t *testing.T) {
	t.Run("memlimit", func(t *testing.T) {
		budget := (SessionSize + tableBytesPerSession) * 256 * 2 // two slabs and their table slots and list
		h := newHarness(t, 1, budget)
		for i := range 600 {
			h.send(Input, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: uint16(1000 + i), DPort: 53})
		}
		st := h.dp.Stats()
		if st.Sessions != 512 || st.DropMemlimit != 88 || h.oc.Stats().MemlimitDrops != 88 {
			t.Fatalf("got %d sessions, %d memlimit drops (cache %d), want 512 and 88", st.Sessions, st.DropMemlimit, h.oc.Stats().MemlimitDrops)
		}
		h.taken()
		h.send(Output, PacketSpec{Src: srv4, Dst: cli4, Proto: ProtoUDP, SPort: 53, DPort: 1000})
		if out := h.taken(); len(out) != 1 {
			t.Errorf("an existing session got %d packets through, want 1", len(out))
		}
	})
	t.Run("max-flows", func(t *testing.T) {
		h := newHarness(t, 1, 1<<20)
		if err := h.dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 2, Forward: []string{"test-dp-a"},
			Reverse: []string{"test-dp-a"}, MaxFlows: 10}); err != nil {
			t.Fatal(err)
		}
		for i := range 15 {
			h.send(Input, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: uint16(1000 + i), DPort: 53})
		}
		if st := h.dp.Stats(); st.Sessions != 10 || st.DropMaxFlows != 5 {
			t.Fatalf("got %d sessions, %d max-flows drops, want 10 and 5", st.Sessions, st.DropMaxFlows)
		}
	})
}

func TestSymmetricSteeringAcrossCores(t *testing.T) {
	h := newHarness(t, 4, 8<<20)
	h.start()
	const flows = 500
	var fwd, rev []*Packet
	for i := range flows {
		src := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		p, r := &Packet{ServiceSet: 1, Side: Input}, &Packet{ServiceSet: 1, Side: Output}
		if err := p.Build(PacketSpec{Src: src, Dst: srv4, Proto: ProtoUDP, SPort: uint16(2000 + i*7), DPort: 53}); err != nil {
			t.Fatal(err)
		}
		if err := r.Build(PacketSpec{Src: srv4, Dst: src, Proto: ProtoUDP, SPort: 53, DPort: uint16(2000 + i*7)}); err != nil {
			t.Fatal(err)
		}
		fwd, rev = append(fwd, p), append(rev, r)
	}
	h.dp.Inject(fwd)
	h.dp.Inject(rev)
	h.dp.Sync()
	ss := h.dp.Sessions(SessionFilter{})
	if len(ss) != flows {
		t.Fatalf("got %d sessions, want %d (one per flow, both directions on one core)", len(ss), flows)
	}
	used := map[int]bool{}
	for _, s := range ss {
		used[s.Core] = true
		if s.Flows[1].Packets != 1 {
			t.Fatalf("session %v got %d reverse packets, want 1", s.Flows[0], s.Flows[1].Packets)
		}
	}
	if len(used) != 4 {
		t.Errorf("sessions on %d cores, want all 4", len(used))
	}
	if n := h.dp.ClearSessions(1, false); n != flows {
		t.Errorf("cleared %d, want %d", n, flows)
	}
}

// A policy change during traffic: every packet sees a whole policy, and a
// replaced policy is freed only once every core has moved past it.
func TestPolicyChangeDuringTraffic(t *testing.T) {
	h := newHarness(t, 2, 8<<20)
	h.start()
	var pkts []*Packet
	for i := range 256 {
		p := &Packet{ServiceSet: 1, Side: Input}
		if err := p.Build(PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: uint16(3000 + i), DPort: 53}); err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p)
	}
	var pols []*dpTestPolicy
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			p := &dpTestPolicy{}
			pols = append(pols, p)
			if err := h.db.Publish(1, slotOf("test-dp-a"), uint64(i+2), p, 100); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 50 {
		for _, p := range pkts {
			p.Parse() // the data path rewrites nothing here; reuse the packets
		}
		h.dp.Inject(pkts)
		h.dp.Sync()
	}
	<-done
	h.dp.Sync()
	if n := dpUseAfterFree.Load(); n != 0 {
		t.Fatalf("%d packets saw a reclaimed policy", n)
	}
	h.dp.Sync() // both cores announce the latest epoch, then go idle (offline)
	h.db.Reclaim()
	for i, p := range pols[:len(pols)-1] {
		if !p.freed.Load() {
			t.Fatalf("policy %d of %d not freed after every core moved on", i, len(pols))
		}
	}
	if pols[len(pols)-1].freed.Load() {
		t.Fatal("the live policy was freed")
	}
	dpEvents()
}

// TestDeleteServiceSetKeepsOthers: deleting a service-set closes its own
// sessions and no other's.
func TestDeleteServiceSetKeepsOthers(t *testing.T) {
	h := newHarness(t, 2, 1<<20)
	if err := h.dp.SetServiceSet(&SSRB{ID: 2, Name: "ss2", Gen: 1, Forward: []string{"test-dp-a"}, Reverse: []string{"test-dp-a"}}); err != nil {
		t.Fatal(err)
	}
	for i := uint16(0); i < 4; i++ {
		h.sendTo(1, Input, tcp(cli4, srv4, 40000+i, 80, TCPSyn, 1, 0))
		h.sendTo(2, Input, tcp(cli4, srv4, 41000+i, 80, TCPSyn, 1, 0))
	}
	if n := len(h.dp.Sessions(SessionFilter{})); n != 8 {
		t.Fatalf("got %d sessions, want 8", n)
	}
	h.dp.DeleteServiceSet(2)
	ss := h.dp.Sessions(SessionFilter{})
	if len(ss) != 4 {
		t.Fatalf("after deleting ss2: %d sessions, want ss1's 4", len(ss))
	}
	for _, s := range ss {
		if s.ServiceSet != "ss1" {
			t.Errorf("session of %s left after its deletion", s.ServiceSet)
		}
	}
	dpEvents()
}
