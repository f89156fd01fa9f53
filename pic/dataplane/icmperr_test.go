package dataplane

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// icmpError builds an ICMP (ICMPv6) error of type typ from src to dst
// quoting quote, with valid checksums.
func icmpError(t testing.TB, src, dst netip.Addr, typ uint8, quote []byte) *Packet {
	t.Helper()
	v6 := src.Is6()
	proto := uint8(ProtoICMP)
	if v6 {
		proto = ProtoICMPv6
	}
	p := &Packet{}
	b := p.Buffer()
	s, d := src.As16(), dst.As16()
	hl := ipHeader(b, v6, &s, &d, proto, 8+len(quote))
	m := b[hl : hl+8+len(quote)]
	clear(m[:8])
	m[0] = typ
	copy(m[8:], quote)
	var init uint32
	if v6 {
		init = pseudoSum(b, true, proto, len(m))
	}
	binary.BigEndian.PutUint16(m[2:], Checksum(m, init))
	p.Resize(hl + len(m))
	if err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	return p
}

func built(t testing.TB, s PacketSpec) *Packet {
	t.Helper()
	p := &Packet{}
	if err := p.Build(s); err != nil {
		t.Fatal(err)
	}
	return p
}

var router4 = netip.MustParseAddr("198.51.100.1")

// TestParseICMPError: an error is keyed by the flow of the packet it
// quotes, reversed, and steers to that session's core, whatever the
// number of cores; quotes that name no flow give no key.
func TestParseICMPError(t *testing.T) {
	udp := built(t, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5353, DPort: 53, Payload: 20})
	syn := built(t, tcp(cli4, srv4, 40000, 80, TCPSyn, 1, 0))
	echo := built(t, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoICMP, SPort: 77})
	udp6 := built(t, PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoUDP, SPort: 5353, DPort: 53})
	later := append([]byte(nil), udp.Data...)
	binary.BigEndian.PutUint16(later[6:], 185) // a fragment offset: no ports
	errAboutErr := icmpError(t, srv4, cli4, 3, udp.Data[:28]).Data
	gre := gre(t)
	tests := []struct {
		name    string
		p       *Packet
		session *Packet // whose session the error belongs to; nil: none
	}{
		{"port unreachable about UDP", icmpError(t, srv4, cli4, 3, udp.Data), udp},
		{"time exceeded about a SYN, 8 bytes quoted", icmpError(t, router4, cli4, 11, syn.Data[:28]), syn},
		{"parameter problem about an echo", icmpError(t, router4, cli4, 12, echo.Data[:28]), echo},
		{"ICMPv6 port unreachable", icmpError(t, srv6, cli6, 1, udp6.Data), udp6},
		{"ICMPv6 packet too big", icmpError(t, srv6, cli6, 2, udp6.Data), udp6},
		{"ICMPv6 time exceeded", icmpError(t, srv6, cli6, 3, udp6.Data), udp6},
		{"ICMPv6 parameter problem", icmpError(t, srv6, cli6, 4, udp6.Data), udp6},
		{"quote too short for ports", icmpError(t, srv4, cli4, 3, udp.Data[:24]), nil},
		{"quote of a later fragment", icmpError(t, srv4, cli4, 3, later[:28]), nil},
		{"an error about an error", icmpError(t, srv4, cli4, 3, errAboutErr[:28]), nil},
		{"IPv6 quoted in ICMPv4", icmpError(t, srv4, cli4, 3, udp6.Data[:48]), nil},
		{"about GRE, keyed without ports", icmpError(t, router4, cli4, 3, gre.Data[:24]), gre},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.p.ICMPError {
				t.Fatalf("not parsed as an ICMP error")
			}
			if tc.session == nil {
				if k := tc.p.Key(); k != (FlowKey{}) {
					t.Errorf("got key %+v, want none", k)
				}
				return
			}
			if got, want := tc.p.Key(), tc.session.Key().Reverse(); got != want {
				t.Errorf("got key %+v, want %+v (the quoted flow reversed)", got, want)
			}
			for n := 2; n <= 7; n++ {
				if got, want := tc.p.SteerCore(n), tc.session.SteerCore(n); got != want {
					t.Errorf("%d cores: steers to core %d, its session is on %d", n, got, want)
				}
			}
		})
	}
}

