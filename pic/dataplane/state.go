package dataplane

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Session state that survives: saving a data plane's sessions into
// records and restoring them into another data plane (the same PIC after
// a crash, from its snapshot; a secondary PIC, from replication). A
// record holds the session core, which the data path owns (both keys,
// counters, TCP state, timeouts, how long it has been idle and open), and
// one HA state blob per plugin of its chain that keeps state
// (SessionSaver): the two halves of the SDK's HA state event.
//
// Saving walks each core's list of live sessions a slice at a time
// (WalkSessions, as a session query does), so a core pauses for one
// slice at most; restoring hands each core its sessions in slices of the
// same size. Both are bounded: Save stops at a byte budget (the sessions
// it leaves out are counted), and a plugin's blob is at most
// MaxStateBlob bytes (a larger one leaves the session out).

// MaxStateBlob bounds one plugin's HA state blob for one session.
const MaxStateBlob = 255

// SessionSaver is implemented by data handlers that keep per-session
// state (extension handles, the session word). Both methods run on the
// session's data core, between vectors, with c.Session and c.Policy set
// (c.Packet nil); like every data event they must not block.
//
// SaveSession appends the plugin's state of c.Session to b (at most
// MaxStateBlob bytes) and returns the extended slice; appending nothing
// says the plugin keeps no state for this session. It must not change
// the session.
//
// RestoreSession rebuilds that state on a session being restored, from
// the blob SaveSession wrote (nil when the plugin saved nothing, or was
// not in the session's chain when it was saved), before the session
// enters the table: no packet of the session has been seen by this data
// plane, and no EvSessionOpen follows. OK restores; Drop refuses the
// session (its state cannot be rebuilt under the current policy: the
// rule that accepted it is gone, its NAT address was taken);
// DropMemlimit refuses it for want of object cache. A refused session
// gets EvSessionDestroy from every plugin that restored it, the refusing
// one included, as a refused first packet does.
type SessionSaver interface {
	SaveSession(c *DataCtx, b []byte) []byte
	RestoreSession(c *DataCtx, blob []byte) Result
}

// Saved is what SaveSessions took: the records, back to back, and the
// service-sets they belong to (id → name, for reconciliation).
type Saved struct {
	Records  []byte
	Sets     map[uint32]string
	Sessions int // records
	Skipped  int // sessions left out: past the byte budget, a blob too large, or closing

	// A replication save's (replicate.go): Delta says the records are
	// what changed since the last one, but for the cores of Full, which
	// answered in full; Gone the sessions closed since; Unchanged the
	// sessions a delta left out as unchanged; Seq the save's number.
	Delta     bool
	Full      uint64
	Gone      []uint32
	Unchanged int
	Seq       uint64
}

// SaveOptions bound a save.
type SaveOptions struct {
	MaxBytes    int           // records' budget; 0: no bound
	MinAge      time.Duration // only sessions open at least this long (replication-threshold)
	Replication ReplMode      // a replication save: full or delta (replicate.go)
	Stream      string        // the replication stream whose base it uses (an rsp interface)
	// Sets, when not nil, limits the save to the sessions of these
	// service-set ids (an rsp interface's); the others are not counted.
	Sets map[uint32]bool
}

// SaveSessions saves every live session (of every core) as a record.
func (dp *Dataplane) SaveSessions(ctx context.Context, o SaveOptions) (Saved, error) {
	parts := make([][]byte, len(dp.cores))
	pos := make([]int, len(dp.cores))
	counts, skipped := make([]int, len(dp.cores)), make([]int, len(dp.cores))
	unchanged, gone := make([]int, len(dp.cores)), make([][]uint32, len(dp.cores))
	since, full := make([]int64, len(dp.cores)), make([]bool, len(dp.cores))
	var total int
	var seq uint64
	if o.Replication != ReplNone {
		seq = dp.beginReplication(o.Stream)
	}
	budget := int(^uint(0) >> 1) // the cores save at once: each gets its share of MaxBytes
	if o.MaxBytes > 0 {
		budget = o.MaxBytes / len(dp.cores)
	}
	err := dp.walkAll(ctx, func(c *Core) bool {
		to := min(pos[c.id]+WalkSessions, len(c.tab.live))
		if parts[c.id] == nil { // room for the sessions there are now, at a typical record's size
			parts[c.id] = make([]byte, 0, min(len(c.tab.live)*typicalRecord, budget))
			full[c.id] = true
			if o.Replication != ReplNone {
				since[c.id], full[c.id] = c.replBase(o.Replication, o.Stream, &gone[c.id])
			}
		}
		for _, s := range c.tab.live[pos[c.id]:to] {
			if o.Sets != nil && !o.Sets[s.ssid()] {
				continue
			}
			if !full[c.id] && !s.changedSince(since[c.id], o.MinAge) {
				unchanged[c.id]++
				continue
			}
			if s.TCP == TCPClosed || s.age(c.now) < o.MinAge {
				skipped[c.id]++
				continue
			}
			n := len(parts[c.id])
			b, ok := c.saveSession(s, parts[c.id])
			if !ok || len(b) > budget {
				parts[c.id] = b[:n]
				skipped[c.id]++
				if o.Replication != ReplNone && len(b) > budget {
					c.streamBase(o.Stream).overflow = true // a delta would never carry it: the next save is full
				}
				continue
			}
			parts[c.id] = b
			counts[c.id]++
		}
		pos[c.id] = to
		return to == len(c.tab.live)
	})
	if err != nil {
		return Saved{}, err
	}
	out := Saved{Sets: map[uint32]string{}, Seq: seq, Delta: o.Replication == ReplDelta}
	for i, p := range parts {
		total += len(p)
		out.Sessions += counts[i]
		out.Skipped += skipped[i]
		out.Unchanged += unchanged[i]
		out.Gone = append(out.Gone, gone[i]...)
		if out.Delta && full[i] {
			out.Full |= 1 << i
		}
	}
	out.Records = make([]byte, 0, total)
	for _, p := range parts {
		out.Records = append(out.Records, p...)
	}
	dp.mu.Lock()
	for id, name := range dp.names {
		if o.Sets == nil || o.Sets[id] {
			out.Sets[id] = name
		}
	}
	dp.mu.Unlock()
	return out, nil
}

