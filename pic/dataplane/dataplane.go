package dataplane

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// DataEvent is the kind of a data event.
type DataEvent uint8

// Data events, in the order a session meets them.
const (
	EvSessionManagerInit DataEvent = iota // once per data plane, before any core runs: create object classes
	EvCoreInit                            // once per data core, on that core's behalf
	EvFirstPacket                         // the first packet of a would-be session (forward chain)
	EvPacket                              // every later packet, in its direction's chain
	EvSessionOpen                         // the session entered the table
	EvSessionClose                        // the session ends (TCP close, timeout, clear)
	EvSessionDestroy                      // free the plugin's session state
)

var dataEventNames = [...]string{"session-manager-init", "core-init", "first-packet", "packet",
	"session-open", "session-close", "session-destroy"}

func (e DataEvent) String() string { return dataEventNames[e] }

// Result is what a data handler decides.
type Result uint8

// Results. Forward and OK both let the packet go on down the chain (OK is
// the answer to events that carry no packet); Drop stops the chain and
// discards the packet (on a first packet: no session), counted as a
// policy drop; Reject does the same and answers the sender (TCP RST, else
// ICMP unreachable); DropMemlimit discards it because an object-cache
// allocation failed, counted as a memlimit drop (never also as a policy
// drop: each drop has one cause).
const (
	OK Result = iota
	ResultForward
	Drop
	Reject
	DropMemlimit
)

// stops reports whether r ends the chain and discards the packet.
func (r Result) stops() bool { return r == Drop || r == Reject || r == DropMemlimit }

// DataHandler is a plugin's data-path side. Data is called on data cores,
// concurrently from several cores but for one session always from the
// same core; it must not block and should not allocate. The context (and
// the packet and session it points to) is valid only during the call.
type DataHandler interface {
	Data(ev DataEvent, c *DataCtx) Result
}

// FirstPacketOnly is implemented by data handlers with nothing to do for
// a session's later packets (EvPacket): their decision is made on the
// first packet and kept in the session, as the stateful firewall's. The
// data core leaves them out of established packets' chains (one call a
// packet less each); every other event still reaches them.
type FirstPacketOnly interface {
	FirstPacketOnly()
}

// SessionEvents is implemented by data handlers that need only some of a
// session's life events (EvSessionOpen, EvSessionClose, EvSessionDestroy):
// the data core calls them with those alone, a call per session and
// event spared for each left out (the stateful firewall keeps nothing
// to free; NAT gives its port back on destroy only). Handlers without it
// get every event. EvFirstPacket, EvPacket (see FirstPacketOnly) and the
// init events are not affected.
type SessionEvents interface {
	SessionEvents() EventSet
}

// EventSet is a set of data events.
type EventSet uint16

// Events returns the set of evs.
func Events(evs ...DataEvent) EventSet {
	var s EventSet
	for _, e := range evs {
		s |= 1 << e
	}
	return s
}

// Has reports whether e is in the set.
func (s EventSet) Has(e DataEvent) bool { return s&(1<<e) != 0 }

// allEvents is what a handler without SessionEvents gets.
const allEvents = ^EventSet(0)

// SessionDescriber is implemented by data handlers that show their
// per-session state (show services sessions extensive). Called on the
// session's core.
type SessionDescriber interface {
	Describe(c *DataCtx) string
}

// DataCtx is a data event's context.
type DataCtx struct {
	Core    int          // data core
	Cores   int          // number of data cores
	Cache   *ObjectCache // for EvSessionManagerInit (NewClass)
	Packet  *Packet      // first packet, packet
	Session *Session     // session events
	// Keys are, on EvFirstPacket, the new session's keys in full:
	// [Forward] the packet's as it arrived, [Reverse] what answers will
	// carry, which a translating handler rewrites (its addresses and
	// ports; the protocol and family stay). The session takes the
	// reverse key when the chain has run (Session.Key gives the
	// untranslated one until then). Nil on other events.
	Keys       *[2]FlowKey
	Dir        Dir
	ServiceSet uint32
	Gen        uint64 // generation of the plugin's policy
	Plugin     int    // plugin id
	Policy     any    // the plugin's policy for the service-set (policy DB value), or nil
	Now        int64  // core time, ns
	slot       int    // the plugin's position in the service-set (extension handles)
}

// BatchSize is the vector size a data core processes at once.
const BatchSize = 64

