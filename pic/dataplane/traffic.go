package dataplane

import (
	"encoding/binary"
	"net/netip"
)

// PacketSpec describes a packet to build: IPv4 or IPv6 (from the
// addresses), TCP, UDP or ICMP/ICMPv6 echo, with valid checksums.
type PacketSpec struct {
	Src, Dst     netip.Addr
	Proto        uint8
	SPort, DPort uint16 // ICMP: SPort is the echo identifier
	Flags        uint8  // TCP flags
	Seq, Ack     uint32
	ICMPType     uint8 // 0: echo request
	Payload      int   // bytes of payload (zeros)
}

// Build writes the packet s describes into p (ServiceSet and Side are
// left as they are) and parses it.
func (p *Packet) Build(s PacketSpec) error {
	v6 := s.Src.Is6() && !s.Src.Is4In6()
	var src, dst [16]byte
	src, dst = s.Src.As16(), s.Dst.As16()
	b := p.buf[:]
	l4len := 8
	switch s.Proto {
	case ProtoTCP:
		l4len = 20
	case ProtoICMP:
		if v6 {
			s.Proto = ProtoICMPv6
		}
	case ProtoICMPv6:
		if !v6 {
			s.Proto = ProtoICMP
		}
	}
	n := l4len + s.Payload
	hl := ipHeader(b, v6, &src, &dst, s.Proto, n)
	t := b[hl : hl+n]
	clear(t)
	switch s.Proto {
	case ProtoTCP:
		binary.BigEndian.PutUint16(t[0:], s.SPort)
		binary.BigEndian.PutUint16(t[2:], s.DPort)
		binary.BigEndian.PutUint32(t[4:], s.Seq)
		binary.BigEndian.PutUint32(t[8:], s.Ack)
		t[12], t[13] = 5<<4, s.Flags
		binary.BigEndian.PutUint16(t[14:], 65535)
		binary.BigEndian.PutUint16(t[16:], Checksum(t, pseudoSum(b, v6, s.Proto, n)))
	case ProtoUDP:
		binary.BigEndian.PutUint16(t[0:], s.SPort)
		binary.BigEndian.PutUint16(t[2:], s.DPort)
		binary.BigEndian.PutUint16(t[4:], uint16(n))
		c := Checksum(t, pseudoSum(b, v6, s.Proto, n))
		if c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(t[6:], c)
	default: // ICMP echo
		typ := s.ICMPType
		if typ == 0 && s.Proto == ProtoICMPv6 {
			typ = 128
		} else if typ == 0 {
			typ = 8
		}
		if typ == 255 { // echo reply asked for explicitly
			typ = 0
			if s.Proto == ProtoICMPv6 {
				typ = 129
			}
		}
		t[0] = typ
		binary.BigEndian.PutUint16(t[4:], s.SPort)
		binary.BigEndian.PutUint16(t[6:], uint16(s.Seq))
		var init uint32
		if v6 {
			init = pseudoSum(b, true, s.Proto, n)
		}
		binary.BigEndian.PutUint16(t[2:], Checksum(t, init))
	}
	p.Resize(hl + n)
	return p.Parse()
}

// EchoReply is the ICMPType of PacketSpec asking for an echo reply.
const EchoReply = 255
