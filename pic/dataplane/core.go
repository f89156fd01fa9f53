package dataplane

import (
	"context"
	"sync"
	"sync/atomic"
)

// Core is one data core: its session-table shard, timer wheel, object
// cache magazines and counters. Everything but the counters belongs to the
// core's goroutine (or to whoever calls Process when the data plane is not
// started); nothing on the fast path takes a lock or allocates.
type Core struct {
	id    int
	dp    *Dataplane
	tab   table
	wh    wheel
	local *Local[Session]
	ctx   DataCtx
	now   int64
	in    chan coreItem
	st    CoreStats

	// own is held by whoever runs the core once it is started: its
	// goroutine for each item it takes from in, or a packet source's
	// goroutine running a vector inline (runInline). online (under own)
	// says whether the core's goroutine holds it online in the policy DB
	// (between its items); queued counts the vectors in in not yet run,
	// which an inline vector must not overtake.
	own    sync.Mutex
	online bool
	queued atomic.Int64

	// Per-vector scratch (vector.go).
	keys     [BatchSize]FlowKey
	fk       [2]FlowKey // a first packet's session's keys while its chain runs (DataCtx.Keys)
	hashes   [BatchSize]uint64
	sess     [BatchSize]*Session
	dirs     [BatchSize]Dir
	act      [BatchSize]action // what becomes of each packet
	res      [BatchSize]Result // why, for actRefuse
	grp      [BatchSize]uint8  // each chained packet's group
	vheads   [128]uint8        // the packets without a session by hash (claim; 1 + index, 0: none)
	vnext    [BatchSize]uint8  // the next one of the same heads chain
	vindexed bool              // vheads holds this vector's index
	order    [BatchSize]uint8  // the chained packets, group by group
	groups   []vgroup          // the vector's (service-set, direction) groups
	vec      []*Packet         // the vector being processed
	pols     polCache          // policy DB entries looked up this vector
	out      []*Packet
	gen      []Packet // generated replies (rejects), reused per vector
	ngen     int
	dead     []*Session // closed during the vector, freed at its end
	pend     []pending  // table entries of the sessions the vector opened, not yet entered
	due      []*Session // sessions the timer wheel expired, to close as a batch
	cpu      coreCPU    // time spent, for cpu-usage (running cores only)
	sink     uint64     // keeps the touch passes' loads alive
	ids      uint64     // the session identifiers' sequence (install.go)
}

// CoreStats are a data core's counters. The core writes them (plain
// stores of atomics: one writer); show commands read them.
type CoreStats struct {
	Rx, Tx, RxBytes               atomic.Uint64
	Created, Closed, Expired      atomic.Uint64
	Cleared                       atomic.Uint64
	Rejects                       atomic.Uint64
	DropParse, DropNoSet, DropPol atomic.Uint64
	DropMaxFlows, DropMemlimit    atomic.Uint64
	DropICMPUnrelated             atomic.Uint64 // ICMP errors quoting no session's packet
	DropFragOrphan                atomic.Uint64 // later fragments whose datagram has no session
	NDPassed                      atomic.Uint64 // IPv6 neighbor discovery forwarded without a session
	MSSClamped                    atomic.Uint64 // SYNs whose MSS option tcp-mss lowered
	PluginPanics                  atomic.Uint64
	Restored                      atomic.Uint64 // sessions restored from saved state (state.go)
	Sessions                      atomic.Int64
	_                             [64]byte
}

func inc(c *atomic.Uint64) { c.Store(c.Load() + 1) }

// ID returns the core's index.
func (c *Core) ID() int { return c.id }

