package configd_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

func leaf(n *tree.Node, container, name string) string {
	c := n.ChildNamed(container, "")
	if c == nil {
		return ""
	}
	v, _ := c.Leaf(name)
	return v
}

// The reproduction: B opens configure private, A edits the shared
// candidate, B commits. A's edit stays in the shared candidate and reaches
// the configuration with A's commit.
func TestPrivateCommitKeepsSharedEdits(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	b := h.session(configd.Private)
	a := h.session(configd.Shared)
	set(t, a, h.c, "system domain-name a.example")
	set(t, b, h.c, "system host-name b")
	commit(t, b, configd.CommitOptions{})

	if got := hostname(h.c.Committed()); got != "b" {
		t.Fatalf("committed host-name: got %q, want b", got)
	}
	if !a.Modified() {
		t.Fatalf("shared candidate lost its uncommitted edit after the private commit")
	}
	if got := leaf(a.Candidate(), "system", "domain-name"); got != "a.example" {
		t.Fatalf("shared candidate domain-name: got %q, want a.example", got)
	}
	if got := hostname(a.Candidate()); got != "b" {
		t.Fatalf("shared candidate host-name: got %q, want the private commit's b", got)
	}
	if cfs := a.Conflicts(); len(cfs) != 0 {
		t.Fatalf("unexpected conflicts: %v", cfs)
	}
	// Survives a restart, then commits with both changes.
	h.restart()
	a = h.session(configd.Shared)
	if got := leaf(a.Candidate(), "system", "domain-name"); got != "a.example" {
		t.Fatalf("after restart: shared candidate domain-name %q", got)
	}
	commit(t, a, configd.CommitOptions{})
	if got, dn := hostname(h.c.Committed()), leaf(h.c.Committed(), "system", "domain-name"); got != "b" || dn != "a.example" {
		t.Fatalf("committed after A's commit: host-name %q domain-name %q", got, dn)
	}
}

// A shared edit of a statement the private commit changed too is kept,
// reported, and blocks commit until the user edits it again.
func TestPrivateCommitConflictIsReported(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	b := h.session(configd.Private)
	a := h.session(configd.Shared)
	set(t, a, h.c, "system host-name from-a", "system domain-name a.example")
	set(t, b, h.c, "system host-name from-b")
	commit(t, b, configd.CommitOptions{})

	if got := hostname(a.Candidate()); got != "from-a" {
		t.Fatalf("shared candidate host-name: got %q, want A's own from-a kept", got)
	}
	cfs := a.Conflicts()
	if len(cfs) != 1 || cfs[0].Statement() != "system host-name" || cfs[0].By != "alice" {
		t.Fatalf("conflicts: %+v", cfs)
	}
	if w := configd.ConflictWarning(cfs); !strings.Contains(w, "system host-name") {
		t.Fatalf("warning: %q", w)
	}
	for _, check := range []bool{true, false} {
		_, err := a.Commit(context.Background(), configd.CommitOptions{Check: check})
		if !errors.Is(err, configd.ErrConflict) || !strings.Contains(err.Error(), "[edit system]\n  'host-name'") {
			t.Fatalf("commit (check %v) with a conflict: got %v, want ErrConflict naming system host-name", check, err)
		}
	}
	if got := hostname(h.c.Committed()); got != "from-b" {
		t.Fatalf("refused commit changed the configuration: host-name %q", got)
	}
	// The conflict survives a restart.
	h.restart()
	a = h.session(configd.Shared)
	if len(a.Conflicts()) != 1 {
		t.Fatalf("conflict forgotten across restart")
	}
	// Editing the statement again keeps A's version deliberately.
	set(t, a, h.c, "system host-name from-a")
	if len(a.Conflicts()) != 0 {
		t.Fatalf("re-editing did not resolve: %+v", a.Conflicts())
	}
	commit(t, a, configd.CommitOptions{})
	if got := hostname(h.c.Committed()); got != "from-a" {
		t.Fatalf("host-name: got %q", got)
	}
}

