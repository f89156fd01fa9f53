package dataplane

import (
	"encoding/binary"
	"errors"
	"sync"
)

// MaxPacket is the largest packet a Packet holds (an MTU of 1500 plus room
// for generated replies that quote it).
const MaxPacket = 2048

// IP protocol numbers the data path knows.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// TCP flags.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
)

// Side is where a packet meets the service-set: arriving on the input of
// the bound interface (inside, for next-hop style) or leaving by its output
// (outside). A rule's match-direction is compared with the side of the
// session's first packet.
type Side uint8

// Sides.
const (
	Input Side = iota
	Output
)

func (s Side) String() string {
	if s == Output {
		return "output"
	}
	return "input"
}

// Other returns the opposite side.
func (s Side) Other() Side { return s ^ 1 }

// Packet is one raw IP packet (no link-layer header, as on a TUN service
// interface) with its parsed header fields. Packets are owned by whoever
// handed them to the data path until the data path hands them on (Tx):
// plugins may rewrite Data in place but never keep a *Packet past the
// event that passed it.
type Packet struct {
	buf  [MaxPacket]byte
	Data []byte // the packet, a prefix of buf

	pool  *PacketPool // the source's pool, when it recycles its packets
	large *LargeBuf   // a super-packet's buffer (AttachLarge), Data's home instead of buf

	// Offload is the source's word on segmentation and checksum
	// (offload.go); zero for plain packets.
	Offload Offload

	ServiceSet uint32 // the service-set the port steers it to
	Side       Side   // where it arrived
	Out        Side   // where it leaves when forwarded (set by the data path)

	// Parsed by Parse.
	parsed   bool
	V6       bool
	Proto    uint8
	L4       int // offset of the transport header; 0 when absent (fragment)
	Src, Dst [16]byte
	SPort    uint16 // TCP/UDP source port; ICMP echo identifier
	DPort    uint16 // TCP/UDP destination port; ICMP echo identifier
	TCPFlags uint8
	ICMPType uint8
	ICMPCode uint8

	// ND marks IPv6 neighbor discovery (router solicitation and
	// advertisement, neighbor solicitation and advertisement, redirect)
	// sent with a hop limit of 255, the only one RFC 4861 lets a node
	// accept: link-local control traffic Junos passes without a session
	// or policy (NDP is enabled by default), so the data path forwards it
	// without a lookup.
	ND bool
	// mss is the offset of a TCP SYN's MSS option value (0: none).
	mss int

	// ICMPError marks an ICMP or ICMPv6 error (destination unreachable,
	// fragmentation needed / packet too big, time exceeded, parameter
	// problem). It belongs to the session of the packet it quotes: Key
	// is that packet's flow reversed (the error travels back to the
	// quoted packet's sender), and a plugin that translates rewrites
	// the quoted header too (RewriteQuoted4). An error whose quote
	// names no flow keeps a zero key and matches no session.
	ICMPError bool
	quoteL4   int     // offset of the quoted transport header; 0 when the quote names no flow
	rel       FlowKey // the session key when relKey: an ICMP error's, or a later fragment's (its first fragment's)
	relKey    bool

	// Fragments (Parse): Frag marks any fragment of a fragmented
	// datagram, first or later; later fragments (FragOff > 0) carry no
	// transport header (L4 == 0) and take the ports of their datagram's
	// first fragment from the data plane's fragment tracker.
	Frag      bool
	MoreFrags bool
	FragID    uint32 // IPv4: the 16-bit identification; IPv6: the fragment header's
	FragOff   int    // byte offset of the fragment's data in the datagram
	fragLen   int    // bytes of datagram data in this fragment
}

// PacketPool recycles the packets of a packet source (the live TUN
// readers): a data core puts every pooled packet it was given back once
// it is done with it, after Tx or when it dropped it, so a steady flow
// of packets allocates nothing. Safe for concurrent use.
type PacketPool struct {
	p     sync.Pool
	large largePool // super-packets' buffers, bounded (offload.go)
}

// Get returns a packet of the pool (new when the pool is empty).
func (pp *PacketPool) Get() *Packet {
	p, _ := pp.p.Get().(*Packet)
	if p == nil {
		p = new(Packet)
	}
	p.pool = pp
	return p
}

// Put returns a packet to its pool.
func (pp *PacketPool) Put(p *Packet) {
	p.pool = nil
	if p.large != nil {
		pp.PutLarge(p.large)
		p.large, p.Data = nil, nil
	}
	pp.p.Put(p)
}

