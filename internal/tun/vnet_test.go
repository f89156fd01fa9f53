package tun_test

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gnos/gnos/internal/tun"
)

func TestVnetHdrRoundTrip(t *testing.T) {
	h := tun.VnetHdr{Flags: tun.FlagNeedsCsum, GSOType: tun.GSOTCPv4, HdrLen: 52, GSOSize: 1448, CsumStart: 20, CsumOffset: 16}
	b := make([]byte, tun.VnetHdrLen)
	h.Put(b)
	// struct virtio_net_hdr in host order (x86 and arm64: little endian).
	want := []byte{1, 1, 52, 0, 0xa8, 0x05, 20, 0, 16, 0}
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 && !bytes.Equal(b, want) {
		t.Errorf("Put: got % x, want % x", b, want)
	}
	got, err := tun.ParseVnet(b)
	if err != nil || got != h {
		t.Errorf("ParseVnet: got %+v %v, want %+v", got, err, h)
	}
	if _, err := tun.ParseVnet(b[:9]); err == nil {
		t.Errorf("ParseVnet of 9 bytes: got no error")
	}
}

type gsoCase struct {
	name  string
	v6    bool
	udp   bool
	flags func(*layers.TCP)
	pay   int
	gso   int
}

func ipLayers(c gsoCase, id uint16) (gopacket.SerializableLayer, gopacket.NetworkLayer) {
	if c.v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: net.ParseIP("2001:db8:1::2"), DstIP: net.ParseIP("2001:db8:2::2")}
		ip.NextHeader = layers.IPProtocolTCP
		if c.udp {
			ip.NextHeader = layers.IPProtocolUDP
		}
		return ip, ip
	}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: id, Flags: layers.IPv4DontFragment,
		SrcIP: net.IP{10, 0, 1, 2}, DstIP: net.IP{10, 0, 2, 2}, Protocol: layers.IPProtocolTCP}
	if c.udp {
		ip.Protocol = layers.IPProtocolUDP
	}
	return ip, ip
}

// build serializes one packet of the case with payload pay, sequence
// seq, IPv4 id, TCP flags set by flags; checksums computed.
func build(t *testing.T, c gsoCase, pay []byte, seq uint32, id uint16, flags func(*layers.TCP)) []byte {
	t.Helper()
	ipl, nl := ipLayers(c, id)
	var l4 gopacket.SerializableLayer
	if c.udp {
		u := &layers.UDP{SrcPort: 40000, DstPort: 9}
		u.SetNetworkLayerForChecksum(nl)
		l4 = u
	} else {
		tc := &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: seq, Ack: 7, Window: 512, ACK: true}
		if flags != nil {
			flags(tc)
		}
		tc.SetNetworkLayerForChecksum(nl)
		l4 = tc
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		ipl, l4, gopacket.Payload(pay)); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// partial turns a complete packet into the kernel's CHECKSUM_PARTIAL
// form: the transport checksum field holds the pseudo-header's sum.
func partial(pkt []byte, v6 bool, proto uint8, cs, ck int) {
	var s uint32
	if v6 {
		for i := 8; i < 40; i += 2 {
			s += uint32(binary.BigEndian.Uint16(pkt[i:]))
		}
	} else {
		for i := 12; i < 20; i += 2 {
			s += uint32(binary.BigEndian.Uint16(pkt[i:]))
		}
	}
	s += uint32(proto) + uint32(len(pkt)-cs)
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	binary.BigEndian.PutUint16(pkt[ck:], uint16(s))
}

