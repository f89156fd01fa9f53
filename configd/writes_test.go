package configd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

// storedCandidate lists the chunks the store holds for the shared
// candidate, joined: what survives a crash.
func storedCandidate(t *testing.T, h *harness) string {
	t.Helper()
	d, err := h.store.Candidate()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for k, v := range d {
		b.WriteString(k + "=" + string(v) + "\n")
	}
	return b.String()
}

// TestDeferredWritesFlushOnce: a session deferring its writes edits the
// candidate in memory; Flush writes every edit at once and they survive a
// restart.
func TestDeferredWritesFlushOnce(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	s := h.session(configd.Shared)
	if err := s.DeferWrites(); err != nil {
		t.Fatal(err)
	}
	set(t, s, h.c, "system host-name deferred", "routing-options static route 10.1.0.0/16 next-hop 192.0.2.1",
		"routing-options static route 10.2.0.0/16 next-hop 192.0.2.1")
	if got := storedCandidate(t, h); got != "" {
		t.Fatalf("deferred edits written before Flush:\n%s", got)
	}
	if hostname(s.Candidate()) != "deferred" {
		t.Fatalf("the candidate in memory lacks the deferred edit")
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	got := storedCandidate(t, h)
	for _, want := range []string{"deferred", "10.1.0.0/16", "10.2.0.0/16"} {
		if !strings.Contains(got, want) {
			t.Errorf("stored candidate after Flush lacks %s:\n%s", want, got)
		}
	}
	// after Flush, edits are written one by one again
	set(t, s, h.c, "routing-options static route 10.3.0.0/16 next-hop 192.0.2.1")
	if !strings.Contains(storedCandidate(t, h), "10.3.0.0/16") {
		t.Errorf("an edit after Flush was not written")
	}
	h.restart()
	s2 := h.session(configd.Shared)
	if hostname(s2.Candidate()) != "deferred" {
		t.Errorf("after a restart the candidate's host-name is %q, want deferred", hostname(s2.Candidate()))
	}
}

// TestDeferredWritesOtherWriterFlushes: another session's edit, or a
// commit, writes the deferred edits first: none is lost.
func TestDeferredWritesOtherWriterFlushes(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	a, b := h.session(configd.Shared), h.session(configd.Shared)
	if err := a.DeferWrites(); err != nil {
		t.Fatal(err)
	}
	set(t, a, h.c, "system host-name from-a")
	set(t, b, h.c, "system domain-name from-b.net")
	got := storedCandidate(t, h)
	if !strings.Contains(got, "from-a") || !strings.Contains(got, "from-b.net") {
		t.Fatalf("another session's edit did not write the deferred one with its own:\n%s", got)
	}
	// a's next edit is still deferred (a did not flush); a commit writes it
	set(t, a, h.c, "system time-zone UTC")
	if strings.Contains(storedCandidate(t, h), "UTC") {
		t.Fatalf("a's second edit written before Flush")
	}
	commit(t, a, configd.CommitOptions{})
	h.restart()
	if v, _ := h.c.Committed().ChildNamed("system", "").Leaf("time-zone"); v != "UTC" {
		t.Errorf("committed time-zone %q after a restart, want UTC", v)
	}
}

// TestDeferredWritesCloseFlushes: leaving configuration mode writes what
// the session deferred.
func TestDeferredWritesCloseFlushes(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	s := h.session(configd.Shared)
	if err := s.DeferWrites(); err != nil {
		t.Fatal(err)
	}
	set(t, s, h.c, "system host-name at-close")
	s.Close()
	if !strings.Contains(storedCandidate(t, h), "at-close") {
		t.Errorf("Close left the deferred edit unwritten")
	}
}

// TestDeferredSetsInPlaceKeepPublishedTrees: a batch's sets share one
// editor, yet a tree handed out meanwhile (another session reading the
// candidate) never changes, the store's tree neither, and the result is
// the one edits one by one give.
func TestDeferredSetsInPlaceKeepPublishedTrees(t *testing.T) {
	h := newHarness(t)
	h.baseCommitted()
	s, other := h.session(configd.Shared), h.session(configd.Shared)
	if err := s.DeferWrites(); err != nil {
		t.Fatal(err)
	}
	route := func(i int) string {
		return "routing-options static route 10." + itoa(i) + ".0.0/16 next-hop 192.0.2.1"
	}
	for i := 1; i <= 5; i++ {
		set(t, s, h.c, route(i))
	}
	seen := other.Candidate() // handed out mid-batch
	before := textOf(t, seen)
	for i := 6; i <= 10; i++ {
		set(t, s, h.c, route(i))
	}
	if after := textOf(t, seen); after != before {
		t.Fatalf("a tree handed out changed under the batch's later sets:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	got := textOf(t, s.Candidate())
	// the same edits one by one, on a fresh node
	h2 := newHarness(t)
	h2.baseCommitted()
	s2 := h2.session(configd.Shared)
	for i := 1; i <= 10; i++ {
		set(t, s2, h2.c, route(i))
	}
	if want := textOf(t, s2.Candidate()); got != want {
		t.Fatalf("batched sets:\n%s\none by one:\n%s", got, want)
	}
	h.restart()
	if got2 := textOf(t, h.session(configd.Shared).Candidate()); got2 != got {
		t.Fatalf("stored candidate after a restart:\n%s\nwant\n%s", got2, got)
	}
}

// TestDeferredSetsRespectProtection: with a protected statement the
// batch's sets go the usual way, and protection still refuses.
func TestDeferredSetsRespectProtection(t *testing.T) {
	h := newHarness(t)
	s := h.baseCommitted()
	if err := s.SetProtected(paths(t, h.c, "system", tree.ForRef)[0], true); err != nil {
		t.Fatal(err)
	}
	if err := s.DeferWrites(); err != nil {
		t.Fatal(err)
	}
	err := s.Set(paths(t, h.c, "system host-name changed", tree.ForSet)...)
	var pe *configd.ProtectedError
	if !errors.As(err, &pe) {
		t.Fatalf("set under a protected statement in a batch: got %v, want a ProtectedError", err)
	}
	if hostname(s.Candidate()) != "base" {
		t.Errorf("protected host-name changed to %q", hostname(s.Candidate()))
	}
}