// A record: u16 length of what follows, then
//
//	u32 service-set id, u32 session id, 2 × key (16+16+2+2+1+1), 2 × (packets, bytes) u64,
//	u32 timeout, u32 idle timeout, u64 ns idle, u32 s open,
//	u8 side, u8 TCP state, u8 FINs seen, u8 blobs,
//	per blob: u8 plugin-name length, name, u8 blob length, blob.
const (
	keyBytes        = 38
	recordFixed     = 4 + 4 + 2*keyBytes + 32 + 4 + 4 + 8 + 4 + 4
	errRecordPrefix = "pic: session record"
	typicalRecord   = recordFixed + 2 + 48 // the core and two small blobs (sfw, nat)
)

// ErrBadRecord is the error of a record that does not decode.
var ErrBadRecord = errors.New(errRecordPrefix + " does not decode")

func appendKey(b []byte, k *FlowKey) []byte {
	b = append(b, k.Src[:]...)
	b = append(b, k.Dst[:]...)
	b = binary.LittleEndian.AppendUint16(b, k.SPort)
	b = binary.LittleEndian.AppendUint16(b, k.DPort)
	v6 := byte(0)
	if k.V6 {
		v6 = 1
	}
	return append(b, k.Proto, v6)
}

func readKey(b []byte) FlowKey {
	var k FlowKey
	copy(k.Src[:], b[:16])
	copy(k.Dst[:], b[16:32])
	k.SPort, k.DPort = binary.LittleEndian.Uint16(b[32:]), binary.LittleEndian.Uint16(b[34:])
	k.Proto, k.V6 = b[36], b[37] == 1
	return k
}

// saveSession appends s's record to b; false when a plugin's blob is too
// large (b is then to be cut back by the caller).
func (c *Core) saveSession(s *Session, b []byte) ([]byte, bool) {
	start := len(b)
	b = append(b, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, s.ssid())
	b = binary.LittleEndian.AppendUint32(b, s.id)
	for d := range Dir(2) {
		k := s.Key(d)
		b = appendKey(b, &k)
	}
	for d := range Dir(2) {
		b = binary.LittleEndian.AppendUint64(b, s.Packets(d))
		b = binary.LittleEndian.AppendUint64(b, s.Bytes(d))
	}
	b = binary.LittleEndian.AppendUint32(b, s.Timeout)
	b = binary.LittleEndian.AppendUint32(b, s.idle)
	b = binary.LittleEndian.AppendUint64(b, uint64(max(c.now-s.last, 0)))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.age(c.now)/time.Second))
	nb := len(b) + 3
	b = append(b, byte(s.Side), byte(s.TCP), s.finSeen, 0)
	si := s.set
	for _, slot := range si.chain[Forward] {
		h := c.setCtx(s, si, slot, nil, Forward)
		sv, ok := h.(SessionSaver)
		if !ok {
			continue
		}
		name := si.plugins[slot].name
		b = append(b, byte(len(name)))
		b = append(b, name...)
		lp := len(b)
		b = append(b, 0)
		b = c.callSave(sv, b)
		n := len(b) - lp - 1
		if n > MaxStateBlob {
			return b, false
		}
		if n == 0 { // no state: no blob
			b = b[:lp-1-len(name)]
			continue
		}
		b[lp] = byte(n)
		b[nb]++
	}
	binary.LittleEndian.PutUint16(b[start:], uint16(len(b)-start-2))
	return b, true
}

