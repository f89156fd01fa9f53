package picd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/packetio"
)

// Runtime is a PIC's running state for one incarnation: the shape from its
// Config, the policy DB, the object cache, the loaded plugins and the SSRBs
// it holds. It is owned by the picd's control loop (one goroutine, the
// control core): nothing in it is locked except what data cores share (the
// policy DB and the object cache, which lock themselves).
type Runtime struct {
	cfg         Config
	incarnation uint64
	log         *slog.Logger
	DB          *pic.PolicyDB
	Cache       *pic.ObjectCache
	// DP is the data path: data cores running the service-sets held;
	// Port is its in-process packet port (inject, capture).
	DP        *dataplane.Dataplane
	Port      *packetio.Port
	slot      dataplane.Slot // for budget messages
	plugins   map[string]*loaded
	ssrbs     map[uint32]*dataplane.SSRB
	used      int64           // policy-DB bytes of the SSRBs held (dataplane.SSRB.PolicyBytes)
	failed    map[uint32]bool // held, but a plugin refused it: applied again when resent
	seen      map[uint32]bool // during a resync: ids mentioned
	deferred  []*Update       // during a resync: updates that fit once the sweep is done
	counters  Counters
	lastEvent string
	live      atomic.Pointer[packetio.Live] // TUN queues of the live data plane, or nil
	tr        trafficState                  // generators started from the CLI
	cpu       cpuSample                     // the last cpu-usage sample
}

// loaded is a plugin instance on this PIC.
type loaded struct {
	p         *pic.Plugin
	h         pic.ControlHandler
	state     string
	restarts  uint64
	lastPanic string
}

// errRestartPIC asks the daemon to restart the whole PIC runtime: a plugin
// without restart support panicked.
type errRestartPIC struct{ plugin, msg string }

func (e *errRestartPIC) Error() string {
	return fmt.Sprintf("pic: plugin %s panicked (%s); it does not support restart: restarting the PIC", e.plugin, e.msg)
}

// newRuntime builds a runtime from cfg and sends every loaded plugin its
// init event.
func newRuntime(ctx context.Context, slot dataplane.Slot, cfg Config, incarnation uint64, log *slog.Logger, clk clock.Clock) (*Runtime, error) {
	r := &Runtime{cfg: cfg, slot: slot, incarnation: incarnation, log: log,
		DB:      dataplane.NewPolicyDB(int64(cfg.PolicyDBMB)<<20, max(cfg.DataCores, 1)),
		Cache:   dataplane.NewObjectCache(int64(cfg.ObjectCacheMB) << 20),
		plugins: map[string]*loaded{}, ssrbs: map[uint32]*dataplane.SSRB{}, failed: map[uint32]bool{}}
	for _, name := range cfg.Packages {
		p := pic.Lookup(name)
		if p == nil {
			log.Warn("pic: package is not a known plugin; not loaded", "package", name)
			continue
		}
		l := &loaded{p: p, state: "running"}
		r.plugins[name] = l
		if err := r.initPlugin(ctx, l); err != nil {
			return nil, err
		}
	}
	var plugins []*pic.Plugin
	for _, name := range cfg.Packages {
		if l := r.plugins[name]; l != nil {
			plugins = append(plugins, l.p)
		}
	}
	r.Port = &packetio.Port{}
	r.Port.Disarm() // captures run when the CLI asks
	dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: cfg.DataCores, DB: r.DB, Cache: r.Cache, Clock: clk,
		Plugins: pic.DataPlugins(plugins), Tx: r.tx, Log: log})
	if err != nil {
		return nil, err
	}
	r.DP = dp
	// The object cache must hold a batch of every class on every core
	// (servicesd refuses a commit asking less, with the same figure).
	if err := dataplane.CheckObjectCache(r.Cache.Minimum(), cfg.ObjectCacheMB, cfg.DataCores, r.slot); err != nil {
		return nil, fmt.Errorf("pic: %w", err)
	}
	r.Port.Attach(dp)
	dp.Start(context.WithoutCancel(ctx))
	return r, nil
}

// Close stops the runtime's data cores, then ends every plugin's
// lifecycle: EvStop (no data event follows), then EvDestroy, each under
// recover (a plugin failing on its way out is logged, nothing more).
func (r *Runtime) Close(ctx context.Context) {
	if r == nil {
		return
	}
	if r.DP != nil {
		r.stopTraffic()
		r.DP.Stop()
	}
	for _, kind := range []pic.ControlKind{pic.EvStop, pic.EvDestroy} {
		for _, name := range r.cfg.Packages {
			l := r.plugins[name]
			if l == nil || l.state == "failed" {
				continue
			}
			r.lifecycle(ctx, l, kind)
		}
	}
}

