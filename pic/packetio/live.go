package packetio

import (
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"

	"github.com/gnos/gnos/internal/ifname"
)

// The live data plane: service interface units are multi-queue TUN
// devices (created by the interface manager), and a picd attaches one
// queue per data core to each unit its service-sets use.
//
// Receive: one reader goroutine per queue drains up to BatchSize packets
// per wake-up (non-blocking reads until EAGAIN), marks them with the
// service-set and side Steer gives for the unit they came from, and
// hands the vector to Dataplane.Inject, which runs it there and then on
// the reader's goroutine when its data core is free (so a handshake's
// packet costs a read and a write, no goroutine wake-up) and queues it
// to the core otherwise. Transmit: Tx, run by data core i,
// writes what leaves into queue i of the unit on the side the packet
// leaves by (the outside unit for Output, the inside unit for Input; the
// one service interface for interface-style service-sets); the kernel
// then routes it like any packet arriving on that link, and its policy
// rules send packets arriving from a service interface to the main
// table, which never leads back into one.
//
// Interface-style service-sets share one service interface between
// their bindings; the unit alone does not say which binding steered a
// packet into it, so the reader tells them apart the way the kernel's
// rules steered them: a packet whose destination is in the subnets of an
// output-bound interface met that binding (Output), anything else the
// input binding.

// LiveNet is what a picd needs of the host for the live data plane.
type LiveNet interface {
	// OpenQueues attaches n queues to the TUN device of a service
	// interface unit (a Junos logical name, ms-0/0/0.1).
	OpenQueues(junos string, n int) ([]*os.File, error)
	// Prefixes returns the subnets configured on a logical interface
	// (ge-0/0/0.0), which output-bound interface-style steering routes
	// into its service interface.
	Prefixes(junos string) []netip.Prefix
}

// Live is a picd's TUN queues: the packet I/O of the live data plane.
//
// Locking: mu guards units (control side); the data side reads the
// copy-on-write tables (out) and each unit's classifier without locks.
type Live struct {
	net   LiveNet
	dp    *dataplane.Dataplane
	cores int
	log   *slog.Logger

	pool dataplane.PacketPool // the readers' packets, put back by the data cores
	done chan struct{}        // closed by Close: readers waiting for a large buffer stop
	once sync.Once

	mu    sync.Mutex
	units map[string]*liveUnit // by Junos logical name
	sigs  map[uint32]string    // per service-set: what of it sync used
	out   atomic.Pointer[map[uint32][2]*liveUnit]
	wg    sync.WaitGroup
}

// liveUnit is one service interface unit's queues.
type liveUnit struct {
	name     string
	q        []*os.File
	w        []*txQueue // per queue, its writer (queue i is written by data core i only)
	classify atomic.Pointer[classifier]
	vnet     bool // the queues carry a virtio_net_hdr (TUN with offloads; live_vnet.go)
	rx, tx   atomic.Uint64
	drops    atomic.Uint64 // read but steered to no service-set
	txErrors atomic.Uint64
	rxSuper  atomic.Uint64 // GSO super-packets read (counted once each in rx)
	txSuper  atomic.Uint64 // GSO super-packets written whole
	txCoal   atomic.Uint64 // UDP datagrams written coalesced into super-packets (live_coalesce.go)
	rxErrors atomic.Uint64 // reads whose virtio_net_hdr was unusable
}

// classifier picks the (interface, direction) a packet read from a unit
// was steered from.
type classifier struct {
	outputs []steerPrefixes // interface-style output bindings
	input   string          // interface-style input binding, or the unit itself (next-hop)
}

type steerPrefixes struct {
	ifname string
	pfx    []netip.Prefix
}

// LiveStats is a service interface unit's traffic as picd counts it.
type LiveStats struct {
	Interface string `json:"interface"`
	Queues    int    `json:"queues"`
	Rx        uint64 `json:"rx"`
	Tx        uint64 `json:"tx"`
	Drops     uint64 `json:"drops"`
	TxErrors  uint64 `json:"tx-errors"`
	Offload   bool   `json:"offload"`          // virtio_net_hdr framing: GSO and checksum offload
	RxSuper   uint64 `json:"rx-super-packets"` // of Rx, GSO super-packets
	TxSuper   uint64 `json:"tx-super-packets"` // of Tx, GSO super-packets written whole
	TxCoal    uint64 `json:"tx-coalesced"`     // of Tx, UDP datagrams written coalesced
	RxErrors  uint64 `json:"rx-errors"`
}

