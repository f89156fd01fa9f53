package dataplane

import "math/bits"

// table is a data core's session table: open addressing with linear
// probing over (hash, session) slots, both directions of a session
// entered under their own keys; deletion shifts back (no tombstones).
// Beside it, a dense list of the core's live sessions (each session knows
// its index; a leaving session's place goes to the last one), which
// session walks read instead of the slots: 8 bytes a session in order
// rather than 64 bytes of table.
//
// It is sized once, when the data plane is built, for the sessions the
// object cache can hold (tableSlots), and its bytes are charged to the
// object cache like any object class: it never grows, so no rehash
// stalls a core and no old copy waits for the garbage collector, and a
// full table refuses new sessions as memlimit drops (full). A slot is 16
// bytes: the hash, whose bit 0 is always set (0 marks an empty slot) and
// whose bit 1 carries the entry's direction, and the session. The home
// slot of a hash is its multiply-shift reduction to the table's length,
// so the length need not be a power of two and the budget is not rounded
// up.
type table struct {
	slots []tslot
	n     uint64     // len(slots)
	used  int        // entries
	max   int        // entries allowed: two thirds of the slots
	live  []*Session // the sessions in the table, capacity max/2
	sink  uint32     // keeps a walk's touch loads alive (count)
}

type tslot struct {
	h uint64 // FlowKey.hash | dir<<1; 0: empty
	s *Session
}

// slotBytes is the size of a table slot; slotsPerSession the slots one
// session takes at the table's highest load (two entries, two thirds
// load: a lookup of a present key, a packet's, then probes two slots on
// average, most often in one line of four); tableBytesPerSession what a
// session takes of the table and its list.
const (
	slotBytes            = 16
	slotsPerSession      = 3
	tableBytesPerSession = slotsPerSession*slotBytes + 8
)

func newTable(slots int) table {
	slots = max(slots, 2*slotsPerSession)
	return table{slots: make([]tslot, slots), n: uint64(slots), max: slots / slotsPerSession * 2,
		live: make([]*Session, 0, slots/slotsPerSession)}
}

// enter lists s among the live sessions (its entries are in the table).
func (t *table) enter(s *Session) {
	s.li = uint32(len(t.live))
	t.live = append(t.live, s)
}

// leave takes s off the list of live sessions: the last one takes its
// place.
func (t *table) leave(s *Session) {
	last := t.live[len(t.live)-1]
	t.live[s.li], last.li = last, s.li
	t.live[len(t.live)-1] = nil
	t.live = t.live[:len(t.live)-1]
}

// home is the first slot probed for hash h.
func (t *table) home(h uint64) uint64 {
	hi, _ := bits.Mul64(h, t.n)
	return hi
}

func (t *table) next(i uint64) uint64 {
	if i++; i == t.n {
		return 0
	}
	return i
}

// full reports whether the table has no room for another session's two
// entries, with pending entries not yet inserted (a vector's new
// sessions, insertPending) counted as taken.
func (t *table) full(pending int) bool { return t.used+pending+2 > t.max }

// lookup finds the session of key k (hash h) in service-set ss.
func (t *table) lookup(h uint64, k *FlowKey, ss uint32) (*Session, Dir) {
	for i := t.home(h); ; i = t.next(i) {
		sl := &t.slots[i]
		if sl.h == 0 {
			return nil, 0
		}
		if d := Dir(sl.h >> 1 & 1); sl.h&^2 == h && sl.s.set.id == ss && sl.s.matches(d, k) {
			return sl.s, d
		}
	}
}

// candidate returns the first entry with hash h without reading its
// session: almost always the session, which the caller then confirms by
// its key and service-set.
func (t *table) candidate(h uint64) (*Session, Dir) {
	for i := t.home(h); ; i = t.next(i) {
		sl := &t.slots[i]
		if sl.h == 0 {
			return nil, 0
		}
		if sl.h&^2 == h {
			return sl.s, Dir(sl.h >> 1 & 1)
		}
	}
}

// insert enters session s under hash h for direction d; the caller has
// checked that the table is not full. The session keeps the entry's home
// slot (Session.home), so that removing it needs no hash.
func (t *table) insert(h uint64, s *Session, d Dir) {
	i := t.home(h)
	s.home[d] = uint32(i)
	for t.slots[i].h != 0 {
		i = t.next(i)
	}
	t.slots[i] = tslot{h: h | uint64(d)<<1, s: s}
	t.used++
}

// remove deletes the entry of session s in direction d, found from the
// home slot insert noted: a closing session's keys are not hashed again.
func (t *table) remove(s *Session, d Dir) {
	i := uint64(s.home[d])
	for {
		sl := &t.slots[i]
		if sl.h == 0 {
			return
		}
		if sl.s == s && Dir(sl.h>>1&1) == d {
			break
		}
		i = t.next(i)
	}
	// Backward-shift deletion.
	j := i
	for {
		j = t.next(j)
		if t.slots[j].h == 0 {
			break
		}
		k := t.home(t.slots[j].h &^ 2) // the session hash's home, as insert placed it
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue // j's home lies in (i, j]: it stays
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = tslot{}
	t.used--
}

// tableSlots is the length of each core's session table on a data plane
// of cores data cores and an object cache of budget bytes: at two thirds load,
// room for the two entries of as many sessions as the budget would hold
// were they bare session objects with their slots, spread over the cores
// with a quarter more on each for an uneven spread (the steering hash
// spreads flows evenly, not exactly).
func tableSlots(budget int64, cores int) int {
	cores = max(cores, 1)
	sessions := budget / (SessionSize + tableBytesPerSession)
	if cores > 1 {
		sessions = sessions * 5 / (4 * int64(cores))
	}
	return min(max(int(sessions)*slotsPerSession, 2*slotsPerSession), maxSlots)
}

// maxSlots bounds a table's length so a slot index fits the uint32 a
// session keeps of its entries' home slots (Session.home): room for a
// billion sessions on one core.
const maxSlots = 1<<32 - 1

// TableBytes is what the session tables of a data plane of cores data
// cores, with their lists of live sessions, take of an object cache of
// budget bytes.
func TableBytes(budget int64, cores int) int64 {
	slots := int64(tableSlots(budget, cores))
	return int64(max(cores, 1)) * (slots*slotBytes + slots/slotsPerSession*8)
}