// release returns a pooled packet to its pool; others are left alone.
func (p *Packet) release() {
	if p.pool != nil {
		p.pool.Put(p)
	}
}

// SetData copies b into the packet's buffer and clears parsed state.
func (p *Packet) SetData(b []byte) {
	n := copy(p.buf[:], b)
	p.Data = p.buf[:n]
	p.parsed = false
	p.Offload = Offload{}
}

// Buffer returns the packet's whole buffer, for building packets in place
// (then call Resize).
func (p *Packet) Buffer() []byte { return p.buf[:] }

// Resize sets the packet length to n bytes of the buffer.
func (p *Packet) Resize(n int) {
	p.Data = p.buf[:n]
	p.parsed = false
	p.Offload = Offload{}
}

// Errors of Parse.
var (
	ErrShort   = errors.New("pic: packet truncated")
	ErrVersion = errors.New("pic: not an IPv4 or IPv6 packet")
)

// v4prefix is the IPv4-mapped IPv6 prefix addresses are stored under.
var v4prefix = [12]byte{10: 0xff, 11: 0xff}

// mapV4 stores IPv4 address a IPv4-mapped in m, in two 8-byte stores,
// which the 8-byte loads of keyTo and FlowKey.hash that soon follow are
// forwarded from. (A load spanning several narrower stores still in the
// store buffer, as byte copies and array assignments make, waits for
// them to retire: tens of cycles a packet.)
func mapV4(m *[16]byte, a []byte) {
	le := binary.LittleEndian
	le.PutUint64(m[:8], 0)
	le.PutUint64(m[8:], 0xffff<<16|uint64(le.Uint32(a))<<32)
}

// Parse reads the IP and transport headers. It allocates nothing and
// never panics on malformed input (see FuzzParse).
func (p *Packet) Parse() error {
	p.parsed = false
	p.L4, p.SPort, p.DPort, p.TCPFlags, p.ICMPType, p.ICMPCode, p.ND, p.mss = 0, 0, 0, 0, 0, 0, false, 0
	p.ICMPError, p.relKey, p.Frag, p.MoreFrags, p.FragID, p.FragOff, p.fragLen = false, false, false, false, 0, 0, 0
	d := p.Data
	if len(d) < 1 {
		return ErrShort
	}
	switch d[0] >> 4 {
	case 4:
		if len(d) < 20 {
			return ErrShort
		}
		ihl := int(d[0]&0x0f) * 4
		tot := int(binary.BigEndian.Uint16(d[2:]))
		if ihl < 20 || tot < ihl || tot > len(d) {
			return ErrShort
		}
		p.V6 = false
		p.Proto = d[9]
		mapV4(&p.Src, d[12:16])
		mapV4(&p.Dst, d[16:20])
		ff := binary.BigEndian.Uint16(d[6:])
		if ff&0x1fff == 0 { // first or only fragment
			p.L4 = ihl
		}
		if ff&0x3fff != 0 { // more fragments, or an offset: a fragment
			p.Frag, p.MoreFrags = true, ff&0x2000 != 0
			p.FragID, p.FragOff, p.fragLen = uint32(binary.BigEndian.Uint16(d[4:])), int(ff&0x1fff)*8, tot-ihl
		}
		p.Data = d[:tot]
	case 6:
		if len(d) < 40 {
			return ErrShort
		}
		plen := int(binary.BigEndian.Uint16(d[4:]))
		if 40+plen > len(d) {
			return ErrShort
		}
		p.Data = d[:40+plen]
		d = p.Data
		p.V6 = true
		copy(p.Src[:], d[8:24])
		copy(p.Dst[:], d[24:40])
		nh, off := d[6], 40
	ext:
		for i := 0; i < 8; i++ { // extension headers, bounded
			switch nh {
			case 0, 43, 60: // hop-by-hop, routing, destination options
				if off+8 > len(d) {
					return ErrShort
				}
				nh, off = d[off], off+8*(int(d[off+1])+1)
				continue
			case 44: // fragment
				if off+8 > len(d) {
					return ErrShort
				}
				fo := binary.BigEndian.Uint16(d[off+2:])
				p.Frag, p.MoreFrags, p.FragOff = true, fo&1 != 0, int(fo&0xfff8)
				p.FragID, p.fragLen = binary.BigEndian.Uint32(d[off+4:]), len(d)-off-8
				first := p.FragOff == 0
				nh, off = d[off], off+8
				if !first {
					p.Proto, p.L4 = nh, 0
					p.parsed = true
					return nil
				}
				continue
			}
			break ext
		}
		if off > len(d) {
			return ErrShort
		}
		p.Proto, p.L4 = nh, off
	default:
		return ErrVersion
	}
	if p.L4 != 0 {
		if err := p.parseL4(); err != nil {
			return err
		}
	}
	p.parsed = true
	return nil
}

