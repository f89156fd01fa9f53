package configd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/configd/tree"
)

// Remote subscribers: a daemon in another process (`gnos servicesd`)
// takes part in commits over the management socket exactly as an
// in-process Subscriber does. It opens the Subscribe stream and says its
// name; configd registers a proxy Subscriber for it. The proxy sends each
// commit phase (validate, prepare, abort, apply) with the commit's changed
// storage chunks the first time the commit is seen (Commit.changedChunks,
// the ones the store writes: the cost of the change, not of the
// configuration), and waits for the answer to validate and prepare. The
// subscriber keeps its own copy of the committed tree and applies the
// chunks to it (RunRemote). On subscribing
// it gets the whole committed configuration as an initial apply, so a
// restarted subscriber starts in sync. A subscriber that goes away is
// unsubscribed: commits go on without it.

// Subscription stream names.
const (
	SubscribeService = "gnos.Configd"
	SubscribeMethod  = "/gnos.Configd/Subscribe"
)

// Commit phases on the wire.
const (
	PhaseValidate = "validate"
	PhasePrepare  = "prepare"
	PhaseAbort    = "abort"
	PhaseApply    = "apply"
)

// RemoteTimeout bounds how long a commit waits for a remote subscriber's
// answer to validate or prepare.
var RemoteTimeout = 2 * time.Minute

// SubMsg is one commit phase sent to a remote subscriber.
type SubMsg struct {
	ID     uint64            `json:"id"` // the commit, numbered per stream
	Phase  string            `json:"phase"`
	Check  bool              `json:"check,omitempty"`
	Seq    uint64            `json:"seq,omitempty"`    // apply: the revision
	Full   bool              `json:"full,omitempty"`   // Chunks are the whole configuration
	Chunks map[string][]byte `json:"chunks,omitempty"` // first phase of a commit: its changed chunks
}

// SubReply is a remote subscriber's answer (or, first, its hello).
type SubReply struct {
	Name  string           `json:"name,omitempty"` // hello
	ID    uint64           `json:"id,omitempty"`
	Error string           `json:"error,omitempty"`
	Diags []WireDiagnostic `json:"diagnostics,omitempty"`
}

// WireDiagnostic is a Diagnostic with its path as CLI tokens.
type WireDiagnostic struct {
	Path      []string `json:"path"`
	Statement string   `json:"statement,omitempty"`
	Message   string   `json:"message"`
}

// RegisterRemote serves the Subscribe stream on g (the management socket).
func (c *Configd) RegisterRemote(g *grpc.Server) {
	g.RegisterService(&grpc.ServiceDesc{
		ServiceName: SubscribeService,
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName: "Subscribe", ClientStreams: true, ServerStreams: true,
			Handler: func(_ any, st grpc.ServerStream) error { return c.serveRemote(st) },
		}},
	}, nil)
}

func (c *Configd) serveRemote(st grpc.ServerStream) error {
	var hello SubReply
	if err := st.RecvMsg(&hello); err != nil {
		return err
	}
	if hello.Name == "" {
		return errors.New("configd: a subscriber must say its name")
	}
	r := &remoteSub{name: hello.Name, st: st, schema: c, replies: make(chan *SubReply, 1), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			m := new(SubReply)
			if err := st.RecvMsg(m); err != nil {
				return
			}
			select {
			case r.replies <- m:
			default: // an answer nobody waits for any more
			}
		}
	}()
	c.log.Info("configd: remote subscriber connected", "name", r.name)
	c.Subscribe(st.Context(), r)
	select {
	case <-r.done:
	case <-st.Context().Done():
	}
	c.Unsubscribe(r)
	c.log.Info("configd: remote subscriber gone", "name", r.name)
	return nil
}

// Unsubscribe removes a subscriber.
func (c *Configd) Unsubscribe(s Subscriber) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.subs {
		if x == s {
			c.subs = append(c.subs[:i:i], c.subs[i+1:]...)
			return
		}
	}
}

// remoteSub is the proxy of a remote subscriber. Its methods run under
// configd's lock (the commit pipeline, Subscribe), so sends never
// interleave.
type remoteSub struct {
	name    string
	st      grpc.ServerStream
	schema  *Configd
	replies chan *SubReply
	done    chan struct{}

	mu  sync.Mutex // guards cur and id (phases run under configd's lock; this keeps the race detector's view simple)
	cur *Commit
	id  uint64
}

func (r *remoteSub) Name() string { return r.name }

// msg builds the phase message, with the chunks when the commit is new.
func (r *remoteSub) msg(c *Commit, phase string) *SubMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := &SubMsg{Phase: phase, Check: c.Check, Seq: c.Seq}
	if r.cur != c {
		r.cur = c
		r.id++
		m.Chunks = c.changedChunks()
		m.Full = c.Old.Empty()
	}
	m.ID = r.id
	return m
}

// call sends a phase and waits for its answer. A subscriber that went
// away does not hold commits up: it is being unsubscribed, and gets the
// whole configuration when it subscribes again.
func (r *remoteSub) call(ctx context.Context, c *Commit, phase string) error {
	m := r.msg(c, phase)
	if err := r.st.SendMsg(m); err != nil {
		return nil
	}
	t := time.NewTimer(RemoteTimeout)
	defer t.Stop()
	for {
		select {
		case rep := <-r.replies:
			if rep.ID != m.ID {
				continue // a late answer to an earlier phase
			}
			return r.schema.wireError(rep)
		case <-r.done:
			return nil
		case <-t.C:
			return fmt.Errorf("%s did not answer %s within %v", r.name, phase, RemoteTimeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *remoteSub) Validate(ctx context.Context, c *Commit) error {
	return r.call(ctx, c, PhaseValidate)
}

func (r *remoteSub) Prepare(ctx context.Context, c *Commit) error {
	return r.call(ctx, c, PhasePrepare)
}

func (r *remoteSub) Abort(_ context.Context, c *Commit) { _ = r.st.SendMsg(r.msg(c, PhaseAbort)) }

func (r *remoteSub) Apply(_ context.Context, c *Commit) { _ = r.st.SendMsg(r.msg(c, PhaseApply)) }

// wireError turns an answer into the error the commit reports, placing
// each diagnostic back on its configuration path.
func (c *Configd) wireError(rep *SubReply) error {
	if rep.Error == "" && len(rep.Diags) == 0 {
		return nil
	}
	ce := &CommitError{}
	for _, d := range rep.Diags {
		var p tree.Path
		if len(d.Path) > 0 {
			ps, err := tree.ParseTokens(c.schema.Root, d.Path, tree.ForRef)
			if err != nil || len(ps) == 0 {
				ce.Diagnostics = append(ce.Diagnostics, Diagnostic{Statement: d.Statement,
					Message: fmt.Sprintf("%s (at %v)", d.Message, d.Path)})
				continue
			}
			p = ps[0]
		}
		ce.Diagnostics = append(ce.Diagnostics, Diagnostic{Path: p, Statement: d.Statement, Message: d.Message})
	}
	if rep.Error != "" {
		ce.Cause = errors.New(rep.Error)
	}
	return ce
}