// DataplaneOptions shape a data plane.
type DataplaneOptions struct {
	Cores   int
	DB      *PolicyDB
	Cache   *ObjectCache
	Clock   clock.Clock
	Plugins []DataPlugin // loaded plugins; those with a Data constructor get a handler
	// Tx receives what leaves a core (forwarded packets and generated
	// rejects), on that core's goroutine; packets are valid only during
	// the call.
	Tx  func(core int, pkts []*Packet)
	Log *slog.Logger
}

// MaxPlugins bounds the number of plugins a PIC loads: the policy DB keeps
// one slot per (service-set, plugin).
const MaxPlugins = 16

// DataPlugin is what the data path needs of a loaded plugin (the SDK's
// registry entry, pic.Plugin, gives it with DataPlugin).
type DataPlugin struct {
	Name string
	Slot int                // the plugin's dense index: its policy DB and handler slot
	Data func() DataHandler // nil for a plugin without a data path
}

// Dataplane is a PIC's data path: N data cores, each owning a session
// table shard, a timer wheel and its object-cache magazines; the service
// sets they serve, published copy-on-write by the control core.
type Dataplane struct {
	o         DataplaneOptions
	epoch     time.Time
	handlers  [MaxPlugins]DataHandler
	slotOf    map[string]int // plugin name → slot, of the loaded plugins
	sessions  *Class[Session]
	frags     fragTracker
	cores     []*Core
	sets      atomic.Pointer[setTable]
	steer     steerTable
	startMono int64                  // mono() at Start, for cpu-usage
	onItem    func()                 // tests: called on a running core before each function item
	running   atomic.Bool            // between Start and Stop: Inject may run a free core inline (Core.runInline)
	repl      []map[string]*coreRepl // per core, used on its goroutine: each stream's replication base (replicate.go)
	replSeq   atomic.Uint64          // replication saves begun (replicate.go)

	mu      sync.Mutex // guards the fields below (control side)
	started bool
	quit    chan struct{} // closed by Stop: waiters on the cores give up
	stop    func()
	wg      sync.WaitGroup
	tick    clock.Timer
	counts  map[uint32]*setCounters // per service-set id, shared by its generations
	names   map[uint32]string
	steerBy map[uint32]map[steerKey]steerVal // per service-set: its steering entries
	svcIf   map[uint32]string                // per service-set: its service interface
	streams map[string]uint64                // per replication stream: its last save's Seq (replicate.go)
}

// setTable maps service-set ids to what cores need of them.
type setTable struct{ byID []*setInfo }

// setInfo is one generation of a service-set as the data path runs it.
type setInfo struct {
	id       uint32
	name     string
	gen      uint64
	plugins  []setPlugin // in forward order; a plugin's index is its extension slot
	chain    [2][]int    // slots, forward-flow and reverse-flow order
	pchain   [2][]int    // chain without the FirstPacketOnly plugins: what established packets run
	events   EventSet    // the session events any of its chain's plugins takes
	maxFlows int64
	tcpMSS   uint16 // tcp-mss: SYNs leave with at most this MSS (0: unchanged)
	ctr      *setCounters
}

type setPlugin struct {
	id     int
	name   string
	h      DataHandler
	events EventSet // the session events it takes (SessionEvents)
}

type setCounters struct {
	flows atomic.Int64
}