func (c *Core) run(ctx context.Context) {
	db := c.dp.o.DB
	c.own.Lock()
	c.online = false // offline since NewDataplane or Stop
	c.own.Unlock()
	for {
		var it coreItem
		select {
		case it = <-c.in:
		default:
			c.own.Lock()
			if c.online {
				c.online = false
				db.Offline(c.id)
			}
			c.own.Unlock()
			select {
			case it = <-c.in:
			case <-ctx.Done():
				return
			}
		}
		c.own.Lock()
		if !c.online {
			c.online = true
			db.Online(c.id)
		}
		c.serve(it)
		db.Quiesce(c.id)
		if it.pkts != nil {
			c.queued.Add(-1)
		}
		c.own.Unlock()
	}
}

// serve runs one item of the core's queue; the caller holds own.
func (c *Core) serve(it coreItem) {
	t0 := mono()
	switch {
	case it.pkts != nil:
		c.vector(it.pkts, t0)
		return
	case it.fn != nil:
		c.now = c.dp.now()
		if c.dp.onItem != nil {
			c.dp.onItem()
		}
		it.fn(c)
		c.finish()
		it.done <- struct{}{}
	default: // tick
		c.now = c.dp.now()
		c.runWheel()
		c.finish()
	}
	c.cpu.account(0, mono()-t0) // system time
}

// vector processes a vector and charges its time (from t0) to its
// service-sets.
func (c *Core) vector(pkts []*Packet, t0 int64) {
	n := min(len(pkts), BatchSize)
	for i, p := range pkts[:n] {
		c.cpu.sets[i] = p.ServiceSet
	}
	c.Process(pkts)
	c.cpu.account(n, mono()-t0)
}

// runInline processes vector v on the caller's goroutine when the core
// is running, free and has no vector queued before v; it reports whether
// it did. The policy DB sees the core online for the vector (and, when
// the core's goroutine was idle, offline again after it).
func (c *Core) runInline(v []*Packet) bool {
	if !c.dp.running.Load() || c.queued.Load() != 0 || !c.own.TryLock() {
		return false
	}
	if c.queued.Load() != 0 { // queued while the lock was taken
		c.own.Unlock()
		return false
	}
	db := c.dp.o.DB
	if !c.online {
		db.Online(c.id)
	}
	c.vector(v, mono())
	if c.online {
		db.Quiesce(c.id)
	} else {
		db.Offline(c.id)
	}
	c.own.Unlock()
	return true
}

