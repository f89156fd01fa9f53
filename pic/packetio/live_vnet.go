package packetio

import (
	"errors"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/tun"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// Queue framing. A TUN queue opened by internal/tun carries a
// virtio_net_hdr in front of every packet and has the kernel's offloads
// on: a read may return a GSO super-packet (up to 64 KB of one TCP
// stream, or of UDP with USO) and a packet whose transport checksum is
// left to the device. The reader keeps both as they are, recording the
// header in Packet.Offload, so the data path runs a super-packet through
// its chain once (pic/dataplane/offload.go); the writer hands the same
// header back with the packet (one writev per super-packet), and the
// kernel segments or completes it where its output needs that. A queue
// without the header (a test's socket pair, a device opened elsewhere)
// gets plain packets: super-packets split into segments and partial
// checksums completed in software (internal/tun Split, Complete).

// vnetHeaders tells whether a queue carries virtio_net_hdr framing
// (tests replace it to frame socket pairs the same way).
var vnetHeaders = tun.VnetHeaders

// errFraming is a read whose header is unusable: the packet is dropped
// and counted.
var errFraming = errors.New("packetio: bad virtio_net_hdr")

// errClosed stops a reader that waited for a large buffer until Close.
var errClosed = errors.New("packetio: live data plane closed")

// rxQueue reads one queue's packets into the pool's packets: a small
// packet is copied into a pooled Packet's own buffer, a super-packet
// keeps the large buffer it was read into (and the queue takes a new
// one), so a steady flow allocates nothing. The pool bounds its large
// buffers: with all of them in the data cores' queues, the reader waits
// for one to come back and the TUN queue in front of it fills.
type rxQueue struct {
	pool    *dataplane.PacketPool
	done    <-chan struct{} // closed by Live.Close: stop waiting for a buffer
	vnet    bool
	scratch *dataplane.LargeBuf // the next read's buffer (vnet queues)
}

// readOne reads one packet from fd (non-blocking: unix.EAGAIN when the
// queue is empty).
func (q *rxQueue) readOne(fd int) (*pic.Packet, error) {
	if !q.vnet {
		p := q.pool.Get()
		n, err := unix.Read(fd, p.Buffer())
		if err != nil {
			q.pool.Put(p)
			return nil, err
		}
		p.Resize(n)
		return p, nil
	}
	if q.scratch == nil {
		if q.scratch = q.pool.GetLarge(q.done); q.scratch == nil {
			return nil, errClosed
		}
	}
	const at = dataplane.LargeHeadroom - tun.VnetHdrLen // the header ends where the packet starts
	n, err := unix.Read(fd, q.scratch[at:])
	if err != nil {
		return nil, err
	}
	h, err := tun.ParseVnet(q.scratch[at:max(at, at+n)])
	if err != nil {
		return nil, errFraming
	}
	n -= tun.VnetHdrLen
	p := q.pool.Get()
	if h.IsGSO() || n > dataplane.MaxPacket {
		p.AttachLarge(q.scratch, dataplane.LargeHeadroom, n)
		q.scratch = nil
	} else {
		p.SetData(q.scratch[dataplane.LargeHeadroom : dataplane.LargeHeadroom+n])
	}
	p.Offload = dataplane.Offload{GSOType: h.GSOType, GSOSize: h.GSOSize, HdrLen: h.HdrLen,
		CsumStart: h.CsumStart, CsumOffset: h.CsumOffset, Partial: h.Flags&tun.FlagNeedsCsum != 0}
	return p, nil
}

// close gives the queue's spare buffer back.
func (q *rxQueue) close() {
	if q.scratch != nil {
		q.pool.PutLarge(q.scratch)
		q.scratch = nil
	}
}

// txQueue writes runs of packets into one TUN queue: one trip through
// the poller per run, one write per packet (a TUN queue takes one packet
// per write; a super-packet is one write). Used by one data core only;
// its fields are that core's.
type txQueue struct {
	rc    syscall.RawConn
	fn    func(fd uintptr) bool // q.writeFD, bound once: no allocation per run
	vnet  bool
	pkts  []*pic.Packet
	n     int // next packet to write
	seg   int // next segment of pkts[n] (split for a queue without the header)
	ok    int // written
	super int // of ok, super-packets written whole

	coalesced int  // of ok, UDP datagrams written inside a coalesced super-packet
	noUSO     bool // the kernel refused a coalesced UDP super-packet: write one by one

	hdr [tun.VnetHdrLen]byte
	iov [2]unix.Iovec
	buf []byte // one segment (queues without the header), or a coalesced super-packet
}

func newTxQueue(f *os.File, vnet bool) (*txQueue, error) {
	q := &txQueue{vnet: vnet}
	q.fn = q.writeFD
	rc, err := f.SyscallConn()
	q.rc = rc
	return q, err
}

// write writes pkts and returns how many went out.
func (q *txQueue) write(pkts []*pic.Packet) int {
	if q == nil || q.rc == nil {
		return 0
	}
	q.pkts, q.n, q.seg, q.ok, q.super, q.coalesced = pkts, 0, 0, 0, 0, 0
	_ = q.rc.Write(q.fn) // a closed queue (unit detached) loses the run
	q.pkts = nil
	return q.ok
}

func (q *txQueue) writeFD(fd uintptr) bool {
	for q.n < len(q.pkts) {
		p := q.pkts[q.n]
		var err error
		switch {
		case q.vnet && !q.noUSO:
			if k := q.udpRun(); k > 1 {
				err = q.writeCoalesced(fd, k)
				switch {
				case err == nil:
					q.ok, q.coalesced, q.n = q.ok+k, q.coalesced+k, q.n+k
					continue
				case errors.Is(err, unix.EAGAIN):
					return false
				case errors.Is(err, unix.EINTR):
					continue
				}
				q.noUSO = true // EINVAL: no USO from this kernel; the run goes out one by one
				continue
			}
			err = q.writeVnet(fd, p)
		case q.vnet:
			err = q.writeVnet(fd, p)
		case p.Offload.Super():
			if err = q.writeSplit(fd, p); err == nil && q.seg > 0 {
				continue // more segments of this packet
			}
		default:
			if p.Offload.Partial {
				_ = tun.Complete(p.Data, vnetOf(p.Offload))
				p.Offload.Partial = false // complete now: never again
			}
			_, err = unix.Write(int(fd), p.Data)
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			return false // wait until the queue takes more
		case errors.Is(err, unix.EINTR):
			continue
		case err == nil:
			q.ok++
			if q.vnet && p.Offload.Super() {
				q.super++
			}
		}
		q.n, q.seg = q.n+1, 0
	}
	return true
}

// vnetOf is the header that hands o back to the kernel.
func vnetOf(o dataplane.Offload) tun.VnetHdr {
	h := tun.VnetHdr{GSOType: o.GSOType, GSOSize: o.GSOSize, HdrLen: o.HdrLen, CsumStart: o.CsumStart, CsumOffset: o.CsumOffset}
	if o.Partial {
		h.Flags = tun.FlagNeedsCsum
	}
	if !o.Super() {
		h.GSOType, h.GSOSize = tun.GSONone, 0
	}
	return h
}

// writeVnet writes p behind its virtio_net_hdr in one writev.
func (q *txQueue) writeVnet(fd uintptr, p *pic.Packet) error {
	if len(p.Data) == 0 {
		return unix.EINVAL
	}
	vnetOf(p.Offload).Put(q.hdr[:])
	q.iov[0].Base, q.iov[1].Base = &q.hdr[0], &p.Data[0]
	q.iov[0].SetLen(len(q.hdr))
	q.iov[1].SetLen(len(p.Data))
	_, _, e := unix.Syscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&q.iov[0])), 2)
	q.iov[1].Base = nil
	if e != 0 {
		return e
	}
	return nil
}

// writeSplit writes the next segment of super-packet p (q.seg), leaving
// q.seg at the one after, or 0 when p is done.
func (q *txQueue) writeSplit(fd uintptr, p *pic.Packet) error {
	h := vnetOf(p.Offload)
	segs, err := tun.Segments(p.Data, h)
	if err != nil {
		q.seg = 0
		return err
	}
	if q.buf == nil {
		q.buf = make([]byte, dataplane.MaxSuper)
	}
	n, err := tun.Split(q.buf, p.Data, h, q.seg)
	if err != nil {
		q.seg = 0
		return err
	}
	if _, err := unix.Write(int(fd), q.buf[:n]); err != nil {
		return err // EAGAIN: the same segment again
	}
	if q.seg++; q.seg == segs {
		q.seg = 0
	}
	return nil
}
