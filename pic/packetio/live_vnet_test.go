package packetio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/internal/tun"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// superTCP returns a TCP/IPv4 GSO super-packet of pay payload bytes in
// the kernel's form (checksum partial: the pseudo-header's sum) and its
// header.
func superTCP(t *testing.T, pay, gso int) ([]byte, tun.VnetHdr) {
	t.Helper()
	var p pic.Packet
	if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr("10.0.1.2"), Dst: netip.MustParseAddr("10.0.2.2"),
		Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck | pic.TCPPsh, Seq: 1000, Ack: 1}); err != nil {
		t.Fatal(err)
	}
	b := append([]byte(nil), p.Data...)
	for i := 0; i < pay; i++ {
		b = append(b, byte(i*13))
	}
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[10], b[11] = 0, 0
	binary.BigEndian.PutUint16(b[10:], pic.Checksum(b[:20], 0))
	s := pseudo4(b, len(b)-20)
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	binary.BigEndian.PutUint16(b[36:], uint16(s))
	return b, tun.VnetHdr{Flags: tun.FlagNeedsCsum, GSOType: tun.GSOTCPv4, HdrLen: 40, GSOSize: uint16(gso), CsumStart: 20, CsumOffset: 16}
}

func pseudo4(b []byte, l4 int) uint32 {
	var s uint32
	for i := 12; i < 20; i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	return s + 6 + uint32(l4)
}

func framed(h tun.VnetHdr, pkt []byte) []byte {
	b := make([]byte, tun.VnetHdrLen, tun.VnetHdrLen+len(pkt))
	h.Put(b)
	return append(b, pkt...)
}

// TestLiveOffload: a super-packet read with its virtio_net_hdr runs the
// chain once and leaves whole with the same header where the queue takes
// it, or as complete segments where it does not.
func TestLiveOffload(t *testing.T) {
	for _, tc := range []struct {
		name       string
		outsideHdr bool
	}{{"whole", true}, {"split for a queue without the header", false}} {
		t.Run(tc.name, func(t *testing.T) {
			old := vnetHeaders
			vnetHeaders = func(f *os.File) bool { return tc.outsideHdr || f.Name() != "ms-0/0/0.2" }
			defer func() { vnetHeaders = old }()
			h := newLiveHarness(1, 16<<20)
			var live *Live
			dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: 1, DB: h.db, Cache: h.oc, Clock: h.clk,
				Plugins: []dataplane.DataPlugin{pic.Lookup("test-live").DataPlugin()}, Tx: func(core int, pkts []*pic.Packet) { live.Tx(core, pkts) }})
			if err != nil {
				t.Fatal(err)
			}
			nh := &dataplane.SSRB{ID: 1, Name: "nh", Gen: 1, Forward: []string{"test-live"}, Reverse: []string{"test-live"},
				ServiceInterface: "ms-0/0/0.1", Inside: "ms-0/0/0.1", Outside: "ms-0/0/0.2"}
			if err := dp.SetServiceSet(nh); err != nil {
				t.Fatal(err)
			}
			fn := &fakeNet{t: t, kernel: map[string][]*os.File{}}
			live = NewLive(fn, dp, slog.New(slog.DiscardHandler))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dp.Start(ctx)
			defer dp.Stop()
			live.Sync(map[uint32]*dataplane.SSRB{1: nh})
			defer live.Close()

			const pay, gso = 4000, 1400
			super, hdr := superTCP(t, pay, gso)
			fn.send("ms-0/0/0.1", framed(hdr, super))
			if tc.outsideHdr {
				got := fn.recv("ms-0/0/0.2")
				if want := framed(hdr, super); !bytes.Equal(got, want) {
					t.Errorf("outside: got %d bytes % x…, want the super-packet and its header back (%d bytes % x…)",
						len(got), got[:min(len(got), 24)], len(want), want[:24])
				}
			} else {
				var payload []byte
				for i := 0; i < 3; i++ {
					seg := fn.recv("ms-0/0/0.2")
					if len(seg) < 40 || pic.Checksum(seg[20:], pseudo4(seg, len(seg)-20)) != 0 || pic.Checksum(seg[:20], 0) != 0 {
						t.Fatalf("segment %d (%d bytes): checksums invalid", i, len(seg))
					}
					if want := min(gso, pay-i*gso); len(seg)-40 != want {
						t.Errorf("segment %d: got %d payload bytes, want %d", i, len(seg)-40, want)
					}
					payload = append(payload, seg[40:]...)
				}
				if !bytes.Equal(payload, super[40:]) {
					t.Errorf("segments' payload differs from the super-packet's")
				}
			}
			// The writer counts after its write returns: the packet can
			// be read here before its counters move.
			var in, out LiveStats
			testkit.Eventually(t, "the counters of the write", func() error {
				for _, s := range live.Stats() {
					if s.Interface == "ms-0/0/0.1" {
						in = s
					} else {
						out = s
					}
				}
				if in.RxSuper != 1 || in.Rx != 1 || out.Tx != 1 {
					return fmt.Errorf("got in %+v out %+v, want one super-packet read and one packet written", in, out)
				}
				return nil
			})
			if tc.outsideHdr != (out.TxSuper == 1) {
				t.Errorf("stats: got %d super-packets written whole, want %v", out.TxSuper, tc.outsideHdr)
			}
			if st := dp.Stats(); st.Sessions != 1 {
				t.Errorf("sessions: got %d, want 1", st.Sessions)
			}
		})
	}
}
