package dataplane

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		spec PacketSpec
		want FlowKey
	}{
		{"tcp4", tcp(cli4, srv4, 1234, 80, TCPSyn, 1, 0), FlowKey{Src: cli4.As16(), Dst: srv4.As16(), SPort: 1234, DPort: 80, Proto: ProtoTCP}},
		{"udp6", PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoUDP, SPort: 53, DPort: 5353},
			FlowKey{Src: cli6.As16(), Dst: srv6.As16(), SPort: 53, DPort: 5353, Proto: ProtoUDP, V6: true}},
		{"icmp echo keyed by identifier", PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoICMP, SPort: 77},
			FlowKey{Src: cli4.As16(), Dst: srv4.As16(), SPort: 77, DPort: 77, Proto: ProtoICMP}},
		{"icmpv6 echo", PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoICMP, SPort: 9},
			FlowKey{Src: cli6.As16(), Dst: srv6.As16(), SPort: 9, DPort: 9, Proto: ProtoICMPv6, V6: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Packet
			if err := p.Build(tc.spec); err != nil {
				t.Fatal(err)
			}
			if got := p.Key(); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if !validChecksums(&p) {
				t.Errorf("built packet has bad checksums")
			}
		})
	}
}

func TestRewriteAddr4Checksums(t *testing.T) {
	for _, spec := range []PacketSpec{
		tcp(cli4, srv4, 1234, 80, TCPAck, 7, 9),
		{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 1, DPort: 53, Payload: 33},
		{Src: cli4, Dst: srv4, Proto: ProtoICMP, SPort: 5, Payload: 11},
	} {
		var p Packet
		if err := p.Build(spec); err != nil {
			t.Fatal(err)
		}
		p.RewriteAddr4(true, [4]byte{203, 0, 113, 9}, 61000)
		p.RewriteAddr4(false, [4]byte{198, 51, 100, 1}, 0)
		if !validChecksums(&p) {
			t.Errorf("proto %d: checksums invalid after rewrite", spec.Proto)
		}
		q := p
		if err := q.Parse(); err != nil || q.SPort != 61000 || q.Src4() != [4]byte{203, 0, 113, 9} {
			t.Errorf("proto %d: got %+v after rewrite", spec.Proto, q.Key())
		}
	}
}

// TestRewriteAddr4Random: random TCP and UDP packets rewritten on
// either side, with and without a port, keep every checksum right and
// their parsed fields in step with their bytes (the TCP/UDP fast path
// and the general one alike: ICMP echo and UDP without a checksum take
// the general).
func TestRewriteAddr4Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a4 := func() netip.Addr {
		return netip.AddrFrom4([4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())})
	}
	for i := range 5000 {
		spec := PacketSpec{Src: a4(), Dst: a4(), SPort: uint16(rng.Uint32()), DPort: uint16(rng.Uint32()), Payload: rng.IntN(200)}
		switch i % 3 {
		case 0:
			spec.Proto, spec.Flags, spec.Seq, spec.Ack = ProtoTCP, TCPAck, rng.Uint32(), rng.Uint32()
		case 1:
			spec.Proto = ProtoUDP
		case 2:
			spec.Proto, spec.DPort = ProtoICMP, 0
		}
		var p Packet
		if err := p.Build(spec); err != nil {
			t.Fatal(err)
		}
		if err := p.Parse(); err != nil {
			t.Fatal(err)
		}
		noUDPSum := spec.Proto == ProtoUDP && i%7 == 0
		if noUDPSum {
			binary.BigEndian.PutUint16(p.Data[p.L4+6:], 0)
		}
		src, addr, port := rng.IntN(2) == 0, a4().As4(), uint16(0)
		if rng.IntN(3) > 0 {
			port = uint16(rng.Uint32()) | 1
		}
		p.RewriteAddr4(src, addr, port)
		if noUDPSum {
			if binary.BigEndian.Uint16(p.Data[p.L4+6:]) != 0 || Checksum(p.Data[:20], 0) != 0 {
				t.Fatalf("packet %d: a UDP packet without a checksum got one, or a bad IP checksum", i)
			}
		} else if !validChecksums(&p) {
			t.Fatalf("packet %d (%+v): bad checksums after rewrite(%v, %v, %d)", i, spec, src, addr, port)
		}
		q := p
		if err := q.Parse(); err != nil || q.Key() != p.Key() {
			t.Fatalf("packet %d: parsed fields %+v, bytes say %+v", i, p.Key(), q.Key())
		}
	}
}

// Src4 of a packet, for tests.
func (p *Packet) Src4() [4]byte { k := p.Key(); return k.Src4() }

// validChecksums recomputes every checksum from scratch.
func validChecksums(p *Packet) bool {
	d := p.Data
	if !p.V6 && Checksum(d[:20], 0) != 0 {
		return false
	}
	if p.L4 == 0 {
		return true
	}
	n := len(d) - p.L4
	switch p.Proto {
	case ProtoTCP, ProtoUDP, ProtoICMPv6:
		return Checksum(d[p.L4:], pseudoSum(d, p.V6, p.Proto, n)) == 0
	case ProtoICMP:
		return Checksum(d[p.L4:], 0) == 0
	}
	return true
}

func FuzzParse(f *testing.F) {
	for _, s := range []PacketSpec{tcp(cli4, srv4, 1, 2, TCPSyn, 0, 0), tcp(cli6, srv6, 1, 2, TCPAck, 0, 0),
		{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 1, DPort: 2}, {Src: cli6, Dst: srv6, Proto: ProtoICMP}} {
		var p Packet
		_ = p.Build(s)
		f.Add(append([]byte(nil), p.Data...))
	}
	ext := make([]byte, 40+8+8)
	ext[0] = 0x60
	binary.BigEndian.PutUint16(ext[4:], 16)
	ext[6] = 0 // hop-by-hop, then UDP
	ext[40] = ProtoUDP
	f.Add(ext)
	// ICMP errors quoting a packet (the quote is parsed too), and a fragment.
	var q, e Packet
	_ = q.Build(PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 1, DPort: 2, Payload: 4})
	f.Add(append([]byte(nil), icmpError(f, srv4, cli4, 3, q.Data).Data...))
	_ = e.Build(PacketSpec{Src: cli6, Dst: srv6, Proto: ProtoUDP, SPort: 1, DPort: 2})
	f.Add(append([]byte(nil), icmpError(f, srv6, cli6, 2, e.Data).Data...))
	frag := append([]byte(nil), q.Data...)
	frag[6] = 0x20
	f.Add(frag)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Packet
		p.SetData(b)
		if p.Parse() != nil {
			return
		}
		if p.L4 > len(p.Data) {
			t.Fatalf("L4 offset %d past %d bytes", p.L4, len(p.Data))
		}
		// A parsed packet can be rejected without panicking.
		var c Core
		c.gen = make([]Packet, 1)
		c.reject(&p)
		_ = netip.AddrFrom16(p.Src)
		// What NAT does to an error of a session never reads or writes
		// past the packet.
		_ = p.Key()
		if p.ICMPError && !p.V6 {
			p.RewriteQuoted4(true, [4]byte{203, 0, 113, 1}, 20000)
			p.RewriteQuoted4(false, [4]byte{203, 0, 113, 1}, 0)
		}
	})
}
