package gnmi

import (
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/netconf"
)

// Subscription timing defaults.
const (
	DefaultSampleInterval = 10 * time.Second // SAMPLE without sample_interval
	MinSampleInterval     = time.Millisecond // shorter intervals are refused
	// OnChangeCheck is how often ON_CHANGE subscriptions to state that
	// changes outside commits (PIC and interface state, counters) compare
	// the state with what they last sent.
	OnChangeCheck = time.Second
	// maxUpdates bounds the updates of one notification (messages stay
	// far below gRPC's default 4 MB receive limit).
	maxUpdates = 500
)

// commitWatchers wakes the subscriptions at each commit (ON_CHANGE of
// configuration and commit history). It is a configd subscriber of its
// own, registered after the server.
type commitWatchers struct {
	mu    sync.Mutex
	chans map[chan struct{}]struct{}
}

func (w *commitWatchers) Name() string                                    { return "gnmi-subscriptions" }
func (w *commitWatchers) Validate(context.Context, *configd.Commit) error { return nil }
func (w *commitWatchers) Prepare(context.Context, *configd.Commit) error  { return nil }
func (w *commitWatchers) Abort(context.Context, *configd.Commit)          {}

// Apply wakes every watcher; it never blocks (a watcher already woken
// stays woken once).
func (w *commitWatchers) Apply(_ context.Context, c *configd.Commit) {
	if c.Check {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.chans {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (w *commitWatchers) add() chan struct{} {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	if w.chans == nil {
		w.chans = map[chan struct{}]struct{}{}
	}
	w.chans[ch] = struct{}{}
	w.mu.Unlock()
	return ch
}

func (w *commitWatchers) remove(ch chan struct{}) {
	w.mu.Lock()
	delete(w.chans, ch)
	w.mu.Unlock()
}

// entry is one subscription of a list, as the target runs it.
type entry struct {
	elems     []*gpb.PathElem
	onChange  bool
	interval  time.Duration      // SAMPLE: the sample interval; ON_CHANGE of state: OnChangeCheck
	heartbeat time.Duration      // 0: none
	suppress  bool               // suppress_redundant (SAMPLE)
	commits   bool               // changes only at commits: woken by them, never polled
	next, hb  time.Time          // next sample or check, next heartbeat
	last      map[string]leafVal // what was last read, by path
}

// sub is one Subscribe RPC.
type sub struct {
	s       *Server
	ctx     context.Context
	list    *gpb.SubscriptionList
	nprefix int
	entries []*entry
	out     chan *gpb.SubscribeResponse // bounded: Config.QueueLen
}

// Subscribe serves ONCE, POLL and STREAM subscriptions. STREAM entries
// are SAMPLE (sample_interval, suppress_redundant, heartbeat_interval),
// ON_CHANGE (configuration and commit history at each commit; other
// state compared every OnChangeCheck; heartbeat_interval resends
// everything) or TARGET_DEFINED (ON_CHANGE for configuration and commit
// history, SAMPLE for the rest). updates_only skips the first full
// update; sync_response follows the first full update in every mode.
//
// Responses wait in a queue of Config.QueueLen messages; a collector that
// lets it fill is disconnected with ResourceExhausted instead of holding
// memory or slowing the box.
func (s *Server) Subscribe(stream gpb.GNMI_SubscribeServer) error {
	ctx := stream.Context()
	if err := need(ctx, netconf.LevelView, "subscribe"); err != nil {
		return err
	}
	req, err := stream.Recv()
	if err != nil {
		return err
	}
	list := req.GetSubscribe()
	if list == nil {
		return status.Error(codes.InvalidArgument, "gnmi: the first SubscribeRequest must hold a subscription list")
	}
	if err := s.checkModels(list.GetUseModels()); err != nil {
		return err
	}
	switch list.GetEncoding() {
	case gpb.Encoding_JSON, gpb.Encoding_JSON_IETF, gpb.Encoding_PROTO:
	default:
		return status.Errorf(codes.Unimplemented, "gnmi: encoding %s is not supported", list.GetEncoding())
	}
	if len(list.GetSubscription()) == 0 {
		return status.Error(codes.InvalidArgument, "gnmi: the subscription list is empty")
	}
	sb := &sub{s: s, ctx: ctx, list: list, out: make(chan *gpb.SubscribeResponse, s.cfg.QueueLen)}
	sb.nprefix = len(list.GetPrefix().GetElem())
	now := s.clock.Now()
	for _, sp := range list.GetSubscription() {
		e, err := sb.entry(sp, now)
		if err != nil {
			return err
		}
		sb.entries = append(sb.entries, e)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sb.ctx = ctx
	errc := make(chan error, 2)
	go func() { errc <- sb.send(stream) }()
	switch list.GetMode() {
	case gpb.SubscriptionList_ONCE:
		if err := sb.initial(); err != nil {
			return err
		}
		close(sb.out)
		return <-errc // the queue drained
	case gpb.SubscriptionList_POLL:
		go func() { errc <- sb.poll(stream) }()
	default:
		go func() { errc <- sb.stream() }()
	}
	return <-errc
}

// entry checks one subscription and fills in the target's choices.
func (sb *sub) entry(sp *gpb.Subscription, now time.Time) (*entry, error) {
	elems, err := fullPath(sb.list.GetPrefix(), sp.GetPath())
	if err != nil {
		return nil, err
	}
	if err := checkPath(sb.s.cfg.Configd.Schema().Root, elems); err != nil {
		return nil, err
	}
	e := &entry{elems: elems, heartbeat: time.Duration(sp.GetHeartbeatInterval()), last: map[string]leafVal{}}
	e.commits = isConfigPath(elems) || onCommitState(elems)
	switch sp.GetMode() {
	case gpb.SubscriptionMode_ON_CHANGE:
		e.onChange = true
	case gpb.SubscriptionMode_SAMPLE:
		e.interval = time.Duration(sp.GetSampleInterval())
		if e.interval == 0 {
			e.interval = DefaultSampleInterval
		}
		if e.interval < MinSampleInterval {
			return nil, status.Errorf(codes.InvalidArgument, "gnmi: sample_interval %v is below the minimum %v", e.interval, MinSampleInterval)
		}
		e.suppress = sp.GetSuppressRedundant()
	default: // TARGET_DEFINED
		e.onChange = e.commits
		if !e.onChange {
			e.interval = DefaultSampleInterval
		}
	}
	if e.onChange {
		e.interval = 0
		if !e.commits {
			e.interval = OnChangeCheck
		}
	}
	if e.heartbeat > 0 && e.heartbeat < MinSampleInterval {
		return nil, status.Errorf(codes.InvalidArgument, "gnmi: heartbeat_interval %v is below the minimum %v", e.heartbeat, MinSampleInterval)
	}
	if e.interval > 0 {
		e.next = now.Add(e.interval)
	}
	if e.heartbeat > 0 {
		e.hb = now.Add(e.heartbeat)
	}
	return e, nil
}

// send writes the queue to the stream until it is closed (nil) or the
// RPC ends.
func (sb *sub) send(stream gpb.GNMI_SubscribeServer) error {
	for {
		select {
		case m, ok := <-sb.out:
			if !ok {
				return nil
			}
			if err := stream.Send(m); err != nil {
				return err
			}
		case <-sb.ctx.Done():
			return sb.ctx.Err()
		}
	}
}

// errSlow ends the subscription of a collector that does not keep up.
var errSlow = status.Error(codes.ResourceExhausted, "gnmi: subscription dropped: the collector does not keep up (queue full)")

// enqueue queues a response; a full queue drops the subscription.
func (sb *sub) enqueue(m *gpb.SubscribeResponse) error {
	select {
	case sb.out <- m:
		return nil
	default:
		sb.s.slowDrops.Add(1)
		return errSlow
	}
}

// emit queues the leaves as notifications of at most maxUpdates
// updates; deleted names paths that are gone.
func (sb *sub) emit(ts int64, leaves []leafVal, deleted [][]*gpb.PathElem) error {
	for len(leaves) > 0 || len(deleted) > 0 {
		n := &gpb.Notification{Timestamp: ts, Prefix: sb.list.GetPrefix()}
		for len(deleted) > 0 && len(n.Delete) < maxUpdates {
			n.Delete = append(n.Delete, relative(deleted[0], sb.nprefix))
			deleted = deleted[1:]
		}
		for len(leaves) > 0 && len(n.Delete)+len(n.Update) < maxUpdates {
			n.Update = append(n.Update, &gpb.Update{Path: relative(leaves[0].path, sb.nprefix), Val: leaves[0].val})
			leaves = leaves[1:]
		}
		if err := sb.enqueue(&gpb.SubscribeResponse{Response: &gpb.SubscribeResponse_Update{Update: n}}); err != nil {
			return err
		}
	}
	return nil
}

func (sb *sub) syncResponse() error {
	return sb.enqueue(&gpb.SubscribeResponse{Response: &gpb.SubscribeResponse_SyncResponse{SyncResponse: true}})
}

// initial sends every entry's data (unless updates_only), then
// sync_response.
func (sb *sub) initial() error {
	g := sb.s.newGather(sb.ctx)
	for _, e := range sb.entries {
		if err := sb.update(g, e, true, !sb.list.GetUpdatesOnly()); err != nil {
			return err
		}
	}
	return sb.syncResponse()
}

// update reads an entry's leaves; all sends every one, else only those
// whose value changed and the deletions. send false only records them.
func (sb *sub) update(g *gather, e *entry, all, send bool) error {
	leaves, err := g.leaves(e.elems)
	if err != nil && status.Code(err) != codes.NotFound {
		return err
	}
	if all && !e.onChange && !e.suppress {
		// nothing compares this entry's values: send without keeping them
		if !send {
			return nil
		}
		return sb.emit(g.ts, leaves, nil)
	}
	var changed []leafVal
	var deleted [][]*gpb.PathElem
	seen := make(map[string]leafVal, len(leaves))
	for i := range leaves {
		leaves[i].fill()
		l := leaves[i]
		seen[l.key] = l
		if old, ok := e.last[l.key]; all || !ok || old.text != l.text {
			changed = append(changed, l)
		}
	}
	if !all {
		for k, l := range e.last {
			if _, ok := seen[k]; !ok {
				deleted = append(deleted, l.path)
			}
		}
		sort.Slice(deleted, func(i, j int) bool { return pathString(deleted[i]) < pathString(deleted[j]) })
	}
	e.last = seen
	if !send {
		return nil
	}
	return sb.emit(g.ts, changed, deleted)
}

// poll answers each Poll request with everything, then sync_response.
func (sb *sub) poll(stream gpb.GNMI_SubscribeServer) error {
	if err := sb.initial(); err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if req.GetPoll() == nil {
			return status.Error(codes.InvalidArgument, "gnmi: a POLL subscription takes only Poll requests")
		}
		g := sb.s.newGather(sb.ctx)
		for _, e := range sb.entries {
			if err := sb.update(g, e, true, true); err != nil {
				return err
			}
		}
		if err := sb.syncResponse(); err != nil {
			return err
		}
	}
}

// stream runs a STREAM subscription: commits wake ON_CHANGE entries of
// configuration and commit history; one timer on the injected clock
// serves the earliest sample, check or heartbeat due.
func (sb *sub) stream() error {
	commits := sb.s.subs.add()
	defer sb.s.subs.remove(commits)
	tick := make(chan struct{}, 1)
	var timer interface{ Stop() bool }
	arm := func() {
		if timer != nil {
			timer.Stop()
		}
		var due time.Time
		for _, e := range sb.entries {
			for _, t := range []time.Time{e.next, e.hb} {
				if !t.IsZero() && (due.IsZero() || t.Before(due)) {
					due = t
				}
			}
		}
		if due.IsZero() {
			return
		}
		timer = sb.s.clock.AfterFunc(max(due.Sub(sb.s.clock.Now()), 0), func() {
			select {
			case tick <- struct{}{}:
			default:
			}
		})
	}
	// The timer is armed before the first update goes out, so a
	// collector that saw sync_response knows the clock is being waited on.
	arm()
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	if err := sb.initial(); err != nil {
		return err
	}
	for {
		select {
		case <-sb.ctx.Done():
			return sb.ctx.Err()
		case <-commits:
			g := sb.s.newGather(sb.ctx)
			for _, e := range sb.entries {
				if e.onChange && e.commits {
					if err := sb.update(g, e, false, true); err != nil {
						return err
					}
				}
			}
		case <-tick:
			if err := sb.due(); err != nil {
				return err
			}
			arm()
		}
	}
}

// due serves the entries whose sample, check or heartbeat time came.
func (sb *sub) due() error {
	now := sb.s.clock.Now()
	g := sb.s.newGather(sb.ctx)
	for _, e := range sb.entries {
		beat := !e.hb.IsZero() && !now.Before(e.hb)
		sample := !e.next.IsZero() && !now.Before(e.next)
		if !beat && !sample {
			continue
		}
		all := beat || (!e.onChange && !e.suppress)
		if err := sb.update(g, e, all, true); err != nil {
			return err
		}
		if beat {
			e.hb = advance(e.hb, e.heartbeat, now)
		}
		if sample {
			e.next = advance(e.next, e.interval, now)
		}
	}
	return nil
}

// advance moves t past now by steps of d (missed samples are not made up).
func advance(t time.Time, d time.Duration, now time.Time) time.Time {
	for !t.After(now) {
		t = t.Add(d)
	}
	return t
}