// record is a decoded session record.
type record struct {
	ssid, id      uint32
	key           [2]FlowKey
	pkts, bytes   [2]uint64
	timeout, idle uint32
	idleNs        int64
	ageSec        uint32
	side          Side
	tcp           TCPState
	finSeen       uint8
	blobs         [MaxChain]struct {
		plugin []byte // not a string: decoding allocates nothing per record
		blob   []byte
	}
	nblobs int
}

// nextRecord decodes the record at the start of b and returns the rest.
func nextRecord(b []byte) (record, []byte, error) {
	var r record
	if len(b) < 2 {
		return r, nil, ErrBadRecord
	}
	n := int(binary.LittleEndian.Uint16(b))
	if n < recordFixed || len(b) < 2+n {
		return r, nil, ErrBadRecord
	}
	rest, b := b[2+n:], b[2:2+n]
	r.ssid, r.id = binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	r.key[Forward], r.key[Reverse] = readKey(b[8:]), readKey(b[8+keyBytes:])
	o := 8 + 2*keyBytes
	for d := range 2 {
		r.pkts[d], r.bytes[d] = binary.LittleEndian.Uint64(b[o:]), binary.LittleEndian.Uint64(b[o+8:])
		o += 16
	}
	r.timeout, r.idle = binary.LittleEndian.Uint32(b[o:]), binary.LittleEndian.Uint32(b[o+4:])
	r.idleNs = int64(binary.LittleEndian.Uint64(b[o+8:]))
	r.ageSec = binary.LittleEndian.Uint32(b[o+16:])
	o += 20
	r.side, r.tcp, r.finSeen, r.nblobs = Side(b[o]), TCPState(b[o+1]), b[o+2], int(b[o+3])
	o += 4
	if r.tcp > TCPClosed || r.side > Output || r.nblobs > MaxChain || r.idleNs < 0 ||
		r.timeout > MaxSessionTimout || r.idle > MaxSessionTimout || r.key[Forward].Proto != r.key[Reverse].Proto ||
		r.key[Forward].V6 != r.key[Reverse].V6 || !r.key[Forward].mapped() || !r.key[Reverse].mapped() {
		return r, nil, ErrBadRecord
	}
	for i := 0; i < r.nblobs; i++ {
		if o >= len(b) || o+1+int(b[o]) >= len(b) {
			return r, nil, ErrBadRecord
		}
		ln := int(b[o])
		r.blobs[i].plugin = b[o+1 : o+1+ln]
		o += 1 + ln
		bl := int(b[o])
		if o+1+bl > len(b) {
			return r, nil, ErrBadRecord
		}
		r.blobs[i].blob = b[o+1 : o+1+bl]
		o += 1 + bl
	}
	if o != len(b) {
		return r, nil, ErrBadRecord
	}
	return r, rest, nil
}

func (r *record) blob(plugin string) []byte {
	for i := 0; i < r.nblobs; i++ {
		if string(r.blobs[i].plugin) == plugin {
			return r.blobs[i].blob
		}
	}
	return nil
}

// RestoreStats counts what RestoreSessions did with the records.
type RestoreStats struct {
	Restored     int `json:"restored"`
	Expired      int `json:"expired"`        // idle past their timeout by now
	NoServiceSet int `json:"no-service-set"` // their service-set is gone (or is another one under that id)
	Refused      int `json:"refused"`        // a plugin could not rebuild its state
	Misplaced    int `json:"misplaced"`      // their keys steer to different cores here (other data-cores)
	Duplicate    int `json:"duplicate"`      // the data plane has that session already
	Memlimit     int `json:"memlimit"`       // no room in the object cache or table, or past max-flows
}

// Add adds o's counts to s.
func (s *RestoreStats) Add(o RestoreStats) {
	s.Restored += o.Restored
	s.Expired += o.Expired
	s.NoServiceSet += o.NoServiceSet
	s.Refused += o.Refused
	s.Misplaced += o.Misplaced
	s.Duplicate += o.Duplicate
	s.Memlimit += o.Memlimit
}

