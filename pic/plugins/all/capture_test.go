package all_test

// Packets as real networks send them, built with gopacket (independently
// of the data path's own builder and checksum code), kept as pcapng files
// under testdata and replayed through the PIC. `go test -update`
// rewrites the files from the generators below; without it a test first
// checks that the file still holds what its generator makes, so a stale
// capture fails instead of testing something else.

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
	"github.com/gnos/gnos/pic/pictest"
)

// capture returns the packets of testdata/name, (re)written from gen
// when -update is given, and checks the file matches gen.
func capture(t *testing.T, name string, gen func(testing.TB) [][]byte) [][]byte {
	t.Helper()
	want := gen(t)
	path := filepath.Join("testdata", name)
	if *testkit.Update {
		var buf bytes.Buffer
		w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeRaw)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		for i, p := range want {
			ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(p), Length: len(p)}
			if err := w.WritePacket(ci, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	defer f.Close()
	got, err := packetio.ReadCapture(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s holds %d packets, its generator makes %d (go test -update)", path, len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%s packet %d differs from its generator (go test -update)", path, i)
		}
	}
	return got
}

// ser serialises layers with gopacket, lengths and checksums computed.
// A nil t returns nil on error.
func ser(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		if t == nil {
			return nil
		}
		t.Helper()
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// hdr4 is an IPv4 header as hosts send them (DF set).
func hdr4(src, dst netip.Addr, proto layers.IPProtocol, ttl uint8, id uint16) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Id: id, Flags: layers.IPv4DontFragment, Protocol: proto,
		SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
}

func hdr6(src, dst netip.Addr, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
}

// payload is n bytes of a recognisable pattern.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// udpPkt is a UDP datagram (IPv4 or IPv6 from the addresses).
func udpPkt(t testing.TB, src, dst netip.Addr, sp, dp uint16, ttl uint8, data []byte) []byte {
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	if src.Is6() {
		ip := hdr6(src, dst, layers.IPProtocolUDP)
		_ = u.SetNetworkLayerForChecksum(ip)
		return ser(t, ip, u, gopacket.Payload(data))
	}
	ip := hdr4(src, dst, layers.IPProtocolUDP, ttl, 0x4242)
	_ = u.SetNetworkLayerForChecksum(ip)
	return ser(t, ip, u, gopacket.Payload(data))
}

// tcpPkt is an IPv4 TCP segment.
func tcpPkt(t testing.TB, src, dst netip.Addr, sp, dp uint16, ttl uint8, syn, ack bool, data []byte) []byte {
	ip := hdr4(src, dst, layers.IPProtocolTCP, ttl, 0x1001)
	tc := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: 1000, Ack: 5000, SYN: syn, ACK: ack,
		Window: 64240, DataOffset: 5}
	_ = tc.SetNetworkLayerForChecksum(ip)
	return ser(t, ip, tc, gopacket.Payload(data))
}

// echoPkt is an IPv4 ICMP echo request.
func echoPkt(t testing.TB, src, dst netip.Addr, id uint16, ttl uint8) []byte {
	return ser(t, hdr4(src, dst, layers.IPProtocolICMPv4, ttl, 0x0e0e),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: id, Seq: 1},
		gopacket.Payload(payload(32, 'e')))
}

// icmpErr4 is an ICMP error from src to dst quoting quote (rest is the
// second word: the next-hop MTU of a fragmentation needed).
func icmpErr4(t testing.TB, src, dst netip.Addr, typ, code uint8, mtu uint16, quote []byte) []byte {
	ip := hdr4(src, dst, layers.IPProtocolICMPv4, 64, 0x0bad)
	ip.Flags = 0
	return ser(t, ip, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Seq: mtu}, gopacket.Payload(quote))
}

// icmpErr6 is an ICMPv6 error (the MTU word for packet too big, else 0).
func icmpErr6(t testing.TB, src, dst netip.Addr, typ, code uint8, mtu uint32, quote []byte) []byte {
	ip := hdr6(src, dst, layers.IPProtocolICMPv6)
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
	_ = ic.SetNetworkLayerForChecksum(ip)
	body := append([]byte{byte(mtu >> 24), byte(mtu >> 16), byte(mtu >> 8), byte(mtu)}, quote...)
	return ser(t, ip, ic, gopacket.Payload(body))
}