func TestSplit(t *testing.T) {
	psh := func(tc *layers.TCP) { tc.PSH, tc.FIN, tc.CWR = true, true, true }
	for _, c := range []gsoCase{
		{name: "tcp4", pay: 5000, gso: 1448},
		{name: "tcp4-exact", pay: 2896, gso: 1448},
		{name: "tcp4-psh-fin-cwr", pay: 4000, gso: 1000, flags: psh},
		{name: "tcp6", v6: true, pay: 6001, gso: 1428},
		{name: "udp4-uso", udp: true, pay: 3000, gso: 1200},
		{name: "udp6-uso", v6: true, udp: true, pay: 2500, gso: 1000},
	} {
		t.Run(c.name, func(t *testing.T) {
			pay := make([]byte, c.pay)
			for i := range pay {
				pay[i] = byte(i*7 + i>>8)
			}
			const seq, id = 0xfffff000, 0xfffe // both wrap within the packet
			super := build(t, c, pay, seq, id, c.flags)
			h := tun.VnetHdr{Flags: tun.FlagNeedsCsum, GSOSize: uint16(c.gso)}
			var proto uint8 = 6
			ipl := 20
			if c.v6 {
				ipl = 40
			}
			h.CsumStart = uint16(ipl)
			switch {
			case c.udp:
				h.GSOType, h.CsumOffset, proto = tun.GSOUDPL4, 6, 17
			case c.v6:
				h.GSOType, h.CsumOffset = tun.GSOTCPv6, 16
			default:
				h.GSOType, h.CsumOffset = tun.GSOTCPv4, 16
			}
			partial(super, c.v6, proto, ipl, ipl+int(h.CsumOffset))
			n, err := tun.Segments(super, h)
			want := (c.pay + c.gso - 1) / c.gso
			if err != nil || n != want {
				t.Fatalf("Segments: got %d %v, want %d", n, err, want)
			}
			dst := make([]byte, 2048)
			for i := 0; i < n; i++ {
				m, err := tun.Split(dst, super, h, i)
				if err != nil {
					t.Fatalf("Split %d: %v", i, err)
				}
				lo, hi := i*c.gso, min((i+1)*c.gso, c.pay)
				last := i == n-1
				flags := func(tc *layers.TCP) {
					if c.flags != nil {
						c.flags(tc)
					}
					tc.PSH = tc.PSH && last
					tc.FIN = tc.FIN && last
					tc.CWR = tc.CWR && i == 0
				}
				exp := build(t, c, pay[lo:hi], seq+uint32(lo), id+uint16(i), flags)
				if !bytes.Equal(dst[:m], exp) {
					t.Errorf("segment %d: got\n% x\nwant\n% x", i, dst[:m], exp)
				}
			}
			if _, err := tun.Split(dst, super, h, n); err == nil {
				t.Errorf("Split past the last segment: got no error")
			}
		})
	}
}

func TestComplete(t *testing.T) {
	for _, c := range []gsoCase{{name: "tcp4", pay: 100}, {name: "udp6", v6: true, udp: true, pay: 64}} {
		t.Run(c.name, func(t *testing.T) {
			exp := build(t, c, make([]byte, c.pay), 1, 1, nil)
			pkt := append([]byte(nil), exp...)
			cs, off, proto := 20, 16, uint8(6)
			if c.v6 {
				cs = 40
			}
			if c.udp {
				off, proto = 6, 17
			}
			partial(pkt, c.v6, proto, cs, cs+off)
			if bytes.Equal(pkt, exp) {
				t.Fatal("partial form equals the complete packet: the test would prove nothing")
			}
			h := tun.VnetHdr{Flags: tun.FlagNeedsCsum, CsumStart: uint16(cs), CsumOffset: uint16(off)}
			if err := tun.Complete(pkt, h); err != nil || !bytes.Equal(pkt, exp) {
				t.Errorf("Complete: got % x %v, want % x", pkt, err, exp)
			}
		})
	}
}

func TestSplitRejects(t *testing.T) {
	dst := make([]byte, 2048)
	pkt := build(t, gsoCase{}, make([]byte, 100), 1, 1, nil)
	for name, h := range map[string]tun.VnetHdr{
		"ufo":         {GSOType: tun.GSOUDP, GSOSize: 50, CsumStart: 20},
		"zero size":   {GSOType: tun.GSOTCPv4, CsumStart: 20},
		"start short": {GSOType: tun.GSOTCPv4, GSOSize: 50, CsumStart: 10},
		"start past":  {GSOType: tun.GSOTCPv4, GSOSize: 50, CsumStart: 200},
	} {
		if _, err := tun.Split(dst, pkt, h, 0); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

// FuzzSplit: no header and packet make Split or Segments panic or
// write past the segment they return.
func FuzzSplit(f *testing.F) {
	f.Add([]byte{1, 1, 0, 0, 100, 0, 20, 0, 16, 0}, make([]byte, 300))
	f.Fuzz(func(t *testing.T, hdr, pkt []byte) {
		h, err := tun.ParseVnet(hdr)
		if err != nil {
			return
		}
		n, err := tun.Segments(pkt, h)
		if err != nil || n > 64 {
			return
		}
		dst := make([]byte, 4096)
		for i := 0; i < n; i++ {
			if m, err := tun.Split(dst, pkt, h, i); err == nil && m > len(dst) {
				t.Fatalf("segment of %d bytes", m)
			}
		}
	})
}