// RestoreSessions restores the sessions of records saved by SaveSessions
// (sets: the saved service-set names) into this data plane, elapsed after
// they were saved: each one's idle time grows by elapsed, and those whose
// timeout passed meanwhile are not restored. A session is restored only
// into the service-set with its id and name (a snapshot from an older
// configuration generation loses the sessions of service-sets deleted
// since), on the core its keys steer to. Records that do not decode stop
// the restore with ErrBadRecord after what came before them was restored.
func (dp *Dataplane) RestoreSessions(ctx context.Context, records []byte, sets map[uint32]string, elapsed time.Duration) (RestoreStats, error) {
	var st RestoreStats
	// Decoded here once to check and steer; each core decodes its own
	// again from their offsets (cheaper than moving decoded records).
	per := make([][]int, len(dp.cores))
	top := make([]uint32, len(dp.cores)) // the highest saved identifier's sequence per core
	var bad error
	for off := 0; off < len(records); {
		r, rest, err := nextRecord(records[off:])
		if err != nil {
			bad = err
			break
		}
		k := &r.key
		c := SteerCore(k[Forward].Proto, k[Forward].SPort, k[Forward].DPort, len(dp.cores))
		if SteerCore(k[Reverse].Proto, k[Reverse].SPort, k[Reverse].DPort, len(dp.cores)) != c {
			st.Misplaced++
		} else {
			per[c] = append(per[c], off)
			if int(r.id>>26) == c {
				top[c] = max(top[c], r.id&sessionSeqMask)
			}
		}
		off = len(records) - len(rest)
	}
	counts := make([]RestoreStats, len(dp.cores))
	pos := make([]int, len(dp.cores))
	used := make([]map[uint32]struct{}, len(dp.cores)) // the identifiers taken on each core
	err := dp.walkAll(ctx, func(c *Core) bool {
		to := min(pos[c.id]+WalkSessions, len(per[c.id]))
		if used[c.id] == nil && to > pos[c.id] {
			used[c.id] = c.liveSessionIDs()
			c.reserveSessionIDs(top[c.id])
		}
		for i := pos[c.id]; i < to; i++ {
			r, _, _ := nextRecord(records[per[c.id][i]:])
			r.idleNs += int64(elapsed)
			c.restore(&r, sets, used[c.id], &counts[c.id])
		}
		pos[c.id] = to
		return to == len(per[c.id])
	})
	for _, c := range counts {
		st.Add(c)
	}
	if err != nil {
		return st, err
	}
	if bad != nil {
		return st, fmt.Errorf("%w (after %d restored)", bad, st.Restored)
	}
	return st, nil
}

// restore enters one saved session into the core's table, through the
// steps a first packet's session takes (install.go), under the
// identifier it had where it was saved unless used holds it.
func (c *Core) restore(r *record, sets map[uint32]string, used map[uint32]struct{}, st *RestoreStats) {
	si := c.dp.set(r.ssid)
	switch {
	case si == nil || sets[r.ssid] != si.name:
		st.NoServiceSet++
		return
	case r.idleNs >= int64(r.timeout)*int64(time.Second):
		st.Expired++
		return
	}
	h := r.key[Forward].hash(si.id)
	if s, _ := c.tab.lookup(h, &r.key[Forward], si.id); s != nil {
		st.Duplicate++
		return
	}
	s, why := c.admit(si)
	if why != admitted {
		st.Memlimit++
		return
	}
	*s = Session{set: si, Side: r.side, TCP: r.tcp, finSeen: r.finSeen,
		Timeout: r.timeout, idle: r.idle, wslot: -1,
		last: c.now - r.idleNs, startSec: uint32(max(c.now/1e9-int64(r.ageSec), 0))}
	s.setKeys(&r.key[Forward], &r.key[Reverse])
	for d := range Dir(2) {
		s.setCounters(d, r.pkts[d], r.bytes[d])
	}
	chain := si.chain[Forward]
	for i, slot := range chain {
		hd := c.setCtx(s, si, slot, nil, Forward)
		sv, ok := hd.(SessionSaver)
		if !ok {
			continue
		}
		if res := c.callRestore(sv, r.blob(si.plugins[slot].name)); res.stops() {
			c.unwind(s, si, chain[:i+1])
			if res == DropMemlimit {
				st.Memlimit++
			} else {
				st.Refused++
			}
			return
		}
	}
	c.install(s, h, c.keepSessionID(r.id, used))
	inc(&c.st.Restored)
	st.Restored++
}

// callRestore is call for RestoreSession: a panic refuses the session.
func (c *Core) callRestore(sv SessionSaver, blob []byte) (r Result) {
	defer func() {
		if v := recover(); v != nil {
			c.st.PluginPanics.Add(1)
			c.dp.o.Log.Error("pic: plugin restore panicked", "panic", fmt.Sprint(v))
			r = Drop
		}
	}()
	return sv.RestoreSession(&c.ctx, blob)
}

// callSave is SaveSession under recover: a panic leaves the plugin's
// blob empty.
func (c *Core) callSave(sv SessionSaver, b []byte) (out []byte) {
	n := len(b)
	defer func() {
		if v := recover(); v != nil {
			c.st.PluginPanics.Add(1)
			c.dp.o.Log.Error("pic: plugin save panicked", "panic", fmt.Sprint(v))
			out = b[:n]
		}
	}()
	return sv.SaveSession(&c.ctx, b)
}
