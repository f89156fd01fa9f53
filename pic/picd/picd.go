package picd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/packetio"
)

// Heartbeat timing: each side sends a heartbeat every HeartbeatInterval
// and drops the stream after DeadAfter intervals without hearing anything.
const (
	HeartbeatInterval = time.Second
	DeadAfter         = 3
)

// Backoff bounds for reconnecting to servicesd.
const (
	MinBackoff = 50 * time.Millisecond
	MaxBackoff = 5 * time.Second
)

// ErrSuperseded ends Run: another picd said hello for the same slot.
var ErrSuperseded = errors.New("pic: superseded by another picd for this slot")

// Options configure a picd.
type Options struct {
	Slot dataplane.Slot
	// Dial connects to servicesd (ipc.DialUnix of its socket).
	Dial  func() (*grpc.ClientConn, error)
	Clock clock.Clock
	Log   *slog.Logger
	// Live, when set, runs the live data plane: the PIC attaches to the
	// TUN queues of the service interfaces its service-sets use.
	Live packetio.LiveNet
	// StateDir, when set, is where the picd keeps its session snapshot
	// and restores it from after a restart (snapshot.go).
	StateDir string
	// MaxSnapshotBytes bounds the snapshot's session records; 0:
	// DefaultMaxSnapshot.
	MaxSnapshotBytes int
}

// Daemon is one picd. Run drives it; Status may be called from any
// goroutine.
//
// Locking: mu guards rt, state and restarts, which the control loop writes
// and Status reads. The loop is the only writer.
type Daemon struct {
	o Options

	mu          sync.Mutex
	rt          *Runtime
	cfg         Config
	state       string
	incarnation uint64
	restarts    uint64
	connected   bool
	fault       string         // why the runtime failed to start (state "failed")
	post        func(*FromPIC) // the stream's, while one runs: replies of session walks (query.go)
	walks       int            // session walks under way
	// The session snapshot (snapshot.go).
	snapTimer      clock.Timer
	snap           SnapshotStatus
	restorePending bool // the snapshot is restored at the end of the first resync
	// Redundancy (replica.go): the replica held as a secondary.
	replica         dataplane.HeldReplica
	repl            ReplicaStatus
	takeoverPending bool // a takeover waits for the resync's end
	// A runtime restart's sessions (carry.go).
	carry          *carried
	restartRestore *RestartRestore
}

// New returns a picd.
func New(o Options) *Daemon {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	o.Log = o.Log.With("pic", o.Slot.String())
	return &Daemon{o: o, state: "offline", restorePending: o.StateDir != ""}
}

// Run connects to servicesd and serves until ctx ends or another picd
// takes the slot (ErrSuperseded). A lost connection is retried with
// exponential backoff on the injected clock.
func (d *Daemon) Run(ctx context.Context) error {
	superseded := false
	defer func() { // a last snapshot (unless another picd has the slot), then stop the data cores with the daemon
		if !superseded {
			if err := d.Snapshot(context.WithoutCancel(ctx)); err != nil {
				d.o.Log.Warn("pic: last session snapshot failed", "err", err)
			}
		}
		d.mu.Lock()
		rt := d.rt
		if d.snapTimer != nil {
			d.snapTimer.Stop()
		}
		d.mu.Unlock()
		rt.closeLive()
		rt.Close(context.WithoutCancel(ctx))
	}()
	backoff := MinBackoff
	for {
		ready, err := d.session(ctx)
		if errors.Is(err, ErrSuperseded) {
			superseded = true
			d.o.Log.Warn("pic: another picd took this slot; stopping")
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if ready {
			backoff = MinBackoff
		}
		d.o.Log.Info("pic: connection to servicesd lost; reconnecting", "err", err, "backoff", backoff)
		wake := make(chan struct{})
		t := d.o.Clock.AfterFunc(backoff, func() { close(wake) })
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
		}
		backoff = min(2*backoff, MaxBackoff)
	}
}

// event is what the control loop waits on.
type event struct {
	msg   *ToPIC
	err   error
	tick  bool
	reply *FromPIC // a session walk's answer, to send
}

