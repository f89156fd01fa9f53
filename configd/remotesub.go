package configd

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/yang"
)

// RunRemote subscribes sub to the configd behind cc and feeds it commits
// until ctx ends or the stream breaks (the caller reconnects). It keeps
// the committed tree the chunks apply to, so sub sees the same *Commit
// (Old, New, Changes, Defaults) it would see in-process. ready, if not
// nil, is called once the initial apply (the whole committed
// configuration) has been handed to sub.
func RunRemote(ctx context.Context, cc *grpc.ClientConn, sch *schema.Schema, sub Subscriber, ready func()) error {
	defaults, _, err := format.ParseText(sch.Root, yang.Defaults())
	if err != nil {
		return fmt.Errorf("configd: junos-defaults: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := ipc.OpenStream[SubReply, SubMsg](ctx, cc, SubscribeMethod)
	if err != nil {
		return err
	}
	if err := st.Send(&SubReply{Name: sub.Name()}); err != nil {
		return err
	}
	applied := tree.New(sch.Root)
	appliedExp := applied // applied with its groups applied (kept: each commit expands only what it changed)
	var cur *Commit
	var curID uint64
	for {
		m, err := st.Recv()
		if err != nil {
			return err
		}
		if m.ID != curID { // a new commit: its chunks come with its first phase
			base, baseExp := applied, appliedExp
			if m.Full {
				base = tree.New(sch.Root)
				baseExp = base
			}
			next, err := tree.ApplyChunks(base, m.Chunks)
			if err != nil {
				cur, curID = nil, m.ID
				if err := st.Send(&SubReply{ID: m.ID, Error: fmt.Sprintf("%s: bad configuration chunks: %v", sub.Name(), err)}); err != nil {
					return err
				}
				continue
			}
			cur = expandedCommit(base, baseExp, next, m.Check, defaults)
			curID = m.ID
		}
		if cur == nil {
			if m.Phase == PhaseValidate || m.Phase == PhasePrepare {
				if err := st.Send(&SubReply{ID: m.ID, Error: sub.Name() + ": commit not received"}); err != nil {
					return err
				}
			}
			continue
		}
		switch m.Phase {
		case PhaseValidate, PhasePrepare:
			var err error
			if m.Phase == PhaseValidate {
				err = sub.Validate(ctx, cur)
			} else {
				err = sub.Prepare(ctx, cur)
			}
			if err := st.Send(wireReply(m.ID, err)); err != nil {
				return err
			}
		case PhaseAbort:
			sub.Abort(ctx, cur)
		case PhaseApply:
			cur.Seq = m.Seq
			sub.Apply(ctx, cur)
			applied, appliedExp = cur.stored, cur.New
			if ready != nil {
				ready()
				ready = nil
			}
		}
	}
}

// wireReply encodes a phase's outcome.
func wireReply(id uint64, err error) *SubReply {
	rep := &SubReply{ID: id}
	if err == nil {
		return rep
	}
	var ce *CommitError
	if !errors.As(err, &ce) {
		rep.Error = err.Error()
		return rep
	}
	for _, d := range ce.Diagnostics {
		rep.Diags = append(rep.Diags, WireDiagnostic{Path: d.Path.Tokens(true), Statement: d.Statement, Message: d.Message})
	}
	if ce.Cause != nil {
		rep.Error = ce.Cause.Error()
	}
	return rep
}
