package configd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/wildcard"
)

// Mode is how a session edits the configuration.
type Mode int

// Session modes, as `configure`, `configure private`, `configure exclusive`.
const (
	Shared Mode = iota
	Private
	Exclusive
)

func (m Mode) String() string { return [...]string{"shared", "private", "exclusive"}[m] }

// Session is one user's configuration-mode session. Edits of a shared or
// exclusive session go to the shared candidate; a private session edits its
// own copy, taken from the committed configuration, which is merged into the
// committed configuration at commit (a conflict is an error, never a silent
// overwrite).
type Session struct {
	c      *Configd
	id     int
	user   string
	client string
	mode   Mode
	since  time.Time

	// guarded by c.mu
	base    *tree.Node // private: committed configuration the private copy was taken from
	cand    *tree.Node // private: the private candidate
	changed time.Time  // private: when cand was last edited
	edit    string     // where the user is, "[edit …]", for status
	owner   int        // the management session's id (SetOwner), 0 if none
}

// SessionInfo describes a session for `status`.
type SessionInfo struct {
	ID     int
	User   string
	Client string
	Mode   Mode
	Since  time.Time
	Edit   string // "[edit …]"
	// Owner is the id of the management session that opened it (a CLI
	// session, or the NETCONF session-id), 0 when none said (SetOwner).
	Owner int
}

// PID is the number that names the session to users, as Junos names an
// editor by its mgd's pid: its owner's id, else its own.
func (si SessionInfo) PID() int {
	if si.Owner != 0 {
		return si.Owner
	}
	return si.ID
}

func (s *Session) info() SessionInfo {
	edit := s.edit
	if edit == "" {
		edit = "[edit]"
	}
	return SessionInfo{ID: s.id, User: s.user, Client: s.client, Mode: s.mode, Since: s.since, Edit: edit, Owner: s.owner}
}

// SetOwner records the id of the management session that opened s (a
// CLI session's, or the NETCONF session-id): lock errors, configure
// banners and NETCONF's lock-denied name the holder by it.
func (s *Session) SetOwner(id int) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.owner = id
}

// SetEdit records the session's edit level ("[edit services]"), which
// `status` and other users' configure banners show.
func (s *Session) SetEdit(edit string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.edit = edit
}

// sharedHolderLocked is the management id of the shared-candidate
// session opened first that has one (the editors a modified shared
// candidate is held by), or 0.
func (c *Configd) sharedHolderLocked() int {
	best, holder := 0, 0
	for _, o := range c.sessions {
		if o.mode == Shared && o.owner != 0 && (best == 0 || o.id < best) {
			best, holder = o.id, o.owner
		}
	}
	return holder
}

// Open starts a configuration session. Private sessions need an unmodified
// shared candidate (as in Junos); an exclusive session needs nobody else to
// hold the lock and an unmodified shared candidate.
func (c *Configd) Open(user, client string, mode Mode) (*Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exclusive != nil && mode != Private {
		return nil, errkind.Errorf(ErrLocked, "configuration database locked by: %s (pid %d) exclusive", c.exclusive.user, c.exclusive.info().PID())
	}
	switch mode {
	case Private:
		if !tree.Equal(c.candidate, c.committed) {
			return nil, &HeldError{Holder: c.sharedHolderLocked(),
				Err: errkind.Errorf(ErrConflict, "shared configuration database modified; use 'configure' or commit first")}
		}
	case Exclusive:
		// Leaving configure exclusive discards the candidate's changes, so
		// it may only start from an unmodified one: otherwise it would
		// discard other users' uncommitted edits.
		if !tree.Equal(c.candidate, c.committed) {
			for _, o := range c.sessions {
				if o.mode == Shared {
					return nil, &HeldError{Holder: c.sharedHolderLocked(),
						Err: errkind.Errorf(ErrLocked, "configuration database modified by %s", o.user)}
				}
			}
			return nil, errkind.Errorf(ErrLocked, "configuration database modified; use 'configure' to commit or roll back the uncommitted changes first")
		}
	}
	c.nextID++
	s := &Session{c: c, id: c.nextID, user: user, client: client, mode: mode, since: c.clock.Now()}
	if mode == Private {
		s.base, s.cand = c.committed, c.committed
	}
	if mode == Exclusive {
		c.exclusive = s
	}
	c.sessions[s.id] = s
	return s, nil
}

