// Package servicesd resolves service-sets into Service Set Resolution
// Blobs (SSRBs) and keeps every services PIC in sync with them.
//
// servicesd is a configd subscriber. In the commit's Validate phase it
// builds a plan: which service-sets the commit touched (the change paths,
// plus a reverse index from every configuration path a compiled policy
// read — a firewall rule, an application, a NAT pool — to the service-sets
// that read it, plus the interfaces whose service bindings changed), their
// new SSRBs (chain, compiled policies, owning PIC, bindings), and the
// policy-DB usage of each PIC. It rejects, with a Junos-style path, what a
// PIC cannot hold. Prepare keeps the plan; Apply (which cannot fail)
// assigns ids and generation numbers and sends each PIC only the add,
// change and delete events that concern it. The work is proportional to
// what the commit changed: a one-leaf change on 10,000 service-sets
// resolves and sends one SSRB.
//
// PIC daemons connect over the IPC socket (in-process or as `gnos picd`
// processes, the same code path), or from other hosts over TCP with
// mutual TLS (ListenTCP: a PIC is accepted only for the slot its
// certificate names): hello, Config, READY, full resync,
// heartbeats both ways, per-update acknowledgements carrying the
// generation. Generation numbers are (boot epoch << 32 | sequence): the
// epoch is a store counter bumped at every servicesd start, so generations
// grow across restarts and a PIC's stale-generation check stays sound.
//
// Redundant services PIC interfaces (rsp0: redundancy.go) resolve to
// their active member; a switchover or a failover moves their
// service-sets to the other PIC, and with hot-standby servicesd relays
// each second the active PIC's session records to the standby.
//
// Locking: Servicesd.mu guards the resolution state and the connection
// table; conn.mu guards one connection's queue and acknowledgements. Lock
// order: configd's lock (held while configd calls the subscriber), then
// Servicesd.mu, then conn.mu. Nothing blocks on the network under mu:
// messages are queued and a writer goroutine per connection sends them.
package servicesd

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic/dataplane"
)

// Options configure servicesd.
type Options struct {
	Store *db.Store   // for the generation epoch; nil: epoch 1 (tests)
	Clock clock.Clock // heartbeats
	Log   *slog.Logger
	// OnPICConfigured is called (without locks) when a PIC appears in the
	// configuration, to start its picd in-process; nil when picds are
	// started separately.
	OnPICConfigured func(dataplane.Slot)
}

// Servicesd is the services daemon.
type Servicesd struct {
	// applied is closed once a configuration was applied: until then
	// servicesd knows no PIC and remote API calls wait.
	applied     chan struct{}
	appliedOnce sync.Once
	o           Options
	epoch       uint64

	mu      sync.Mutex
	sets    map[string]*setState
	deps    map[string]map[string]struct{} // dependency key → service-set names
	ifBind  map[string]map[string][]dataplane.Binding
	pics    map[dataplane.Slot]picConf
	usage   map[dataplane.Slot]int64
	offline map[dataplane.Slot]bool      // request chassis pic … offline
	down    map[dataplane.Slot]downState // configured PICs without a picd connected (alarms.go)
	conns   map[dataplane.Slot]*conn
	// The plan of the commit in flight. configd serialises commits, so
	// there is at most one; a commit failed by another subscriber's
	// Validate never reaches Abort, and the next Validate replaces it.
	pendingCommit *configd.Commit
	pendingPlan   *plan
	seq           uint64 // generation sequence within the epoch
	nextID        uint32
	freeIDs       []uint32
	savedIDs      map[string]uint32 // name → id as last saved (ids.go)
	idsDirty      bool              // an id was assigned or freed since
	commits       uint64
	lastSent      int // updates sent by the last commit
	srv           *grpc.Server
	lis           net.Listener
	tcpSrv        *grpc.Server // PIC streams from other hosts (listen.go)
	certStill     func(*x509.Certificate) error

	rsp       map[string]*rspState // redundant services PIC interfaces (redundancy.go)
	replTimer interface{ Stop() bool }
	closed    bool

	bmu   sync.Mutex    // guards bcast; a leaf lock
	bcast chan struct{} // closed on every PIC connection and acknowledgement
}

// setState is one service-set as applied.
type setState struct {
	res  *resolved
	ssrb *dataplane.SSRB // with id and generation
}