// NewDataplane builds a data plane and sends its plugins' handlers the
// session-manager and per-core init events. Cores run after Start, or are
// driven directly with Core.Process.
func NewDataplane(o DataplaneOptions) (*Dataplane, error) {
	o.Cores = max(o.Cores, 1)
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Tx == nil {
		o.Tx = func(int, []*Packet) {}
	}
	dp := &Dataplane{o: o, epoch: o.Clock.Now(), counts: map[uint32]*setCounters{}, names: map[uint32]string{},
		steerBy: map[uint32]map[steerKey]steerVal{}, svcIf: map[uint32]string{}, slotOf: map[string]int{}}
	dp.sets.Store(&setTable{})
	dp.sessions = newSessionClass(o.Cache, o.Cores)
	fe, fb := newFragClasses(o.Cache)
	dp.frags.entries, dp.frags.bufs = fe.Local(0), fb.Local(0)
	for _, p := range o.Plugins {
		if p.Slot < 0 || p.Slot >= MaxPlugins {
			return nil, fmt.Errorf("pic: plugin %s: slot %d out of range", p.Name, p.Slot)
		}
		dp.slotOf[p.Name] = p.Slot
		if p.Data == nil {
			continue
		}
		h := p.Data()
		dp.handlers[p.Slot] = h
		c := &DataCtx{Cores: o.Cores, Cache: o.Cache, Plugin: p.Slot}
		if r := h.Data(EvSessionManagerInit, c); r.stops() {
			return nil, fmt.Errorf("pic: plugin %s refused session-manager init", p.Name)
		}
	}
	slots := tableSlots(o.Cache.budget, o.Cores)
	if !o.Cache.reserveTable(TableBytes(o.Cache.budget, o.Cores)) {
		return nil, fmt.Errorf("pic: the object cache (%s) cannot hold the session tables (%s)", mb(o.Cache.budget),
			mb(TableBytes(o.Cache.budget, o.Cores)))
	}
	dp.repl = make([]map[string]*coreRepl, o.Cores)
	for i := range dp.repl {
		dp.repl[i] = map[string]*coreRepl{}
	}
	for i := 0; i < o.Cores; i++ {
		c := &Core{id: i, dp: dp, tab: newTable(slots), local: dp.sessions.Local(i)}
		c.gen = make([]Packet, BatchSize)
		c.groups = make([]vgroup, 0, BatchSize)
		c.pend = make([]pending, 0, 2*BatchSize)
		c.due = make([]*Session, 0, 4*BatchSize)
		c.in = make(chan coreItem, 64)
		dp.cores = append(dp.cores, c)
		for _, p := range o.Plugins {
			if h := dp.handlers[p.Slot]; h != nil {
				if r := h.Data(EvCoreInit, &DataCtx{Core: i, Cores: o.Cores, Cache: o.Cache, Plugin: p.Slot}); r.stops() {
					return nil, fmt.Errorf("pic: plugin %s refused core %d init", p.Name, i)
				}
			}
		}
	}
	return dp, nil
}

// Cores returns the number of data cores.
func (dp *Dataplane) Cores() int { return len(dp.cores) }

// Core returns data core i, for driving it directly (benchmarks, tests
// that do not Start the data plane).
func (dp *Dataplane) Core(i int) *Core { return dp.cores[i] }

// SetServiceSet publishes (or replaces) the service-set of an SSRB: its
// chains and max-flows. Its plugins' policies go through the policy DB
// (the control events). Sessions keep the chains they started with.
// Control core only.
func (dp *Dataplane) SetServiceSet(s *SSRB) error {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	ctr := dp.counts[s.ID]
	if ctr == nil {
		ctr = &setCounters{}
		dp.counts[s.ID] = ctr
	}
	si := &setInfo{id: s.ID, name: s.Name, gen: s.Gen, maxFlows: int64(s.MaxFlows), tcpMSS: s.TCPMSS, ctr: ctr}
	slotOf := map[string]int{}
	add := func(name string) (int, error) {
		if i, ok := slotOf[name]; ok {
			return i, nil
		}
		slot, ok := dp.slotOf[name]
		if !ok {
			return 0, fmt.Errorf("pic: service-set %s: unknown plugin %s", s.Name, name)
		}
		if len(si.plugins) == MaxChain {
			return 0, fmt.Errorf("pic: service-set %s: more than %d services", s.Name, MaxChain)
		}
		sp := setPlugin{id: slot, name: name, h: dp.handlers[slot], events: allEvents}
		if se, ok := sp.h.(SessionEvents); ok {
			sp.events = se.SessionEvents()
		}
		si.plugins = append(si.plugins, sp)
		slotOf[name] = len(si.plugins) - 1
		return len(si.plugins) - 1, nil
	}
	for d, names := range [2][]string{s.Forward, s.Reverse} {
		for _, n := range names {
			i, err := add(n)
			if err != nil {
				return err
			}
			if h := si.plugins[i].h; h != nil {
				si.chain[d] = append(si.chain[d], i)
				si.events |= si.plugins[i].events
				if _, skip := h.(FirstPacketOnly); !skip {
					si.pchain[d] = append(si.pchain[d], i)
				}
			}
		}
	}
	dp.names[s.ID] = s.Name
	old := dp.sets.Load()
	nt := &setTable{byID: append([]*setInfo(nil), old.byID...)}
	for int(s.ID) >= len(nt.byID) {
		nt.byID = append(nt.byID, nil)
	}
	nt.byID[s.ID] = si
	dp.sets.Store(nt)
	dp.setSteer(s.ID, steerRules(s)) // after the set: a steered packet finds it
	dp.svcIf[s.ID] = s.ServiceInterface
	return nil
}

