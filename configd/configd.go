// Package configd is gnos's management daemon: it owns the configuration
// datastores (committed, shared candidate, private candidates, the exclusive
// lock), applies edits, and runs the commit pipeline.
//
// A commit follows FRR's northbound phases: the candidate is validated
// (types, leafrefs, mandatory, must, when, unique), every subscriber
// (servicesd, the interface manager, …) validates and then prepares it;
// if anything fails, prepared subscribers are told to abort and nothing has
// changed. Otherwise the new revision is persisted in one store transaction
// (so a crash leaves the old or the new revision, never a mix), the in-memory
// committed tree is swapped, and subscribers apply, which cannot fail.
// Events reach subscribers only after the store transaction commits, as in
// containerd.
//
// Trees are persistent and share structure (package tree), so the diff,
// the validation scope, the chunks written to the store and the work handed
// to subscribers are all proportional to what the commit changed.
//
// Locking: Configd.mu guards all datastore state and serialises commits.
// Subscribers are called with mu held and must not call back into Configd.
package configd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/yang"
)

// MaxRollback is the oldest revision kept (rollback 0..49).
const MaxRollback = 49

// Options configure a Configd.
type Options struct {
	Store  *db.Store
	Schema *schema.Schema // default: schema.Default()
	Clock  clock.Clock    // default: clock.Real
	Log    *slog.Logger
	// MaxLoad bounds the configuration text one load takes (default
	// DefaultMaxLoad); see limits.go.
	MaxLoad int
	// RescueFile is where the rescue configuration is kept (rescue.go);
	// empty: the system has none.
	RescueFile string
}

// Configd is the configuration daemon.
type Configd struct {
	store  *db.Store
	schema *schema.Schema
	clock  clock.Clock
	log    *slog.Logger

	defaults   *tree.Node // junos-defaults (predefined applications); immutable
	maxLoad    int        // Options.MaxLoad; immutable
	rescueFile string     // Options.RescueFile; immutable

	mu          sync.Mutex // guards everything below; held for a whole commit
	committed   *tree.Node
	expanded    struct{ of, tree *tree.Node } // committed with groups applied (committedExpandedLocked)
	committedCk map[string][]byte             // encoded chunks of committed, to persist the candidate as a delta
	candidate   *tree.Node                    // the shared candidate
	writes      writes                        // deferred candidate writes (writes.go)
	changed     time.Time                     // when the shared candidate was last edited (this run)
	conflicts   []Conflict                    // the shared candidate's, after a commit from outside it (rebase.go)
	subs        []Subscriber
	sessions    map[int]*Session
	nextID      int
	exclusive   *Session
	confirm     *pendingConfirm
	commitAt    *pendingCommitAt
	started     time.Time
	closed      bool
}

// New opens the datastores from the store: the committed configuration,
// the persisted shared candidate, and pending commit confirmed / commit at
// state (a commit confirmed whose deadline passed while configd was down
// is rolled back now).
func New(ctx context.Context, o Options) (*Configd, error) {
	if o.Schema == nil {
		s, err := schema.Default()
		if err != nil {
			return nil, err
		}
		o.Schema = s
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.MaxLoad <= 0 {
		o.MaxLoad = DefaultMaxLoad
	}
	c := &Configd{store: o.Store, schema: o.Schema, clock: o.Clock, log: o.Log, maxLoad: o.MaxLoad,
		rescueFile: o.RescueFile, sessions: map[int]*Session{}, started: o.Clock.Now()}
	def, _, err := format.ParseText(o.Schema.Root, yang.Defaults())
	if err != nil {
		return nil, fmt.Errorf("configd: junos-defaults: %w", err)
	}
	c.defaults = def
	chunks, _, err := o.Store.Committed()
	if err != nil {
		return nil, fmt.Errorf("configd: %w", err)
	}
	if c.committed, err = tree.Assemble(o.Schema.Root, chunks); err != nil {
		return nil, errkind.Errorf(ErrCorrupt, "configd: the committed configuration is damaged: %w", err)
	}
	c.committedCk = chunks
	delta, err := o.Store.Candidate()
	if err != nil {
		return nil, fmt.Errorf("configd: %w", err)
	}
	// The candidate is the committed tree with its own chunks applied:
	// everything else is shared, as it was before the restart.
	if c.candidate, err = tree.ApplyChunks(c.committed, delta); err != nil {
		return nil, errkind.Errorf(ErrCorrupt, "configd: the candidate configuration is damaged: %w", err)
	}
	if err := c.loadConflicts(); err != nil {
		return nil, fmt.Errorf("configd: %w", err)
	}
	if err := c.restorePending(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Close stops configd's timers (commit confirmed, commit at). Their state
// stays in the store: a new Configd on the same store re-arms them.
func (c *Configd) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.confirm != nil && c.confirm.timer != nil {
		c.confirm.timer.Stop()
	}
	if c.commitAt != nil && c.commitAt.timer != nil {
		c.commitAt.timer.Stop()
	}
	c.confirm, c.commitAt = nil, nil
	c.closed = true
}

// Schema returns the compiled schema.
func (c *Configd) Schema() *schema.Schema { return c.schema }

// Defaults returns the predefined (junos-defaults) configuration.
func (c *Configd) Defaults() *tree.Node { return c.defaults }

// Clock returns the daemon's clock.
func (c *Configd) Clock() clock.Clock { return c.clock }

// Committed returns the committed configuration (immutable).
func (c *Configd) Committed() *tree.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.committed
}

// Active returns the committed configuration in its expanded form, groups
// applied (what the system runs: logins, host name, interfaces).
func (c *Configd) Active() *tree.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.committedExpandedLocked()
}

