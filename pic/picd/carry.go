package picd

import (
	"context"
	"fmt"
	"time"

	"github.com/gnos/gnos/pic/dataplane"
)

// Sessions across a PIC runtime restart. A plugin without restart
// support that panics in its control handler restarts the whole PIC
// runtime (Daemon.restart): a new data plane, the plugins from EvInit,
// a resync. The data cores of the old runtime were not at fault (a data
// handler's panic only drops its packet), so before the old runtime
// closes, its sessions are saved (the records of a snapshot, bounded as
// a snapshot is) and carried over in memory; at the end of the new
// runtime's first resync, with its service-sets installed, they are
// restored, each idle longer by the restart's duration, under the
// policies the new runtime holds (a session the new policy refuses is
// dropped, as after a crash). Control handlers' HA blobs are not
// carried: the panicking handler's state is what is in doubt, and the
// others rebuild theirs from their policies at EvInit.
//
// When the old runtime's cores do not answer the save (bounded by
// QueryTimeout), the snapshot file is restored instead, when there is
// one: the state of at most SnapshotInterval ago.

// carried is what a restart saved for the next runtime.
type carried struct {
	saved dataplane.Saved
	at    time.Time
}

// RestartRestore is what the last restart's restore did (Status).
type RestartRestore struct {
	Saved    int                     `json:"saved"` // sessions saved from the old runtime
	Restored *dataplane.RestoreStats `json:"restored,omitempty"`
	Error    string                  `json:"error,omitempty"`
}

// carryOver saves the sessions of rt, the runtime about to be replaced
// after a fatal plugin failure.
func (d *Daemon) carryOver(ctx context.Context, rt *Runtime) {
	if rt == nil || rt.DP == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	saved, err := rt.DP.SaveSessions(ctx, dataplane.SaveOptions{MaxBytes: d.maxSnapshot()})
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.restartRestore = &RestartRestore{Error: fmt.Sprintf("sessions not saved before the restart: %v", err)}
		d.restorePending = d.o.StateDir != "" // the snapshot file, then
		d.o.Log.Error("pic: sessions not saved before the PIC restart", "err", err, "snapshot", d.restorePending)
		return
	}
	d.carry = &carried{saved: saved, at: d.o.Clock.Now()}
	d.restartRestore = &RestartRestore{Saved: saved.Sessions}
}

// restoreCarried restores what carryOver saved into rt, once, at the end
// of its first resync. Called with d.mu held.
func (d *Daemon) restoreCarried(ctx context.Context, rt *Runtime) {
	c := d.carry
	if c == nil {
		return
	}
	d.carry = nil
	age := max(d.o.Clock.Now().Sub(c.at), 0)
	st, err := rt.DP.RestoreSessions(ctx, c.saved.Records, c.saved.Sets, age)
	d.restartRestore.Restored = &st
	if err != nil {
		d.restartRestore.Error = err.Error()
	}
	rt.lastEvent = fmt.Sprintf("restored %d sessions after the PIC restart", st.Restored)
	d.o.Log.Info("pic: sessions restored after the PIC restart", "restored", st.Restored, "expired", st.Expired,
		"no-service-set", st.NoServiceSet, "refused", st.Refused, "err", err)
}
