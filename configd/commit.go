package configd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/configd/validate"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/errkind"
)

// Commit is what subscribers see of a commit. Old and New are whole
// configurations in their expanded form, as Junos daemons get them:
// groups applied, no groups or apply-groups statements left (inactive
// statements included: skip them); Changes is the diff between them, the
// work to do.
type Commit struct {
	Seq      uint64 // sequence number the commit will get (0 for commit check)
	Check    bool   // commit check: validate only
	Old, New *tree.Node
	Changes  []tree.Change
	Defaults *tree.Node // junos-defaults (predefined applications)

	// The configuration as written (groups not applied), what the store
	// keeps and remote subscribers receive (they expand it themselves).
	stored        *tree.Node
	storedChanges []tree.Change
	chunks        map[string][]byte // changedChunks, once computed
}

// changedChunks returns the storage chunks of the stored configuration
// that its changes touch (tree.ChangedChunks), computed once per commit:
// the store, commit at and every remote subscriber share them. Commits run
// under Configd.mu.
func (c *Commit) changedChunks() map[string][]byte {
	if c.chunks == nil {
		c.chunks = tree.ChangedChunks(c.stored, c.storedChanges)
	}
	return c.chunks
}

// Subscriber takes part in commits, in the phases of FRR's northbound:
// Validate (no side effects) and Prepare (reserve what Apply needs) may
// fail the commit; Abort undoes a Prepare; Apply makes the new
// configuration current and cannot fail.
type Subscriber interface {
	Name() string
	Validate(ctx context.Context, c *Commit) error
	Prepare(ctx context.Context, c *Commit) error
	Abort(ctx context.Context, c *Commit)
	Apply(ctx context.Context, c *Commit)
}

// CommitOptions select a commit variant.
type CommitOptions struct {
	Check     bool          // commit check
	Comment   string        // commit comment "…"
	Confirmed time.Duration // commit confirmed [N]: roll back unless confirmed within this
	At        time.Time     // commit at "TIME": schedule
}

// CommitResult tells the caller what happened.
type CommitResult struct {
	Seq      uint64
	Deadline time.Time // for commit confirmed
	At       time.Time // for commit at
	Warnings []string
}

type pendingConfirm struct {
	Deadline time.Time `json:"deadline"`
	User     string    `json:"user"`
	Seq      uint64    `json:"seq"`
	timer    interface{ Stop() bool }
}

type pendingCommitAt struct {
	At      time.Time         `json:"at"`
	User    string            `json:"user"`
	Client  string            `json:"client"`
	Comment string            `json:"comment"`
	Delta   map[string][]byte `json:"delta"` // candidate chunks relative to committed
	timer   interface{ Stop() bool }
}

// Commit commits this session's candidate.
func (s *Session) Commit(ctx context.Context, o CommitOptions) (*CommitResult, error) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exclusive != nil && c.exclusive != s {
		return nil, errkind.Errorf(ErrLocked, "configuration database locked by %s", c.exclusive.user)
	}
	if s.mode != Private && len(c.conflicts) > 0 {
		return nil, conflictError(c.conflicts)
	}
	next := s.candidateLocked()
	if s.mode == Private {
		merged, err := c.mergePrivate(s)
		if err != nil {
			return nil, err
		}
		next = merged
	}
	if c.commitAt != nil && !o.Check {
		return nil, errkind.Errorf(ErrLocked, "commit at %s is pending; use 'clear system commit' first",
			c.commitAt.At.Format("2006-01-02 15:04:05 MST"))
	}
	if !o.At.IsZero() {
		return c.scheduleLocked(ctx, s, next, o)
	}
	res, err := c.commitLocked(ctx, next, s.user, s.client, o)
	if err != nil {
		return nil, err
	}
	if s.mode == Private && !o.Check {
		s.base, s.cand = c.committed, c.committed
	}
	return res, nil
}

// mergePrivate replays a private session's changes onto the committed
// configuration. A change to a statement that someone else changed since
// the session took its copy is a conflict.
func (c *Configd) mergePrivate(s *Session) (*tree.Node, error) {
	if s.base == c.committed {
		return s.cand, nil
	}
	merged, conflicts, err := replay(s.base, s.cand, c.committed, false)
	if err != nil {
		return nil, err
	}
	if len(conflicts) > 0 {
		names := make([]string, len(conflicts))
		for i, p := range conflicts {
			names[i] = p.Edit()
		}
		return nil, errkind.Errorf(ErrConflict, "configuration changed by another user since configure private; conflicting statements:\n  %s\nuse 'rollback' or 'update' and edit again",
			strings.Join(names, "\n  "))
	}
	return merged, nil
}

// newCommit describes committing next over the committed configuration.
func (c *Configd) newCommit(next *tree.Node, check bool) *Commit {
	return expandedCommit(c.committed, c.committedExpandedLocked(), next, check, c.defaults)
}

