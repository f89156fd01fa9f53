package configd

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
)

// The shared candidate is a set of changes relative to the committed
// configuration. Most commits commit it, but three do not: a commit from a
// private session, an automatic rollback of an unconfirmed commit, and a
// commit at that falls due. After those the shared candidate is rebased:
// its own changes are replayed onto the new committed configuration (as
// Junos keeps a shared user's uncommitted work across another user's
// private commit). Where a shared change touches a statement the other
// commit changed too, the shared user's version stays in the candidate and
// the statement is recorded as a Conflict: `show | compare` warns about it,
// and `commit check` and `commit` of the shared candidate refuse until the
// user edits the statement again (keeping their version), puts it back to
// the committed value, or rolls back. Nobody's change is dropped silently.

// Conflict is a statement of the shared candidate that a commit from
// outside it (By, At) changed after the shared user had edited it.
type Conflict struct {
	Path tree.Path
	By   string    // user whose commit changed the statement
	At   time.Time // when
}

// Statement names the conflicting statement as the CLI does, without a
// leaf's value: `system host-name`.
func (cf Conflict) Statement() string { return cf.Path.Statement() }

// replay applies the changes that lead from base to edited onto onto and
// returns the result and the paths where onto changed the same statement
// differently since base (conflicts). With keep, a conflicting change is
// applied anyway (the editor's version wins); without it, it is skipped.
func replay(base, edited, onto *tree.Node, keep bool) (*tree.Node, []tree.Path, error) {
	e := tree.NewEditor(onto)
	var conflicts []tree.Path
	var changes []tree.Change
	for _, ch := range tree.Diff(base, edited) {
		changes = splitAddition(changes, base, onto, ch)
	}
	for _, ch := range changes {
		if conflicting(base, onto, ch) {
			conflicts = append(conflicts, ch.Path)
			if !keep {
				continue
			}
		}
		if err := applyChange(e, ch); err != nil {
			return nil, nil, err
		}
	}
	return e.Freeze(), conflicts, nil
}

// splitAddition appends ch to out, or, when ch adds a container or list
// entry that onto added too (two users each adding the first application
// under a new `applications`), the additions of its children one by one,
// so that only statements both added conflict.
func splitAddition(out []tree.Change, base, onto *tree.Node, ch tree.Change) []tree.Change {
	if ch.Old != nil || ch.New == nil || ch.Moved || ch.New.NumKids() == 0 || base.Get(ch.Path) != nil {
		return append(out, ch)
	}
	o := onto.Get(ch.Path)
	if o == nil || o.NumKids() == 0 || tree.OwnDiffers(ch.New, o) {
		return append(out, ch)
	}
	for _, k := range ch.New.Kids() {
		out = splitAddition(out, base, onto, tree.Change{Path: ch.Path.Append(k.Step()), New: k})
	}
	return out
}

// conflicting reports whether onto changed the statement of ch (or took
// away a statement that contains it) since base. Even a change to the same
// value is one: the edit was derived from what base said (a
// read-modify-write), and the other commit's author decided it too.
func conflicting(base, onto *tree.Node, ch tree.Change) bool {
	p := ch.Path
	for i := 1; i < len(p); i++ { // an enclosing statement deleted meanwhile
		if base.Get(p[:i]) != nil && onto.Get(p[:i]) == nil {
			return true
		}
	}
	b, o := base.Get(p), onto.Get(p)
	if ch.Old != nil && ch.New != nil && !ch.Moved && ch.New.NumKids() > 0 {
		// Only the statement's own value, flag or comment changed: its
		// children are changes of their own.
		if o == nil {
			return true
		}
		return tree.OwnDiffers(b, o)
	}
	return !tree.Equal(b, o)
}

// applyChange makes the statement of ch in e what the change made it.
func applyChange(e *tree.Editor, ch tree.Change) error {
	if ch.New == nil {
		if err := e.Delete(ch.Path); err != nil && !errors.Is(err, tree.ErrNotFound) {
			return err
		}
		return nil
	}
	if ch.Old == nil || ch.Moved || ch.New.NumKids() == 0 {
		return e.Put(ch.Path, ch.New)
	}
	// Own attributes changed (value, flag, comment): keep onto's children.
	n := ch.New
	if cur := e.Root().Get(ch.Path); cur != nil {
		n = tree.WithKidsOf(n, cur)
	}
	return e.Put(ch.Path, n)
}

// rebaseCandidateLocked replays the shared candidate's changes from the
// committed configuration old onto next, a commit that did not come from
// the shared candidate. It returns the new candidate and the conflicts it
// then has (earlier ones that still stand, and new ones). c.mu is held.
func (c *Configd) rebaseCandidateLocked(old, next *tree.Node, user string, at time.Time) (*tree.Node, []Conflict, error) {
	if c.candidate == old {
		return next, nil, nil
	}
	cand, paths, err := replay(old, c.candidate, next, true)
	if err != nil {
		return nil, nil, fmt.Errorf("keeping the shared candidate's changes: %w", err)
	}
	out := make([]Conflict, 0, len(c.conflicts)+len(paths))
	for _, cf := range c.conflicts {
		if !slices.ContainsFunc(paths, cf.Path.SameStatement) { // a newer conflict replaces it
			out = append(out, cf)
		}
	}
	for _, p := range paths {
		out = append(out, Conflict{Path: p, By: user, At: at})
	}
	out = liveConflicts(out, cand, next)
	sortConflicts(out)
	return cand, out, nil
}