// Subscribe registers a commit subscriber. Subscribers are called in
// registration order; the current committed configuration is handed to the
// new subscriber as an initial Apply so it starts in sync.
func (c *Configd) Subscribe(ctx context.Context, s Subscriber) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs = append(c.subs, s)
	empty := tree.New(c.schema.Root)
	s.Apply(ctx, commitOf(empty, empty, c.committed, c.committedExpandedLocked(), false, c.defaults))
}

// History returns revision metadata, newest (rollback 0) first.
func (c *Configd) History() ([]db.RevisionMeta, error) {
	h, err := c.store.History()
	if err != nil {
		return nil, fmt.Errorf("configd: %w", err)
	}
	return h, nil
}

// Revision returns rollback n (0 = committed).
func (c *Configd) Revision(n int) (*tree.Node, db.RevisionMeta, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.revisionLocked(n)
}

// revisionLocked rebuilds rollback n from the committed tree and the
// store's delta for it: the cost is the size of the changes since.
func (c *Configd) revisionLocked(n int) (*tree.Node, db.RevisionMeta, error) {
	if n < 0 || n > MaxRollback {
		return nil, db.RevisionMeta{}, errkind.Errorf(ErrNotFound, "cannot find rollback %d", n)
	}
	delta, meta, err := c.store.RollbackDelta(n)
	if n == 0 && errors.Is(err, db.ErrNotFound) {
		return c.committed, meta, nil // nothing committed yet: the empty configuration
	}
	switch {
	case errors.Is(err, ErrCorrupt):
		return nil, meta, errkind.Errorf(ErrCorrupt, "rollback %d is damaged: %w", n, err)
	case errors.Is(err, ErrNotFound):
		return nil, meta, errkind.Errorf(ErrNotFound, "cannot find rollback %d", n)
	case err != nil:
		return nil, meta, fmt.Errorf("configd: rollback %d: %w", n, err)
	}
	t, err := tree.ApplyChunks(c.committed, delta)
	if err != nil { // the store kept text the schema cannot read back
		return nil, meta, errkind.Errorf(ErrCorrupt, "rollback %d is damaged: %w", n, err)
	}
	return t, meta, nil
}

// persistCandidate records the shared candidate as a delta against the
// committed chunks, touching only the chunks that changed from prev.
func (c *Configd) persistCandidate(prev, next *tree.Node) error {
	return c.persistChanges(next, tree.Diff(prev, next))
}

// persistChanges is persistCandidate given changes, the diff from the
// candidate the store holds to next.
func (c *Configd) persistChanges(next *tree.Node, changes []tree.Change) error {
	changed := tree.ChangedChunks(next, changes)
	if len(changed) == 0 {
		return nil
	}
	set := db.Delta{}
	var reset []string
	for k, v := range changed {
		old, inCommitted := c.committedCk[k]
		switch {
		case v == nil && !inCommitted, v != nil && inCommitted && bytes.Equal(v, old):
			reset = append(reset, k)
		default:
			set[k] = v
		}
	}
	sort.Strings(reset)
	if err := c.store.UpdateCandidate(set, reset); err != nil {
		return fmt.Errorf("configd: saving candidate: %w", err)
	}
	return nil
}

// Sessions returns the open configuration sessions (for `status` and
// `show system users`).
func (c *Configd) Sessions() []SessionInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []SessionInfo
	for _, s := range c.sessions {
		out = append(out, s.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Modified reports whether the shared candidate differs from the committed
// configuration.
func (c *Configd) Modified() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !tree.Equal(c.candidate, c.committed)
}

// state keys in the store.
const (
	stateConfirm  = "commit-confirmed"
	stateCommitAt = "commit-at"
)

func marshalState(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs: cannot fail
	}
	return b
}