// lifecycle delivers a stop or destroy event; a panic or an error is
// logged: the plugin is going away anyway.
func (r *Runtime) lifecycle(ctx context.Context, l *loaded, kind pic.ControlKind) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("pic: plugin control handler panicked", "plugin", l.p.Name, "event", kind.String(), "panic", fmt.Sprint(v))
		}
	}()
	if err := l.h.Control(ctx, &pic.ControlEvent{Kind: kind, Plugin: l.p.Slot()}); err != nil {
		r.log.Warn("pic: plugin refused its "+kind.String()+" event", "plugin", l.p.Name, "err", err)
	}
}

func (r *Runtime) initPlugin(ctx context.Context, l *loaded) error {
	l.h = l.p.Control()
	_, err := r.control(ctx, l, &pic.ControlEvent{Kind: pic.EvInit, Plugin: l.p.Slot(), DB: r.DB, Cache: r.Cache,
		Log: r.log.With("plugin", l.p.Name)})
	return err
}

// control delivers one event under recover. A panic in a plugin that
// supports restart restarts it and replays its policies; otherwise it
// returns *errRestartPIC.
func (r *Runtime) control(ctx context.Context, l *loaded, ev *pic.ControlEvent) (panicked bool, err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		panicked = true
		msg := fmt.Sprint(v)
		l.lastPanic = msg
		r.log.Error("pic: plugin control handler panicked", "plugin", l.p.Name, "event", ev.Kind.String(),
			"service-set", ev.Name, "panic", msg, "stack", string(debug.Stack()))
		if !l.p.Restart {
			l.state = "failed"
			err = &errRestartPIC{plugin: l.p.Name, msg: msg}
			return
		}
		err = r.restartPlugin(ctx, l)
	}()
	return false, l.h.Control(ctx, ev)
}