// NewLive attaches nothing yet: Sync opens the units SSRBs use.
func NewLive(n LiveNet, dp *dataplane.Dataplane, log *slog.Logger) *Live {
	l := &Live{net: n, dp: dp, cores: dp.Cores(), log: log, units: map[string]*liveUnit{}, sigs: map[uint32]string{},
		done: make(chan struct{})}
	l.out.Store(&map[uint32][2]*liveUnit{})
	return l
}

// Sync opens the units the SSRBs use and closes the others; it rebuilds
// the transmit table and the classifiers. Control side.
func (l *Live) Sync(ssrbs map[uint32]*dataplane.SSRB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	want := map[string]*classifier{}
	out := map[uint32][2]*liveUnit{}
	l.sigs = make(map[uint32]string, len(ssrbs))
	for _, s := range ssrbs {
		l.sigs[s.ID] = liveSig(s)
		if s.Outside != "" {
			want[ifname.Logical(s.Inside)] = &classifier{input: ifname.Logical(s.Inside)}
			want[ifname.Logical(s.Outside)] = &classifier{input: ifname.Logical(s.Outside)}
			continue
		}
		if s.ServiceInterface == "" {
			continue
		}
		c := want[ifname.Logical(s.ServiceInterface)]
		if c == nil {
			c = &classifier{}
			want[ifname.Logical(s.ServiceInterface)] = c
		}
		for _, b := range s.Bindings {
			if b.Direction == "output" {
				c.outputs = append(c.outputs, steerPrefixes{ifname.Logical(b.Interface), l.net.Prefixes(ifname.Logical(b.Interface))})
			} else if c.input == "" {
				c.input = ifname.Logical(b.Interface)
			}
		}
	}
	for name, u := range l.units {
		if want[name] == nil {
			l.closeUnit(u)
			delete(l.units, name)
		}
	}
	for name, c := range want {
		u := l.units[name]
		if u == nil {
			q, err := l.net.OpenQueues(name, l.cores)
			if err != nil {
				l.log.Error("pic: cannot attach to service interface", "interface", name, "err", err)
				continue
			}
			u = &liveUnit{name: name, q: q, vnet: len(q) > 0 && vnetHeaders(q[0])}
			for _, f := range q {
				w, err := newTxQueue(f, u.vnet)
				if err != nil {
					l.log.Error("pic: service interface queue", "interface", name, "err", err)
				}
				u.w = append(u.w, w)
			}
			l.units[name] = u
			for _, f := range q {
				l.wg.Add(1)
				go func() {
					defer l.wg.Done()
					l.read(u, f)
				}()
			}
		}
		u.classify.Store(c)
	}
	for _, s := range ssrbs {
		if s.Outside != "" {
			out[s.ID] = [2]*liveUnit{l.units[ifname.Logical(s.Inside)], l.units[ifname.Logical(s.Outside)]}
		} else if u := l.units[ifname.Logical(s.ServiceInterface)]; u != nil {
			out[s.ID] = [2]*liveUnit{u, u}
		}
	}
	l.out.Store(&out)
}

func (l *Live) closeUnit(u *liveUnit) {
	for _, f := range u.q {
		f.Close()
	}
}

// Close stops the readers; Tx writes after it fail harmlessly.
func (l *Live) Close() {
	l.mu.Lock()
	for _, u := range l.units {
		l.closeUnit(u)
	}
	l.units = map[string]*liveUnit{}
	l.mu.Unlock()
	l.out.Store(&map[uint32][2]*liveUnit{})
	l.once.Do(func() { close(l.done) })
	l.wg.Wait()
}

// Stats returns the units' counters, by name.
func (l *Live) Stats() []LiveStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []LiveStats
	for _, u := range l.units {
		out = append(out, LiveStats{Interface: u.name, Queues: len(u.q), Rx: u.rx.Load(), Tx: u.tx.Load(),
			Drops: u.drops.Load(), TxErrors: u.txErrors.Load(), Offload: u.vnet,
			RxSuper: u.rxSuper.Load(), TxSuper: u.txSuper.Load(), TxCoal: u.txCoal.Load(), RxErrors: u.rxErrors.Load()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Interface < out[j].Interface })
	return out
}

