package picd

import (
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
)

// tx is the runtime's data plane output: the in-process port (counters,
// captures) and, when the live data plane runs, the TUN queues. Called
// on the core's goroutine.
func (r *Runtime) tx(core int, pkts []*pic.Packet) {
	r.Port.Tx(core, pkts)
	if l := r.live.Load(); l != nil {
		l.Tx(core, pkts)
	}
}

// attachLive starts the live data plane of the runtime (control side).
func (r *Runtime) attachLive(n packetio.LiveNet) {
	if n == nil || r == nil || r.DP == nil {
		return
	}
	r.live.Store(packetio.NewLive(n, r.DP, r.log))
	r.syncLive()
}

// syncLiveUpdate follows one update: a resync waits for its end, and an
// update that does not change what the service-set uses of the live data
// plane (its rules, say) costs nothing. Control side.
func (r *Runtime) syncLiveUpdate(u *Update) {
	l := r.live.Load()
	if l == nil || r.seen != nil {
		return
	}
	if l.Changed(u.ID, r.ssrbs[u.ID]) {
		l.Sync(r.ssrbs)
	}
}

// syncLive follows the SSRBs held: attach to the service interfaces they
// use, detach from the others (control side).
func (r *Runtime) syncLive() {
	if r == nil {
		return
	}
	if l := r.live.Load(); l != nil {
		l.Sync(r.ssrbs)
	}
}

// closeLive stops the live data plane's readers (before the cores stop:
// a reader may be waiting for a core to take its vector).
func (r *Runtime) closeLive() {
	if r == nil {
		return
	}
	if l := r.live.Swap(nil); l != nil {
		l.Close()
	}
}