// DeleteServiceSet stops new sessions of service-set id and clears its
// sessions. Control core only.
func (dp *Dataplane) DeleteServiceSet(id uint32) {
	dp.mu.Lock()
	old := dp.sets.Load()
	if int(id) < len(old.byID) && old.byID[id] != nil {
		nt := &setTable{byID: append([]*setInfo(nil), old.byID...)}
		nt.byID[id] = nil
		dp.sets.Store(nt)
	}
	delete(dp.names, id)
	dp.setSteer(id, nil)
	delete(dp.svcIf, id)
	dp.mu.Unlock()
	dp.ClearSessions(id, false)
}

func (dp *Dataplane) set(id uint32) *setInfo {
	t := dp.sets.Load()
	if int(id) < len(t.byID) {
		return t.byID[id]
	}
	return nil
}

// now returns core time: nanoseconds since the data plane started.
func (dp *Dataplane) now() int64 { return int64(dp.o.Clock.Now().Sub(dp.epoch)) }

// coreItem is what a running core receives: a vector of packets, or a
// function to run between vectors (show, clear, sync), or a tick.
type coreItem struct {
	pkts []*Packet
	fn   func(*Core)
	done chan struct{}
}

// Start runs the data cores until ctx ends (or Stop). A clock tick each
// second runs the timer wheels of idle cores.
func (dp *Dataplane) Start(ctx context.Context) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if dp.started {
		return
	}
	dp.started = true
	dp.running.Store(true)
	dp.quit = make(chan struct{})
	dp.startMono = mono()
	ctx, cancel := context.WithCancel(ctx)
	dp.stop = cancel
	for _, c := range dp.cores {
		dp.wg.Add(1)
		go func() {
			defer dp.wg.Done()
			c.run(ctx)
		}()
	}
	var tick func()
	tick = func() {
		dp.frags.tick(dp.now())
		for _, c := range dp.cores {
			select {
			case c.in <- coreItem{}:
			default: // busy: it runs its wheel on its next vector anyway
			}
		}
		dp.mu.Lock()
		if dp.started {
			dp.tick = dp.o.Clock.AfterFunc(time.Second, tick)
		}
		dp.mu.Unlock()
	}
	dp.tick = dp.o.Clock.AfterFunc(time.Second, tick)
}

// Stop stops the data cores and waits for them.
func (dp *Dataplane) Stop() {
	dp.mu.Lock()
	if !dp.started {
		dp.mu.Unlock()
		return
	}
	dp.started = false
	dp.running.Store(false)
	close(dp.quit)
	dp.stop()
	if dp.tick != nil {
		dp.tick.Stop()
	}
	dp.mu.Unlock()
	dp.wg.Wait()
	for _, c := range dp.cores { // under own: a vector running inline keeps its core online until it ends
		c.own.Lock()
		c.online = false
		dp.o.DB.Offline(c.id)
		c.own.Unlock()
	}
}

// Inject steers packets to their data cores (Route) and hands each core
// its vector; it takes ownership of the packets until they come out of
// Tx or are dropped. A running core that is free, with nothing queued
// before the vector, runs it on the caller's goroutine there and then
// (Core.runInline): a packet source's reader so forwards what it read
// without waking the core's goroutine, the hand-off that costs a small
// packet most of its latency. Otherwise the vector is queued; Inject
// blocks while the core's queue is full. It reports whether it queued
// any: when not, every packet is through and pkts may be reused.
func (dp *Dataplane) Inject(pkts []*Packet) (queued bool) {
	if len(dp.cores) == 1 && !hasFragment(pkts) { // one core and no fragment: as they are
		return dp.cores[0].deliver(pkts)
	}
	vecs := make([][]*Packet, len(dp.cores))
	dp.Route(pkts, vecs)
	for i, v := range vecs {
		queued = dp.cores[i].deliver(v) || queued
	}
	return queued
}

// deliver runs v, a vector at a time, inline or through the core's
// queue; it reports whether it queued any.
func (c *Core) deliver(v []*Packet) (queued bool) {
	for len(v) > 0 {
		k := min(len(v), BatchSize)
		if !c.runInline(v[:k]) {
			c.queued.Add(1)
			c.in <- coreItem{pkts: v[:k:k]}
			queued = true
		}
		v = v[k:]
	}
	return queued
}

// hasFragment parses pkts (the core then parses no more) and reports
// whether one is a fragment.
func hasFragment(pkts []*Packet) bool {
	for _, p := range pkts {
		if (p.parsed || p.Parse() == nil) && p.Frag {
			return true
		}
	}
	return false
}

