package dataplane

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"time"
)

// Delta replication (rsp0 hot-standby). A replication save is either
// full (every session, as a snapshot's) or a delta: the sessions new or
// with a packet since the last replication save (or crossing the
// replication threshold since), plus the identifiers of the sessions
// that closed since. Each core keeps its own base, on its own goroutine:
// the core time its last replication save began there (mark) and the
// log of sessions closed since (gone, appended by Core.close once a
// replication save has happened, bounded by MaxGone). A core whose log
// overflowed, or whose delta did not fit the byte budget, answers its
// part of the next delta in full, and says so (Saved.Full): the standby
// then replaces what it holds of that core. A session's identifier
// names it on the standby (it is unique on the PIC among live sessions
// and its top bits are its core, sessionID).
//
// Bases are per replication stream (SaveOptions.Stream: servicesd names
// it after the rsp interface), so that two rsp interfaces whose active
// member is this PIC each get their deltas; a core logs each close once
// per stream.
//
// A session changes with every packet (counters, idle time), so an
// active session is sent each round; what a delta saves is the idle
// ones, which a standby ages by the time since their record arrived
// (HeldReplica.Records).

// ReplMode is how a save serves replication.
type ReplMode uint8

const (
	ReplNone  ReplMode = iota // a save apart from replication (snapshot, switchover): the base is left as it is
	ReplFull                  // every session, and a new base on every core
	ReplDelta                 // what changed since the base, and a new base
)

// MaxGone bounds the log of closed sessions a core keeps between two
// replication saves (1 MiB of identifiers); past it, the core's next
// delta is full.
const MaxGone = 1 << 18

// coreRepl is a core's replication base.
type coreRepl struct {
	on       bool  // a replication save happened: closes are logged
	overflow bool  // the log overflowed, or a delta was cut: the next save is full
	mark     int64 // core time the last replication save began on the core
	gone     []uint32
}

// noteGone logs a closed session for each stream's next delta. On the
// core.
func (c *Core) noteGone(s *Session) {
	for _, r := range c.dp.repl[c.id] {
		if !r.on || r.overflow {
			continue
		}
		if len(r.gone) >= MaxGone {
			r.overflow, r.gone = true, nil
			continue
		}
		r.gone = append(r.gone, s.id)
	}
}

// streamBase is the core's base of a replication stream (made on first
// use). On the core.
func (c *Core) streamBase(stream string) *coreRepl {
	r := c.dp.repl[c.id][stream]
	if r == nil {
		r = &coreRepl{}
		c.dp.repl[c.id][stream] = r
	}
	return r
}

// replBase starts a replication save of stream on the core: it returns
// the previous mark and whether this core's part is full, appends the
// log of closed sessions to gone (a delta) and starts a new base.
func (c *Core) replBase(mode ReplMode, stream string, gone *[]uint32) (since int64, full bool) {
	r := c.streamBase(stream)
	since, full = r.mark, mode == ReplFull || !r.on || r.overflow
	if !full {
		*gone = append(*gone, r.gone...)
	}
	r.on, r.overflow, r.mark, r.gone = true, false, c.now, r.gone[:0]
	return since, full
}

// changedSince reports whether a delta from since carries s: a packet
// since (a new session's first packet too; at since itself, since a
// vector after the last save may have run at the same core time), or
// the threshold minAge reached after since (a session too young for the
// last save).
func (s *Session) changedSince(since int64, minAge time.Duration) bool {
	return s.last >= since || int64(s.startSec)*int64(time.Second)+int64(minAge) > since
}

// ReplicationSeq is the Saved.Seq of stream's last replication save,
// which the next delta's base must name (picd checks it); 0 before one.
func (dp *Dataplane) ReplicationSeq(stream string) uint64 {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	return dp.streams[stream]
}

// beginReplication numbers a replication save of stream.
func (dp *Dataplane) beginReplication(stream string) uint64 {
	seq := dp.replSeq.Add(1)
	dp.mu.Lock()
	if dp.streams == nil {
		dp.streams = map[string]uint64{}
	}
	dp.streams[stream] = seq
	dp.mu.Unlock()
	return seq
}