// ID returns the session's id.
func (s *Session) ID() int { return s.id }

// User returns the session's user.
func (s *Session) User() string { return s.user }

// Mode returns the session's mode.
func (s *Session) Mode() Mode { return s.mode }

// Close ends the session. A private session's uncommitted changes are
// discarded; an exclusive session's are discarded too (Junos rolls back on
// exit from configure exclusive).
func (s *Session) Close() {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes.by == s {
		c.writes.by = nil
		if err := c.flushLocked(); err != nil {
			c.log.Error("writing the candidate at the end of a session", "err", err)
		}
	}
	if c.exclusive == s {
		c.exclusive = nil
		if !tree.Equal(c.candidate, c.committed) {
			c.candidate, c.conflicts = c.committed, nil
			if err := c.store.ClearCandidate(); err != nil {
				c.log.Error("discarding exclusive changes", "err", err)
			}
			if err := c.store.PutState(stateConflicts, nil); err != nil {
				c.log.Error("discarding exclusive changes", "err", err)
			}
		}
	}
	delete(c.sessions, s.id)
}

// Candidate returns the tree this session edits.
func (s *Session) Candidate() *tree.Node {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.candidateLocked()
}

func (s *Session) candidateLocked() *tree.Node {
	if s.mode == Private {
		return s.cand
	}
	s.c.writes.ed = nil // handed out: a batch's editor must not edit it in place (writes.go)
	return s.c.candidate
}

// LastChanged is when this session's candidate was last edited (Junos'
// `## Last changed:`): the last commit's time when it has not been edited
// since, or when the edit happened before a restart; zero before any
// commit.
func (s *Session) LastChanged() time.Time {
	s.c.mu.Lock()
	changed := s.c.changed
	if s.mode == Private {
		changed = s.changed
	}
	s.c.mu.Unlock()
	if h, err := s.c.History(); err == nil && len(h) > 0 && h[0].Time.After(changed) {
		return h[0].Time
	}
	return changed
}

// Modified reports whether this session's candidate differs from the
// committed configuration.
func (s *Session) Modified() bool {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.mode == Private {
		return !tree.Equal(s.cand, s.base)
	}
	return !tree.Equal(s.c.candidate, s.c.committed)
}

// Edit runs fn against an Editor on this session's candidate and publishes
// the result; the shared candidate is persisted. If fn fails nothing
// changes.
func (s *Session) Edit(fn func(e *tree.Editor) error) error { return s.editTouching(nil, fn) }

// editTouching is Edit for a command that names the statements it addresses
// (touched): editing a statement in conflict (rebase.go) resolves the
// conflict even when the edit changes nothing, and deleting one the
// candidate already deletes confirms that deletion.
func (s *Session) editTouching(touched []tree.Path, fn func(e *tree.Editor) error) error {
	return s.editVerb(touched, "modified", fn)
}

// editVerb is editTouching for an edit that would leave protected
// statements "modified", "deleted", … (verb, for the warnings of
// guardProtectedDiff); "" edits protection itself and is not guarded.
func (s *Session) editVerb(touched []tree.Path, verb string, fn func(e *tree.Editor) error) error {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exclusive != nil && c.exclusive != s && s.mode != Private {
		return errkind.Errorf(ErrLocked, "configuration database locked by %s", c.exclusive.user)
	}
	prev := s.candidateLocked()
	e := tree.NewEditor(prev)
	if err := fn(e); err != nil {
		if errors.Is(err, tree.ErrNotFound) {
			if s.mode != Private && c.resolveLocked(prev, nil, touched...) {
				c.saveConflictsLocked()
				return nil
			}
			return tree.ErrNotFound // of kind NotFound; the CLI words it as Junos' warning
		}
		return err
	}
	next := e.Freeze()
	edited := next
	changes := tree.Diff(prev, next) // once: for protection and for the store
	var refused error
	if verb != "" {
		var warnings []string
		if next, warnings = guardProtectedDiff(prev, next, changes, verb); len(warnings) > 0 {
			refused = &ProtectedError{Warnings: warnings}
			if verb == "renamed" { // half a rename would be a copy
				next = prev
			}
		}
	}
	if s.mode == Private {
		s.cand, s.changed = next, c.clock.Now()
		return refused
	}
	if next != edited { // protection put statements back: another diff
		changes = tree.Diff(prev, next)
	}
	if !c.deferredLocked(s, prev) {
		if err := c.flushLocked(); err != nil { // another session's deferred edits first
			return err
		}
		if err := c.persistChanges(next, changes); err != nil {
			return err
		}
	}
	c.candidate, c.changed = next, c.clock.Now()
	if c.resolveLocked(next, changes, touched...) {
		c.saveConflictsLocked()
	}
	return refused
}

