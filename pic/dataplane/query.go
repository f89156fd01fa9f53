package dataplane

import (
	"context"
	"errors"
	"sort"
)

// Session queries at scale. A query never stops a core for the length of
// its walk: it walks each core's table in slices of WalkSlots slots, each
// slice one item on the core's queue, run between two vectors of packets.
// The core takes its packets (and announces quiescence to the policy DB)
// between slices, so a walk of millions of sessions delays a packet by
// one slice at most (a slice of 65,536 slots is 1 MB of table, a fraction
// of a millisecond). Counting filters and counts on the cores, keeping
// nothing per session; listing returns bounded pages with a Cursor to
// resume from. The tables never move (they are sized once), so a cursor
// stays meaningful between pages: a session that exists for the whole
// walk is seen once, unless a deletion in its probe cluster shifts it back
// across the cursor while the walk runs; sessions opened or closed during
// the walk may or may not be seen, as on any running box.
//
// Every walk takes a context: when it ends (the asker gave up, the data
// plane stopped) the walk stops with an error instead of an answer.

// WalkSlots is the table slots one slice of a walk visits.
const WalkSlots = 1 << 16

// MaxPage bounds the sessions of one page.
const MaxPage = 1000

// ErrStopped is a walk's error when the data plane stopped under it.
var ErrStopped = errors.New("pic: data plane stopped")

// Cursor is where a paged walk stands: the core, then the next table slot
// of that core. The zero Cursor is the start.
type Cursor struct {
	Core int `json:"core"`
	Slot int `json:"slot"`
}

// count counts the sessions f selects among the forward entries of slots
// [from, to). The sessions are gathered a vector at a time and touched
// before they are matched, so that their cache misses overlap (as the
// data path's lookups do, core.go) instead of following one another.
func (t *table) count(m *matcher, from, to int) int {
	var vec [BatchSize]*Session
	n, count := 0, 0
	var sink uint32
	match := func() {
		for _, s := range vec[:n] {
			sink += s.ssid
		}
		for _, s := range vec[:n] {
			if m.match(s) {
				count++
			}
		}
		n = 0
	}
	for i := from; i < to; i++ {
		if s := t.forwardAt(i); s != nil {
			vec[n] = s
			if n++; n == len(vec) {
				match()
			}
		}
	}
	match()
	t.sink = sink
	return count
}

// forwardAt returns the session whose forward entry is in slot i, if any.
func (t *table) forwardAt(i int) *Session {
	if sl := &t.slots[i]; sl.h != 0 && sl.h&2 == 0 {
		return sl.s
	}
	return nil
}

// CountSessions counts the sessions f selects. Every core counts its own,
// slice by slice, all cores at once; without a filter, the cores' session
// counters answer (every session in a table is counted there, from the
// moment it enters the table until it leaves it).
func (dp *Dataplane) CountSessions(ctx context.Context, f SessionFilter) (int, error) {
	if f.all() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return int(dp.Stats().Sessions), nil
	}
	m := f.compile()
	counts := make([]int, len(dp.cores))
	pos := make([]int, len(dp.cores))
	for {
		busy := false
		for i, c := range dp.cores {
			busy = busy || pos[i] < len(c.tab.slots)
		}
		if !busy {
			break
		}
		err := dp.doCtx(ctx, func(c *Core) {
			to := min(pos[c.id]+WalkSlots, len(c.tab.slots))
			counts[c.id] += c.tab.count(&m, pos[c.id], to)
			pos[c.id] = to
		})
		if err != nil {
			return 0, err
		}
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	return total, nil
}

// SessionPage lists up to limit (at most MaxPage; 0 means MaxPage)
// sessions f selects from cursor from on, in table order. It returns the
// cursor after them and whether the walk reached the end.
func (dp *Dataplane) SessionPage(ctx context.Context, f SessionFilter, from Cursor, limit int) ([]SessionInfo, Cursor, bool, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	m := f.compile()
	var out []SessionInfo
	cur := from
	for cur.Core < len(dp.cores) {
		c := dp.cores[cur.Core]
		if cur.Slot >= len(c.tab.slots) {
			cur = Cursor{Core: cur.Core + 1}
			continue
		}
		err := dp.doOne(ctx, c, func(c *Core) {
			to := min(cur.Slot+WalkSlots, len(c.tab.slots))
			for ; cur.Slot < to && len(out) < limit; cur.Slot++ {
				if s := c.tab.forwardAt(cur.Slot); s != nil && m.match(s) {
					out = append(out, c.info(s, f.Extensive))
				}
			}
		})
		if err != nil {
			return nil, from, false, err
		}
		if len(out) == limit {
			return out, cur, dp.atEnd(cur), nil
		}
	}
	return out, cur, true, nil
}

// atEnd reports whether no slot is left at or after cur.
func (dp *Dataplane) atEnd(cur Cursor) bool {
	for i := cur.Core; i < len(dp.cores); i++ {
		if i > cur.Core || cur.Slot < len(dp.cores[i].tab.slots) {
			return false
		}
	}
	return true
}

// Sessions lists every session f selects, sorted by service-set and
// forward flow: the pages of a whole walk, for in-process callers (tests,
// tools). The CLI pages through SessionPage instead.
func (dp *Dataplane) Sessions(f SessionFilter) []SessionInfo {
	var out []SessionInfo
	var cur Cursor
	for {
		page, next, done, err := dp.SessionPage(context.Background(), f, cur, MaxPage)
		out = append(out, page...)
		if err != nil || done {
			break
		}
		cur = next
	}
	SortSessions(out)
	return out
}

// SortSessions sorts sessions by service-set id, then forward source and
// destination.
func SortSessions(s []SessionInfo) {
	sort.Slice(s, func(i, j int) bool { return sessionLess(&s[i], &s[j]) })
}

// doCtx runs fn on every core between vectors (directly when the cores
// are not started) and waits for all, or for ctx to end. fn must not be
// retried: after an error it may still run, and what it writes must be
// the caller's to drop.
func (dp *Dataplane) doCtx(ctx context.Context, fn func(*Core)) error {
	dp.mu.Lock()
	started, quit := dp.started, dp.quit
	dp.mu.Unlock()
	if !started {
		for _, c := range dp.cores {
			c.now = dp.now()
			fn(c)
			c.finish()
		}
		return nil
	}
	done := make(chan struct{}, len(dp.cores))
	sent := 0
	for _, c := range dp.cores {
		select {
		case c.in <- coreItem{fn: fn, done: done}:
			sent++
		case <-ctx.Done():
			return ctx.Err()
		case <-quit:
			return ErrStopped
		}
	}
	for range sent {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		case <-quit:
			return ErrStopped
		}
	}
	return nil
}

// doOne is doCtx on one core.
func (dp *Dataplane) doOne(ctx context.Context, c *Core, fn func(*Core)) error {
	dp.mu.Lock()
	started, quit := dp.started, dp.quit
	dp.mu.Unlock()
	if !started {
		c.now = dp.now()
		fn(c)
		c.finish()
		return nil
	}
	done := make(chan struct{}, 1)
	select {
	case c.in <- coreItem{fn: fn, done: done}:
	case <-ctx.Done():
		return ctx.Err()
	case <-quit:
		return ErrStopped
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-quit:
		return ErrStopped
	}
}
