package dataplane

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"
)

// Fragments. Only a datagram's first fragment carries the transport
// header, so later fragments name no session by themselves. The fragment
// tracker, where packets are steered to their data cores (Inject, Route),
// remembers each fragmented datagram by (service-set, source,
// destination, protocol, IP identification) from its first fragment: the
// session key and the data core of its session. Later fragments get that
// key (Packet.Key; their SPort and DPort are its ports, L4 stays 0) and go
// to that core, where they find the session like any packet of it (an
// ICMP error's too) and run its chain (a
// translating plugin rewrites their addresses; ports and the transport
// checksum live in the first fragment only). A later fragment that comes
// before its first is held, copied into an object-cache buffer, until the
// first arrives (then it follows it, in order) or FragTimeout passes
// (then it is dropped and counted).
//
// The tracker is shared by the packet sources that steer concurrently, so
// it takes one mutex, which only fragments ever reach: unfragmented
// packets never touch it. Its entries and buffers come from the object
// cache (classes "fragments" and "fragment-buffers", budgeted like
// sessions); a fixed table bounds the datagrams tracked at once. Nothing
// on its path allocates once the classes are warm.

// FragTimeout is how long the data plane tracks a fragmented datagram
// after its first fragment (in whatever order) arrived: held fragments
// whose first fragment did not come by then are dropped.
const FragTimeout = 2 * time.Second

// Fragment tracker bounds.
const (
	fragSlots      = 4096          // table slots (power of two)
	MaxFragTracked = fragSlots / 2 // datagrams tracked at once
	MaxFragHeld    = 64            // fragments held for one datagram (a 64 KB datagram at MTU 1500 is 45)
	fragBatch      = 64            // refill batch of the entry class
	fragHeldBatch  = 4             // refill batch of the buffer class
)

// fragKey identifies a datagram (RFC 791: source, destination, protocol,
// identification; RFC 8200: source, destination, identification).
type fragKey struct {
	src, dst [16]byte
	id, ss   uint32
	proto    uint8
	v6       bool
}

func fragKeyOf(p *Packet) fragKey {
	k := fragKey{src: p.Src, dst: p.Dst, id: p.FragID, ss: p.ServiceSet, proto: p.Proto, v6: p.V6}
	if p.V6 {
		k.proto = 0 // headers after the fragment header differ between first and later fragments
	}
	return k
}

func (k *fragKey) hash() uint64 {
	a := binary.LittleEndian.Uint64(k.src[8:]) ^ binary.LittleEndian.Uint64(k.src[:8])*mixK1
	b := binary.LittleEndian.Uint64(k.dst[8:]) ^ binary.LittleEndian.Uint64(k.dst[:8])*mixK3
	c := uint64(k.id) | uint64(k.ss)<<32
	return mix64(a^mix64(b+mixK2)^mix64(c^uint64(k.proto)<<56)) | 1
}

// fragEntry is one datagram being tracked.
type fragEntry struct {
	key         fragKey
	h           uint64
	deadline    int64   // core time (ns)
	core        int32   // the session's data core; -1 until the first fragment came
	flow        FlowKey // the first fragment's session key
	seen, total int     // datagram bytes seen; total once the last fragment came, else -1
	held        *heldFrag
	nheld       int
	prev, next  *fragEntry // expiry list, oldest first
}

// heldFrag is a later fragment held until its first fragment comes.
type heldFrag struct {
	p    Packet
	next *heldFrag
}

// FragStats are the fragment tracker's counters.
type FragStats struct {
	Datagrams  atomic.Uint64 // fragmented datagrams tracked
	Held       atomic.Uint64 // fragments held because they came before their first
	DropTime   atomic.Uint64 // held fragments dropped: their first fragment never came
	DropMem    atomic.Uint64 // fragments dropped: the object cache was full
	DropLimit  atomic.Uint64 // fragments dropped: too many held, or too many datagrams tracked
	inProgress atomic.Int64  // datagrams tracked now
}

// fragTracker is the data plane's fragment tracker.
//
// Locking: mu guards everything but st and the pool.
type fragTracker struct {
	mu      sync.Mutex
	slots   [fragSlots]*fragEntry // open addressing, linear probing, backward-shift deletion
	n       int
	oldest  *fragEntry
	newest  *fragEntry
	entries *Local[fragEntry]
	bufs    *Local[heldFrag]

	pool PacketPool // released fragments travel to their core in these
	st   FragStats
}

// The tracker's object classes: per datagram being tracked, not per
// session (a session's footprint leaves them out).
const (
	FragClass       = "fragments"
	FragBufferClass = "fragment-buffers"
)

// newFragClasses creates the tracker's object classes (NewDataplane and
// CacheMinimumFor both call it): one pool each, used under the mutex.
func newFragClasses(c *ObjectCache) (*Class[fragEntry], *Class[heldFrag]) {
	return NewClass[fragEntry](c, FragClass, 1, fragBatch), NewClass[heldFrag](c, FragBufferClass, 1, fragHeldBatch)
}

func (ft *fragTracker) lookup(h uint64, k *fragKey) *fragEntry {
	for i := h & (fragSlots - 1); ; i = (i + 1) & (fragSlots - 1) {
		e := ft.slots[i]
		if e == nil {
			return nil
		}
		if e.h == h && e.key == *k {
			return e
		}
	}
}