func (p *Packet) parseL4() error {
	l4 := p.Data[p.L4:]
	switch p.Proto {
	case ProtoTCP:
		if len(l4) < 20 || int(l4[12]>>4)*4 < 20 || int(l4[12]>>4)*4 > len(l4) {
			return ErrShort
		}
		p.setPorts(binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:]))
		p.TCPFlags = l4[13]
		if p.TCPFlags&TCPSyn != 0 && l4[12]>>4 > 5 {
			p.findMSS(l4[20 : int(l4[12]>>4)*4])
		}
	case ProtoUDP:
		if len(l4) < 8 {
			return ErrShort
		}
		p.setPorts(binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:]))
	case ProtoICMP, ProtoICMPv6:
		if len(l4) < 8 {
			return ErrShort
		}
		p.ICMPType, p.ICMPCode = l4[0], l4[1]
		switch {
		case isEcho(p.Proto, p.ICMPType): // queries: the identifier keys both ways
			id := binary.BigEndian.Uint16(l4[4:])
			p.setPorts(id, id)
		case isICMPError(p.Proto, p.ICMPType):
			p.parseQuote()
		default: // other messages: the type keys the session (see icmpKeyPort)
			p.SPort = icmpKeyPort(p.Proto, p.ICMPType, p.ICMPCode)
			p.DPort = p.SPort
			p.ND = p.V6 && p.Proto == ProtoICMPv6 && p.ICMPType >= 133 && p.ICMPType <= 137 && p.Data[7] == 255
		}
	}
	return nil
}

// isEcho reports echo requests and replies (ICMP and ICMPv6).
func isEcho(proto, typ uint8) bool {
	if proto == ProtoICMP {
		return typ == 8 || typ == 0
	}
	return typ == 128 || typ == 129
}

// Echo reports an ICMP or ICMPv6 echo request or reply: the ICMP messages
// whose identifier stands for ports (and that napt-44 translates).
func (p *Packet) Echo() bool {
	return (p.Proto == ProtoICMP || p.Proto == ProtoICMPv6) && p.L4 != 0 && isEcho(p.Proto, p.ICMPType)
}

// icmpKeyPort is what stands for both ports in the flow key of an ICMP
// message that is neither an echo nor an error: its type and code
// (type<<8 | code), a reply taking its request's type (ICMP timestamp,
// information and address mask replies; ICMPv6 node information
// replies), so the answer finds its request's session. Keying by type
// keeps an accepted session of one type (an application with icmp-type
// or icmp6-type) from carrying messages of another type between the
// same hosts: each type is matched against the policy on its own.
func icmpKeyPort(proto, typ, code uint8) uint16 {
	switch {
	case proto == ProtoICMP && (typ == 14 || typ == 16 || typ == 18):
		typ--
	case proto == ProtoICMPv6 && typ == 140:
		typ = 139
	}
	return uint16(typ)<<8 | uint16(code)
}

// findMSS records where the MSS option of a SYN's options sits.
func (p *Packet) findMSS(opts []byte) {
	base := p.L4 + 20
	for i := 0; i < len(opts); {
		switch opts[i] {
		case 0: // end of options
			return
		case 1: // no-op
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			return
		}
		if opts[i] == 2 && opts[i+1] == 4 {
			p.mss = base + i + 2
			return
		}
		i += int(opts[i+1])
	}
}

// MSS returns the maximum segment size a TCP SYN or SYN-ACK announces
// (ok false when it carries none).
func (p *Packet) MSS() (mss uint16, ok bool) {
	if p.mss == 0 {
		return 0, false
	}
	return binary.BigEndian.Uint16(p.Data[p.mss:]), true
}

