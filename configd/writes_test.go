package configd_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
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