func TestConflictResolvedByRollbackOrDelete(t *testing.T) {
	h := newHarness(t)
	s := h.baseCommitted()
	set(t, s, h.c, "system domain-name base.example")
	commit(t, s, configd.CommitOptions{})

	// A deletes what B's private commit changes: re-deleting confirms.
	b := h.session(configd.Private)
	a := h.session(configd.Shared)
	if err := a.Delete(paths(t, h.c, "system domain-name", tree.ForRef)[0]); err != nil {
		t.Fatal(err)
	}
	set(t, b, h.c, "system domain-name b.example")
	commit(t, b, configd.CommitOptions{})
	if len(a.Conflicts()) != 1 {
		t.Fatalf("conflicts: %+v", a.Conflicts())
	}
	if err := a.Delete(paths(t, h.c, "system domain-name", tree.ForRef)[0]); err != nil {
		t.Fatalf("confirming the deletion: %v", err)
	}
	if len(a.Conflicts()) != 0 {
		t.Fatalf("delete did not resolve")
	}
	if err := a.Delete(paths(t, h.c, "system domain-name", tree.ForRef)[0]); !errors.Is(err, configd.ErrNotFound) {
		t.Fatalf("deleting an absent statement with no conflict: got %v, want ErrNotFound", err)
	}

	commit(t, a, configd.CommitOptions{})
	if got := leaf(h.c.Committed(), "system", "domain-name"); got != "" {
		t.Fatalf("A's confirmed deletion not committed: domain-name %q", got)
	}

	// rollback 0 discards the candidate and its conflicts.
	b2 := h.session(configd.Private)
	set(t, a, h.c, "system host-name from-a")
	set(t, b2, h.c, "system host-name from-b")
	commit(t, b2, configd.CommitOptions{})
	if len(a.Conflicts()) != 1 {
		t.Fatalf("conflicts: %+v", a.Conflicts())
	}
	if err := a.Rollback(0); err != nil {
		t.Fatal(err)
	}
	if len(a.Conflicts()) != 0 || a.Modified() {
		t.Fatalf("rollback 0 left conflicts %+v or changes", a.Conflicts())
	}
}

// An automatic rollback of an unconfirmed commit keeps shared edits made
// since.
func TestConfirmedRollbackKeepsSharedEdits(t *testing.T) {
	h := newHarness(t)
	s := h.baseCommitted()
	set(t, s, h.c, "system host-name risky")
	commit(t, s, configd.CommitOptions{Confirmed: 10 * time.Minute})
	set(t, s, h.c, "system domain-name later.example")
	h.clock.Advance(11 * time.Minute)
	if got := hostname(h.c.Committed()); got != "base" {
		t.Fatalf("not rolled back: host-name %q", got)
	}
	if got := leaf(s.Candidate(), "system", "domain-name"); got != "later.example" {
		t.Fatalf("rollback dropped the shared edit: domain-name %q", got)
	}
	// host-name: the candidate never edited it after the confirmed commit,
	// so it follows the rollback.
	if got := hostname(s.Candidate()); got != "base" {
		t.Fatalf("candidate host-name %q, want base", got)
	}
}

// Two sessions each adding the first entry under a new container do not
// conflict: only statements both added would.
func TestFirstEntriesUnderANewContainerMerge(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	b := h.session(configd.Private)
	a := h.session(configd.Shared)
	set(t, a, h.c, "applications application from-a protocol udp")
	set(t, b, h.c, "applications application from-b protocol tcp")
	commit(t, b, configd.CommitOptions{})
	if cfs := a.Conflicts(); len(cfs) != 0 {
		t.Fatalf("conflicts: %+v", a.Conflicts())
	}
	commit(t, a, configd.CommitOptions{})
	apps := h.c.Committed().ChildNamed("applications", "")
	if apps.ChildNamed("application", "from-a") == nil || apps.ChildNamed("application", "from-b") == nil {
		t.Fatalf("committed applications lack an entry")
	}
}

// configure exclusive discards the candidate's changes on exit, so it does
// not start over another user's uncommitted edits.
func TestExclusiveRefusesAModifiedCandidate(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	a := h.session(configd.Shared)
	set(t, a, h.c, "system domain-name a.example")
	a.Close() // left uncommitted, as Junos keeps it
	if _, err := h.c.Open("bob", "cli", configd.Exclusive); !errors.Is(err, configd.ErrLocked) {
		t.Fatalf("configure exclusive over uncommitted changes: got %v, want ErrLocked", err)
	}
	if !h.c.Modified() {
		t.Fatalf("the uncommitted edit is gone")
	}
}
