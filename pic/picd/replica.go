package picd

import (
	"context"
	"fmt"
	"time"

	"github.com/gnos/gnos/pic/dataplane"
)

// Replication for redundant services PIC interfaces (rsp0): the PIC side.
//
// A primary is asked for its sessions like any session walk (Query.Save:
// dataplane.SaveSessions, bounded in bytes and by the replication
// threshold's minimum age) and answers the records in Status.Saved: the
// whole table, or a delta (the sessions new or changed since its last
// replication save, the ones closed since, dataplane/replicate.go) when
// servicesd asks one from the base it names and that base is this PIC's
// last replication save; any other base (a lost answer, a restarted
// picd) gets the whole table. The secondary receives them in a Replica
// message: a whole table replaces what it holds, a delta is applied onto
// it (refused, and what is held dropped, when its base is not the last
// replica applied), each record kept with when it arrived
// (dataplane.HeldReplica). A Replica with Takeover set makes the
// secondary active: it restores the records it carries (a planned
// switchover's), or else those it holds, into its data plane, each
// session idle longer by the time since its record arrived, and drops
// the replica. servicesd sends the takeover after the service-sets' adds
// on the same stream, so they are installed when the records are
// restored; a takeover arriving inside a resync waits for its end.

// MaxReplica bounds the records a secondary holds (servicesd sends at
// most servicesd.MaxReplicaBytes, 32 MiB).
const MaxReplica = 48 << 20

// SaveQuery asks a PIC for its session records (Query.Save).
type SaveQuery struct {
	MaxBytes int           `json:"max-bytes"`
	MinAge   time.Duration `json:"min-age,omitempty"`
	// Replicate makes it a replication round's save: the whole table
	// and a new base, or with Delta what changed since the save Base
	// names (Seq of its answer).
	Replicate bool   `json:"replicate,omitempty"`
	Stream    string `json:"stream,omitempty"` // the replication stream (the rsp interface): its own delta base
	Delta     bool   `json:"delta,omitempty"`
	Base      uint64 `json:"base,omitempty"`
	// OnlySets limits the save to the sessions of the service-sets Sets
	// (an rsp interface's; none when Sets is empty).
	OnlySets bool     `json:"only-sets,omitempty"`
	Sets     []uint32 `json:"sets,omitempty"`
}

// SavedRecords answers a SaveQuery.
type SavedRecords struct {
	Records   []byte            `json:"records,omitempty"`
	Sets      map[uint32]string `json:"sets,omitempty"`
	Sessions  int               `json:"sessions"`
	Skipped   int               `json:"skipped"`
	Delta     bool              `json:"delta,omitempty"`     // else the whole table
	Full      uint64            `json:"full,omitempty"`      // a delta's cores answered in full
	Gone      []uint32          `json:"gone,omitempty"`      // a delta's closed sessions
	Unchanged int               `json:"unchanged,omitempty"` // left out of a delta as unchanged
	Seq       uint64            `json:"seq,omitempty"`       // a replication save's number
}

// Replica is servicesd's message carrying a primary's records to the
// secondary (the whole table, or a Delta onto the replica Base), or
// making the secondary active (Takeover).
type Replica struct {
	Records  []byte            `json:"records,omitempty"`
	Sets     map[uint32]string `json:"sets,omitempty"`
	Sessions int               `json:"sessions"`
	Takeover bool              `json:"takeover,omitempty"`
	Carried  bool              `json:"carried,omitempty"` // a takeover carries the records (a planned switchover's, maybe none)
	Delta    bool              `json:"delta,omitempty"`
	Full     uint64            `json:"full,omitempty"`
	Gone     []uint32          `json:"gone,omitempty"`
	Seq      uint64            `json:"seq,omitempty"`
	Base     uint64            `json:"base,omitempty"`
}

// ReplicaStatus is what the PIC holds and did as a secondary.
type ReplicaStatus struct {
	Sessions  int                     `json:"sessions"` // in the replica held
	Bytes     int                     `json:"bytes"`
	Received  time.Time               `json:"received,omitzero"`
	Replicas  uint64                  `json:"replicas"` // replicas received
	Deltas    uint64                  `json:"deltas"`   // of which deltas
	Refused   uint64                  `json:"refused"`  // over MaxReplica
	Takeovers uint64                  `json:"takeovers"`
	Restored  *dataplane.RestoreStats `json:"restored,omitempty"` // the last takeover
	Error     string                  `json:"error,omitempty"`
}