// checkLocked runs the commit's validation phase: the schema's rules, then
// every subscriber's Validate. c.mu is held.
func (c *Configd) checkLocked(ctx context.Context, cm *Commit) error {
	if diags := groupErrors(cm.stored, cm.storedChanges); len(diags) > 0 {
		return &CommitError{Diagnostics: diags}
	}
	if errs := validate.Validate(cm.New, validate.Options{Defaults: c.defaults, Changes: cm.Changes, Old: cm.Old}); len(errs) > 0 {
		ce := &CommitError{}
		for _, e := range errs {
			ce.Diagnostics = append(ce.Diagnostics, Diagnostic{Path: e.Path, Statement: e.Statement, Message: e.Message, AppTag: e.AppTag})
		}
		return ce
	}
	for _, sub := range c.subs {
		if err := sub.Validate(ctx, cm); err != nil {
			return asCommitError(sub, err)
		}
	}
	return nil
}

// commitLocked runs the pipeline. c.mu is held.
func (c *Configd) commitLocked(ctx context.Context, next *tree.Node, user, client string, o CommitOptions) (*CommitResult, error) {
	c.writes.ed = nil                       // the commit and its rebase hold the candidate: frozen (writes.go)
	if err := c.flushLocked(); err != nil { // deferred edits (writes.go) are written before the commit
		return nil, err
	}
	cm := c.newCommit(next, o.Check)
	if err := c.checkLocked(ctx, cm); err != nil {
		return nil, err
	}
	if o.Check {
		return &CommitResult{}, nil
	}
	for i, sub := range c.subs {
		if err := sub.Prepare(ctx, cm); err != nil {
			abort(ctx, cm, c.subs[:i]) // those prepared so far
			return nil, asCommitError(sub, err)
		}
	}
	now := c.clock.Now()
	meta := db.RevisionMeta{Time: now, User: user, Client: db.Client(client), Comment: o.Comment}
	state := map[string][]byte{stateConfirm: nil}
	var confirm *pendingConfirm
	if o.Confirmed > 0 {
		meta.ConfirmDeadline = now.Add(o.Confirmed)
		confirm = &pendingConfirm{Deadline: meta.ConfirmDeadline, User: user}
		state[stateConfirm] = marshalState(confirm)
	}
	delta := cm.changedChunks()
	// A commit that is not of the shared candidate keeps the candidate's
	// own changes, now relative to next, in the same store transaction.
	cand, conflicts, candDelta := next, []Conflict(nil), db.Delta(nil)
	if next != c.candidate {
		var err error
		if cand, conflicts, err = c.rebaseCandidateLocked(c.committed, next, user, now); err != nil {
			abort(ctx, cm, c.subs)
			return nil, &CommitError{Cause: err}
		}
		candDelta = candidateDelta(next, cand, c.committedCk, delta)
	}
	if len(conflicts) > 0 || len(c.conflicts) > 0 {
		state[stateConflicts] = marshalConflicts(conflicts)
	}
	seq, err := c.store.CommitKeepingCandidate(delta, meta, state, candDelta)
	if err != nil {
		abort(ctx, cm, c.subs)
		return nil, &CommitError{Cause: fmt.Errorf("saving revision: %w", err)}
	}
	cm.Seq = seq
	for k, v := range delta {
		if v == nil {
			delete(c.committedCk, k)
		} else {
			c.committedCk[k] = v
		}
	}
	c.committed = next
	c.expanded.of, c.expanded.tree = next, cm.New
	c.candidate, c.conflicts = cand, conflicts
	if len(conflicts) > 0 {
		c.log.Warn("commit overrode statements edited in the shared candidate; its commit refuses until they are edited again",
			"seq", seq, "user", user, "conflicts", len(conflicts))
	}
	for _, sub := range c.subs {
		sub.Apply(ctx, cm)
	}
	if c.confirm != nil && c.confirm.timer != nil {
		c.confirm.timer.Stop()
	}
	c.confirm = nil
	res := &CommitResult{Seq: seq}
	if confirm != nil {
		confirm.Seq = seq
		c.armConfirm(confirm)
		res.Deadline = confirm.Deadline
	}
	comment := o.Comment
	if comment == "" {
		comment = "none"
	}
	c.log.Info(fmt.Sprintf("User '%s' requested 'commit' operation (comment: %s)", user, comment),
		"tag", "UI_COMMIT", "facility", "interactive-commands", "severity", "notice", "process", "mgd",
		"seq", seq, "client", client, "changes", len(cm.Changes))
	return res, nil
}

// abort tells prepared subscribers that the commit will not happen.
func abort(ctx context.Context, cm *Commit, prepared []Subscriber) {
	for _, p := range prepared {
		p.Abort(ctx, cm)
	}
}

func asCommitError(sub Subscriber, err error) error {
	var ce *CommitError
	if errors.As(err, &ce) {
		return ce
	}
	return &CommitError{Cause: fmt.Errorf("%s: %w", sub.Name(), err)}
}