// withTTL returns an IPv4 packet with its TTL changed and its header
// checksum recomputed by gopacket (a router quotes what it received).
func withTTL(t testing.TB, b []byte, ttl uint8) []byte {
	pkt := gopacket.NewPacket(b, layers.LayerTypeIPv4, gopacket.Default)
	ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if ip == nil {
		t.Fatal("withTTL: not IPv4")
	}
	ip.TTL = ttl
	return ser(t, ip, gopacket.Payload(ip.Payload))
}

// gopacketValid decodes b and serialises its layers again with gopacket
// computing every checksum (IPv4 header, TCP, UDP, ICMP, ICMPv6 with its
// pseudo-header): equal bytes mean b's checksums were right. whole is
// false for a fragment, whose transport checksum covers other packets:
// only its IP header is checked then.
func gopacketValid(b []byte) bool {
	first := layers.LayerTypeIPv4
	if len(b) > 0 && b[0]>>4 == 6 {
		first = layers.LayerTypeIPv6
	}
	pkt := gopacket.NewPacket(b, first, gopacket.Default)
	if e := pkt.ErrorLayer(); e != nil && len(pkt.Layers()) < 3 { // an application layer (DNS on port 53) may not decode
		return false
	}
	var ls []gopacket.SerializableLayer
	var net gopacket.NetworkLayer
	switch ip := pkt.NetworkLayer().(type) {
	case *layers.IPv4:
		if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
			return bytes.Equal(ser(nil, ip, gopacket.Payload(ip.Payload)), b)
		}
		ls, net = append(ls, ip), ip
	case *layers.IPv6:
		if fr, _ := pkt.Layer(layers.LayerTypeIPv6Fragment).(*layers.IPv6Fragment); fr != nil {
			return true // IPv6 has no header checksum; the reassembled datagram is checked
		}
		ls, net = append(ls, ip), ip
	default:
		return false
	}
	if len(pkt.Layers()) < 2 {
		return false
	}
	switch l := pkt.Layers()[1].(type) {
	case *layers.TCP:
		_ = l.SetNetworkLayerForChecksum(net)
		ls = append(ls, l, gopacket.Payload(l.Payload))
	case *layers.UDP:
		_ = l.SetNetworkLayerForChecksum(net)
		ls = append(ls, l, gopacket.Payload(l.Payload))
	case *layers.ICMPv4:
		ls = append(ls, l, gopacket.Payload(l.Payload))
	case *layers.ICMPv6:
		_ = l.SetNetworkLayerForChecksum(net)
		ls = append(ls, l, gopacket.Payload(l.Payload))
	default:
		return false
	}
	return bytes.Equal(ser(nil, ls...), b)
}

// sent is one replayed packet: its side and what must leave for it.
type sent struct {
	side pic.Side
	want [][]byte // packets that must leave, in order, by the other side
}

// replay runs packets through the rig one at a time and checks that what
// leaves for each is exactly its want (byte for byte, by the side
// opposite the one it came in, every checksum valid by gopacket).
func replay(t *testing.T, r *pictest.Rig, pkts [][]byte, plan []sent) {
	t.Helper()
	if len(pkts) != len(plan) {
		t.Fatalf("%d packets, %d planned", len(pkts), len(plan))
	}
	for i, raw := range pkts {
		p := &pic.Packet{ServiceSet: 1, Side: plan[i].side}
		p.SetData(raw)
		r.Process(p)
		got := r.Take()
		want := plan[i].want
		if len(got) != len(want) {
			t.Errorf("packet %d: %d packets left, want %d", i, len(got), len(want))
			continue
		}
		for j, g := range got {
			if g.Side != plan[i].side.Other() || !bytes.Equal(g.Packet.Data, want[j]) {
				t.Errorf("packet %d: out %d by %v:\n%s\nwant by %v:\n%s", i, j, g.Side, dump(g.Packet.Data),
					plan[i].side.Other(), dump(want[j]))
			}
			if !gopacketValid(g.Packet.Data) {
				t.Errorf("packet %d: out %d has a bad checksum (gopacket):\n%s", i, j, dump(g.Packet.Data))
			}
		}
	}
}

// dump is a hex dump of a packet's first 96 bytes and its length.
func dump(b []byte) string {
	n := min(len(b), 96)
	return fmt.Sprintf("%d bytes\n%s", len(b), hex.Dump(b[:n]))
}
