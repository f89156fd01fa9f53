package picd

import (
	"context"
	"log/slog"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/packetio"
)

// Supervisor runs in-process picds, one per slot, the way `gnos run` and
// `gnos daemon` embed them. Each dials servicesd over the same socket a
// `gnos picd` process would. A picd superseded by another (a separate
// process took the slot) stops, and can be started again later.
//
// Locking: mu guards running.
type Supervisor struct {
	Dial  func() (*grpc.ClientConn, error)
	Clock clock.Clock
	Log   *slog.Logger
	Live  packetio.LiveNet // the live data plane, or nil
	// StateDir is where each picd keeps its session snapshot ("" none).
	StateDir string

	mu      sync.Mutex
	running map[dataplane.Slot]*supervised
	wg      sync.WaitGroup
	closed  bool
}

type supervised struct {
	d      *Daemon
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
}

// Start runs a picd for slot unless one runs already.
func (s *Supervisor) Start(slot dataplane.Slot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.running[slot] != nil {
		return
	}
	if s.running == nil {
		s.running = map[dataplane.Slot]*supervised{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv := &supervised{d: New(Options{Slot: slot, Dial: s.Dial, Clock: s.Clock, Log: s.Log, Live: s.Live, StateDir: s.StateDir}), cancel: cancel, done: make(chan struct{})}
	s.running[slot] = sv
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(sv.done)
		_ = sv.d.Run(ctx)
		s.mu.Lock()
		if s.running[slot] == sv {
			delete(s.running, slot)
		}
		s.mu.Unlock()
	}()
}

// Stop stops the picd of slot, as if its process died: its stream ends
// (a picd with a state directory still writes its last snapshot, as a
// clean stop does). It returns once the picd has stopped.
func (s *Supervisor) Stop(slot dataplane.Slot) {
	s.mu.Lock()
	sv := s.running[slot]
	s.mu.Unlock()
	if sv == nil {
		return
	}
	sv.cancel()
	<-sv.done
}

// Daemon returns the in-process picd of slot, or nil.
func (s *Supervisor) Daemon(slot dataplane.Slot) *Daemon {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sv := s.running[slot]; sv != nil {
		return sv.d
	}
	return nil
}

// Close stops every picd and waits for them.
func (s *Supervisor) Close() {
	s.mu.Lock()
	s.closed = true
	for _, sv := range s.running {
		sv.cancel()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