// Process runs a vector of packets through the core in passes: parse
// and hash all, look all up (with touch passes between, so the misses
// overlap), then in vector order settle each packet without a session
// (first packets open theirs) and take each established one's counters
// and TCP state, then run the chains group by group (vector.go: one
// policy lookup and one recover per service-set, direction and plugin),
// and last hand what leaves to Tx in vector order. The caller gets its
// packets back when Process returns. The caller must own the core (the
// data plane not started, or holding Core.own: the core's goroutine, or
// a vector run inline) and announce quiescence (PolicyDB.Quiesce)
// between calls when it holds the core online.
func (c *Core) Process(pkts []*Packet) {
	for len(pkts) > BatchSize {
		c.Process(pkts[:BatchSize])
		pkts = pkts[BatchSize:]
	}
	c.now = c.dp.now()
	c.pols.reset()
	c.runWheel()
	n := len(pkts)
	c.vec = pkts
	var bytes uint64
	for i, p := range pkts {
		bytes += uint64(len(p.Data))
		if !p.parsed && p.Parse() != nil {
			c.hashes[i] = 0
			continue
		}
		p.keyTo(&c.keys[i])
		c.hashes[i] = c.keys[i].hash(p.ServiceSet)
	}
	if len(c.tab.live) >= touchFrom {
		c.touchSlots(n)
		for i := 0; i < n; i++ { // candidates: the slot whose hash and service-set match, no session read
			c.sess[i] = nil
			if c.hashes[i] != 0 {
				c.sess[i], c.dirs[i] = c.tab.candidate(c.hashes[i])
			}
		}
		c.touchSessions(n)
		for i := 0; i < n; i++ { // confirm each candidate's key and service-set (now in cache)
			c.confirm(i)
		}
	} else { // all in cache: no pass to wait between
		for i := 0; i < n; i++ {
			c.sess[i] = nil
			if c.hashes[i] != 0 {
				c.sess[i], c.dirs[i] = c.tab.candidate(c.hashes[i])
				c.confirm(i)
			}
		}
	}
	c.st.Rx.Store(c.st.Rx.Load() + uint64(n))
	c.st.RxBytes.Store(c.st.RxBytes.Load() + bytes)
	for i, p := range pkts {
		c.act[i] = actDrop
		if c.hashes[i] == 0 {
			inc(&c.st.DropParse)
			continue
		}
		if p.ND { // link-local control traffic: no session, no policy (Junos enables NDP by default)
			inc(&c.st.NDPassed)
			p.Out = p.Side.Other()
			c.act[i] = actPass
			continue
		}
		s, d := c.sess[i], c.dirs[i]
		if s != nil && s.flags&sessClosed != 0 { // closed since the lookup
			s, d = c.tab.lookup(c.hashes[i], &c.keys[i], p.ServiceSet)
			c.sess[i], c.dirs[i] = s, d
		}
		switch {
		case s != nil:
			c.packet(i, p, s, d)
		case p.ICMPError: // errors never open a session: related or dropped
			inc(&c.st.DropICMPUnrelated)
		case p.L4 == 0 && p.Frag: // its first fragment opened no session (refused, or never seen)
			inc(&c.st.DropFragOrphan)
		default:
			c.first(i, p)
		}
	}
	if c.vindexed {
		clear(c.vheads[:])
		c.vindexed = false
	}
	c.insertPending()
	c.runGroups()
	for i, p := range pkts { // in vector order: what leaves, and the answers to what was rejected
		switch c.act[i] {
		case actChain, actForward:
			c.forward(p, c.sess[i].set)
		case actPass:
			c.out = append(c.out, p)
		case actRefuse:
			c.refuse(p, c.res[i])
		}
		c.sess[i] = nil
	}
	c.vec = nil
	c.finish()
	for _, p := range pkts { // Tx has written what left: pooled packets go home
		p.release()
	}
}

// confirm checks packet i's candidate session by its key and
// service-set, and searches on when it is not the packet's.
func (c *Core) confirm(i int) {
	if s := c.sess[i]; s != nil && (!s.matches(c.dirs[i]&1, &c.keys[i]) || s.set.id != c.vec[i].ServiceSet) {
		c.sess[i], c.dirs[i] = c.tab.lookup(c.hashes[i], &c.keys[i], c.vec[i].ServiceSet)
	}
}

// touchFrom is the number of live sessions from which a core runs its
// touch passes: below it a core's slots and sessions stay in its caches
// (a few thousand sessions of three lines and their two slots are a few
// hundred kilobytes) and the passes would only cost their loops.
const touchFrom = 4096

// touchSlots reads each packet's home slot before the lookups, and
// touchSessions the line of each candidate session a packet reads (the
// first: state, keys, counters; Session), so the
// cache misses of a vector overlap, pass by pass, instead of following
// one another packet by packet. Go has no prefetch instruction;
// independent loads whose results feed a sink do the same. Plugins'
// extension objects are not touched: a plugin keeps what its EvPacket
// reads in the session (the keys, SetWord) or takes the miss.
func (c *Core) touchSlots(n int) {
	var sink uint64
	for i := 0; i < n; i++ {
		sink += c.tab.slots[c.tab.home(c.hashes[i])].h
	}
	c.sink += sink
}

func (c *Core) touchSessions(n int) {
	var sink uint64
	for i := 0; i < n; i++ {
		if s := c.sess[i]; s != nil { // the first line of an aligned session, what a packet reads
			sink += uint64(s.flags)
			if c.keys[i].V6 { // and an IPv6 session's addresses, its last (the packet's flag: no wait on the first)
				sink += uint64(s.addr6[0][0][0])
			}
		}
	}
	c.sink += sink
}

