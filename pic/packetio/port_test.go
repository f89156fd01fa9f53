package packetio

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
)

func TestGeneratorThroughPort(t *testing.T) {
	h := newHarness(t, 2, 16<<20)
	pt := &Port{}
	dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: 2, DB: h.db, Cache: h.oc, Clock: h.clk,
		Plugins: []dataplane.DataPlugin{pic.Lookup("test-port").DataPlugin()}, Tx: pt.Tx})
	if err != nil {
		t.Fatal(err)
	}
	pt.Attach(dp)
	if err := dp.SetServiceSet(&dataplane.SSRB{ID: 1, Name: "ss1", Gen: 1, Forward: []string{"test-port"}, Reverse: []string{"test-port"}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dp.Start(ctx)
	defer dp.Stop()
	g := &Generator{Clock: h.clk, Spec: TrafficSpec{ServiceSet: 1, Flows: 100, Packets: 5,
		Src: netip.MustParsePrefix("10.1.0.0/16"), Dst: netip.MustParsePrefix("192.0.2.1/32"), DPort: 80,
		Protos: []uint8{pic.ProtoTCP, pic.ProtoUDP, pic.ProtoICMP}, Payload: 64}}
	if err := g.Run(ctx, pt); err != nil {
		t.Fatal(err)
	}
	dp.Sync()
	if g.Sent() != 500 || pt.Count() != 500 {
		t.Fatalf("sent %d, %d left, want 500 and 500", g.Sent(), pt.Count())
	}
	if st := dp.Stats(); st.Sessions != 100 || st.Created != 100 {
		t.Errorf("got %d sessions (%d created), want 100", st.Sessions, st.Created)
	}
	// The capture, written as pcap and read back, holds the same packets.
	got := pt.Take()
	raw := make([][]byte, len(got))
	for i, c := range got {
		raw[i] = c.Data
	}
	var buf bytes.Buffer
	if err := WritePcap(&buf, h.clk.Now(), raw); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCapture(&buf)
	if err != nil || len(back) != len(raw) || !bytes.Equal(back[7], raw[7]) {
		t.Fatalf("pcap round trip: got %d packets (%v), want %d", len(back), err, len(raw))
	}
}

// TestInjectOn: a port injecting on an interface with no service-set lets
// packets cross unserviced; on a bound one they make sessions of its set.
func TestInjectOn(t *testing.T) {
	h := newHarness(t, 2, 1<<20)
	dp := h.dp
	if err := dp.SetServiceSet(&dataplane.SSRB{ID: 1, Name: "ss1", Gen: 3, Forward: []string{"test-port"}, Reverse: []string{"test-port"},
		ServiceInterface: "ms-0/0/0", Bindings: []dataplane.Binding{{Interface: "ge-0/0/3.0", Direction: "input"}}}); err != nil {
		t.Fatal(err)
	}
	pt := h.pt
	h.start()
	raw := func(s pic.PacketSpec) []byte {
		var p pic.Packet
		if err := p.Build(s); err != nil {
			t.Fatal(err)
		}
		return append([]byte(nil), p.Data...)
	}
	syn := raw(tcp(cli4, srv4, 40000, 80, pic.TCPSyn, 1, 0))
	if n := pt.InjectOn("ge-0/0/9.0", pic.Input, syn); n != 0 {
		t.Errorf("InjectOn an unbound interface serviced %d packets, want 0", n)
	}
	if n := pt.InjectOn("ge-0/0/3", pic.Input, syn); n != 1 {
		t.Errorf("InjectOn ge-0/0/3 serviced %d packets, want 1", n)
	}
	dp.Sync()
	if ss := dp.Sessions(dataplane.SessionFilter{}); len(ss) != 1 || ss[0].ServiceSet != "ss1" {
		t.Errorf("got sessions %+v, want one of ss1", ss)
	}
	if got := pt.Count(); got != 2 {
		t.Errorf("%d packets left, want 2 (one unserviced, one through ss1)", got)
	}
}

func TestGeneratorRate(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	pt := h.pt
	ctx := h.start()
	g := &Generator{Clock: h.clk, Spec: TrafficSpec{ServiceSet: 1, Flows: 256, Packets: 1, Rate: 64,
		Src: netip.MustParsePrefix("10.1.0.0/16"), Dst: netip.MustParsePrefix("192.0.2.1/32"), DPort: 80, Protos: []uint8{pic.ProtoUDP}}}
	errc := make(chan error, 1)
	go func() { errc <- g.Run(ctx, pt) }()
	for g.Sent() < 256 {
		waitPending(t, h)
		before := g.Sent()
		h.clk.Advance(time.Second) // 64 packets per second: one vector per second
		if g.Sent() == before {
			waitSent(t, g, before)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// waitPending waits until the generator blocks on the clock (or is done).
func waitPending(t *testing.T, h *harness) {
	for i := 0; i < 1e6 && h.clk.Pending() < 2; i++ { // the data plane's tick + the generator
		runtime.Gosched() // no wall-clock wait
	}
}

func waitSent(t *testing.T, g *Generator, before uint64) {
	for i := 0; i < 1e6 && g.Sent() == before; i++ {
		runtime.Gosched()
	}
}

func FuzzReadCapture(f *testing.F) {
	var buf bytes.Buffer
	var p pic.Packet
	_ = p.Build(tcp(cli4, srv4, 1, 2, pic.TCPSyn, 0, 0))
	_ = WritePcap(&buf, time.Unix(0, 0), [][]byte{p.Data})
	f.Add(buf.Bytes())
	ng := []byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0}
	idb := make([]byte, 20)
	binary.LittleEndian.PutUint32(idb, 1)
	binary.LittleEndian.PutUint32(idb[4:], 20)
	binary.LittleEndian.PutUint16(idb[8:], LinkRaw)
	binary.LittleEndian.PutUint32(idb[16:], 20)
	epb := make([]byte, 32+((len(p.Data)+3)&^3))
	binary.LittleEndian.PutUint32(epb, 6)
	binary.LittleEndian.PutUint32(epb[4:], uint32(len(epb)))
	binary.LittleEndian.PutUint32(epb[20:], uint32(len(p.Data)))
	binary.LittleEndian.PutUint32(epb[24:], uint32(len(p.Data)))
	copy(epb[28:], p.Data)
	binary.LittleEndian.PutUint32(epb[len(epb)-4:], uint32(len(epb)))
	f.Add(append(append(ng, idb...), epb...))
	// Real captures' link types: a trunk (stacked VLAN tags), tcpdump -i any (cooked v1, v2) in pcapng.
	f.Add(writePcap(f, layers.LinkTypeEthernet, [][]byte{ether(f, p.Data, 10, 100)}))
	f.Add(writeNg(f, []frame{{link: layers.LinkTypeLinuxSLL, data: sll(p.Data, 0x0800)},
		{link: layers.LinkTypeLinuxSLL2, data: sll2(p.Data, 0x0800)}, {link: layers.LinkTypeEthernet, data: ether(f, p.Data), cut: 20}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkts, err := ReadCapture(bytes.NewReader(b))
		if err == nil {
			for _, p := range pkts {
				if len(p) > pic.MaxPacket {
					t.Fatalf("packet of %d bytes", len(p))
				}
			}
		}
	})
}

var (
	cli4 = netip.MustParseAddr("10.0.0.1")
	srv4 = netip.MustParseAddr("192.0.2.10")
)

func tcp(src, dst netip.Addr, sp, dp uint16, flags uint8, seq, ack uint32) pic.PacketSpec {
	return pic.PacketSpec{Src: src, Dst: dst, Proto: pic.ProtoTCP, SPort: sp, DPort: dp, Flags: flags, Seq: seq, Ack: ack}
}

// forward is the test plugin: every packet goes on.
type forward struct{}

func (forward) Data(pic.DataEvent, *pic.DataCtx) pic.Result { return pic.ResultForward }

func init() {
	pic.Register(&pic.Plugin{Name: "test-port", Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Control: func() pic.ControlHandler {
			return pic.ControlFunc(func(context.Context, *pic.ControlEvent) error { return nil })
		},
		Data: func() pic.DataHandler { return forward{} }})
}

// harness is a data plane of test-port on a fake clock, with service-set
// ss1 and a port on its Tx.
type harness struct {
	t   *testing.T
	clk *clock.Fake
	db  *pic.PolicyDB
	oc  *pic.ObjectCache
	dp  *dataplane.Dataplane
	pt  *Port
}

func newHarness(t *testing.T, cores int, cacheBytes int64) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		db: dataplane.NewPolicyDB(1<<20, cores), oc: dataplane.NewObjectCache(cacheBytes), pt: &Port{}}
	dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: cores, DB: h.db, Cache: h.oc, Clock: h.clk,
		Plugins: []dataplane.DataPlugin{pic.Lookup("test-port").DataPlugin()}, Tx: h.pt.Tx})
	if err != nil {
		t.Fatal(err)
	}
	h.dp = dp
	h.pt.Attach(dp)
	if err := dp.SetServiceSet(&dataplane.SSRB{ID: 1, Name: "ss1", Gen: 1, Forward: []string{"test-port"}, Reverse: []string{"test-port"}}); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) start() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	h.dp.Start(ctx)
	h.t.Cleanup(func() {
		h.dp.Stop()
		cancel()
	})
	return ctx
}