// ClampMSS lowers the MSS option of a TCP SYN or SYN-ACK to max when it
// announces more, updating the TCP checksum incrementally (RFC 1624), and
// reports whether it changed the packet. It allocates nothing.
func (p *Packet) ClampMSS(max uint16) bool {
	old, ok := p.MSS()
	if !ok || old <= max {
		return false
	}
	binary.BigEndian.PutUint16(p.Data[p.mss:], max)
	if p.Offload.Partial { // the option is summed by whoever completes the checksum
		return true
	}
	o, n := old, max
	if (p.mss-p.L4)%2 == 1 { // after a lone no-op: its bytes sit across two checksum words
		o, n = o>>8|o<<8, n>>8|n<<8
	}
	c := p.L4 + 16
	binary.BigEndian.PutUint16(p.Data[c:], csumUpdate16(binary.BigEndian.Uint16(p.Data[c:]), o, n))
	return true
}

// Key returns the packet's flow key: its 5-tuple; for an ICMP error the
// reversed flow of the packet it quotes; for a later fragment the key of
// its datagram's first fragment (once the fragment tracker gave it).
func (p *Packet) Key() FlowKey {
	if p.relKey {
		return p.rel
	}
	return FlowKey{Src: p.Src, Dst: p.Dst, SPort: p.SPort, DPort: p.DPort, Proto: p.Proto, V6: p.V6}
}

// setPorts stores the two ports in one 32-bit store, which the keys'
// loads of both (one load, as the compiler combines them) are forwarded
// from; two 16-bit stores would make that load wait for both to retire.
func (p *Packet) setPorts(sport, dport uint16) {
	v := uint32(sport) | uint32(dport)<<16
	p.SPort, p.DPort = uint16(v), uint16(v>>16)
}

// keyTo writes the packet's flow key (Key) into k.
func (p *Packet) keyTo(k *FlowKey) {
	if p.relKey {
		*k = p.rel
		return
	}
	le := binary.LittleEndian // in words, as Parse stored the addresses (mapV4)
	le.PutUint64(k.Src[:8], le.Uint64(p.Src[:8]))
	le.PutUint64(k.Src[8:], le.Uint64(p.Src[8:]))
	le.PutUint64(k.Dst[:8], le.Uint64(p.Dst[:8]))
	le.PutUint64(k.Dst[8:], le.Uint64(p.Dst[8:]))
	k.SPort, k.DPort, k.Proto, k.V6 = p.SPort, p.DPort, p.Proto, p.V6
}

// SteerCore returns the data core (of n) that serves the packet's
// session (SteerCore of its key's protocol and ports).
func (p *Packet) SteerCore(n int) int {
	if p.relKey {
		return SteerCore(p.rel.Proto, p.rel.SPort, p.rel.DPort, n)
	}
	return SteerCore(p.Proto, p.SPort, p.DPort, n)
}