// Do runs fn on every core between vectors (or directly when the cores are
// not started) and waits. It is how the control side reads and clears
// sessions without locking the fast path.
func (dp *Dataplane) Do(fn func(*Core)) { _ = dp.doCtx(context.Background(), fn) }

// Sync waits until every core has processed what was injected before,
// and has run its timer wheel (and the fragment tracker's expiry) to the
// clock's current time.
func (dp *Dataplane) Sync() {
	dp.frags.tick(dp.now())
	dp.Do(func(c *Core) { c.runWheel() })
}

// ClearSessions closes the sessions of service-set id (all when all),
// a slice of the cores' lists of live sessions at a time, like a session
// walk (query.go). A session that closes behind the walk (expiry between
// slices) hands its place to one the walk has not reached: a pass that
// cleared something is followed by another, up to clearPasses.
func (dp *Dataplane) ClearSessions(id uint32, all bool) int {
	total := 0
	for range clearPasses {
		var n atomic.Int64
		pos := make([]int, len(dp.cores))
		_ = dp.walkAll(context.Background(), func(c *Core) bool {
			i, to := pos[c.id], pos[c.id]+WalkSessions
			for i < min(to, len(c.tab.live)) {
				if s := c.tab.live[i]; all || s.ssid() == id {
					c.close(s, &c.st.Cleared)
					n.Add(1)
					to--     // the list is one shorter
					continue // the place now holds the list's last session
				}
				i++
			}
			pos[c.id] = i
			return i >= len(c.tab.live)
		})
		total += int(n.Load())
		if n.Load() == 0 {
			break
		}
	}
	return total
}

// clearPasses bounds the passes of ClearSessions.
const clearPasses = 4

// The session's events go to its chain's plugins under one recover per
// walk, not one per call: a panicking handler drops the packet (first
// packet) or misses the event (the others still get it), and is logged,
// instead of killing the core. The chains of established packets go
// through callEach (vector.go): one recover for a group's packets.

// firstChain delivers EvFirstPacket for s, opened by p, to si's forward
// chain in turn until a plugin's result stops the packet. It returns how
// many plugins ran, the one that stopped (or panicked) included, and the
// last result: Drop for a plugin that panicked.
func (c *Core) firstChain(s *Session, si *setInfo, p *Packet) (ran int, r Result) {
	chain := si.chain[Forward]
	defer func() {
		if v := recover(); v != nil {
			c.pluginPanic(EvFirstPacket, v)
			ran, r = ran+1, Drop
		}
	}()
	for ran < len(chain) {
		h := c.setCtx(s, si, chain[ran], p, Forward)
		c.ctx.Keys = &c.fk
		r = h.Data(EvFirstPacket, &c.ctx)
		ran++
		if r.stops() {
			break
		}
	}
	return ran, r
}

// notify delivers session event ev for s to the plugins at slots (in
// that order) that take it (SessionEvents).
func (c *Core) notify(ev DataEvent, s *Session, si *setInfo, slots []int) {
	if !si.events.Has(ev) {
		return
	}
	for k := 0; k < len(slots); {
		k = c.notifyFrom(ev, s, si, slots, k)
	}
}

// notifyFrom is notify from slots[k] on, under one recover. It returns
// len(slots), or the place after a plugin that panicked.
func (c *Core) notifyFrom(ev DataEvent, s *Session, si *setInfo, slots []int, k int) (next int) {
	defer func() {
		if v := recover(); v != nil {
			c.pluginPanic(ev, v)
			next = k + 1
		}
	}()
	for ; k < len(slots); k++ {
		if slot := slots[k]; si.plugins[slot].events.Has(ev) {
			c.setCtx(s, si, slot, nil, Forward).Data(ev, &c.ctx)
		}
	}
	return k
}

// pluginPanic counts and logs a data handler's panic on event ev.
func (c *Core) pluginPanic(ev DataEvent, v any) {
	c.st.PluginPanics.Add(1)
	c.dp.o.Log.Error("pic: plugin data handler panicked", "event", ev.String(), "panic", fmt.Sprint(v),
		"stack", string(debug.Stack()))
}

// Handler returns the data handler of the plugin in registry slot
// (Plugin.Slot), nil when it has none.
func (dp *Dataplane) Handler(slot int) DataHandler { return dp.handlers[slot] }

// Clock returns the data plane's clock.
func (dp *Dataplane) Clock() clock.Clock { return dp.o.Clock }
