package servicesd

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// Register adds the PIC stream service and the query API to a gRPC server.
func (s *Servicesd) Register(g *grpc.Server) {
	s.registerAPI(g)
	s.registerPIC(g)
}

// registerPIC adds the PIC stream service alone.
func (s *Servicesd) registerPIC(g *grpc.Server) {
	g.RegisterService(&grpc.ServiceDesc{
		ServiceName: picd.ServiceName,
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName: "PIC", ClientStreams: true, ServerStreams: true,
			Handler: func(_ any, st grpc.ServerStream) error { return s.serve(st) },
		}},
	}, nil)
}

// conn is one picd's stream.
//
// Locking: mu guards the fields under it. Lock order: Servicesd.mu, then
// conn.mu.
type conn struct {
	slot   dataplane.Slot
	hello  picd.Hello
	peer   string            // "" on the Unix socket; a picd of another host: "ADDRESS (CERTIFICATE NAME, serial S)"
	cert   *x509.Certificate // a picd of another host: its certificate
	cancel context.CancelFunc
	wake   chan struct{} // cap 1: the writer has work
	since  time.Time
	last   atomic.Int64 // unix nanos of the last message received

	mu          sync.Mutex
	queue       []*picd.ToPIC
	ready       bool   // READY received: incremental updates flow
	resyncs     uint64 // resyncs started
	synced      uint64 // resyncs the PIC finished
	outstanding int    // updates sent and not yet acknowledged
	incarnation uint64
	acked       map[uint32]uint64 // id → generation acknowledged
	acks        uint64
	stale       uint64
	errors      uint64
	lastError   string
	statusWait  map[uint64]chan *picd.Status
	statusSeq   uint64
	refused     map[uint32]refusal // service-sets the PIC refused and has not taken since (alarms.go)
	fault       string             // the PIC could not start its runtime (picd's Fault), until READY
	faultAt     time.Time
	endReason   string // why servicesd dropped the stream, for the alarm
}

func (c *conn) enqueue(m *picd.ToPIC) {
	c.mu.Lock()
	c.queue = append(c.queue, m)
	if m.Update != nil {
		c.outstanding++
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *conn) isReady() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

// serve runs one PIC stream: hello, Config, then messages until the stream
// breaks, the heartbeat times out, or another picd takes the slot.
func (s *Servicesd) serve(st grpc.ServerStream) error {
	var first picd.FromPIC
	if err := st.RecvMsg(&first); err != nil {
		return err
	}
	if first.Hello == nil {
		return errors.New("servicesd: a PIC stream must start with hello")
	}
	if err := checkPeerSlot(st, first.Hello); err != nil {
		s.o.Log.Warn("servicesd: PIC refused", "pic", first.Hello.Slot.String(), "error", err)
		return status.Error(codes.PermissionDenied, err.Error())
	}
	// A servicesd that just started knows no service-set until its first
	// Apply: a PIC resynced before it would be told to hold nothing and
	// sweep the service-sets (and sessions) it kept across the restart.
	select {
	case <-s.applied:
	default:
		s.o.Log.Info("servicesd: PIC waits for the configuration to be applied", "pic", first.Hello.Slot.String())
		select {
		case <-s.applied:
		case <-st.Context().Done():
			return st.Context().Err()
		}
	}
	ctx, cancel := context.WithCancel(st.Context())
	defer cancel()
	c := &conn{slot: first.Hello.Slot, hello: *first.Hello, peer: peerAddr(st), cancel: cancel, wake: make(chan struct{}, 1),
		since: s.o.Clock.Now(), acked: map[uint32]uint64{}, refused: map[uint32]refusal{},
		statusWait: map[uint64]chan *picd.Status{}}
	c.cert, _ = ipc.PeerCertificate(st.Context())
	c.last.Store(s.o.Clock.Now().UnixNano())
	s.mu.Lock()
	if standsDown(c.hello, c.peer, s.conns[c.slot]) {
		s.mu.Unlock()
		s.o.Log.Info("servicesd: a picd process holds the slot; the in-process picd stands down", "pic", c.slot.String())
		return st.SendMsg(&picd.ToPIC{Superseded: true})
	}
	if old := s.conns[c.slot]; old != nil {
		s.o.Log.Warn("servicesd: a new picd took the slot; superseding the old one", "pic", c.slot.String(),
			"old-pid", old.hello.PID, "pid", c.hello.PID)
		old.enqueue(&picd.ToPIC{Superseded: true})
	}
	s.conns[c.slot] = c
	if s.down[c.slot].booting {
		delete(s.down, c.slot) // it came up; one that went down stays alarmed until in sync
	}
	c.enqueue(&picd.ToPIC{Config: s.configLocked(c.slot)})
	s.mu.Unlock()
	s.broadcast()
	s.o.Log.Info("servicesd: PIC connected", "pic", c.slot.String(), "pid", c.hello.PID)
	defer func() {
		s.mu.Lock()
		if s.conns[c.slot] == c {
			delete(s.conns, c.slot)
			if _, configured := s.pics[c.slot]; configured {
				c.mu.Lock()
				reason := c.endReason
				c.mu.Unlock()
				if reason == "" {
					reason = "connection to picd lost"
				}
				s.picDownLocked(c.slot, reason, false)
				s.failoverLocked(c.slot, reason)
			}
		}
		s.mu.Unlock()
		s.o.Log.Info("servicesd: PIC disconnected", "pic", c.slot.String(), "pid", c.hello.PID)
	}()

	werr := make(chan error, 1)
	go func() { werr <- c.write(ctx, st) }()
	hb := s.heartbeat(ctx, c)
	defer hb()
	recv := make(chan error, 1)
	go func() { recv <- s.read(ctx, c, st) }()
	select {
	case err := <-recv:
		if err == io.EOF {
			return nil
		}
		return err
	case err := <-werr:
		return err
	case <-ctx.Done():
		return nil
	}
}

// write sends the queue in order.
func (c *conn) write(ctx context.Context, st grpc.ServerStream) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		}
		c.mu.Lock()
		q := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, m := range q {
			if err := st.SendMsg(m); err != nil {
				return err
			}
			if m.Superseded {
				c.cancel()
				return nil
			}
		}
	}
}

