package dataplane

import (
	"context"
	"errors"
	"sort"
)

// Session queries at scale. A query never stops a core for the length of
// its walk: it walks each core's sessions in slices of WalkSessions, each
// slice one item on the core's queue, run between two vectors of packets.
// The core takes its packets (and announces quiescence to the policy DB)
// between slices, so a walk of millions of sessions delays a packet by
// one slice at most (8,192 sessions: about a quarter of a millisecond at
// 1 M sessions on this VM). Counting filters and counts on the cores, keeping
// nothing per session; listing returns bounded pages with a Cursor to
// resume from. A walk reads each core's dense list of live sessions
// (table.live), not the table's slots: a session that exists for the whole
// walk is seen once, unless a session closing behind the cursor hands its
// place to the list's last one, which the walk then misses; sessions
// opened or closed during the walk may or may not be seen, as on any
// running box.
//
// Every walk takes a context: when it ends (the asker gave up, the data
// plane stopped) the walk stops with an error instead of an answer.

// WalkSessions is the sessions one slice of a walk visits.
const WalkSessions = 1 << 13

// MaxPage bounds the sessions of one page.
const MaxPage = 1000

// ErrStopped is a walk's error when the data plane stopped under it.
var ErrStopped = errors.New("pic: data plane stopped")

// Cursor is where a paged walk stands: the core, then the index of the
// next session in that core's list of live sessions. The zero Cursor is
// the start.
type Cursor struct {
	Core  int `json:"core"`
	Index int `json:"index"`
}

// count counts the sessions m selects among the live sessions [from, to). The sessions are gathered a vector at a time and touched
// before they are matched, so that their cache misses overlap (as the
// data path's lookups do, core.go) instead of following one another.
func (t *table) count(m *matcher, from, to int) int {
	var vec [BatchSize]*Session
	n, count := 0, 0
	var sink uint32
	match := func() {
		for _, s := range vec[:n] {
			sink += s.ssid()
		}
		for _, s := range vec[:n] {
			if m.match(s) {
				count++
			}
		}
		n = 0
	}
	for _, s := range t.live[from:to] {
		vec[n] = s
		if n++; n == len(vec) {
			match()
		}
	}
	match()
	t.sink = sink
	return count
}

// SetSessions returns the sessions service-set id holds now, on every core
// (its max-flows counter: a session counts from its creation until it is
// freed); 0 for an unknown id. Any goroutine.
func (dp *Dataplane) SetSessions(id uint32) int64 {
	dp.mu.Lock()
	ctr := dp.counts[id]
	dp.mu.Unlock()
	if ctr == nil {
		return 0
	}
	return max(ctr.flows.Load(), 0)
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
	err := dp.walkAll(ctx, func(c *Core) bool {
		to := min(pos[c.id]+WalkSessions, len(c.tab.live))
		counts[c.id] += c.tab.count(&m, pos[c.id], to)
		pos[c.id] = to
		return to == len(c.tab.live)
	})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	return total, nil
}

// walkAll runs step on every core at once, slice after slice, until it
// has reported the end of every core's list. The lists belong to the
// cores: only step reads them.
func (dp *Dataplane) walkAll(ctx context.Context, step func(*Core) (done bool)) error {
	done := make([]bool, len(dp.cores))
	for !allTrue(done) {
		if err := dp.doCtx(ctx, func(c *Core) {
			if !done[c.id] {
				done[c.id] = step(c)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

func allTrue(v []bool) bool {
	for _, b := range v {
		if !b {
			return false
		}
	}
	return true
}

// walkFrom runs step on the cores one after the other from cursor cur,
// a slice at a time, until step says stop or the last core's list ends.
// step advances cur.Index; it reports whether to stop. walkFrom returns
// where the walk stands and whether it reached the end.
func (dp *Dataplane) walkFrom(ctx context.Context, cur Cursor, step func(c *Core, cur *Cursor) (stop bool)) (Cursor, bool, error) {
	for cur.Core < len(dp.cores) {
		var stop, ended bool
		if err := dp.doOne(ctx, dp.cores[cur.Core], func(c *Core) {
			stop = step(c, &cur)
			ended = cur.Index >= len(c.tab.live)
		}); err != nil {
			return cur, false, err
		}
		if ended {
			if cur.Core == len(dp.cores)-1 {
				return cur, true, nil
			}
			cur = Cursor{Core: cur.Core + 1}
		}
		if stop {
			return cur, false, nil
		}
	}
	return cur, true, nil
}

// SessionPage lists up to limit (at most MaxPage; 0 means MaxPage)
// sessions f selects from cursor from on, in the cores' list order. It
// returns the cursor after them and whether the walk reached the end.
func (dp *Dataplane) SessionPage(ctx context.Context, f SessionFilter, from Cursor, limit int) ([]SessionInfo, Cursor, bool, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	m := f.compile()
	var out []SessionInfo
	cur, done, err := dp.walkFrom(ctx, from, func(c *Core, cur *Cursor) bool {
		to := min(cur.Index+WalkSessions, len(c.tab.live))
		for ; cur.Index < to && len(out) < limit; cur.Index++ {
			if s := c.tab.live[cur.Index]; m.match(s) {
				out = append(out, c.info(s, f.Extensive))
			}
		}
		return len(out) == limit
	})
	if err != nil {
		return nil, from, false, err
	}
	return out, cur, done, nil
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