// finish hands the output vector to Tx and frees what closed.
func (c *Core) finish() {
	if len(c.out) > 0 {
		c.st.Tx.Store(c.st.Tx.Load() + uint64(len(c.out)))
		c.dp.o.Tx(c.id, c.out)
		clear(c.out)
		c.out = c.out[:0]
	}
	c.ngen = 0
	for i, s := range c.dead {
		c.local.Free(s)
		c.dead[i] = nil
	}
	c.dead = c.dead[:0]
	c.pols.reset()
}

func (c *Core) setCtx(s *Session, si *setInfo, slot int, p *Packet, d Dir) DataHandler {
	sp := &si.plugins[slot]
	// Field by field: a composite literal is built on the stack and
	// copied in 16-byte loads, each of which waits on the two 8-byte
	// stores it spans (no store-to-load forwarding), some tens of cycles
	// a call on the session events' path.
	x := &c.ctx
	x.Core, x.Cores, x.Cache, x.Packet, x.Session, x.Dir, x.Keys = c.id, len(c.dp.cores), nil, p, s, d, nil
	x.ServiceSet, x.Plugin, x.Now, x.slot, x.Policy, x.Gen = si.id, sp.id, c.now, slot, nil, 0
	if e := c.pols.lookup(c.dp.o.DB, si, slot); e != nil {
		x.Policy, x.Gen = e.Value, e.Gen
	}
	return sp.h
}

// first handles packet i, which has no session: the forward chain's
// first packet events decide whether a session opens. The vector's later
// packets of the session's two flows are given it here (claim), without
// another lookup; its table entries go in with the vector's other new
// ones after the pass (insertPending).
func (c *Core) first(i int, p *Packet) {
	si := c.dp.set(p.ServiceSet)
	if si == nil {
		inc(&c.st.DropNoSet)
		return
	}
	h, k := c.hashes[i], &c.keys[i]
	s, why := c.admit(si) // install.go
	switch why {
	case admitTableFull:
		c.dp.o.Cache.drops.Add(1)
		inc(&c.st.DropMemlimit)
		return
	case admitMaxFlows:
		inc(&c.st.DropMaxFlows)
		return
	case admitNoMemory:
		inc(&c.st.DropMemlimit)
		return
	}
	c.fk[Forward] = *k
	k.reverseTo(&c.fk[Reverse])
	s.setKeys(k, &c.fk[Reverse])
	s.set, s.Side = si, p.Side
	s.startSec, s.last, s.wslot = uint32(c.now/1e9), c.now, -1
	s.idle, s.Timeout = DefaultTimeout, DefaultTimeout
	s.count(Forward, uint32(len(p.Data)))
	if p.Proto == ProtoTCP {
		s.idle, s.Timeout = TCPTimeout, TCPTimeout
		s.trackTCP(Forward, p.TCPFlags)
	}
	ran, r := c.firstChain(s, si, p)
	s.storeKey(Reverse, &c.fk[Reverse]) // as the chain left it
	if r.stops() {
		c.unwind(s, si, si.chain[Forward][:ran]) // let those that ran free their state
		c.act[i], c.res[i] = actRefuse, r
		return
	}
	hr := c.installLater(s, h, c.newSessionID()) // its table entries after the pass (insertPending)
	inc(&c.st.Created)
	c.notify(EvSessionOpen, s, si, si.chain[Forward])
	p.Out = p.Side.Other()
	c.sess[i], c.act[i] = s, actForward
	c.claim(i, s, h, hr)
}