// heartbeat sends a heartbeat every interval and drops the stream when the
// PIC has been silent for DeadAfter intervals. It returns a stop function.
func (s *Servicesd) heartbeat(ctx context.Context, c *conn) func() {
	var mu sync.Mutex
	stopped := false
	var t interface{ Stop() bool }
	var tick func()
	tick = func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil {
			return
		}
		if s.o.Clock.Now().UnixNano()-c.last.Load() >= int64(picd.DeadAfter*picd.HeartbeatInterval) {
			s.o.Log.Warn("servicesd: PIC heartbeat timed out", "pic", c.slot.String())
			c.mu.Lock()
			c.endReason = "heartbeat timed out"
			c.mu.Unlock()
			c.cancel()
			return
		}
		c.enqueue(&picd.ToPIC{Heartbeat: true})
		t = s.o.Clock.AfterFunc(picd.HeartbeatInterval, tick)
	}
	mu.Lock()
	t = s.o.Clock.AfterFunc(picd.HeartbeatInterval, tick)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// read handles the PIC's messages.
func (s *Servicesd) read(ctx context.Context, c *conn, st grpc.ServerStream) error {
	for {
		var m picd.FromPIC
		if err := st.RecvMsg(&m); err != nil {
			return err
		}
		c.last.Store(s.o.Clock.Now().UnixNano())
		switch {
		case m.Heartbeat:
			if why := s.certGone(c); why != "" { // revoked or expired while connected
				s.o.Log.Warn("servicesd: dropping PIC: its certificate is no longer good", "pic", c.slot.String(), "reason", why)
				c.mu.Lock()
				c.endReason = why
				c.mu.Unlock()
				return nil
			}
			s.logPICEvents(c.slot, m.Events)
		case m.Ready != nil:
			s.resync(c, m.Ready.Incarnation)
		case m.Ack != nil:
			s.ack(c, m.Ack)
		case m.Synced != nil:
			c.mu.Lock()
			c.synced++
			inSync := c.ready && c.synced == c.resyncs
			c.mu.Unlock()
			if inSync {
				s.picUp(c)
				s.mu.Lock()
				if s.conns[c.slot] == c {
					s.standbyUpLocked(c.slot)
				}
				s.mu.Unlock()
			}
			s.broadcast()
		case m.Fault != "":
			c.mu.Lock()
			if c.fault == "" {
				c.faultAt = s.o.Clock.Now()
			}
			c.fault = m.Fault
			clear(c.refused) // the PIC holds nothing: the fault is the alarm
			c.mu.Unlock()
			s.picUp(c) // it answers: not "not responding"
			s.o.Log.Error("servicesd: PIC failed to start", "pic", c.slot.String(), "error", m.Fault)
			s.broadcast()
		case m.Status != nil:
			c.mu.Lock()
			ch := c.statusWait[m.Status.Req]
			delete(c.statusWait, m.Status.Req)
			c.mu.Unlock()
			if ch != nil {
				ch <- m.Status
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// resync sends the PIC every SSRB it owns, bracketed by Resync markers.
// Holding mu orders it with Apply: later commits queue after it.
func (s *Servicesd) resync(c *conn, incarnation uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ups []*picd.ToPIC
	for _, st := range s.sets {
		if slotOfSSRB(st.ssrb) == c.slot {
			ups = append(ups, &picd.ToPIC{Update: &picd.Update{Op: picd.OpAdd, ID: st.ssrb.ID, Name: st.ssrb.Name,
				Gen: st.ssrb.Gen, SSRB: st.ssrb}})
		}
	}
	sort.Slice(ups, func(i, j int) bool { return ups[i].Update.ID < ups[j].Update.ID })
	c.mu.Lock()
	c.ready = true
	c.resyncs++
	c.incarnation = incarnation
	c.fault = ""
	for id := range c.refused { // the resync answers for those it re-sends
		if _, ok := slices.BinarySearchFunc(ups, id, func(m *picd.ToPIC, id uint32) int { return cmp.Compare(m.Update.ID, id) }); !ok {
			delete(c.refused, id)
		}
	}
	c.queue = append(c.queue, &picd.ToPIC{Resync: &picd.Resync{Begin: true, Count: len(ups)}})
	c.queue = append(c.queue, ups...)
	c.outstanding += len(ups)
	c.queue = append(c.queue, &picd.ToPIC{Resync: &picd.Resync{End: true, Count: len(ups)}})
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	s.o.Log.Info("servicesd: resyncing PIC", "pic", c.slot.String(), "ssrbs", len(ups), "incarnation", incarnation)
}

func (s *Servicesd) ack(c *conn, a *picd.Ack) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acks++
	c.outstanding--
	if a.Stale {
		c.stale++
	}
	if a.Error != "" {
		c.errors++
		c.lastError = fmt.Sprintf("service-set id %d generation %d: %s", a.ID, a.Gen, a.Error)
		s.o.Log.Error("servicesd: PIC refused an update", "pic", c.slot.String(), "id", a.ID, "gen", a.Gen, "error", a.Error)
	}
	if a.ID != 0 && a.ID <= dataplane.MaxServiceSetID {
		c.noteAck(a, s.o.Clock.Now())
	}
	if a.Gen > c.acked[a.ID] && a.ID != 0 && a.ID <= dataplane.MaxServiceSetID { // a confused picd cannot grow the map without bound
		c.acked[a.ID] = a.Gen
	}
	s.broadcast()
}

// WaitAck waits until the PIC at slot acknowledged generation gen (or a
// later one) of service-set id, waiting for the PIC to connect if needed.
func (s *Servicesd) WaitAck(ctx context.Context, slot dataplane.Slot, id uint32, gen uint64) error {
	if err := s.waitConn(ctx, slot, func(c *conn) bool { return c.acked[id] >= gen }); err != nil {
		return fmt.Errorf("servicesd: waiting for %s to acknowledge generation %d of service-set id %d: %w", slot, gen, id, err)
	}
	return nil
}

// WaitSynced waits until the PIC at slot is connected, READY, has
// finished every resync and acknowledged every update sent to it.
func (s *Servicesd) WaitSynced(ctx context.Context, slot dataplane.Slot) error {
	if err := s.waitConn(ctx, slot, func(c *conn) bool {
		return c.ready && c.synced == c.resyncs && c.outstanding == 0
	}); err != nil {
		return fmt.Errorf("servicesd: waiting for %s to be in sync: %w", slot, err)
	}
	return nil
}

// waitConn waits until the PIC at slot is connected and done (called with
// the connection's lock held) holds, or ctx ends (its error).
func (s *Servicesd) waitConn(ctx context.Context, slot dataplane.Slot, done func(*conn) bool) error {
	for {
		wait := s.signal()
		s.mu.Lock()
		c := s.conns[slot]
		s.mu.Unlock()
		if c != nil {
			c.mu.Lock()
			ok := done(c)
			c.mu.Unlock()
			if ok {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wait:
		}
	}
}

// signal returns a channel closed at the next connection or ack.
func (s *Servicesd) signal() <-chan struct{} {
	s.bmu.Lock()
	defer s.bmu.Unlock()
	if s.bcast == nil {
		s.bcast = make(chan struct{})
	}
	return s.bcast
}

func (s *Servicesd) broadcast() {
	s.bmu.Lock()
	defer s.bmu.Unlock()
	if s.bcast != nil {
		close(s.bcast)
		s.bcast = nil
	}
}

// PICStatus asks the PIC at slot for its status.
func (s *Servicesd) PICStatus(ctx context.Context, slot dataplane.Slot) (*picd.Status, error) {
	return s.PICQuery(ctx, slot, nil)
}

// PICQuery asks the PIC at slot for its status and what q asks for
// (sessions, or clearing them).
func (s *Servicesd) PICQuery(ctx context.Context, slot dataplane.Slot, q *picd.Query) (*picd.Status, error) {
	s.mu.Lock()
	c := s.conns[slot]
	s.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("servicesd: %s: %w", slot, errNotConnected)
	}
	ch := make(chan *picd.Status, 1)
	c.mu.Lock()
	c.statusSeq++
	seq := c.statusSeq
	c.statusWait[seq] = ch
	c.mu.Unlock()
	c.enqueue(&picd.ToPIC{StatusReq: seq, Query: q})
	ctx, cancel := context.WithTimeout(ctx, QueryWait)
	defer cancel()
	select {
	case st := <-ch:
		if st.Error != "" {
			return st, fmt.Errorf("%s: %s", slot, st.Error)
		}
		return st, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.statusWait, seq)
		c.mu.Unlock()
		return nil, fmt.Errorf("%s did not answer within %v: %w", slot, QueryWait, ctx.Err())
	}
}

// QueryWait is how long servicesd waits for a PIC's answer to a query.
const QueryWait = 2 * time.Second

// errNotConnected is PICQuery's error for a PIC without a stream.
var errNotConnected = errors.New("not connected")

// reconfigureLocked sends a connected PIC its new shape or admin state.
// The PIC answers with READY (after restarting its runtime when the shape
// changed) and is resynced: until then it is not ready, so updates wait
// for the resync and nobody sees it in sync on the old runtime's acks.
// s.mu held.
func (s *Servicesd) reconfigureLocked(c *conn) {
	c.mu.Lock()
	c.ready = false
	c.mu.Unlock()
	c.enqueue(&picd.ToPIC{Config: s.configLocked(c.slot)})
}

// SetOnline takes a PIC offline or back online (request chassis pic).
func (s *Servicesd) SetOnline(_ context.Context, slot dataplane.Slot, online bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pics[slot]; !ok {
		return errkind.Errorf(errkind.NotFound, "servicesd: fpc %d pic %d is not a configured services PIC", slot.FPC, slot.PIC)
	}
	if s.offline[slot] == !online {
		return nil
	}
	s.offline[slot] = !online
	if !online {
		s.failoverLocked(slot, "PIC taken offline")
	}
	if c := s.conns[slot]; c != nil {
		s.reconfigureLocked(c)
	} else if online {
		s.picDownLocked(slot, "picd not connected", true)
	}
	s.o.Log.Info("servicesd: PIC admin state changed", "pic", slot.String(), "online", online)
	return nil
}

// logPICEvents writes a PIC's plugin messages to the system log, as
// Junos writes a services PIC's: origin "(FPC Slot F, PIC Slot P)
// {service-set}[FWNAT]", the plugin's tag, facility daemon.
func (s *Servicesd) logPICEvents(slot dataplane.Slot, evs []picd.PICEvent) {
	for _, ev := range evs {
		origin := fmt.Sprintf("(FPC Slot %d, PIC Slot %d)", slot.FPC, slot.PIC)
		if ev.ServiceSet != "" {
			origin += " {" + ev.ServiceSet + "}[FWNAT]"
		}
		s.o.Log.Log(context.Background(), slog.Level(ev.Level), ev.Text, "tag", ev.Tag, "facility", "daemon",
			"process", "picd", "origin", origin, "plugin", ev.Plugin)
	}
}