// session runs one connection: hello, then messages until it breaks. It
// reports whether the PIC got as far as READY.
func (d *Daemon) session(ctx context.Context) (ready bool, err error) {
	cc, err := d.o.Dial()
	if err != nil {
		return false, err
	}
	defer cc.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := ipc.OpenStream[FromPIC, ToPIC](sctx, cc, StreamMethod)
	if err != nil {
		return false, fmt.Errorf("pic: open stream: %w", err)
	}
	if err := st.Send(&FromPIC{Hello: d.hello()}); err != nil {
		return false, fmt.Errorf("pic: hello: %w", err)
	}
	d.setConnected(true)
	defer d.setConnected(false)
	events := make(chan event, 64)
	go func() {
		for {
			m, err := st.Recv()
			select {
			case events <- event{msg: m, err: err}:
			case <-sctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	tick := func() {
		select {
		case events <- event{tick: true}:
		case <-sctx.Done():
		}
	}
	timer := d.o.Clock.AfterFunc(HeartbeatInterval, tick)
	defer func() { timer.Stop() }()
	d.setPost(func(m *FromPIC) {
		select {
		case events <- event{reply: m}:
		case <-sctx.Done():
		}
	})
	defer d.setPost(nil)
	last := d.o.Clock.Now()
	for {
		var ev event
		select {
		case <-ctx.Done():
			return ready, ctx.Err()
		case ev = <-events:
		}
		switch {
		case ev.tick:
			if d.o.Clock.Now().Sub(last) >= DeadAfter*HeartbeatInterval {
				return ready, errors.New("pic: servicesd heartbeat timed out")
			}
			hb := &FromPIC{Heartbeat: true}
			d.mu.Lock() // the runtime changes under mu (withRuntime)
			if d.rt != nil {
				hb.Events = d.rt.reportEvents()
			}
			d.mu.Unlock()
			if err := st.Send(hb); err != nil {
				return ready, err
			}
			timer = d.o.Clock.AfterFunc(HeartbeatInterval, tick)
			continue
		case ev.err != nil:
			return ready, ev.err
		case ev.reply != nil:
			if err := st.Send(ev.reply); err != nil {
				return ready, err
			}
			continue
		}
		last = d.o.Clock.Now()
		out, err := d.handle(ctx, ev.msg)
		if err != nil {
			return ready, err
		}
		for _, m := range out {
			if m.Ready != nil {
				ready = true
			}
			if err := st.Send(m); err != nil {
				return ready, err
			}
		}
	}
}

func (d *Daemon) hello() *Hello {
	h := &Hello{Slot: d.o.Slot, PID: os.Getpid()}
	for _, p := range pic.Plugins() {
		h.Capabilities = append(h.Capabilities, Capability{Plugin: p.Name, Mode: p.Mode.String(), Restart: p.Restart})
	}
	return h
}

func (d *Daemon) setPost(post func(*FromPIC)) {
	d.mu.Lock()
	d.post = post
	d.mu.Unlock()
}

func (d *Daemon) setConnected(v bool) {
	d.mu.Lock()
	d.connected = v
	d.mu.Unlock()
}

// handle processes one message from servicesd and returns the replies.
func (d *Daemon) handle(ctx context.Context, m *ToPIC) ([]*FromPIC, error) {
	switch {
	case m.Superseded:
		return nil, ErrSuperseded
	case m.Heartbeat:
		return nil, nil
	case m.Config != nil:
		return d.configure(ctx, *m.Config)
	case m.StatusReq != 0:
		return d.answer(ctx, m), nil
	}
	out, err := d.withRuntime(ctx, m)
	var rp *errRestartPIC
	if err == nil || !asRestart(err, &rp) {
		return out, err
	}
	d.o.Log.Error("pic: restarting the PIC", "reason", rp.Error())
	// Answer the message that failed, so servicesd's bookkeeping stays
	// exact, then report READY for the resync.
	switch {
	case m.Update != nil:
		out = append(out, &FromPIC{Ack: &Ack{ID: m.Update.ID, Gen: m.Update.Gen, Op: m.Update.Op, Error: rp.Error()}})
	case m.Resync != nil:
		out = append(out, &FromPIC{Synced: m.Resync})
	}
	ready, err := d.restart(ctx, rp.Error())
	return append(out, ready...), err
}

// withRuntime applies a resync marker or an update to the runtime, under
// mu so Status sees a consistent runtime.
func (d *Daemon) withRuntime(ctx context.Context, m *ToPIC) ([]*FromPIC, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	rt := d.rt
	switch {
	case m.Replica != nil:
		d.replicaLocked(ctx, m.Replica)
		return nil, nil
	case rt == nil && m.Update != nil: // offline: nothing is held
		return []*FromPIC{{Ack: &Ack{ID: m.Update.ID, Gen: m.Update.Gen, Op: m.Update.Op, Error: "PIC is offline"}}}, nil
	case rt == nil && m.Resync != nil && m.Resync.End:
		return []*FromPIC{{Synced: m.Resync}}, nil
	case rt == nil:
		return nil, nil
	case m.Resync != nil && m.Resync.Begin:
		rt.BeginResync()
		return nil, nil
	case m.Resync != nil && m.Resync.End:
		acks, err := rt.EndResync(ctx)
		var out []*FromPIC
		for i := range acks {
			out = append(out, &FromPIC{Ack: &acks[i]})
		}
		if err != nil {
			return out, err
		}
		rt.syncLive()
		d.restoreSnapshot(ctx, rt)
		d.restoreCarried(ctx, rt)
		if d.takeoverPending {
			d.takeoverLocked(ctx)
		}
		return append(out, &FromPIC{Synced: m.Resync}), nil
	case m.Update != nil:
		ack, err := rt.Apply(ctx, m.Update)
		if errors.Is(err, errDeferred) {
			return nil, nil // acknowledged at the resync's end
		}
		if err != nil {
			return nil, err
		}
		rt.syncLiveUpdate(m.Update)
		return []*FromPIC{{Ack: &ack}}, nil
	}
	return nil, nil
}

// configure applies the chassis shape and admin state: a changed shape
// restarts the runtime cleanly; every Config is answered with READY (the
// first Config of a connection asks for the resync).
func (d *Daemon) configure(ctx context.Context, cfg Config) ([]*FromPIC, error) {
	d.mu.Lock()
	same := d.rt != nil && reflect.DeepEqual(d.cfg, cfg)
	d.cfg = cfg
	d.mu.Unlock()
	if !cfg.Configured || !cfg.Online {
		return d.stop(map[bool]string{true: "offline", false: "not configured"}[cfg.Configured]), nil
	}
	if same {
		d.mu.Lock()
		inc := d.incarnation
		d.mu.Unlock()
		return []*FromPIC{{Ready: &Ready{Incarnation: inc}}}, nil
	}
	return d.start(ctx, "")
}

// stop drops the runtime.
func (d *Daemon) stop(state string) []*FromPIC {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []*FromPIC
	if d.rt != nil {
		d.o.Log.Info("pic: going offline", "state", state)
		out = d.rt.dropDeferred()
		d.rt.closeLive()
		d.rt.Close(context.Background())
	}
	if d.snapTimer != nil {
		d.snapTimer.Stop()
	}
	d.removeSnapshot() // its sessions are dropped on purpose
	d.rt, d.state, d.fault = nil, "offline", ""
	return out
}

// start builds a new runtime from the current config and reports READY.
func (d *Daemon) start(ctx context.Context, event string) ([]*FromPIC, error) {
	d.mu.Lock()
	cfg := d.cfg
	d.incarnation++
	inc := d.incarnation
	old := d.rt
	d.rt, d.state = nil, "restarting"
	d.mu.Unlock()
	dropped := old.dropDeferred()
	old.closeLive()
	old.Close(ctx)
	rt, err := newRuntime(ctx, d.o.Slot, cfg, inc, d.o.Log, d.o.Clock)
	if err != nil {
		// A plugin that panicked or refused its init, or a shape the data
		// path cannot run: the PIC stays down, says why, and tries again
		// at the next Config.
		d.o.Log.Error("pic: the PIC runtime failed to start; PIC stays offline", "err", err)
		d.mu.Lock()
		d.state, d.fault = "failed", err.Error()
		d.mu.Unlock()
		return append(dropped, &FromPIC{Fault: err.Error()}), nil
	}
	rt.lastEvent = event
	rt.attachLive(d.o.Live)
	d.mu.Lock()
	d.rt, d.state, d.fault = rt, "online", ""
	d.armSnapshot(inc)
	d.mu.Unlock()
	d.o.Log.Info("pic: online", "incarnation", inc, "data-cores", cfg.DataCores, "packages", cfg.Packages)
	return append(dropped, &FromPIC{Ready: &Ready{Incarnation: inc}}), nil
}

// restart restarts the PIC runtime after a fatal plugin failure.
func (d *Daemon) restart(ctx context.Context, why string) ([]*FromPIC, error) {
	d.mu.Lock()
	d.restarts++
	old := d.rt
	d.mu.Unlock()
	d.carryOver(ctx, old)
	return d.start(ctx, why)
}

// Status returns the PIC's state for show commands.
func (d *Daemon) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Status{State: d.state, Incarnation: d.incarnation, Restarts: d.restarts, PID: os.Getpid(),
		DataCores: d.cfg.DataCores, ControlCores: d.cfg.ControlCores, Fault: d.fault}
	if d.o.StateDir != "" {
		snap := d.snap
		s.Snapshot = &snap
	}
	if r := d.restartRestore; r != nil {
		rr := *r
		s.RestartRestore = &rr
	}
	if d.repl.Replicas > 0 || d.repl.Takeovers > 0 {
		repl := d.repl
		s.Replica = &repl
	}
	if rt := d.rt; rt != nil {
		s.SSRBs = rt.Held()
		for i := range s.SSRBs {
			s.SSRBs[i].Sessions = rt.DP.SetSessions(s.SSRBs[i].ID)
		}
		s.Counters = rt.counters
		s.Plugins = rt.pluginStatus()
		s.PolicyDB = rt.DB.Stats()
		s.ObjectCache = rt.Cache.Stats()
		// memory-usage and packet-drops read one counter: packets the data
		// path dropped for memlimit (an allocation that fails without a
		// drop is not one).
		s.ObjectCache.MemlimitDrops = rt.DP.Stats().DropMemlimit
		s.LastEvent = rt.lastEvent
	}
	return s
}

// Runtime returns the current runtime (nil when offline), for in-process
// tests and the data path. Its policy DB and object cache are safe to use
// concurrently; the rest belongs to the control loop.
func (d *Daemon) Runtime() *Runtime {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rt
}

// Connected reports whether the picd has a stream to servicesd.
func (d *Daemon) Connected() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.connected
}
