package tun

import (
	"encoding/binary"
	"errors"
)

// Offload framing. A queue opened with IFF_VNET_HDR carries a
// virtio_net_hdr in front of every packet, both ways. With TUNSETOFFLOAD
// the kernel hands over GSO super-packets (one TCP or UDP "packet" of up
// to 64 KB that stands for many segments of GSOSize payload bytes each)
// and packets whose transport checksum is left to the device
// (CHECKSUM_PARTIAL: NeedsCsum, the checksum field holding the
// uncomplemented sum of the pseudo-header only); a writer may hand the
// kernel the same, and the kernel segments or completes them where the
// output needs it. Split and Complete do that work in software for the
// places that cannot take it (a queue without the header, a plugin that
// must see segments).

// VnetHdrLen is the size of struct virtio_net_hdr (no num_buffers: the
// TUN default, TUNSETVNETHDRSZ untouched).
const VnetHdrLen = 10

// Flags of a virtio_net_hdr.
const (
	FlagNeedsCsum = 1 // VIRTIO_NET_HDR_F_NEEDS_CSUM: checksum at CsumStart+CsumOffset left to fill
	FlagDataValid = 2 // VIRTIO_NET_HDR_F_DATA_VALID: checksum already verified
)

// GSO types of a virtio_net_hdr.
const (
	GSONone  = 0    // VIRTIO_NET_HDR_GSO_NONE
	GSOTCPv4 = 1    // VIRTIO_NET_HDR_GSO_TCPV4
	GSOUDP   = 3    // VIRTIO_NET_HDR_GSO_UDP (UFO: IP fragmentation; not taken)
	GSOTCPv6 = 4    // VIRTIO_NET_HDR_GSO_TCPV6
	GSOUDPL4 = 5    // VIRTIO_NET_HDR_GSO_UDP_L4 (USO: one UDP datagram per segment)
	GSOECN   = 0x80 // VIRTIO_NET_HDR_GSO_ECN: TCP with ECN, CWR on the first segment only
)

// VnetHdr is a parsed virtio_net_hdr. Fields are in host byte order on
// the wire (a TUN without TUNSETVNETLE/BE uses the host's).
type VnetHdr struct {
	Flags      uint8
	GSOType    uint8
	HdrLen     uint16 // bytes of headers (IP + transport) in front of the payload
	GSOSize    uint16 // payload bytes per segment
	CsumStart  uint16 // where checksumming starts (the transport header)
	CsumOffset uint16 // the checksum field's offset from CsumStart
}

// Errors of ParseVnet and Split.
var (
	ErrVnetShort = errors.New("tun: packet shorter than its virtio_net_hdr")
	ErrGSO       = errors.New("tun: GSO packet that cannot be segmented")
)

// ParseVnet reads the header in front of b.
func ParseVnet(b []byte) (VnetHdr, error) {
	if len(b) < VnetHdrLen {
		return VnetHdr{}, ErrVnetShort
	}
	e := binary.NativeEndian
	return VnetHdr{Flags: b[0], GSOType: b[1], HdrLen: e.Uint16(b[2:]), GSOSize: e.Uint16(b[4:]),
		CsumStart: e.Uint16(b[6:]), CsumOffset: e.Uint16(b[8:])}, nil
}

// Put writes h into b[:VnetHdrLen].
func (h VnetHdr) Put(b []byte) {
	_ = b[VnetHdrLen-1]
	e := binary.NativeEndian
	b[0], b[1] = h.Flags, h.GSOType
	e.PutUint16(b[2:], h.HdrLen)
	e.PutUint16(b[4:], h.GSOSize)
	e.PutUint16(b[6:], h.CsumStart)
	e.PutUint16(b[8:], h.CsumOffset)
}

// IsGSO reports a super-packet (a GSO type other than none).
func (h VnetHdr) IsGSO() bool { return h.GSOType&^GSOECN != GSONone }

// Segments returns how many segments pkt stands for (1 for a packet that
// is not a super-packet), or an error when it cannot be segmented.
func Segments(pkt []byte, h VnetHdr) (int, error) {
	if !h.IsGSO() {
		return 1, nil
	}
	hl, _, err := gsoHeaders(pkt, h)
	if err != nil {
		return 0, err
	}
	pl := len(pkt) - hl
	if pl <= 0 {
		return 1, nil
	}
	return (pl + int(h.GSOSize) - 1) / int(h.GSOSize), nil
}

