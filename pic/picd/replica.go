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
// threshold's minimum age) and answers the records in Status.Saved. The
// secondary receives them in a Replica message and keeps the latest one
// (replacing the one before: each replica is the primary's whole table at
// that moment, so holding one bounds the secondary's memory by the
// primary's save budget). A Replica with Takeover set makes the secondary
// active: it restores the records it carries, or else the one it holds,
// into its data plane, each session idle longer by the replica's age, and
// drops the replica. servicesd sends the takeover after the service-sets'
// adds on the same stream, so they are installed when the records are
// restored; a takeover arriving inside a resync waits for its end.

// MaxReplica bounds the records a secondary holds (servicesd sends at
// most servicesd.MaxReplicaBytes, 32 MiB).
const MaxReplica = 48 << 20

// SaveQuery asks a PIC for its session records (Query.Save).
type SaveQuery struct {
	MaxBytes int           `json:"max-bytes"`
	MinAge   time.Duration `json:"min-age,omitempty"`
}

// SavedRecords answers a SaveQuery.
type SavedRecords struct {
	Records  []byte            `json:"records,omitempty"`
	Sets     map[uint32]string `json:"sets,omitempty"`
	Sessions int               `json:"sessions"`
	Skipped  int               `json:"skipped"`
}

// Replica is servicesd's message carrying a primary's records to the
// secondary, or making the secondary active (Takeover).
type Replica struct {
	Records  []byte            `json:"records,omitempty"`
	Sets     map[uint32]string `json:"sets,omitempty"`
	Sessions int               `json:"sessions"`
	Takeover bool              `json:"takeover,omitempty"`
}

// ReplicaStatus is what the PIC holds and did as a secondary.
type ReplicaStatus struct {
	Sessions  int                     `json:"sessions"` // in the replica held
	Bytes     int                     `json:"bytes"`
	Received  time.Time               `json:"received,omitzero"`
	Replicas  uint64                  `json:"replicas"` // replicas received
	Refused   uint64                  `json:"refused"`  // over MaxReplica
	Takeovers uint64                  `json:"takeovers"`
	Restored  *dataplane.RestoreStats `json:"restored,omitempty"` // the last takeover
	Error     string                  `json:"error,omitempty"`
}

// held is the replica a secondary keeps.
type held struct {
	rep *Replica
	at  time.Time // received, on this PIC's clock
}

// saveQuery is the walk answering Query.Save.
func (r *Runtime) saveQuery(q *SaveQuery) walk {
	return func(ctx context.Context, s *Status) {
		saved, err := r.DP.SaveSessions(ctx, dataplane.SaveOptions{MaxBytes: q.MaxBytes, MinAge: q.MinAge})
		if err != nil {
			s.Error = walkError(err)
			return
		}
		s.Saved = &SavedRecords{Records: saved.Records, Sets: saved.Sets, Sessions: saved.Sessions, Skipped: saved.Skipped}
	}
}

// replica handles a Replica message. Called with d.mu held.
func (d *Daemon) replicaLocked(ctx context.Context, m *Replica) {
	if len(m.Records) > MaxReplica {
		d.repl.Refused++
		d.repl.Error = fmt.Sprintf("replica of %d bytes refused: over %d", len(m.Records), MaxReplica)
		return
	}
	if m.Records != nil || !m.Takeover {
		d.replicaHeld = &held{rep: m, at: d.o.Clock.Now()}
		d.repl.Replicas++
		d.repl.Sessions, d.repl.Bytes, d.repl.Received = m.Sessions, len(m.Records), d.replicaHeld.at
	}
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
	h := d.replicaHeld
	d.replicaHeld = nil
	d.repl.Takeovers++
	d.repl.Sessions, d.repl.Bytes = 0, 0
	if h == nil || d.rt == nil || d.rt.DP == nil {
		d.repl.Restored = &dataplane.RestoreStats{}
		return
	}
	age := max(d.o.Clock.Now().Sub(h.at), 0)
	st, err := d.rt.DP.RestoreSessions(ctx, h.rep.Records, h.rep.Sets, age)
	d.repl.Restored = &st
	d.repl.Error = ""
	if err != nil {
		d.repl.Error = err.Error()
	}
	d.rt.lastEvent = fmt.Sprintf("took over: restored %d replicated sessions", st.Restored)
	d.o.Log.Info("pic: active for a redundant interface: replicated sessions restored", "restored", st.Restored,
		"expired", st.Expired, "no-service-set", st.NoServiceSet, "refused", st.Refused, "age", age, "err", err)
}