// TestEdit runs fn on an Editor over this session's candidate and checks
// the result as `commit check` does (the schema's rules, then every
// subscriber's Validate), publishing nothing: the candidate stays as it
// was whatever the outcome (NETCONF edit-config test-option test-only).
func (s *Session) TestEdit(ctx context.Context, fn func(e *tree.Editor) error) error {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exclusive != nil && c.exclusive != s && s.mode != Private {
		return errkind.Errorf(ErrLocked, "configuration database locked by %s", c.exclusive.user)
	}
	e := tree.NewEditor(s.candidateLocked())
	if err := fn(e); err != nil {
		return err
	}
	return c.checkLocked(ctx, c.newCommit(e.Freeze(), true))
}

// Conflicts returns the statements of this session's candidate that a
// commit from outside it changed after they were edited here (rebase.go):
// `commit` refuses until each is edited again. Private sessions report
// theirs at commit instead, and have none here.
func (s *Session) Conflicts() []Conflict {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.mode == Private {
		return nil
	}
	return append([]Conflict(nil), s.c.conflicts...)
}

// saveConflictsLocked persists the conflict list after an edit resolved
// some. A failure only logs: the list in memory is the truth until the
// next commit rewrites it.
func (c *Configd) saveConflictsLocked() {
	if err := c.store.PutState(stateConflicts, marshalConflicts(c.conflicts)); err != nil {
		c.log.Error("saving candidate conflicts", "err", err)
	}
}