// gsoHeaders checks a super-packet and returns its header length (IP and
// transport headers, computed from the packet rather than trusted from
// h.HdrLen) and whether it is IPv6.
func gsoHeaders(pkt []byte, h VnetHdr) (hl int, v6 bool, err error) {
	if h.GSOSize == 0 || len(pkt) < 1 {
		return 0, false, ErrGSO
	}
	cs := int(h.CsumStart)
	switch pkt[0] >> 4 {
	case 4:
		if len(pkt) < 20 || cs < int(pkt[0]&0xf)*4 {
			return 0, false, ErrGSO
		}
	case 6:
		if len(pkt) < 40 || cs < 40 {
			return 0, false, ErrGSO
		}
		v6 = true
	default:
		return 0, false, ErrGSO
	}
	switch h.GSOType &^ GSOECN {
	case GSOTCPv4, GSOTCPv6:
		if cs+20 > len(pkt) {
			return 0, false, ErrGSO
		}
		hl = cs + int(pkt[cs+12]>>4)*4
	case GSOUDPL4:
		hl = cs + 8
	default:
		return 0, false, ErrGSO
	}
	if hl > len(pkt) || hl < cs+8 {
		return 0, false, ErrGSO
	}
	return hl, v6, nil
}

// Split writes segment i of super-packet pkt into dst, complete (IP
// lengths, IPv4 identification and header checksum, TCP sequence number
// and flags, transport checksum computed in full), and returns its
// length. dst must hold HdrLen+GSOSize bytes. A packet that is not a
// super-packet is copied whole with its checksum completed when it was
// left to the device.
func Split(dst, pkt []byte, h VnetHdr, i int) (int, error) {
	if !h.IsGSO() {
		n := copy(dst, pkt)
		if n < len(pkt) {
			return 0, ErrGSO
		}
		return n, Complete(dst[:n], h)
	}
	hl, v6, err := gsoHeaders(pkt, h)
	if err != nil {
		return 0, err
	}
	gs := int(h.GSOSize)
	payload := pkt[hl:]
	first := i * gs
	if first > len(payload) || (first == len(payload) && i > 0) {
		return 0, ErrGSO
	}
	last := min(first+gs, len(payload))
	n := hl + last - first
	if len(dst) < n {
		return 0, ErrGSO
	}
	copy(dst, pkt[:hl])
	copy(dst[hl:], payload[first:last])
	seg := dst[:n]
	cs := int(h.CsumStart)
	if v6 {
		binary.BigEndian.PutUint16(seg[4:], uint16(n-40))
	} else {
		ihl := int(seg[0]&0xf) * 4
		binary.BigEndian.PutUint16(seg[2:], uint16(n))
		binary.BigEndian.PutUint16(seg[4:], binary.BigEndian.Uint16(pkt[4:])+uint16(i))
		seg[10], seg[11] = 0, 0
		binary.BigEndian.PutUint16(seg[10:], ^fold(sum(seg[:ihl], 0)))
	}
	var proto uint8
	var ck int
	if h.GSOType&^GSOECN == GSOUDPL4 {
		proto, ck = 17, cs+6
		binary.BigEndian.PutUint16(seg[cs+4:], uint16(n-cs))
	} else {
		proto, ck = 6, cs+16
		binary.BigEndian.PutUint32(seg[cs+4:], binary.BigEndian.Uint32(pkt[cs+4:])+uint32(first))
		if last != len(payload) {
			seg[cs+13] &^= 0x01 | 0x08 // FIN, PSH: the last segment's
		}
		if i > 0 {
			seg[cs+13] &^= 0x80 // CWR: the first segment's
		}
	}
	seg[ck], seg[ck+1] = 0, 0
	c := ^fold(sum(seg[cs:], pseudo(seg, v6, proto, n-cs)))
	if proto == 17 && c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(seg[ck:], c)
	return n, nil
}

// Complete fills in a transport checksum left to the device (NeedsCsum):
// the field holds the pseudo-header's sum, so the checksum is the
// complement of the sum from CsumStart to the end. Other packets are left
// alone.
func Complete(pkt []byte, h VnetHdr) error {
	if h.Flags&FlagNeedsCsum == 0 {
		return nil
	}
	cs, ck := int(h.CsumStart), int(h.CsumStart)+int(h.CsumOffset)
	if ck+2 > len(pkt) {
		return ErrGSO
	}
	c := ^fold(sum(pkt[cs:], 0))
	if ck == cs+6 && c == 0 { // UDP: zero means no checksum
		c = 0xffff
	}
	binary.BigEndian.PutUint16(pkt[ck:], c)
	return nil
}

// pseudo returns the sum of the pseudo-header of a transport segment of
// l4len bytes in IP packet seg.
func pseudo(seg []byte, v6 bool, proto uint8, l4len int) uint32 {
	var s uint32
	if v6 {
		s = sum(seg[8:40], 0)
	} else {
		s = sum(seg[12:20], 0)
	}
	return s + uint32(proto) + uint32(l4len)
}

// sum adds b as big-endian 16-bit words onto s (unfolded).
func sum(b []byte, s uint32) uint32 {
	for len(b) >= 8 {
		s += uint32(binary.BigEndian.Uint16(b)) + uint32(binary.BigEndian.Uint16(b[2:])) +
			uint32(binary.BigEndian.Uint16(b[4:])) + uint32(binary.BigEndian.Uint16(b[6:]))
		b = b[8:]
		if s >= 0x80000000 {
			s = s>>16 + s&0xffff
		}
	}
	for len(b) >= 2 {
		s += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// fold folds a 32-bit sum into 16 bits (not complemented).
func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}