// read serves one queue until it is closed.
func (l *Live) read(u *liveUnit, f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rx := rxQueue{pool: &l.pool, done: l.done, vnet: u.vnet}
	defer rx.close()
	var batch []*pic.Packet
	for {
		if batch == nil { // the last vector went to a core's queue with its slice
			batch = make([]*pic.Packet, 0, dataplane.BatchSize)
		}
		batch = batch[:0]
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			for len(batch) < dataplane.BatchSize {
				p, err := rx.readOne(int(fd))
				if err != nil {
					if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
						return len(batch) > 0
					}
					if errors.Is(err, errFraming) {
						u.rxErrors.Add(1)
						continue
					}
					rerr = err
					return true
				}
				if p.Offload.Super() {
					u.rxSuper.Add(1)
				}
				batch = append(batch, p)
			}
			return true
		})
		if err != nil || (rerr != nil && len(batch) == 0) {
			return // closed, or the device went away
		}
		u.rx.Add(uint64(len(batch)))
		c := u.classify.Load()
		kept := batch[:0]
		if c != nil && len(c.outputs) == 0 { // one answer for the whole vector
			if ss, side, ok := l.dp.Steer(c.input, pic.Input); ok {
				for _, p := range batch {
					p.ServiceSet, p.Side = ss, side
				}
				kept = batch
			} else {
				u.drops.Add(uint64(len(batch)))
				for _, p := range batch {
					l.pool.Put(p)
				}
			}
		} else {
			for _, p := range batch {
				if ss, side, ok := l.steer(c, p); ok {
					p.ServiceSet, p.Side = ss, side
					kept = append(kept, p)
				} else {
					u.drops.Add(1)
					l.pool.Put(p)
				}
			}
		}
		if len(kept) > 0 && l.dp.Inject(kept) {
			batch = nil // queued with its slice: the next read takes a new one
		}
	}
}

// steer returns the service-set and side of a packet read from a unit.
func (l *Live) steer(c *classifier, p *pic.Packet) (uint32, pic.Side, bool) {
	if c == nil {
		return 0, 0, false
	}
	if len(c.outputs) > 0 {
		if dst, ok := dstAddr(p.Data); ok {
			for _, o := range c.outputs {
				for _, pfx := range o.pfx {
					if pfx.Contains(dst) {
						return l.dp.Steer(o.ifname, pic.Output)
					}
				}
			}
		}
	}
	if c.input == "" {
		return 0, 0, false
	}
	return l.dp.Steer(c.input, pic.Input)
}

func dstAddr(b []byte) (netip.Addr, bool) {
	switch {
	case len(b) >= 20 && b[0]>>4 == 4:
		return netip.AddrFrom4([4]byte(b[16:20])), true
	case len(b) >= 40 && b[0]>>4 == 6:
		return netip.AddrFrom16([16]byte(b[24:40])), true
	}
	return netip.Addr{}, false
}

// Tx writes what leaves data core core into that core's queue of the unit
// on the side each packet leaves by. Called by whoever runs the core (its
// goroutine, or a reader running a vector inline): one writer a queue.
func (l *Live) Tx(core int, pkts []*pic.Packet) {
	out := *l.out.Load()
	unitOf := func(p *pic.Packet) *liveUnit {
		if units, ok := out[p.ServiceSet]; ok {
			return units[p.Out&1]
		}
		return nil
	}
	for i := 0; i < len(pkts); {
		u := unitOf(pkts[i])
		j := i + 1
		for j < len(pkts) && unitOf(pkts[j]) == u {
			j++
		}
		if u != nil {
			w := u.w[core%len(u.w)]
			ok := w.write(pkts[i:j])
			u.tx.Add(uint64(ok))
			u.txErrors.Add(uint64(j - i - ok))
			if w != nil {
				u.txSuper.Add(uint64(w.super))
				u.txCoal.Add(uint64(w.coalesced))
			}
		}
		i = j
	}
}

// liveSig is what the live data plane uses of an SSRB.
func liveSig(s *dataplane.SSRB) string {
	if s == nil {
		return ""
	}
	b := []byte(s.Inside + "|" + s.Outside + "|" + s.ServiceInterface)
	for _, bd := range s.Bindings {
		b = append(b, "|"+bd.Interface+" "+bd.Direction...)
	}
	return string(b)
}

// Changed reports whether service-set id's use of the live data plane
// differs from what the last sync saw.
func (l *Live) Changed(id uint32, s *dataplane.SSRB) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	old, had := l.sigs[id]
	return had != (s != nil) || old != liveSig(s)
}