// New returns servicesd. It takes its generation epoch from the store.
func New(o Options) (*Servicesd, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	s := &Servicesd{o: o, epoch: 1, sets: map[string]*setState{}, deps: map[string]map[string]struct{}{},
		ifBind: map[string]map[string][]dataplane.Binding{}, usage: map[dataplane.Slot]int64{},
		offline: map[dataplane.Slot]bool{}, down: map[dataplane.Slot]downState{}, conns: map[dataplane.Slot]*conn{}, nextID: 1,
		applied: make(chan struct{}), rsp: map[string]*rspState{}}
	if o.Store != nil {
		e, err := o.Store.NextCounter("servicesd-generation-epoch")
		if err != nil {
			return nil, fmt.Errorf("servicesd: generation epoch: %w", err)
		}
		s.epoch = e
	}
	if err := s.loadIDsLocked(); err != nil {
		return nil, fmt.Errorf("servicesd: service-set ids: %w", err)
	}
	return s, nil
}

// Name is the subscriber name.
func (s *Servicesd) Name() string { return "servicesd" }

// Validate resolves what the commit touched and checks every PIC can hold
// it. The plan is kept for Prepare and Apply.
func (s *Servicesd) Validate(_ context.Context, c *configd.Commit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.planLocked(c)
	if err := p.err(); err != nil {
		return err
	}
	s.pendingCommit, s.pendingPlan = nil, nil
	if !c.Check {
		s.pendingCommit, s.pendingPlan = c, p
	}
	return nil
}

// Prepare has nothing to reserve beyond the plan Validate kept.
func (s *Servicesd) Prepare(_ context.Context, c *configd.Commit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pendingCommit != c {
		p := s.planLocked(c)
		if err := p.err(); err != nil {
			return err
		}
		s.pendingCommit, s.pendingPlan = c, p
	}
	return nil
}

// Abort drops the plan.
func (s *Servicesd) Abort(_ context.Context, c *configd.Commit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pendingCommit == c {
		s.pendingCommit, s.pendingPlan = nil, nil
	}
}

// Apply makes the plan current and sends the PICs their updates. It
// cannot fail: the initial Apply of an already committed configuration
// that servicesd would now reject applies what resolves and logs the rest.
//
// That initial Apply (from Subscribe, at start-up) resolves in the
// background while holding servicesd's lock: the daemon answers at once,
// and the first commit, show command or PIC connection waits until the
// service-sets are resolved.
func (s *Servicesd) Apply(_ context.Context, c *configd.Commit) {
	s.mu.Lock()
	var p *plan
	if s.pendingCommit == c {
		p = s.pendingPlan
	}
	s.pendingCommit, s.pendingPlan = nil, nil
	if p != nil {
		s.applyPlan(p)
		return
	}
	go func() {
		p := s.planLocked(c)
		for _, d := range p.diags {
			s.o.Log.Error("servicesd: service-set not applied", "path", d.Path.Edit(), "statement", d.Statement, "error", d.Message)
		}
		s.applyPlan(p)
	}()
}

// applyPlan applies p with s.mu held, releases it, and starts the PICs
// the plan configured.
func (s *Servicesd) applyPlan(p *plan) {
	added := s.applyLocked(p)
	s.appliedOnce.Do(func() { close(s.applied) })
	s.mu.Unlock()
	if s.o.OnPICConfigured != nil {
		for _, slot := range added {
			s.o.OnPICConfigured(slot)
		}
	}
}

// nextGen returns a new generation number.
func (s *Servicesd) nextGenLocked() uint64 {
	s.seq++
	return s.epoch<<32 | s.seq
}

func (s *Servicesd) allocIDLocked() uint32 {
	if n := len(s.freeIDs); n > 0 {
		id := s.freeIDs[n-1]
		s.freeIDs = s.freeIDs[:n-1]
		return id
	}
	s.nextID++
	return s.nextID - 1
}

// SSRB returns the current SSRB of a service-set (with id and generation).
func (s *Servicesd) SSRB(name string) (*dataplane.SSRB, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sets[name]
	if !ok {
		return nil, false
	}
	return st.ssrb, true
}

// Slots returns the configured PICs.
func (s *Servicesd) Slots() []dataplane.Slot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedSlots(s.pics)
}

// LastCommitUpdates is the number of updates the last applied commit sent.
func (s *Servicesd) LastCommitUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSent
}