// Set applies `set` of each path.
func (s *Session) Set(paths ...tree.Path) error {
	c := s.c
	c.mu.Lock()
	inPlace, err := c.setInPlaceLocked(s, paths)
	c.mu.Unlock()
	if inPlace {
		return err
	}
	return s.editTouching(paths, func(e *tree.Editor) error {
		for _, p := range paths {
			if err := e.Set(p); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delete applies `delete`.
func (s *Session) Delete(p tree.Path) error {
	return s.editVerb([]tree.Path{p}, "deleted", func(e *tree.Editor) error { return e.Delete(p) })
}

// SetActive applies `activate` (active true) or `deactivate`.
func (s *Session) SetActive(p tree.Path, active bool) error {
	verb := "deactivated"
	if active {
		verb = "activated"
	}
	return s.editVerb([]tree.Path{p}, verb, func(e *tree.Editor) error { return e.SetInactive(p, !active) })
}

// SetProtected applies `protect` (protected true) or `unprotect`.
func (s *Session) SetProtected(p tree.Path, protected bool) error {
	return s.editVerb([]tree.Path{p}, "", func(e *tree.Editor) error { return e.SetProtected(p, protected) })
}

// Annotate applies `annotate` ("" removes the comment).
func (s *Session) Annotate(p tree.Path, comment string) error {
	return s.editVerb([]tree.Path{p}, "annotated", func(e *tree.Editor) error { return e.Annotate(p, comment) })
}

// Rename applies `rename … to …`.
func (s *Session) Rename(p tree.Path, id string) error {
	return s.editVerb(nil, "renamed", func(e *tree.Editor) error { return e.Rename(p, id) })
}

// Copy applies `copy … to …`.
func (s *Session) Copy(p tree.Path, id string) error {
	return s.Edit(func(e *tree.Editor) error { return e.Copy(p, id) })
}

// Insert applies `insert … before|after …`.
func (s *Session) Insert(p tree.Path, before bool, ref string) error {
	return s.Edit(func(e *tree.Editor) error { return e.Insert(p, before, ref) })
}

// WildcardMatches lists, in order, the entries of the list p names (its
// last step) in the session's candidate whose key matches the Junos
// wildcard pattern (internal/wildcard). None is ErrNotFound; a bad pattern
// ErrInvalid.
func (s *Session) WildcardMatches(p tree.Path, pattern string) ([]string, error) {
	if err := wildcard.Valid(pattern); err != nil {
		return nil, errkind.Errorf(ErrInvalid, "invalid wildcard pattern: %v", err)
	}
	parent := s.Candidate().Get(p.Parent())
	var keys []string
	if parent != nil {
		for _, k := range parent.All(p[len(p)-1].S) {
			if wildcard.Match(pattern, k.ID()) {
				keys = append(keys, k.ID())
			}
		}
	}
	if len(keys) == 0 {
		return nil, errkind.Errorf(ErrNotFound, "no matches for %s", pattern)
	}
	return keys, nil
}

// DeleteEntries deletes the entries keys of the list p names (its last
// step) in one edit: all of them, or none when one is gone.
func (s *Session) DeleteEntries(p tree.Path, keys []string) error {
	last := p[len(p)-1]
	var touched []tree.Path
	for _, k := range keys {
		touched = append(touched, p.Parent().Append(tree.Step{S: last.S, Key: k, Value: k}))
	}
	return s.editVerb(touched, "deleted", func(e *tree.Editor) error {
		for _, q := range touched {
			if err := e.Delete(q); err != nil {
				return err
			}
		}
		return nil
	})
}

// LoadAction is how `load` combines a file with the candidate.
type LoadAction string

// Load actions, as Junos spells them.
const (
	LoadMerge    LoadAction = "merge"
	LoadOverride LoadAction = "override"
	LoadReplace  LoadAction = "replace"
	LoadSet      LoadAction = "set"
	LoadUpdate   LoadAction = "update"
	LoadPatch    LoadAction = "patch" // text is `show | compare` output (format.ParsePatch)
)

// Format names a configuration syntax.
type Format string

// Formats.
const (
	FormatText Format = "text"
	FormatSet  Format = "set"
	FormatXML  Format = "xml"
	FormatJSON Format = "json"
)

// Load applies configuration text to the candidate. For LoadSet the text is
// set-form commands; otherwise it is parsed in format f and merged
// (merge), merged after honouring replace:/delete: tags (replace), or
// substituted for the whole candidate (override, update: update keeps
// unchanged parts shared so only differences count as changes).
func (s *Session) Load(action LoadAction, f Format, text string) error {
	errs, err := s.load(action, f, text, false)
	if err == nil && len(errs) > 0 {
		err = errkind.Wrap(ErrInvalid, errs[0])
	}
	return err
}

// LoadAll is Load as the CLI's load runs it: text and set input go on
// past errors (each refused statement changes nothing and comes back in
// errs, named by source, a file name or "terminal") and the rest loads.
// XML, JSON and patches load whole or not at all (err).
func (s *Session) LoadAll(action LoadAction, f Format, text, source string) (errs format.ParseErrors, err error) {
	errs, err = s.load(action, f, text, true)
	errs.SetSource(source)
	return errs, err
}

func (s *Session) load(action LoadAction, f Format, text string, all bool) (format.ParseErrors, error) {
	if err := s.c.checkLoadSize(int64(len(text))); err != nil {
		return nil, err
	}
	root := s.c.schema.Root
	if action == LoadPatch {
		return nil, s.loadPatch(text)
	}
	if action == LoadSet || f == FormatSet {
		var errs format.ParseErrors
		err := s.Edit(func(e *tree.Editor) error {
			if action == LoadOverride {
				e.Put(nil, tree.New(root)) // override: the set lines are the whole configuration
			}
			if all {
				errs = format.ApplySetAll(e, root, text)
				return nil
			}
			return format.ApplySet(e, root, text)
		})
		return errs, err
	}
	var (
		t    *tree.Node
		dirs []format.Directive
		errs format.ParseErrors
		err  error
	)
	switch f {
	case FormatText:
		if all {
			t, dirs, errs = format.ParseTextAll(root, text)
		} else {
			t, dirs, err = format.ParseText(root, text)
		}
	case FormatXML:
		t, dirs, err = format.ParseXML(root, strings.NewReader(text))
	case FormatJSON:
		t, dirs, err = format.ParseJSON(root, strings.NewReader(text))
	default:
		return nil, errkind.Errorf(ErrInvalid, "unknown format %q", f)
	}
	if err != nil {
		return nil, errkind.Wrap(ErrInvalid, err)
	}
	return errs, s.Edit(func(e *tree.Editor) error {
		switch action {
		case LoadOverride:
			e.Put(nil, t)
			return nil
		case LoadUpdate:
			e.Put(nil, shareUnchanged(e.Root(), t))
			return nil
		case LoadMerge, LoadReplace:
			for _, d := range dirs { // NETCONF create: the statement must not exist yet
				if d.Op == format.OpCreate && e.Root().Get(d.Path) != nil {
					return errkind.Errorf(ErrExists, "%s: statement already exists (data-exists)", d.Path.Edit())
				}
			}
			for _, d := range dirs {
				if d.Op == "replace" || d.Op == "delete" {
					if err := e.Delete(d.Path); err != nil && !errors.Is(err, tree.ErrNotFound) {
						return err
					}
				}
			}
			e.Merge(t)
			for _, d := range dirs {
				var err error
				switch d.Op {
				case "active":
					err = e.SetInactive(d.Path, false)
				case "inactive":
					err = e.SetInactive(d.Path, true)
				case format.OpProtect:
					err = e.SetProtected(d.Path, true)
				case format.OpUnprotect:
					err = e.SetProtected(d.Path, false)
				}
				if err != nil && !errors.Is(err, tree.ErrNotFound) {
					return err
				}
			}
			return nil
		}
		return errkind.Errorf(ErrInvalid, "unknown load action %q", action)
	})
}

// loadPatch applies a patch (`show | compare` output): each section's
// deletions, then its additions, then its inactive marks, all or nothing.
func (s *Session) loadPatch(text string) error {
	secs, err := format.ParsePatch(s.c.schema.Root, text)
	if err != nil {
		return errkind.Wrap(ErrInvalid, err)
	}
	return s.Edit(func(e *tree.Editor) error {
		for _, sec := range secs {
			for _, p := range sec.Delete {
				if err := e.Delete(p); err != nil {
					return patchError("delete", p, err)
				}
			}
			if sec.Add != nil {
				e.Merge(sec.Add)
			}
			for _, p := range sec.Inactive {
				if err := e.SetInactive(p, true); err != nil {
					return patchError("deactivate", p, err)
				}
			}
			for _, p := range sec.Active {
				if err := e.SetInactive(p, false); err != nil {
					return patchError("activate", p, err)
				}
			}
			for _, p := range sec.Protect {
				if err := e.SetProtected(p, true); err != nil {
					return patchError("protect", p, err)
				}
			}
			for _, p := range sec.Unprotect {
				if err := e.SetProtected(p, false); err != nil {
					return patchError("unprotect", p, err)
				}
			}
		}
		return nil
	})
}

// patchError names the statement a patch could not change.
func patchError(verb string, p tree.Path, err error) error {
	if errors.Is(err, tree.ErrNotFound) {
		return errkind.Errorf(ErrNotFound, "patch: %s %s: statement not found", verb, p.String())
	}
	return fmt.Errorf("patch: %s %s: %w", verb, p.String(), err)
}

// shareUnchanged returns next with every subtree equal to one in prev
// replaced by prev's pointer, so a `load update` of an unchanged file
// costs (and reports) nothing.
func shareUnchanged(prev, next *tree.Node) *tree.Node {
	if prev == nil || next == nil {
		return next
	}
	if tree.Equal(prev, next) {
		return prev
	}
	out := *next
	kids := make([]*tree.Node, next.NumKids())
	for i, k := range next.Kids() {
		kids[i] = shareUnchanged(prev.Child(k.S, k.ID()), k)
	}
	out.SetKids(kids)
	return &out
}

// Rollback loads revision n into this session's candidate (`rollback N`).
func (s *Session) Rollback(n int) error {
	t, _, err := s.c.Revision(n)
	if err != nil {
		return err
	}
	return s.Edit(func(e *tree.Editor) error {
		e.Put(nil, shareUnchanged(e.Root(), t))
		return nil
	})
}
