package dataplane

import "encoding/binary"

// reject builds the answer to a rejected packet in the core's scratch
// space: a TCP RST for TCP, else an ICMP (ICMPv6) destination unreachable,
// administratively prohibited, quoting the packet's header. It leaves on
// the side the packet came from. nil when the packet is not answered (an
// RST or an ICMP error itself, or the scratch is used up).
func (c *Core) reject(p *Packet) *Packet {
	if c.ngen == len(c.gen) || p.L4 == 0 && p.Proto == ProtoTCP {
		return nil
	}
	if p.Proto == ProtoTCP && p.TCPFlags&TCPRst != 0 {
		return nil
	}
	if (p.Proto == ProtoICMP || p.Proto == ProtoICMPv6) && !isEcho(p.Proto, p.ICMPType) {
		return nil
	}
	g := &c.gen[c.ngen]
	var ok bool
	if p.Proto == ProtoTCP {
		ok = buildRST(g, p)
	} else {
		ok = buildUnreach(g, p)
	}
	if !ok {
		return nil
	}
	c.ngen++
	g.ServiceSet, g.Side, g.Out = p.ServiceSet, p.Side.Other(), p.Side
	return g
}

// ipHeader writes an IP header from src to dst for a payload of n bytes
// and returns the header length.
func ipHeader(b []byte, v6 bool, src, dst *[16]byte, proto uint8, n int) int {
	if v6 {
		clear(b[:40])
		b[0] = 0x60
		binary.BigEndian.PutUint16(b[4:], uint16(n))
		b[6], b[7] = proto, 64
		copy(b[8:24], src[:])
		copy(b[24:40], dst[:])
		return 40
	}
	clear(b[:20])
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(20+n))
	b[8], b[9] = 64, proto
	copy(b[12:16], src[12:])
	copy(b[16:20], dst[12:])
	binary.BigEndian.PutUint16(b[10:], Checksum(b[:20], 0))
	return 20
}

// pseudoSum is the transport checksum's pseudo-header sum.
func pseudoSum(b []byte, v6 bool, proto uint8, n int) uint32 {
	var s uint32
	add := func(a []byte) {
		for i := 0; i+1 < len(a); i += 2 {
			s += uint32(a[i])<<8 | uint32(a[i+1])
		}
	}
	if v6 {
		add(b[8:40])
	} else {
		add(b[12:20])
	}
	return s + uint32(proto) + uint32(n)
}

func buildRST(g, p *Packet) bool {
	l4 := p.Data[p.L4:]
	b := g.buf[:]
	hl := ipHeader(b, p.V6, &p.Dst, &p.Src, ProtoTCP, 20)
	t := b[hl : hl+20]
	clear(t)
	copy(t[0:2], l4[2:4]) // ports swapped
	copy(t[2:4], l4[0:2])
	t[12] = 5 << 4
	if p.TCPFlags&TCPAck != 0 {
		copy(t[4:8], l4[8:12]) // seq = their ack
		t[13] = TCPRst
	} else {
		seq := binary.BigEndian.Uint32(l4[4:])
		n := uint32(len(l4) - int(l4[12]>>4)*4)
		if p.TCPFlags&TCPSyn != 0 {
			n++
		}
		if p.TCPFlags&TCPFin != 0 {
			n++
		}
		binary.BigEndian.PutUint32(t[8:], seq+n)
		t[13] = TCPRst | TCPAck
	}
	binary.BigEndian.PutUint16(t[16:], Checksum(t, pseudoSum(b, p.V6, ProtoTCP, 20)))
	g.Resize(hl + 20)
	return g.Parse() == nil
}

func buildUnreach(g, p *Packet) bool {
	quote := p.L4 + 8 // the header and 8 bytes, as RFC 792 asks
	if p.V6 {
		quote = min(len(p.Data), 1280-48)
	}
	quote = min(quote, len(p.Data))
	proto := uint8(ProtoICMP)
	if p.V6 {
		proto = ProtoICMPv6
	}
	b := g.buf[:]
	hl := ipHeader(b, p.V6, &p.Dst, &p.Src, proto, 8+quote)
	m := b[hl : hl+8+quote]
	clear(m[:8])
	if p.V6 {
		m[0], m[1] = 1, 1 // destination unreachable, administratively prohibited
	} else {
		m[0], m[1] = 3, 13 // destination unreachable, communication administratively prohibited
	}
	copy(m[8:], p.Data[:quote])
	var init uint32
	if p.V6 {
		init = pseudoSum(b, true, proto, 8+quote)
	}
	binary.BigEndian.PutUint16(m[2:], Checksum(m, init))
	g.Resize(hl + 8 + quote)
	return g.Parse() == nil
}