// saveQuery is the walk answering Query.Save.
func (r *Runtime) saveQuery(q *SaveQuery) walk {
	return func(ctx context.Context, s *Status) {
		o := dataplane.SaveOptions{MaxBytes: q.MaxBytes, MinAge: q.MinAge}
		if q.OnlySets {
			o.Sets = make(map[uint32]bool, len(q.Sets))
			for _, id := range q.Sets {
				o.Sets[id] = true
			}
		}
		if q.Replicate {
			o.Replication = dataplane.ReplFull
			o.Stream = q.Stream
			if q.Delta && q.Base != 0 && q.Base == r.DP.ReplicationSeq(q.Stream) {
				o.Replication = dataplane.ReplDelta
			}
		}
		saved, err := r.DP.SaveSessions(ctx, o)
		if err != nil {
			s.Error = walkError(err)
			return
		}
		s.Saved = &SavedRecords{Records: saved.Records, Sets: saved.Sets, Sessions: saved.Sessions, Skipped: saved.Skipped,
			Delta: saved.Delta, Full: saved.Full, Gone: saved.Gone, Unchanged: saved.Unchanged, Seq: saved.Seq}
	}
}

// replicaLocked handles a Replica message. Called with d.mu held.
func (d *Daemon) replicaLocked(ctx context.Context, m *Replica) {
	now := d.o.Clock.Now()
	switch {
	case m.Takeover && !m.Carried: // restore what is held
	case m.Delta && (m.Base == 0 || m.Base != d.replica.Seq):
		d.repl.Refused++
		d.repl.Error = fmt.Sprintf("delta replica on base %d refused: the replica held is %d", m.Base, d.replica.Seq)
		d.replica = dataplane.HeldReplica{}
	default:
		err := d.replica.Apply(dataplane.ReplicaUpdate{Records: m.Records, Sets: m.Sets, Delta: m.Delta, Full: m.Full, Gone: m.Gone, Seq: m.Seq}, now)
		switch {
		case err != nil:
			d.repl.Refused++
			d.repl.Error = fmt.Sprintf("replica refused: %v", err)
			d.replica = dataplane.HeldReplica{}
		case d.replica.Bytes() > MaxReplica:
			d.repl.Refused++
			d.repl.Error = fmt.Sprintf("replica of %d bytes refused: over %d", d.replica.Bytes(), MaxReplica)
			d.replica = dataplane.HeldReplica{}
		default:
			d.repl.Replicas++
			if m.Delta {
				d.repl.Deltas++
			}
			d.repl.Received = now
			d.repl.Error = ""
		}
	}
	d.repl.Sessions, d.repl.Bytes = d.replica.Sessions(), d.replica.Bytes()
	if !m.Takeover {
		return
	}
	if d.rt == nil || d.rt.resyncing() {
		d.takeoverPending = true
		return
	}
	d.takeoverLocked(ctx)
}

// takeoverLocked restores the held replica into the data plane. Called
// with d.mu held.
func (d *Daemon) takeoverLocked(ctx context.Context) {
	d.takeoverPending = false
	h := d.replica
	d.replica = dataplane.HeldReplica{}
	d.repl.Takeovers++
	d.repl.Sessions, d.repl.Bytes = 0, 0
	if h.Sessions() == 0 || d.rt == nil || d.rt.DP == nil {
		d.repl.Restored = &dataplane.RestoreStats{}
		return
	}
	st, err := d.rt.DP.RestoreSessions(ctx, h.Records(d.o.Clock.Now()), h.Sets(), 0)
	d.repl.Restored = &st
	d.repl.Error = ""
	if err != nil {
		d.repl.Error = err.Error()
	}
	d.rt.lastEvent = fmt.Sprintf("took over: restored %d replicated sessions", st.Restored)
	d.o.Log.Info("pic: active for a redundant interface: replicated sessions restored", "restored", st.Restored,
		"expired", st.Expired, "no-service-set", st.NoServiceSet, "refused", st.Refused, "err", err)
}