// HeldReplica is what a standby holds of its primary's sessions: each
// session's latest record by its identifier, with when it arrived.
// Not safe for concurrent use.
type HeldReplica struct {
	recs  map[uint32]heldRecord
	sets  map[uint32]string
	bytes int
	Seq   uint64 // the Saved.Seq of the last replica applied
}

type heldRecord struct {
	b  []byte
	at time.Time
}

// ReplicaUpdate is one replica as the primary saved it.
type ReplicaUpdate struct {
	Records []byte
	Sets    map[uint32]string
	Delta   bool     // else the whole table: what was held goes
	Full    uint64   // a delta's cores answered in full (bit per core)
	Gone    []uint32 // a delta's closed sessions
	Seq     uint64
}

// Apply applies a replica received at at. A record that does not
// decode stops it with ErrBadRecord after what came before.
func (h *HeldReplica) Apply(u ReplicaUpdate, at time.Time) error {
	if h.recs == nil || !u.Delta {
		h.recs, h.sets, h.bytes = map[uint32]heldRecord{}, map[uint32]string{}, 0
	}
	if u.Full != 0 {
		for id, r := range h.recs {
			if u.Full&(1<<(id>>26)) != 0 {
				h.bytes -= len(r.b)
				delete(h.recs, id)
			}
		}
	}
	for _, id := range u.Gone {
		if r, ok := h.recs[id]; ok {
			h.bytes -= len(r.b)
			delete(h.recs, id)
		}
	}
	maps.Copy(h.sets, u.Sets)
	h.Seq = u.Seq
	for b := u.Records; len(b) > 0; {
		r, rest, err := nextRecord(b)
		if err != nil {
			return err
		}
		rec := append([]byte(nil), b[:len(b)-len(rest)]...)
		if old, ok := h.recs[r.id]; ok {
			h.bytes -= len(old.b)
		}
		h.recs[r.id] = heldRecord{b: rec, at: at}
		h.bytes += len(rec)
		b = rest
	}
	return nil
}

// Sessions is the number of sessions held; Bytes their records' size.
func (h *HeldReplica) Sessions() int { return len(h.recs) }

// Bytes is the size of the records held.
func (h *HeldReplica) Bytes() int { return h.bytes }

// Sets is the service-sets the records belong to (id → name).
func (h *HeldReplica) Sets() map[uint32]string { return h.sets }

// Records returns the records held, each one's idle time and age grown
// by the time since it arrived (to now), for RestoreSessions with no
// further elapsed time.
func (h *HeldReplica) Records(now time.Time) []byte {
	out := make([]byte, 0, h.bytes)
	for _, r := range h.recs {
		n := len(out)
		out = append(out, r.b...)
		ageRecord(out[n:], max(now.Sub(r.at), 0))
	}
	return out
}

// Offsets in an encoded record (after its u16 length) of the idle time
// (u64 ns) and the age (u32 s): see the record's layout in state.go.
const (
	recIdleOff = 2 + 4 + 4 + 2*keyBytes + 32 + 4 + 4
	recAgeOff  = recIdleOff + 8
)

// ageRecord adds d (not negative) to an encoded record's idle time and
// age, saturating (a record idle that long is expired at the restore).
func ageRecord(b []byte, d time.Duration) {
	idle := int64(binary.LittleEndian.Uint64(b[recIdleOff:]))
	idle = min(idle, math.MaxInt64-int64(d)) + int64(d)
	binary.LittleEndian.PutUint64(b[recIdleOff:], uint64(idle))
	age := uint64(binary.LittleEndian.Uint32(b[recAgeOff:])) + uint64(d/time.Second)
	binary.LittleEndian.PutUint32(b[recAgeOff:], uint32(min(age, math.MaxUint32)))
}

// String sums up the replica held (logs).
func (h *HeldReplica) String() string {
	return fmt.Sprintf("%d sessions, %d bytes, seq %d", len(h.recs), h.bytes, h.Seq)
}