// Checksum returns the Internet checksum of b folded onto initial.
func Checksum(b []byte, initial uint32) uint16 {
	s := initial
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// csumUpdate16 updates checksum c for a 16-bit field changing from old to
// new (RFC 1624, eqn. 3).
func csumUpdate16(c, old, new uint16) uint16 {
	s := uint32(^c) + uint32(^old) + uint32(new)
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	return ^uint16(s)
}

// csumAdd updates checksum c by delta, a sum of changes ^old + new of
// 16-bit fields (RFC 1624, eqn. 3, for several fields at once).
func csumAdd(c uint16, delta uint32) uint16 {
	s := uint32(^c) + delta
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	return ^uint16(s)
}

// l4CsumOff returns the offset of the transport checksum, or -1.
func (p *Packet) l4CsumOff() int {
	if p.L4 == 0 {
		return -1
	}
	if p.Offload.Partial {
		return p.partialCsumOff()
	}
	switch p.Proto {
	case ProtoTCP:
		return p.L4 + 16
	case ProtoUDP:
		if binary.BigEndian.Uint16(p.Data[p.L4+6:]) == 0 {
			return -1 // UDP over IPv4 without checksum
		}
		return p.L4 + 6
	}
	return -1
}

// rewrite4TCPUDP is RewriteAddr4 for what nearly every translated
// packet is, TCP or UDP with a full transport checksum: the address's
// and the port's changes summed once, each checksum folded once. It
// reports false, having changed nothing, for anything else.
func (p *Packet) rewrite4TCPUDP(src bool, addr [4]byte, port uint16) bool {
	d, l4 := p.Data, p.L4
	if p.Offload.Partial || l4 < 20 || l4+8 > len(d) {
		return false
	}
	// Fixed-size views of the headers: one bounds check each, where
	// indexing the slice checks every access.
	ip, tp := (*[20]byte)(d), (*[8]byte)(d[l4:])
	var cs *[2]byte // the transport checksum
	switch p.Proto {
	case ProtoTCP:
		if l4+18 > len(d) {
			return false
		}
		cs = (*[2]byte)(d[l4+16:])
	case ProtoUDP:
		if cs = (*[2]byte)(tp[6:]); cs[0]|cs[1] == 0 { // no checksum: the general path keeps it so
			return false
		}
	default:
		return false
	}
	be := binary.BigEndian
	a, pt, mine := (*[4]byte)(ip[16:]), (*[2]byte)(tp[2:]), &p.Dst
	if src {
		a, pt, mine = (*[4]byte)(ip[12:]), (*[2]byte)(tp[0:]), &p.Src
	}
	old, na := be.Uint32(a[:]), be.Uint32(addr[:])
	delta := uint32(^uint16(old>>16)) + uint32(^uint16(old)) + na>>16 + na&0xffff
	*a = addr
	be.PutUint16(ip[10:], csumAdd(be.Uint16(ip[10:]), delta))
	*(*[4]byte)(mine[12:]) = addr
	if port != 0 {
		delta += uint32(^be.Uint16(pt[:])) + uint32(port)
		be.PutUint16(pt[:], port)
		if src {
			p.SPort = port
		} else {
			p.DPort = port
		}
	}
	sum := csumAdd(be.Uint16(cs[:]), delta)
	if sum == 0 && p.Proto == ProtoUDP {
		sum = 0xffff
	}
	be.PutUint16(cs[:], sum)
	return true
}

// RewriteAddr4 rewrites the IPv4 source (src true) or destination address
// and, when port is non-zero and the packet has ports (TCP, UDP) or an
// ICMP echo identifier, the port/identifier on the same side, updating the
// IP, TCP, UDP and ICMP checksums incrementally (a partial checksum only
// for the address, offload.go). It allocates nothing.
func (p *Packet) RewriteAddr4(src bool, addr [4]byte, port uint16) {
	if p.rewrite4TCPUDP(src, addr, port) {
		return
	}
	d := p.Data
	aoff, poff := 16, 2
	if src {
		aoff, poff = 12, 0
	}
	ipc := binary.BigEndian.Uint16(d[10:])
	l4c := p.l4CsumOff()
	var l4sum uint16
	if l4c >= 0 {
		l4sum = binary.BigEndian.Uint16(d[l4c:])
	}
	var delta uint32 // the address's change, summed once for both checksums
	for i := 0; i < 4; i += 2 {
		delta += uint32(^binary.BigEndian.Uint16(d[aoff+i:])) + (uint32(addr[i])<<8 | uint32(addr[i+1]))
	}
	ipc = csumAdd(ipc, delta)
	if l4c >= 0 { // pseudo-header
		l4sum = p.pseudoAdd(l4sum, delta)
	}
	copy(d[aoff:aoff+4], addr[:])
	binary.BigEndian.PutUint16(d[10:], ipc)
	if src {
		copy(p.Src[12:], addr[:])
	} else {
		copy(p.Dst[12:], addr[:])
	}
	if port != 0 && p.L4 != 0 {
		switch {
		case p.Proto == ProtoTCP || p.Proto == ProtoUDP:
			o := binary.BigEndian.Uint16(d[p.L4+poff:])
			binary.BigEndian.PutUint16(d[p.L4+poff:], port)
			if l4c >= 0 && !p.Offload.Partial {
				l4sum = csumUpdate16(l4sum, o, port)
			}
			if src {
				p.SPort = port
			} else {
				p.DPort = port
			}
		case p.Proto == ProtoICMP && isEcho(p.Proto, p.ICMPType):
			o := binary.BigEndian.Uint16(d[p.L4+4:])
			binary.BigEndian.PutUint16(d[p.L4+4:], port)
			c := binary.BigEndian.Uint16(d[p.L4+2:])
			binary.BigEndian.PutUint16(d[p.L4+2:], csumUpdate16(c, o, port))
			p.SPort, p.DPort = port, port
		}
	}
	if l4c >= 0 {
		if p.Proto == ProtoUDP && l4sum == 0 && !p.Offload.Partial {
			l4sum = 0xffff
		}
		binary.BigEndian.PutUint16(d[l4c:], l4sum)
	}
}