// restartPlugin gives l a new control handler and replays every policy the
// PIC holds for it, under recover: a second panic fails the plugin.
func (r *Runtime) restartPlugin(ctx context.Context, l *loaded) (err error) {
	l.restarts++
	l.state = "restarted"
	r.lastEvent = fmt.Sprintf("plugin %s restarted after a panic in its control handler", l.p.Name)
	r.log.Warn("pic: restarting plugin and resyncing its policies", "plugin", l.p.Name, "restarts", l.restarts)
	defer func() {
		if v := recover(); v != nil {
			l.state = "failed"
			l.lastPanic = fmt.Sprint(v)
			err = fmt.Errorf("pic: plugin %s panicked again while resyncing: %v", l.p.Name, v)
			r.log.Error("pic: plugin failed", "plugin", l.p.Name, "panic", l.lastPanic)
		}
	}()
	for _, s := range r.ssrbs {
		for _, pol := range s.Policies {
			if pol.Plugin == l.p.Name {
				r.DB.Delete(s.ID, l.p.Slot())
			}
		}
	}
	l.h = l.p.Control()
	if err := l.h.Control(ctx, &pic.ControlEvent{Kind: pic.EvInit, Plugin: l.p.Slot(), DB: r.DB, Cache: r.Cache,
		Log: r.log.With("plugin", l.p.Name)}); err != nil {
		return err
	}
	for _, id := range r.sortedIDs() {
		s := r.ssrbs[id]
		for _, pol := range s.Policies {
			if pol.Plugin != l.p.Name {
				continue
			}
			if err := l.h.Control(ctx, &pic.ControlEvent{Kind: pic.EvPolicyAdd, Plugin: l.p.Slot(), ServiceSet: s.ID,
				Name: s.Name, Gen: s.Gen, Policy: pol.Data}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Runtime) sortedIDs() []uint32 {
	ids := make([]uint32, 0, len(r.ssrbs))
	for id := range r.ssrbs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// resyncing reports whether a full resync is under way.
func (r *Runtime) resyncing() bool { return r.seen != nil }

// BeginResync starts a full resync.
func (r *Runtime) BeginResync() {
	r.seen = map[uint32]bool{}
	r.counters.Resyncs++
}

// EndResync drops the SSRBs the resync did not mention, then applies the
// updates deferred until they fit, and returns their acknowledgements.
// A non-nil error is *errRestartPIC (the deferred updates not applied are
// acknowledged with it).
func (r *Runtime) EndResync(ctx context.Context) ([]Ack, error) {
	seen := r.seen
	if seen == nil {
		return nil, nil // the runtime restarted during the resync: a new one follows
	}
	r.seen = nil
	deferred := r.deferred
	r.deferred = nil
	var acks []Ack
	// unanswered acknowledges the deferred updates from i on when the PIC
	// must restart: servicesd counts every update it sent.
	unanswered := func(i int, err error) ([]Ack, error) {
		for _, u := range deferred[i:] {
			acks = append(acks, Ack{ID: u.ID, Gen: u.Gen, Op: u.Op, Error: err.Error()})
		}
		return acks, err
	}
	for _, id := range r.sortedIDs() {
		if seen[id] {
			continue
		}
		s := r.ssrbs[id]
		if _, err := r.apply(ctx, &Update{Op: OpDelete, ID: id, Name: s.Name, Gen: s.Gen}); err != nil {
			return unanswered(0, err)
		}
		r.counters.Swept++
	}
	for i, u := range deferred {
		ack, err := r.install(ctx, u, Ack{ID: u.ID, Gen: u.Gen, Op: u.Op})
		if err != nil {
			return unanswered(i, err)
		}
		acks = append(acks, ack)
	}
	return acks, nil
}

// dropDeferred acknowledges, as not applied, the updates deferred by a
// resync the runtime will not finish (it is being replaced or stopped):
// servicesd counts every update it sent. nil-safe.
func (r *Runtime) dropDeferred() []*FromPIC {
	if r == nil {
		return nil
	}
	var out []*FromPIC
	for _, u := range r.deferred {
		out = append(out, &FromPIC{Ack: &Ack{ID: u.ID, Gen: u.Gen, Op: u.Op, Error: "PIC runtime restarted during the resync"}})
	}
	r.deferred = nil
	return out
}

// errDeferred is Apply's answer to a resync update that does not fit the
// budgets while the PIC still holds what the resync will sweep: EndResync
// applies and acknowledges it.
var errDeferred = errors.New("pic: update deferred to the end of the resync")

// Apply applies one update and returns its acknowledgement. A non-nil
// error is *errRestartPIC (the PIC must restart) or errDeferred.
//
// Before any control event, the SSRB is checked against the PIC's
// budgets and limits with the functions servicesd checks a commit with
// (dataplane.CheckPolicyDB, dataplane.CheckChain) and against the plugins loaded: a
// refusal there leaves what the PIC held untouched.
func (r *Runtime) Apply(ctx context.Context, u *Update) (Ack, error) {
	ack := Ack{ID: u.ID, Gen: u.Gen, Op: u.Op}
	if u.ID == 0 || u.ID > dataplane.MaxServiceSetID || (u.SSRB != nil && u.SSRB.ID != u.ID) {
		r.counters.Errors++ // the data path indexes tables by id: never trust one blindly
		ack.Error = fmt.Sprintf("bad service-set id %d (1..%d, and the SSRB's own)", u.ID, dataplane.MaxServiceSetID)
		return ack, nil
	}
	held := r.ssrbs[u.ID]
	resync := r.seen != nil
	if resync {
		r.seen[u.ID] = true
		r.counters.Resynced++
	}
	switch {
	case held != nil && u.Gen < held.Gen:
		r.counters.Stale++
		ack.Stale = true
		return ack, nil
	case held != nil && u.Gen == held.Gen && u.Op != OpDelete && !r.failed[u.ID]:
		return ack, nil // already held (a resync of an unchanged service-set)
	}
	if resync {
		if err := r.fits(u, held); errors.Is(err, dataplane.ErrLimit) {
			r.deferred = append(r.deferred, u) // what the sweep frees may make room
			return ack, errDeferred
		}
	} else {
		switch u.Op {
		case OpAdd:
			r.counters.Adds++
		case OpChange:
			r.counters.Changes++
		case OpDelete:
			r.counters.Deletes++
		}
	}
	return r.install(ctx, u, ack)
}

// install checks u (fits) and applies it, completing its ack.
func (r *Runtime) install(ctx context.Context, u *Update, ack Ack) (Ack, error) {
	if err := r.fits(u, r.ssrbs[u.ID]); err != nil {
		r.counters.Errors++
		ack.Error = err.Error()
		return ack, nil
	}
	if msg, err := r.apply(ctx, u); err != nil {
		return ack, err
	} else if msg != "" {
		r.counters.Errors++
		ack.Error = msg
	}
	return ack, nil
}

// fits checks an add or change against the budgets, the chain limit and
// the plugins loaded, held being what the PIC holds of its id.
func (r *Runtime) fits(u *Update, held *dataplane.SSRB) error {
	next := u.SSRB
	if u.Op == OpDelete || next == nil {
		return nil
	}
	for _, pol := range next.Policies {
		if r.plugins[pol.Plugin] == nil {
			return fmt.Errorf("plugin %s is not loaded on this PIC", pol.Plugin)
		}
	}
	if err := dataplane.CheckChain(next); err != nil {
		return fmt.Errorf("service-set %s: %w", next.Name, err)
	}
	used := r.used + next.PolicyBytes()
	if held != nil {
		used -= held.PolicyBytes()
	}
	return dataplane.CheckPolicyDB(used, r.cfg.PolicyDBMB, r.slot)
}

// apply runs the control events that take the PIC from what it holds of
// u.ID to u. It returns a plugin's refusal as a message.
func (r *Runtime) apply(ctx context.Context, u *Update) (string, error) {
	old := r.ssrbs[u.ID]
	var next *dataplane.SSRB
	if u.Op != OpDelete {
		next = u.SSRB
		if next == nil {
			return "update without an SSRB", nil
		}
	}
	var errs []string
	fail := func(l *loaded, err error) error {
		var rp *errRestartPIC
		if asRestart(err, &rp) {
			return err
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", l.p.Name, err))
		}
		return nil
	}
	// A service-set that goes away loses its sessions first, while its
	// policies are still published (the SDK's lifecycle: session close and
	// destroy, then policy delete).
	if next == nil && old != nil && r.DP != nil {
		r.DP.DeleteServiceSet(u.ID)
	}
	// The policies the SSRB no longer has go first, so the policy DB never
	// holds more than the larger of the old and the new SSRB.
	if old != nil {
		for _, pol := range old.Policies {
			l := r.plugins[pol.Plugin]
			if l == nil || policyOf(next, pol.Plugin) != nil {
				continue
			}
			_, err := r.control(ctx, l, &pic.ControlEvent{Kind: pic.EvPolicyDelete, Plugin: l.p.Slot(), ServiceSet: u.ID,
				Name: old.Name, Gen: u.Gen})
			if err := fail(l, err); err != nil {
				return "", err
			}
		}
	}
	if next != nil {
		for _, pol := range next.Policies {
			l := r.plugins[pol.Plugin]
			if l == nil {
				errs = append(errs, fmt.Sprintf("plugin %s is not loaded on this PIC", pol.Plugin))
				continue
			}
			kind := pic.EvPolicyAdd
			if op := policyOf(old, pol.Plugin); op != nil {
				if bytes.Equal(op.Data, pol.Data) && old.Name == next.Name && !r.failed[u.ID] {
					continue // unchanged (a refused SSRB gets every policy again)
				}
				kind = pic.EvPolicyChange
			}
			ev := &pic.ControlEvent{Kind: kind, Plugin: l.p.Slot(), ServiceSet: u.ID, Name: next.Name, Gen: u.Gen, Policy: pol.Data}
			panicked, err := r.control(ctx, l, ev)
			if panicked && err == nil { // restarted: deliver the event to the new handler, once
				ev.Kind = pic.EvPolicyAdd
				if panicked, err = r.control(ctx, l, ev); panicked && err == nil {
					err = fmt.Errorf("control handler panicked twice on this policy")
				}
			}
			if err := fail(l, err); err != nil {
				return "", err
			}
		}
	}
	if old != nil {
		r.used -= old.PolicyBytes()
	}
	if next == nil {
		delete(r.ssrbs, u.ID)
		delete(r.failed, u.ID)
		if r.DP != nil {
			r.DP.DeleteServiceSet(u.ID)
		}
	} else {
		r.ssrbs[u.ID] = next
		r.used += next.PolicyBytes()
		if r.DP != nil {
			if err := r.DP.SetServiceSet(next); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	// A refused SSRB is held (some of its policies may be in place) but
	// marked, so that sending it again applies it again.
	if len(errs) > 0 && next != nil {
		r.failed[u.ID] = true
	} else {
		delete(r.failed, u.ID)
	}
	return strings.Join(errs, "; "), nil
}

func asRestart(err error, target **errRestartPIC) bool {
	rp, ok := err.(*errRestartPIC)
	if ok {
		*target = rp
	}
	return ok
}

func policyOf(s *dataplane.SSRB, plugin string) *dataplane.Policy {
	if s == nil {
		return nil
	}
	for i := range s.Policies {
		if s.Policies[i].Plugin == plugin {
			return &s.Policies[i]
		}
	}
	return nil
}

// Held returns what the PIC holds, by id.
func (r *Runtime) Held() []HeldSSRB {
	out := make([]HeldSSRB, 0, len(r.ssrbs))
	for _, id := range r.sortedIDs() {
		s := r.ssrbs[id]
		out = append(out, HeldSSRB{ID: s.ID, Name: s.Name, Gen: s.Gen})
	}
	return out
}

// Counters returns the update counters.
func (r *Runtime) Counters() Counters { return r.counters }

// pluginStatus lists the loaded plugins.
func (r *Runtime) pluginStatus() []PluginStatus {
	var out []PluginStatus
	for _, l := range r.plugins {
		n := 0
		for _, s := range r.ssrbs {
			if policyOf(s, l.p.Name) != nil {
				n++
			}
		}
		out = append(out, PluginStatus{Name: l.p.Name, ID: l.p.ID(), Mode: l.p.Mode.String(), Restart: l.p.Restart,
			State: l.state, Restarts: l.restarts, Policies: n, LastPanic: l.lastPanic})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