// claim gives session s, just opened by packet i, the vector's later
// packets of its two flows: those that found no session, whose hash is
// one of the session's two and whose key and service-set match. They are
// found through the vector's index of packets without a session by hash
// (indexVector), not by a walk of the vector per new session.
func (c *Core) claim(i int, s *Session, hf, hr uint64) {
	if !c.vindexed {
		c.indexVector()
	}
	for _, h := range [2]uint64{hf, hr} {
		for x := c.vheads[h>>57]; x != 0; x = c.vnext[x-1] {
			j := int(x) - 1
			if j <= i { // the chains run from the vector's end: the rest came before i
				break
			}
			if c.sess[j] != nil || c.hashes[j] != h || c.vec[j].ServiceSet != s.set.id {
				continue
			}
			switch k := &c.keys[j]; {
			case s.matches(Forward, k):
				c.sess[j], c.dirs[j] = s, Forward
			case s.matches(Reverse, k):
				c.sess[j], c.dirs[j] = s, Reverse
			}
		}
	}
}

// indexVector chains the vector's packets that found no session by the
// top seven bits of their hash, last packet first (claim). Built on a
// vector's first new session only; Process clears it.
func (c *Core) indexVector() {
	for j := range c.vec {
		if c.sess[j] == nil && c.hashes[j] != 0 {
			b := c.hashes[j] >> 57
			c.vnext[j], c.vheads[b] = c.vheads[b], uint8(j+1)
		}
	}
	c.vindexed = true
}

// forward queues a packet the chain let through, its SYN's MSS first
// clamped to the service-set's tcp-mss (after the chain, so the option
// and the checksum are fixed on the packet as it leaves, translated or
// not).
func (c *Core) forward(p *Packet, si *setInfo) {
	if p.mss != 0 && si.tcpMSS != 0 && p.ClampMSS(si.tcpMSS) {
		inc(&c.st.MSSClamped)
	}
	c.out = append(c.out, p)
}

// refuse counts a dropped packet under its one cause and answers it when
// rejected.
func (c *Core) refuse(p *Packet, r Result) {
	if r == DropMemlimit {
		inc(&c.st.DropMemlimit)
		return
	}
	inc(&c.st.DropPol)
	if r == Reject {
		if g := c.reject(p); g != nil {
			inc(&c.st.Rejects)
			c.out = append(c.out, g)
		}
	}
}

// packet takes packet i of an open session in direction d: its
// counters and TCP state now, its chain with its group's (runGroups).
func (c *Core) packet(i int, p *Packet, s *Session, d Dir) {
	s.count(d, uint32(len(p.Data)))
	if !p.ICMPError { // an error does not keep its session alive
		s.last = c.now
	}
	if p.Proto == ProtoTCP && p.L4 != 0 {
		if s.trackTCP(d, p.TCPFlags) { // an earlier deadline than the wheel holds
			c.wh.remove(s)
			c.wh.add(s, s.deadline())
		}
	}
	if d == Forward {
		p.Out = s.Side.Other()
	} else {
		p.Out = s.Side
	}
	c.act[i] = actChain
	c.join(i, s.set, d)
}

// deadline is the second at which the session expires if idle.
func (s *Session) deadline() int64 { return (s.last+int64(s.Timeout)*1e9-1)/1e9 + 1 }

// runWheel expires the sessions whose inactivity timeout passed, as a
// batch (expireDue).
func (c *Core) runWheel() {
	c.wh.advance(c.now/1e9, (*Session).deadline, func(s *Session) { c.due = append(c.due, s) })
	c.expireDue()
}

// close ends a session: close events, out of the table and the wheel,
// destroy events; the object is freed at the end of the vector.
func (c *Core) close(s *Session, why *atomic.Uint64) {
	if s.flags&sessClosed != 0 {
		return
	}
	si := s.set
	c.notify(EvSessionClose, s, si, si.chain[Forward])
	c.tab.remove(s, Forward)
	c.tab.remove(s, Reverse)
	c.tab.leave(s)
	c.wh.remove(s)
	c.notify(EvSessionDestroy, s, si, si.chain[Forward])
	s.flags |= sessClosed
	c.noteGone(s) // replicate.go
	si.ctr.flows.Add(-1)
	inc(why)
	c.st.Sessions.Store(c.st.Sessions.Load() - 1)
	c.dead = append(c.dead, s)
}
