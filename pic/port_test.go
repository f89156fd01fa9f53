package pic

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

func TestGeneratorThroughPort(t *testing.T) {
	h := newHarness(t, 2, 16<<20)
	pt := &Port{}
	dp, err := NewDataplane(DataplaneOptions{Cores: 2, DB: h.db, Cache: h.oc, Clock: h.clk,
		Plugins: []*Plugin{Lookup("test-dp-a")}, Tx: pt.Tx})
	if err != nil {
		t.Fatal(err)
	}
	pt.Attach(dp)
	if err := dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 1, Forward: []string{"test-dp-a"}, Reverse: []string{"test-dp-a"}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dp.Start(ctx)
	defer dp.Stop()
	g := &Generator{Clock: h.clk, Spec: TrafficSpec{ServiceSet: 1, Flows: 100, Packets: 5,
		Src: netip.MustParsePrefix("10.1.0.0/16"), Dst: netip.MustParsePrefix("192.0.2.1/32"), DPort: 80,
		Protos: []uint8{ProtoTCP, ProtoUDP, ProtoICMP}, Payload: 64}}
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
	dpEvents()
}

func TestGeneratorRate(t *testing.T) {
	h := newHarness(t, 1, 1<<20)
	pt := &Port{}
	pt.Attach(h.dp)
	ctx := h.start()
	g := &Generator{Clock: h.clk, Spec: TrafficSpec{ServiceSet: 1, Flows: 256, Packets: 1, Rate: 64,
		Src: netip.MustParsePrefix("10.1.0.0/16"), Dst: netip.MustParsePrefix("192.0.2.1/32"), DPort: 80, Protos: []uint8{ProtoUDP}}}
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
	dpEvents()
}

// waitPending waits until the generator blocks on the clock (or is done).
func waitPending(t *testing.T, h *dpHarness) {
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
	var p Packet
	_ = p.Build(tcp(cli4, srv4, 1, 2, TCPSyn, 0, 0))
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
	f.Fuzz(func(t *testing.T, b []byte) {
		pkts, err := ReadCapture(bytes.NewReader(b))
		if err == nil {
			for _, p := range pkts {
				if len(p) > MaxPacket {
					t.Fatalf("packet of %d bytes", len(p))
				}
			}
		}
	})
}