// liveConflicts drops conflicts that no longer override anything: the
// candidate's statement equals the committed one.
func liveConflicts(cfs []Conflict, cand, committed *tree.Node) []Conflict {
	out := cfs[:0]
	for _, cf := range cfs {
		if !tree.Equal(cand.Get(cf.Path), committed.Get(cf.Path)) {
			out = append(out, cf)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// resolveLocked drops the conflicts that an edit (changes, giving next) of the
// shared candidate touched (the user edited the statement again: their
// version is now deliberate), or that no longer differ from committed.
// touched names extra statements the edit addressed without changing them.
// It reports whether the list changed. c.mu is held.
func (c *Configd) resolveLocked(next *tree.Node, changes []tree.Change, touched ...tree.Path) bool {
	if len(c.conflicts) == 0 {
		return false
	}
	var out []Conflict
	for _, cf := range c.conflicts {
		hit := false
		for _, ch := range changes {
			if overlaps(cf.Path, ch.Path) {
				hit = true
				break
			}
		}
		for _, p := range touched {
			hit = hit || overlaps(cf.Path, p)
		}
		if !hit {
			out = append(out, cf)
		}
	}
	out = liveConflicts(out, next, c.committed)
	changed := len(out) != len(c.conflicts)
	c.conflicts = out
	return changed
}

// overlaps reports whether one path is a prefix of the other (the same
// statement, one inside the other).
func overlaps(a, b tree.Path) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a.SameStatement(b[:len(a)])
}

// conflictError is the refusal to commit a shared candidate with
// conflicts, one diagnostic per statement in Junos' layout.
func conflictError(cfs []Conflict) error {
	ce := &CommitError{Kind: ErrConflict}
	for _, cf := range cfs {
		p := cf.Path
		ce.Diagnostics = append(ce.Diagnostics, Diagnostic{Path: p.Parent(), Statement: p[len(p)-1:].Statement(),
			Message: fmt.Sprintf("changed by %s's commit at %s after you edited it; edit it again to keep your version, or 'rollback 0' (see 'show | compare')",
				cf.By, cf.At.UTC().Format("2006-01-02 15:04:05 UTC"))})
	}
	return ce
}

// ConflictWarning renders conflicts as the warning `show | compare`
// prints before the differences ("" when there are none).
func ConflictWarning(cfs []Conflict) string {
	if len(cfs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("warning: statements changed by another commit since you edited them (commit refuses until you edit them again or roll back):\n")
	for _, cf := range cfs {
		fmt.Fprintf(&b, "  %s (committed by %s at %s)\n", cf.Statement(), cf.By, cf.At.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return b.String()
}

// stateConflicts persists the shared candidate's conflicts (as set-form
// tokens) beside the candidate, so a restart does not forget them.
const stateConflicts = "candidate-conflicts"

type storedConflict struct {
	Tokens []string  `json:"path"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

func marshalConflicts(cfs []Conflict) []byte {
	if len(cfs) == 0 {
		return nil // deletes the key
	}
	out := make([]storedConflict, len(cfs))
	for i, cf := range cfs {
		out[i] = storedConflict{Tokens: cf.Path.Tokens(true), By: cf.By, At: cf.At}
	}
	return marshalState(out)
}

// loadConflicts restores the persisted conflicts. A statement the schema
// no longer knows cannot be overridden any more: it is dropped with a
// warning.
func (c *Configd) loadConflicts() error {
	b, err := c.store.State(stateConflicts)
	if err != nil || b == nil {
		return err
	}
	var in []storedConflict
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("candidate conflicts state: %w", err)
	}
	for _, sc := range in {
		ps, err := tree.ParseTokens(c.schema.Root, sc.Tokens, tree.ForSet)
		if err != nil || len(ps) != 1 {
			c.log.Warn("dropping a candidate conflict the schema no longer has", "path", strings.Join(sc.Tokens, " "), "err", err)
			continue
		}
		c.conflicts = append(c.conflicts, Conflict{Path: ps[0], By: sc.By, At: sc.At})
	}
	c.conflicts = liveConflicts(c.conflicts, c.candidate, c.committed)
	return nil
}

// candidateDelta is cand as the store keeps it: its chunks that differ
// from committed's (given as the committed chunks after delta applies).
func candidateDelta(committed, cand *tree.Node, committedCk map[string][]byte, delta map[string][]byte) db.Delta {
	out := db.Delta{}
	for k, v := range tree.ChunkDelta(committed, cand) {
		old, ok := delta[k]
		if !ok {
			old, ok = committedCk[k]
		} else {
			ok = old != nil
		}
		if (v == nil && !ok) || (v != nil && ok && string(v) == string(old)) {
			continue
		}
		out[k] = v
	}
	return out
}

// sortConflicts orders conflicts by statement for stable messages.
func sortConflicts(cfs []Conflict) {
	sort.SliceStable(cfs, func(i, j int) bool { return cfs[i].Statement() < cfs[j].Statement() })
}