// armConfirm schedules the automatic rollback of a commit confirmed.
func (c *Configd) armConfirm(p *pendingConfirm) {
	c.confirm = p
	d := p.Deadline.Sub(c.clock.Now())
	p.timer = c.clock.AfterFunc(d, func() { c.confirmExpired(p) })
}

// confirmExpired rolls back to the revision before the unconfirmed one.
func (c *Configd) confirmExpired(p *pendingConfirm) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.confirm != p || c.closed {
		return // confirmed, superseded or shut down meanwhile
	}
	c.rollbackUnconfirmedLocked(context.Background())
}

func (c *Configd) rollbackUnconfirmedLocked(ctx context.Context) {
	prev, _, err := c.revisionLocked(1)
	if err != nil {
		c.log.Error("commit confirmed: cannot load rollback 1", "err", err)
		return
	}
	c.confirm = nil
	if _, err := c.commitLocked(ctx, prev, "root", string(db.ClientSystem),
		CommitOptions{Comment: "commit confirmed rollback"}); err != nil {
		c.log.Error("commit confirmed: automatic rollback failed", "err", err)
		return
	}
	c.log.Warn("commit confirmed was not confirmed; rolled back to the previous revision")
}

// PendingConfirm returns the deadline of an unconfirmed commit confirmed.
func (c *Configd) PendingConfirm() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.confirm == nil {
		return time.Time{}, false
	}
	return c.confirm.Deadline, true
}

// PendingCommitAt returns the scheduled time of a commit at.
func (c *Configd) PendingCommitAt() (time.Time, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.commitAt == nil {
		return time.Time{}, "", false
	}
	return c.commitAt.At, c.commitAt.User, true
}

// scheduleLocked validates now and commits at o.At (`commit at`).
func (c *Configd) scheduleLocked(ctx context.Context, s *Session, next *tree.Node, o CommitOptions) (*CommitResult, error) {
	if err := c.flushLocked(); err != nil {
		return nil, err
	}
	if !o.At.After(c.clock.Now()) {
		return nil, errkind.Errorf(ErrInvalid, "commit at: time %s is in the past", o.At.Format(time.DateTime))
	}
	cm := c.newCommit(next, true)
	if err := c.checkLocked(ctx, cm); err != nil {
		return nil, err
	}
	p := &pendingCommitAt{At: o.At, User: s.user, Client: s.client, Comment: o.Comment,
		Delta: cm.changedChunks()}
	if err := c.store.PutState(stateCommitAt, marshalState(p)); err != nil {
		return nil, fmt.Errorf("configd: %w", err)
	}
	c.armCommitAt(p)
	return &CommitResult{At: o.At}, nil
}

func (c *Configd) armCommitAt(p *pendingCommitAt) {
	c.commitAt = p
	p.timer = c.clock.AfterFunc(p.At.Sub(c.clock.Now()), func() { c.commitAtDue(p) })
}

func (c *Configd) commitAtDue(p *pendingCommitAt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.commitAt != p || c.closed {
		return
	}
	c.commitAt = nil
	if err := c.store.PutState(stateCommitAt, nil); err != nil {
		c.log.Error("commit at: clearing state", "err", err)
	}
	next, err := tree.ApplyChunks(c.committed, p.Delta) // shares all it does not replace
	if err != nil {
		c.log.Error("commit at: rebuilding configuration", "err", err)
		return
	}
	if _, err := c.commitLocked(context.Background(), next, p.User, p.Client,
		CommitOptions{Comment: p.Comment}); err != nil {
		c.log.Error("commit at failed", "err", err)
	}
}

// ClearCommitAt cancels a pending commit at (`clear system commit`).
func (c *Configd) ClearCommitAt() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.commitAt == nil {
		return errkind.Errorf(ErrNotFound, "no commit is pending")
	}
	if c.commitAt.timer != nil {
		c.commitAt.timer.Stop()
	}
	c.commitAt = nil
	if err := c.store.PutState(stateCommitAt, nil); err != nil {
		return fmt.Errorf("configd: %w", err)
	}
	return nil
}

// restorePending re-arms commit confirmed and commit at after a restart; a
// deadline that passed while configd was down takes effect now.
func (c *Configd) restorePending(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, err := c.store.State(stateConfirm); err != nil {
		return fmt.Errorf("configd: %w", err)
	} else if b != nil {
		var p pendingConfirm
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("configd: commit confirmed state: %w", err)
		}
		if !p.Deadline.After(c.clock.Now()) {
			c.confirm = &p
			c.rollbackUnconfirmedLocked(ctx)
		} else {
			c.armConfirm(&p)
		}
	}
	if b, err := c.store.State(stateCommitAt); err != nil {
		return fmt.Errorf("configd: %w", err)
	} else if b != nil {
		var p pendingCommitAt
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("configd: commit at state: %w", err)
		}
		c.armCommitAt(&p)
	}
	return nil
}
