package picd

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// Queries. A status request is answered on the control loop when what it
// asks is the PIC's own state (status, counters, traffic, cpu-usage, a
// plugin's show of its policies). One that walks the session tables (show
// services sessions, its count, clear services sessions, a plugin's
// session command) is resolved on the control loop (service-set names and
// interfaces to ids, from what the PIC holds) and then walked apart, in a
// goroutine of its own, slice by slice on the data cores
// (dataplane/query.go): the control loop goes on sending heartbeats and
// applying updates meanwhile, and the reply joins the stream when the
// walk is done. A walk that fails or outlives QueryTimeout answers with
// Status.Error. At most MaxWalks walks run at once; more are refused.

// QueryTimeout bounds a session walk on the PIC: less than servicesd
// waits for the answer, so the asker hears why.
const QueryTimeout = 1500 * time.Millisecond

// MaxWalks bounds the session walks a PIC runs at once.
const MaxWalks = 4

// walk is a session walk resolved on the control loop: it fills s.
type walk func(ctx context.Context, s *Status)

// query adds the data path's figures to a status, and answers q; a walk
// of the session tables comes back as a walk to run apart (nil: s is
// complete). Runs on the control loop.
func (r *Runtime) query(q *Query, s *Status) walk {
	st := r.DP.Stats()
	switch {
	case q != nil && q.Traffic != nil:
		s.Traffic = r.traffic(q.Traffic)
		return nil
	case q != nil && q.CPU:
		s.CPU = r.cpuUsage()
		return nil
	case q != nil && q.Save != nil:
		return r.saveQuery(q.Save)
	case q != nil && q.Plugin != "":
		return r.pluginQuery(q, s)
	case q != nil && (q.Sessions || q.Count || q.Clear):
		s.DataPath = &st
		return r.sessions(q)
	}
	s.DataPath = &st
	return nil
}

// pluginQuery runs a plugin's command.
func (r *Runtime) pluginQuery(q *Query, s *Status) walk {
	l := r.plugins[q.Plugin]
	if l == nil {
		return nil
	}
	sets := r.showSets(l.p.Slot())
	dp, slot := r.DP, l.p.Slot()
	cmd := l.p.Command(q.Command)
	switch {
	case cmd != nil && cmd.Verb == "clear":
		return func(context.Context, *Status) {
			for _, ss := range sets {
				dp.ClearSessions(ss.ID, false)
			}
		}
	case cmd != nil && cmd.Sessions:
		var from dataplane.Cursor
		if q.Cursor != nil {
			from = *q.Cursor
		}
		return func(ctx context.Context, s *Status) {
			rows, next, done, err := dp.PluginRows(ctx, slot, q.Command, from, q.Limit)
			if s.Error = walkError(err); s.Error != "" {
				return
			}
			s.Rows = rows
			if !done {
				s.Next = &next
			}
		}
	}
	if sh, ok := dp.Handler(slot).(pic.Shower); ok {
		s.Rows = sh.Show(q.Command, sets)
	}
	return nil
}

// showSets lists the service-sets holding a policy of the plugin in
// slot, by id, with that policy (what a plugin's Show and ReportEvents
// get).
func (r *Runtime) showSets(slot int) []pic.ShowSet {
	var sets []pic.ShowSet
	for _, id := range r.sortedIDs() {
		if e := r.DB.Lookup(id, slot); e != nil {
			sets = append(sets, pic.ShowSet{ID: id, Name: r.ssrbs[id].Name, Policy: e.Value})
		}
	}
	return sets
}

// sessions resolves a session query (show, count or clear).
func (r *Runtime) sessions(q *Query) walk {
	var f dataplane.SessionFilter
	if q.ServiceSet != "" {
		for _, ss := range r.ssrbs {
			if ss.Name == q.ServiceSet {
				f.ServiceSet = ss.ID
			}
		}
		if f.ServiceSet == 0 {
			return nil // no such service-set on this PIC: nothing to show
		}
	}
	if q.Interface != "" {
		f.Sets = []bool{}
		for id := range r.ssrbs {
			if r.DP.ServesInterface(id, q.Interface) {
				f.Sets = append(f.Sets, make([]bool, max(0, int(id)+1-len(f.Sets)))...)
				f.Sets[id] = true
			}
		}
	}
	dp := r.DP
	if q.Clear {
		return func(context.Context, *Status) { dp.ClearSessions(f.ServiceSet, f.ServiceSet == 0) }
	}
	f.Source, _ = netip.ParsePrefix(q.Source)
	f.Dest, _ = netip.ParsePrefix(q.Dest)
	f.Proto, f.Extensive = q.Proto, q.Extensive
	if q.SrcPort != nil {
		f.SrcPort, f.HasSrcPort = *q.SrcPort, true
	}
	if q.DstPort != nil {
		f.DstPort, f.HasDstPort = *q.DstPort, true
	}
	if q.Count {
		return func(ctx context.Context, s *Status) {
			n, err := dp.CountSessions(ctx, f)
			s.SessionCount, s.Error = n, walkError(err)
		}
	}
	var from dataplane.Cursor
	if q.Cursor != nil {
		from = *q.Cursor
	}
	return func(ctx context.Context, s *Status) {
		page, next, done, err := dp.SessionPage(ctx, f, from, q.Limit)
		if s.Error = walkError(err); s.Error != "" {
			return
		}
		s.Sessions, s.SessionCount = page, len(page)
		if !done {
			s.Next = &next
		}
	}
}

func walkError(err error) string {
	switch {
	case err == nil:
		return ""
	case err == context.DeadlineExceeded:
		return fmt.Sprintf("the session query timed out after %v on the PIC", QueryTimeout)
	}
	return "the session query failed on the PIC: " + err.Error()
}

// answer answers a status request: at once, or, for a session walk, from
// a goroutine of its own through d.post when the stream loop set it (a
// caller without a stream, as the fuzz test, gets the walk's answer at
// once).
func (d *Daemon) answer(ctx context.Context, m *ToPIC) []*FromPIC {
	s := d.Status()
	s.Req = m.StatusReq
	rt := d.Runtime()
	if rt == nil || rt.DP == nil {
		return []*FromPIC{{Status: &s}}
	}
	w := rt.query(m.Query, &s)
	if w == nil {
		return []*FromPIC{{Status: &s}}
	}
	d.mu.Lock()
	post := d.post
	full := d.walks >= MaxWalks
	if !full && post != nil {
		d.walks++
	}
	d.mu.Unlock()
	switch {
	case full:
		s.Error = fmt.Sprintf("%d session queries under way on the PIC; try again", MaxWalks)
		return []*FromPIC{{Status: &s}}
	case post == nil:
		wctx, cancel := context.WithTimeout(ctx, QueryTimeout)
		w(wctx, &s)
		cancel()
		return []*FromPIC{{Status: &s}}
	}
	go func() {
		wctx, cancel := context.WithTimeout(ctx, QueryTimeout)
		w(wctx, &s)
		cancel()
		d.mu.Lock()
		d.walks--
		d.mu.Unlock()
		post(&FromPIC{Status: &s})
	}()
	return nil
}
