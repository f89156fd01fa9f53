package dataplane

import "encoding/binary"

// ICMP errors. An error (destination unreachable, fragmentation needed or
// packet too big, time exceeded, parameter problem) quotes the header of
// the packet that caused it, and that packet belongs to a session: the
// error is keyed by the quoted flow reversed (it travels back to the
// quoted packet's sender), so the session lookup finds it in the
// direction it travels, exactly as a packet of the session. The data
// core lets an error through only when it finds that session (which the
// firewall accepted: what Junos' stateful firewall does with related
// ICMP) and drops the others, counted as unrelated. A translating plugin
// rewrites the quoted header as well as the outer one (RewriteQuoted4),
// so the quoted packet looks as its sender sent it.

// isICMPError reports the ICMP and ICMPv6 error types that quote a packet.
func isICMPError(proto, typ uint8) bool {
	if proto == ProtoICMP {
		return typ == 3 || typ == 11 || typ == 12
	}
	return typ >= 1 && typ <= 4
}

// parseQuote reads the packet an ICMP error quotes (at L4+8): IP header,
// protocol, addresses and ports (TCP, UDP) or echo identifier; other
// protocols key without ports, as their sessions do. The quote is a
// prefix of the original packet, so its length fields are not checked
// against it; for TCP, UDP and echo its first 8 transport bytes must be
// there (RFC 792 quotes at least that much). It allocates nothing.
func (p *Packet) parseQuote() {
	p.ICMPError, p.relKey, p.quoteL4 = true, true, 0
	p.rel = FlowKey{}
	q := p.Data[p.quoteAt():]
	var k FlowKey
	var l4 int
	switch {
	case !p.V6 && len(q) >= 20 && q[0]>>4 == 4:
		ihl := int(q[0]&0x0f) * 4
		if ihl < 20 || binary.BigEndian.Uint16(q[6:])&0x1fff != 0 { // a later fragment: no ports
			return
		}
		k.Proto, l4 = q[9], ihl
		copy(k.Src[:12], v4prefix[:])
		copy(k.Src[12:], q[12:16])
		copy(k.Dst[:12], v4prefix[:])
		copy(k.Dst[12:], q[16:20])
	case p.V6 && len(q) >= 40 && q[0]>>4 == 6:
		k.V6 = true
		copy(k.Src[:], q[8:24])
		copy(k.Dst[:], q[24:40])
		nh, off := q[6], 40
	ext:
		for i := 0; i < 8; i++ {
			if off+8 > len(q) {
				return
			}
			switch nh {
			case 0, 43, 60:
				nh, off = q[off], off+8*(int(q[off+1])+1)
			case 44:
				if binary.BigEndian.Uint16(q[off+2:])&0xfff8 != 0 {
					return
				}
				nh, off = q[off], off+8
			default:
				break ext
			}
		}
		k.Proto, l4 = nh, off
	default:
		return
	}
	switch k.Proto {
	case ProtoTCP, ProtoUDP:
		if l4+8 > len(q) {
			return
		}
		k.SPort, k.DPort = binary.BigEndian.Uint16(q[l4:]), binary.BigEndian.Uint16(q[l4+2:])
	case ProtoICMP, ProtoICMPv6:
		if l4+8 > len(q) || (k.Proto == ProtoICMP) == k.V6 || isICMPError(k.Proto, q[l4]) {
			return // errors about errors are never related
		}
		if isEcho(k.Proto, q[l4]) {
			id := binary.BigEndian.Uint16(q[l4+4:])
			k.SPort, k.DPort = id, id
		} else { // keyed by type, as Parse keys the message itself
			k.SPort = icmpKeyPort(k.Proto, q[l4], q[l4+1])
			k.DPort = k.SPort
		}
	default:
		// Other protocols' sessions are keyed without ports (Parse
		// reads none): so is the quote.
		if l4 > len(q) {
			return
		}
	}
	p.quoteL4 = p.quoteAt() + l4
	p.rel = k.Reverse()
}

// RewriteQuoted4 rewrites, in an ICMP error about an IPv4 packet, the
// quoted packet's source (src true) or destination address and, when
// port is non-zero, its port on the same side (TCP, UDP) or its echo
// identifier. It updates the quoted IP header checksum, the quoted
// transport checksum when the quote holds it (RFC 792 guarantees only 8
// bytes: a TCP checksum is often cut off), and the error's own ICMP
// checksum, all incrementally. It does nothing to other packets and
// allocates nothing.
func (p *Packet) RewriteQuoted4(src bool, addr [4]byte, port uint16) {
	if !p.ICMPError || p.V6 || p.quoteL4 == 0 {
		return
	}
	d, q, t := p.Data, p.quoteAt(), p.quoteL4
	ic := binary.BigEndian.Uint16(d[p.L4+2:])
	proto := d[q+9]
	aoff, poff := q+16, t+2
	if src {
		aoff, poff = q+12, t
	}
	csum := -1 // offset of the quoted transport checksum, when quoted
	switch {
	case proto == ProtoTCP && t+18 <= len(d):
		csum = t + 16
	case proto == ProtoUDP && binary.BigEndian.Uint16(d[t+6:]) != 0:
		csum = t + 6
	}
	ipc := binary.BigEndian.Uint16(d[q+10:])
	var l4c uint16
	if csum >= 0 {
		l4c = binary.BigEndian.Uint16(d[csum:])
	}
	for i := 0; i < 4; i += 2 {
		n := uint16(addr[i])<<8 | uint16(addr[i+1])
		o := put16(d, aoff+i, n, &ic)
		ipc = csumUpdate16(ipc, o, n)
		if csum >= 0 {
			l4c = csumUpdate16(l4c, o, n)
		}
	}
	put16(d, q+10, ipc, &ic)
	if port != 0 {
		switch proto {
		case ProtoTCP, ProtoUDP:
			o := put16(d, poff, port, &ic)
			if csum >= 0 {
				l4c = csumUpdate16(l4c, o, port)
			}
		case ProtoICMP:
			o := put16(d, t+4, port, &ic)
			put16(d, t+2, csumUpdate16(binary.BigEndian.Uint16(d[t+2:]), o, port), &ic)
		}
	}
	if csum >= 0 {
		if proto == ProtoUDP && l4c == 0 {
			l4c = 0xffff
		}
		put16(d, csum, l4c, &ic)
	}
	binary.BigEndian.PutUint16(d[p.L4+2:], ic)
}

// put16 writes v at off of d, folds the change into checksum c and
// returns the old word. Every word of the quote sits at an even offset
// from the ICMP header, so the change folds straight into its checksum.
func put16(d []byte, off int, v uint16, c *uint16) uint16 {
	o := binary.BigEndian.Uint16(d[off:])
	binary.BigEndian.PutUint16(d[off:], v)
	*c = csumUpdate16(*c, o, v)
	return o
}

// quoteAt is the offset of the IP header an ICMP error quotes: after the
// error's own 8-byte ICMP header.
func (p *Packet) quoteAt() int { return p.L4 + 8 }