// add starts tracking a datagram; nil when the table or the cache is full.
func (ft *fragTracker) add(h uint64, k *fragKey, now int64) *fragEntry {
	if ft.n >= MaxFragTracked {
		ft.st.DropLimit.Add(1)
		return nil
	}
	e, ok := ft.entries.Alloc()
	if !ok {
		ft.st.DropMem.Add(1)
		return nil
	}
	*e = fragEntry{key: *k, h: h, deadline: now + int64(FragTimeout), core: -1, total: -1, prev: ft.newest}
	if ft.newest != nil {
		ft.newest.next = e
	} else {
		ft.oldest = e
	}
	ft.newest = e
	i := h & (fragSlots - 1)
	for ft.slots[i] != nil {
		i = (i + 1) & (fragSlots - 1)
	}
	ft.slots[i] = e
	ft.n++
	ft.st.Datagrams.Add(1)
	ft.st.inProgress.Add(1)
	return e
}

// remove stops tracking e, dropping what it still holds (counted as
// timeouts: only expiry removes an entry that holds fragments).
func (ft *fragTracker) remove(e *fragEntry) {
	for hf := e.held; hf != nil; {
		next := hf.next
		ft.bufs.Free(hf)
		ft.st.DropTime.Add(1)
		hf = next
	}
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		ft.oldest = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		ft.newest = e.prev
	}
	i := e.h & (fragSlots - 1)
	for ft.slots[i] != e {
		i = (i + 1) & (fragSlots - 1)
	}
	for j := i; ; { // backward-shift deletion
		j = (j + 1) & (fragSlots - 1)
		if ft.slots[j] == nil {
			break
		}
		home := ft.slots[j].h & (fragSlots - 1)
		if (i <= j && i < home && home <= j) || (i > j && (i < home || home <= j)) {
			continue
		}
		ft.slots[i] = ft.slots[j]
		i = j
	}
	ft.slots[i] = nil
	ft.n--
	ft.st.inProgress.Add(-1)
	ft.entries.Free(e)
}

// expire stops tracking the datagrams whose time is up.
func (ft *fragTracker) expire(now int64) {
	for e := ft.oldest; e != nil && e.deadline <= now; e = ft.oldest {
		ft.remove(e)
	}
}

// account counts a fragment's bytes and ends the tracking of a datagram
// whose every byte passed.
func (ft *fragTracker) account(e *fragEntry, p *Packet) {
	e.seen += p.fragLen
	if !p.MoreFrags {
		e.total = p.FragOff + p.fragLen
	}
	if e.core >= 0 && e.total >= 0 && e.seen >= e.total {
		ft.remove(e)
	}
}

// route puts fragment p (parsed) on the vector of its session's core, or
// holds it, or drops it; a first fragment brings the fragments held for
// its datagram along, right after it. Packets it holds or drops are
// released (a copy is held).
func (ft *fragTracker) route(now int64, p *Packet, vecs [][]*Packet) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.expire(now)
	k := fragKeyOf(p)
	h := k.hash()
	e := ft.lookup(h, &k)
	if p.FragOff == 0 { // the first fragment: it has the ports
		core := p.SteerCore(len(vecs))
		vecs[core] = append(vecs[core], p)
		if e == nil {
			if e = ft.add(h, &k, now); e == nil {
				return // passed untracked: the table or the cache is full
			}
		}
		if e.core >= 0 { // a duplicate first fragment
			return
		}
		e.core, e.flow = int32(core), p.Key()
		for hf := e.held; hf != nil; {
			q := ft.pool.Get()
			q.SetData(hf.p.Data)
			q.ServiceSet, q.Side = hf.p.ServiceSet, hf.p.Side
			if q.Parse() == nil {
				q.follow(&e.flow)
			}
			vecs[core] = append(vecs[core], q)
			next := hf.next
			ft.bufs.Free(hf)
			hf = next
		}
		e.held, e.nheld = nil, 0
		ft.account(e, p)
		return
	}
	if e == nil {
		if e = ft.add(h, &k, now); e == nil {
			p.release()
			return
		}
	}
	if e.core >= 0 { // its first fragment passed: follow it
		p.follow(&e.flow)
		vecs[e.core] = append(vecs[e.core], p)
		ft.account(e, p)
		return
	}
	if e.nheld >= MaxFragHeld {
		ft.st.DropLimit.Add(1)
		p.release()
		return
	}
	hf, ok := ft.bufs.Alloc()
	if !ok {
		ft.st.DropMem.Add(1)
		p.release()
		return
	}
	hf.p.SetData(p.Data)
	hf.p.ServiceSet, hf.p.Side = p.ServiceSet, p.Side
	last := &e.held
	for *last != nil {
		last = &(*last).next
	}
	*last = hf
	e.nheld++
	ft.st.Held.Add(1)
	ft.account(e, p)
	p.release()
}

// follow gives a later fragment its datagram's session key.
func (p *Packet) follow(k *FlowKey) {
	p.rel, p.relKey, p.SPort, p.DPort = *k, true, k.SPort, k.DPort
}

// tick expires what is due at core time now.
func (ft *fragTracker) tick(now int64) {
	ft.mu.Lock()
	ft.expire(now)
	ft.mu.Unlock()
}

// Route sorts packets onto the vectors of the data cores that serve them
// (vecs has one per core; the packets are appended), as Inject does:
// unfragmented packets by their session's steering hash, fragments
// through the fragment tracker (which may hold one, copying it and
// releasing the original, or bring held ones along after their first
// fragment). Packets that do not parse go to core 0, which drops them.
// Safe for concurrent use.
func (dp *Dataplane) Route(pkts []*Packet, vecs [][]*Packet) {
	now := int64(-1)
	for _, p := range pkts {
		if !p.parsed && p.Parse() != nil {
			vecs[0] = append(vecs[0], p)
			continue
		}
		if !p.Frag {
			c := p.SteerCore(len(vecs))
			vecs[c] = append(vecs[c], p)
			continue
		}
		if now < 0 {
			now = dp.now()
		}
		dp.frags.route(now, p, vecs)
	}
}