// TestRewriteQuoted4: rewriting the quoted packet keeps every checksum
// valid (the error's, the quoted header's and the quoted transport
// checksum when quoted), checked from scratch; the quote reads back as
// the packet with the new address and port.
func TestRewriteQuoted4(t *testing.T) {
	pub := [4]byte{203, 0, 113, 1}
	for _, q := range []*Packet{
		built(t, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 5353, DPort: 53, Payload: 21}),
		built(t, tcp(cli4, srv4, 40000, 80, TCPAck, 1, 2)),
		built(t, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoICMP, SPort: 77, Payload: 9}),
		gre(t),
	} {
		p := icmpError(t, srv4, cli4, 3, q.Data)
		p.RewriteQuoted4(true, pub, 20001)
		p.RewriteAddr4(false, pub, 0)
		want := &Packet{}
		want.SetData(q.Data)
		if err := want.Parse(); err != nil {
			t.Fatal(err)
		}
		want.RewriteAddr4(true, pub, 20001)
		quote := p.Data[p.quoteAt():]
		if Checksum(p.Data[:20], 0) != 0 || Checksum(p.Data[p.L4:], 0) != 0 || Checksum(quote[:20], 0) != 0 {
			t.Errorf("proto %d: a checksum is wrong after the rewrite", q.Proto)
		}
		if string(quote) != string(want.Data) || !validChecksums(want) {
			t.Errorf("proto %d: quote\n% x\nwant\n% x", q.Proto, quote, want.Data)
		}
	}
}

// TestParseFragments reads the fragment fields of IPv4 and IPv6.
func TestParseFragments(t *testing.T) {
	v4 := built(t, PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 1, DPort: 53, Payload: 100})
	d := v4.Data
	binary.BigEndian.PutUint16(d[4:], 0xbeef)
	binary.BigEndian.PutUint16(d[6:], 0x2000|10) // more fragments, offset 80
	v4.SetData(d)
	if err := v4.Parse(); err != nil || !v4.Frag || !v4.MoreFrags || v4.FragID != 0xbeef || v4.FragOff != 80 || v4.L4 != 0 || v4.fragLen != 108 {
		t.Errorf("IPv4 middle fragment: got frag %v more %v id %#x off %d L4 %d len %d (%v)",
			v4.Frag, v4.MoreFrags, v4.FragID, v4.FragOff, v4.L4, v4.fragLen, err)
	}
	// IPv6: a fragment header (first fragment, more to come) before UDP.
	b := make([]byte, 40+8+8)
	b[0], b[6] = 0x60, 44
	binary.BigEndian.PutUint16(b[4:], 16)
	b[40], b[43] = ProtoUDP, 1
	binary.BigEndian.PutUint32(b[44:], 0xcafef00d)
	binary.BigEndian.PutUint16(b[48:], 7)
	binary.BigEndian.PutUint16(b[50:], 53)
	var p Packet
	p.SetData(b)
	if err := p.Parse(); err != nil || !p.Frag || !p.MoreFrags || p.FragID != 0xcafef00d || p.FragOff != 0 || p.L4 != 48 ||
		p.SPort != 7 || p.DPort != 53 {
		t.Errorf("IPv6 first fragment: got %+v (%v)", p.Key(), err)
	}
	binary.BigEndian.PutUint16(b[42:], 1448) // offset 1448, last
	p.SetData(b)
	if err := p.Parse(); err != nil || !p.Frag || p.MoreFrags || p.FragOff != 1448 || p.L4 != 0 || p.Proto != ProtoUDP {
		t.Errorf("IPv6 last fragment: got frag %v more %v off %d L4 %d proto %d (%v)", p.Frag, p.MoreFrags, p.FragOff, p.L4, p.Proto, err)
	}
}

// gre is a GRE packet: a protocol without ports.
func gre(t testing.TB) *Packet {
	t.Helper()
	p := &Packet{}
	b := p.Buffer()
	s, d := cli4.As16(), srv4.As16()
	hl := ipHeader(b, false, &s, &d, 47, 4)
	clear(b[hl : hl+4])
	b[hl+2], b[hl+3] = 0x08, 0x00 // carrying IPv4
	p.Resize(hl + 4)
	if err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	return p
}
