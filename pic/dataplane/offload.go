package dataplane

import (
	"sync"
	"sync/atomic"
)

// Offload metadata. A live TUN queue with offloads on (internal/tun)
// hands over GSO super-packets, one TCP or UDP packet of up to 64 KB
// standing for many segments, and packets whose transport checksum the
// kernel left to the device (CHECKSUM_PARTIAL). The data path runs a
// super-packet through the session table and the plugin chain once, as
// one packet: its headers are those of every segment it stands for
// (TCP flags aside: FIN and PSH belong to its last segment), so a NAT
// rewrites addresses and ports once and the kernel or the writer splits
// it afterwards. A packet keeps its Offload from the reader to Tx, which
// hands it back to the queue it leaves by.
//
// A partial checksum (Offload.Partial) holds the uncomplemented sum of
// the pseudo-header only, not the checksum of the segment: a rewrite of
// an address (in the pseudo-header) adjusts that sum, a rewrite of a
// port or of a TCP option (summed by whoever completes it) leaves it
// alone. RewriteAddr4 and ClampMSS do so.

// MaxSuper is the largest packet a Packet holds with a large buffer (an
// IP datagram's 64 KB).
const MaxSuper = 65536

// LargeHeadroom is room in front of a large buffer's packet for the
// header a reader reads with it (virtio_net_hdr).
const LargeHeadroom = 16

// LargeBuf is the buffer of a super-packet.
type LargeBuf [LargeHeadroom + MaxSuper]byte

// Offload is what the packet's source said of its segmentation and
// checksum (zero: a plain, complete packet). Offsets count from the
// start of Data.
type Offload struct {
	GSOType    uint8  // the virtio_net_hdr GSO type (0: not a super-packet)
	GSOSize    uint16 // payload bytes per segment
	HdrLen     uint16 // header bytes in front of the payload, as the source gave it
	CsumStart  uint16 // where transport checksumming starts
	CsumOffset uint16 // the checksum field, from CsumStart
	Partial    bool   // the checksum field holds the pseudo-header's sum only
}

// Super reports a GSO super-packet.
func (o Offload) Super() bool { return o.GSOType&0x7f != 0 }

// DefaultLargeLimit is how many large buffers a pool hands out at most
// (32 MB) unless SetLargeLimit says otherwise: past it a reader waits for
// the data cores to give one back, and the kernel's queue in front of it
// fills (backpressure, not memory growth).
const DefaultLargeLimit = 512

// largePool is a PacketPool's bounded supply of large buffers.
type largePool struct {
	once  sync.Once
	free  chan *LargeBuf
	made  atomic.Int64
	limit int64
}

func (lp *largePool) init() {
	lp.once.Do(func() {
		if lp.limit <= 0 {
			lp.limit = DefaultLargeLimit
		}
		lp.free = make(chan *LargeBuf, lp.limit)
	})
}

// SetLargeLimit bounds the pool's large buffers; call it before the
// pool's first large buffer.
func (pp *PacketPool) SetLargeLimit(n int) { pp.large.limit = int64(n) }

// GetLarge returns a large buffer of the pool: a free one, a new one
// while fewer than the limit exist, or else the next one given back; nil
// when done closes first. It may block: a reader's backpressure.
func (pp *PacketPool) GetLarge(done <-chan struct{}) *LargeBuf {
	lp := &pp.large
	lp.init()
	select {
	case b := <-lp.free:
		return b
	default:
	}
	if lp.made.Add(1) <= lp.limit {
		return new(LargeBuf)
	}
	lp.made.Add(-1)
	select {
	case b := <-lp.free:
		return b
	case <-done:
		return nil
	}
}

// PutLarge gives back a large buffer nobody uses any more.
func (pp *PacketPool) PutLarge(b *LargeBuf) {
	lp := &pp.large
	lp.init()
	select {
	case lp.free <- b:
	default: // not one of ours: left to the collector
	}
}

// AttachLarge makes b[off:off+n] the packet's data: the packet owns b
// from now on and its pool takes it back with the packet.
func (p *Packet) AttachLarge(b *LargeBuf, off, n int) {
	p.large = b
	p.Data = b[off : off+n]
	p.parsed = false
}

// pseudoAdd adjusts the transport checksum for a sum of pseudo-header
// changes (csumAdd's delta), in the form the packet holds it: a partial
// checksum is the uncomplemented sum of the pseudo-header.
func (p *Packet) pseudoAdd(sum uint16, delta uint32) uint16 {
	if p.Offload.Partial {
		return ^csumAdd(^sum, delta)
	}
	return csumAdd(sum, delta)
}

// partialCsumOff returns the offset of a partial checksum's field, or -1.
func (p *Packet) partialCsumOff() int {
	c := int(p.Offload.CsumStart) + int(p.Offload.CsumOffset)
	if c+2 > len(p.Data) {
		return -1
	}
	return c
}
