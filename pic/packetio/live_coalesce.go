package packetio

import (
	"bytes"
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/tun"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// UDP coalescing on transmit. A TUN queue takes one packet per write and
// has no batched write, but it takes a UDP GSO super-packet (USO,
// VIRTIO_NET_HDR_GSO_UDP_L4): one header and the payloads of several
// datagrams of one flow, which the kernel cuts back into those datagrams
// where it must (at the latest when the receiving socket reads them).
// So a run of datagrams of the same flow leaving together (a data core's
// vector of a UDP stream) is written as one super-packet: one syscall
// for up to maxCoalesce datagrams instead of one each. Datagrams
// coalesce when their IP and UDP headers agree but for lengths,
// identification and checksums, and every payload but the last has the
// first's size (the kernel's segments all have the gso size but the
// last). The order of packets is kept: only neighbours coalesce.

// maxCoalesce bounds a coalesced super-packet's datagrams (the kernel's
// UDP_MAX_SEGMENTS).
const maxCoalesce = 64

// coalescable reports a UDP datagram that may join a super-packet: not
// a super-packet itself, no IPv4 options or IPv6 extension headers, not
// a fragment, a non-empty payload.
func coalescable(p *pic.Packet) bool {
	if p.Offload.Super() || p.Proto != pic.ProtoUDP || p.Frag || len(p.Data) <= p.L4+8 {
		return false
	}
	if p.V6 {
		return p.L4 == 40 && p.Data[6] == pic.ProtoUDP
	}
	return p.L4 == 20 && p.Data[0] == 0x45
}

// sameFlow reports whether b's headers are a's but for lengths,
// identification and checksums.
func sameFlow(a, b *pic.Packet) bool {
	x, y := a.Data, b.Data
	if a.V6 != b.V6 || a.L4 != b.L4 {
		return false
	}
	if a.V6 {
		return bytes.Equal(x[0:4], y[0:4]) && bytes.Equal(x[6:44], y[6:44])
	}
	return x[1] == y[1] && bytes.Equal(x[6:10], y[6:10]) && bytes.Equal(x[12:24], y[12:24])
}

// udpRun returns how many packets from q.n on coalesce into one
// super-packet (1: write the packet alone).
func (q *txQueue) udpRun() int {
	first := q.pkts[q.n]
	if !coalescable(first) {
		return 1
	}
	gs := len(first.Data) - first.L4 - 8
	total, k := len(first.Data), 1
	for q.n+k < len(q.pkts) && k < maxCoalesce {
		p := q.pkts[q.n+k]
		if !coalescable(p) || !sameFlow(first, p) {
			break
		}
		pl := len(p.Data) - p.L4 - 8
		if pl > gs || total+pl > dataplane.MaxSuper-1 {
			break
		}
		total, k = total+pl, k+1
		if pl < gs { // a shorter datagram can only be the last segment
			break
		}
	}
	return k
}

// writeCoalesced writes q.pkts[q.n:q.n+k] as one UDP super-packet.
func (q *txQueue) writeCoalesced(fd uintptr, k int) error {
	if len(q.buf) < dataplane.MaxSuper {
		q.buf = make([]byte, dataplane.MaxSuper)
	}
	first := q.pkts[q.n]
	l4 := first.L4
	hl := l4 + 8
	n := copy(q.buf, first.Data)
	for _, p := range q.pkts[q.n+1 : q.n+k] {
		n += copy(q.buf[n:], p.Data[hl:])
	}
	b := q.buf[:n]
	var s uint32
	if first.V6 {
		binary.BigEndian.PutUint16(b[4:], uint16(n-40))
		s = sum16(b[8:40])
	} else {
		binary.BigEndian.PutUint16(b[2:], uint16(n))
		b[10], b[11] = 0, 0
		binary.BigEndian.PutUint16(b[10:], pic.Checksum(b[:20], 0))
		s = sum16(b[12:20])
	}
	binary.BigEndian.PutUint16(b[l4+4:], uint16(n-l4))
	s += pic.ProtoUDP + uint32(n-l4)
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	binary.BigEndian.PutUint16(b[l4+6:], uint16(s)) // partial: the pseudo-header's sum
	tun.VnetHdr{Flags: tun.FlagNeedsCsum, GSOType: tun.GSOUDPL4, HdrLen: uint16(hl),
		GSOSize: uint16(len(first.Data) - hl), CsumStart: uint16(l4), CsumOffset: 6}.Put(q.hdr[:])
	q.iov[0].Base, q.iov[1].Base = &q.hdr[0], &b[0]
	q.iov[0].SetLen(len(q.hdr))
	q.iov[1].SetLen(n)
	_, _, e := unix.Syscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&q.iov[0])), 2)
	if e != 0 {
		return e
	}
	return nil
}

// sum16 adds b as big-endian 16-bit words (unfolded).
func sum16(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	return s
}
