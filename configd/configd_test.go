package configd_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	path  string
	clock *clock.Fake
	store *db.Store
	c     *configd.Configd
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "gnos.db"), clock: clock.NewFake(t0)}
	h.open()
	t.Cleanup(func() { h.store.Close() })
	return h
}

func (h *harness) open() {
	h.t.Helper()
	st, err := db.Open(h.path, db.Options{NoSync: true})
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
	h.c, err = configd.New(context.Background(), configd.Options{Store: st, Clock: h.clock,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		h.t.Fatal(err)
	}
}

// restart simulates a configd restart on the same store file.
func (h *harness) restart() {
	h.t.Helper()
	h.c.Close()
	h.store.Close()
	h.open()
}

func (h *harness) session(mode configd.Mode) *configd.Session {
	h.t.Helper()
	s, err := h.c.Open("alice", "cli", mode)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// baseCommitted opens a shared session and commits `system host-name base`
// with it (revision 1).
func (h *harness) baseCommitted() *configd.Session {
	h.t.Helper()
	s := h.session(configd.Shared)
	set(h.t, s, h.c, "system host-name base")
	commit(h.t, s, configd.CommitOptions{})
	return s
}

func paths(t *testing.T, c *configd.Configd, line string, mode tree.ParseMode) []tree.Path {
	t.Helper()
	ps, err := tree.ParseTokens(c.Schema().Root, strings.Fields(line), mode)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return ps
}

func set(t *testing.T, s *configd.Session, c *configd.Configd, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if err := s.Set(paths(t, c, l, tree.ForSet)...); err != nil {
			t.Fatalf("set %s: %v", l, err)
		}
	}
}

func hostname(n *tree.Node) string {
	v, _ := n.ChildNamed("system", "").Leaf("host-name")
	return v
}

func commit(t *testing.T, s *configd.Session, o configd.CommitOptions) *configd.CommitResult {
	t.Helper()
	r, err := s.Commit(context.Background(), o)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	return r
}

func TestFiftyOneCommitsKeepRollbacks0To49(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	for i := 1; i <= 51; i++ {
		set(t, s, h.c, "system host-name r"+itoa(i))
		commit(t, s, configd.CommitOptions{Comment: "c" + itoa(i)})
	}
	hist, err := h.c.History()
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 50 {
		t.Fatalf("history: got %d revisions, want 50", len(hist))
	}
	for n := 0; n <= 49; n++ {
		rev, meta, err := h.c.Revision(n)
		if err != nil {
			t.Fatalf("rollback %d: %v", n, err)
		}
		if got, want := hostname(rev), "r"+itoa(51-n); got != want {
			t.Fatalf("rollback %d: got host-name %s, want %s", n, got, want)
		}
		if got, want := meta.Comment, "c"+itoa(51-n); got != want {
			t.Fatalf("rollback %d: got comment %q, want %q", n, got, want)
		}
	}
	if _, _, err := h.c.Revision(50); !errors.Is(err, configd.ErrNotFound) {
		t.Fatalf("rollback 50: got %v, want ErrNotFound", err)
	}
}

func TestRollbackLoadsIntoCandidate(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name one")
	commit(t, s, configd.CommitOptions{})
	set(t, s, h.c, "system host-name two")
	commit(t, s, configd.CommitOptions{})
	if err := s.Rollback(1); err != nil {
		t.Fatal(err)
	}
	if got := hostname(s.Candidate()); got != "one" {
		t.Fatalf("candidate after rollback 1: got %s, want one", got)
	}
	if got := hostname(h.c.Committed()); got != "two" {
		t.Fatalf("committed after rollback 1 (not committed yet): got %s, want two", got)
	}
}

func TestCommitConfirmed(t *testing.T) {
	tests := []struct {
		name       string
		confirm    bool
		restart    bool
		wantHost   string
		wantRevs   int
		advanceMin int
	}{
		{name: "not confirmed rolls back", wantHost: "base", advanceMin: 6},
		{name: "confirmed is kept", confirm: true, wantHost: "trial", advanceMin: 30},
		{name: "restart then rolls back on time", restart: true, wantHost: "base", advanceMin: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s := h.baseCommitted()
			set(t, s, h.c, "system host-name trial")
			r := commit(t, s, configd.CommitOptions{Confirmed: 5 * time.Minute})
			if want := t0.Add(5 * time.Minute); !r.Deadline.Equal(want) {
				t.Fatalf("deadline: got %v, want %v", r.Deadline, want)
			}
			if tc.confirm {
				commit(t, s, configd.CommitOptions{})
			}
			if tc.restart {
				h.restart()
				if _, ok := h.c.PendingConfirm(); !ok {
					t.Fatalf("after restart: no pending commit confirmed, want one")
				}
			}
			h.clock.Advance(4 * time.Minute)
			if got := hostname(h.c.Committed()); got != "trial" {
				t.Fatalf("before the deadline: got %s, want trial", got)
			}
			h.clock.Advance(time.Duration(tc.advanceMin-4) * time.Minute)
			if got := hostname(h.c.Committed()); got != tc.wantHost {
				t.Fatalf("after the deadline: got %s, want %s", got, tc.wantHost)
			}
			if _, ok := h.c.PendingConfirm(); ok {
				t.Fatalf("pending confirm left after the deadline")
			}
		})
	}
}

func TestCommitConfirmedExpiredWhileDown(t *testing.T) {
	h := newHarness(t)
	s := h.baseCommitted()
	set(t, s, h.c, "system host-name trial")
	commit(t, s, configd.CommitOptions{Confirmed: time.Minute})
	h.c.Close()
	h.store.Close()
	h.clock.Advance(10 * time.Minute) // configd is down while the deadline passes
	h.open()
	if got := hostname(h.c.Committed()); got != "base" {
		t.Fatalf("after restart past the deadline: got %s, want base", got)
	}
}

func TestCommitAtAndClear(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name later")
	r := commit(t, s, configd.CommitOptions{At: t0.Add(time.Hour)})
	if !r.At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("at: got %v", r.At)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); !errors.Is(err, configd.ErrLocked) {
		t.Fatalf("commit while commit at pending: got %v, want ErrLocked", err)
	}
	h.clock.Advance(59 * time.Minute)
	if got := hostname(h.c.Committed()); got != "" {
		t.Fatalf("before the time: got %q, want empty", got)
	}
	h.clock.Advance(time.Minute)
	if got := hostname(h.c.Committed()); got != "later" {
		t.Fatalf("at the time: got %q, want later", got)
	}
	// schedule and cancel
	set(t, s, h.c, "system host-name never")
	commit(t, s, configd.CommitOptions{At: h.clock.Now().Add(time.Hour)})
	if err := h.c.ClearCommitAt(); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Hour)
	if got := hostname(h.c.Committed()); got != "later" {
		t.Fatalf("after clear system commit: got %q, want later", got)
	}
}

func TestInvalidCommitsChangeNothing(t *testing.T) {
	const ep = "chassis fpc 0 pic 0 adaptive-services service-package extension-provider "
	tests := []struct {
		name  string
		lines []string
		want  []string // substrings of the error
	}{
		{"policy-db-size not below object-cache-size",
			[]string{ep + "object-cache-size 512", ep + "policy-db-size 512"},
			[]string{"[edit chassis fpc 0 pic 0 adaptive-services service-package]", "'extension-provider'", "policy-db-size must be less than object-cache-size"}},
		{"missing mandatory match-direction",
			[]string{"services stateful-firewall rule R1 term t1 then accept"},
			[]string{"[edit services stateful-firewall rule R1]", "match-direction", "Missing mandatory statement"}},
		{"next-hop-service without its outside interface",
			[]string{"services service-set S1 next-hop-service inside-service-interface ms-0/0/0.1"},
			[]string{"[edit services]", "'service-set S1'", "next-hop-service needs inside-service-interface and outside-service-interface"}},
		{"service-set names a missing rule",
			[]string{"services service-set S1 stateful-firewall-rules R9", "services service-set S1 interface-service service-interface ms-0/0/0"},
			[]string{"[edit services service-set S1]", "R9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s := h.baseCommitted()
			set(t, s, h.c, tc.lines...)
			before := s.Candidate()
			_, err := s.Commit(context.Background(), configd.CommitOptions{})
			if err == nil {
				t.Fatalf("commit: got nil error, want a failure")
			}
			msg := err.Error()
			for _, w := range append(tc.want, "error: configuration check-out failed") {
				if !strings.Contains(msg, w) {
					t.Fatalf("error: got\n%s\nwant it to contain %q", msg, w)
				}
			}
			if !tree.Equal(s.Candidate(), before) {
				t.Fatalf("candidate changed by a failed commit")
			}
			if got := hostname(h.c.Committed()); got != "base" {
				t.Fatalf("committed changed: got %s", got)
			}
			if hist, _ := h.c.History(); len(hist) != 1 {
				t.Fatalf("history: got %d revisions, want 1", len(hist))
			}
		})
	}
}

func TestPrivateSessionsConflict(t *testing.T) {
	h := newHarness(t)
	a := h.session(configd.Private)
	b := h.session(configd.Private)
	set(t, a, h.c, "system host-name from-a")
	set(t, b, h.c, "system host-name from-b", "system domain-name example.net")
	commit(t, a, configd.CommitOptions{})
	_, err := b.Commit(context.Background(), configd.CommitOptions{})
	if !errors.Is(err, configd.ErrConflict) {
		t.Fatalf("second private commit: got %v, want ErrConflict", err)
	}
	if got := hostname(h.c.Committed()); got != "from-a" {
		t.Fatalf("committed: got %s, want from-a", got)
	}
	// non-overlapping private edits merge
	c := h.session(configd.Private)
	d := h.session(configd.Private)
	set(t, c, h.c, "system domain-name c.example")
	set(t, d, h.c, "system time-zone UTC")
	commit(t, c, configd.CommitOptions{})
	commit(t, d, configd.CommitOptions{})
	sys := h.c.Committed().ChildNamed("system", "")
	if v, _ := sys.Leaf("domain-name"); v != "c.example" {
		t.Fatalf("domain-name: got %q", v)
	}
	if v, _ := sys.Leaf("time-zone"); v != "UTC" {
		t.Fatalf("time-zone: got %q", v)
	}
}

func TestExclusiveLocksOthers(t *testing.T) {
	h := newHarness(t)
	x := h.session(configd.Exclusive)
	if _, err := h.c.Open("bob", "cli", configd.Shared); !errors.Is(err, configd.ErrLocked) {
		t.Fatalf("configure while exclusive: got %v, want ErrLocked", err)
	}
	set(t, x, h.c, "system host-name mine")
	x.Close() // uncommitted exclusive changes are discarded
	if h.c.Modified() {
		t.Fatalf("candidate still modified after leaving configure exclusive")
	}
}

func TestSharedCandidateSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name committed")
	commit(t, s, configd.CommitOptions{})
	set(t, s, h.c, "system host-name pending", "services service-set S1 interface-service service-interface ms-0/0/0")
	want := s.Candidate()
	h.restart()
	s = h.session(configd.Shared)
	if !tree.Equal(s.Candidate(), want) {
		t.Fatalf("candidate after restart differs")
	}
	if got := hostname(h.c.Committed()); got != "committed" {
		t.Fatalf("committed after restart: got %s", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestDeletingAReferencedRuleFails(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c,
		"chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall",
		"services stateful-firewall rule R1 match-direction input",
		"services stateful-firewall rule R1 term T1 then accept",
		"services service-set S1 stateful-firewall-rules R1",
		"services service-set S1 interface-service service-interface ms-0/0/0")
	commit(t, s, configd.CommitOptions{})
	if err := s.Delete(paths(t, h.c, "services stateful-firewall rule R1", tree.ForRef)[0]); err != nil {
		t.Fatal(err)
	}
	_, err := s.Commit(context.Background(), configd.CommitOptions{})
	if err == nil || !strings.Contains(err.Error(), "[edit services service-set S1]") || !strings.Contains(err.Error(), "R1") {
		t.Fatalf("commit after deleting a referenced rule: got %v, want a leafref error on service-set S1", err)
	}
	// deactivating the referring service-set makes it valid again
	if err := s.SetActive(paths(t, h.c, "services service-set S1", tree.ForRef)[0], false); err != nil {
		t.Fatal(err)
	}
	commit(t, s, configd.CommitOptions{})
}

// TestCommitRejectsBadValues: values are checked when typed, but the
// commit checks them again whatever their way in (an edit that bypassed
// the parser, a store written by an older schema): the commit fails with
// the Junos-style path and nothing changes.
func TestCommitRejectsBadValues(t *testing.T) {
	const ep = "chassis fpc 0 pic 0 adaptive-services service-package extension-provider"
	tests := []struct {
		name, path, leaf, value, want string
	}{
		{"bad IPv4 prefix", "interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24", "", "10.0.0.300/24", "10.0.0.300/24"},
		{"data-cores out of range", ep, "data-cores", "999", "999"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s := h.baseCommitted()
			var p tree.Path
			if tc.leaf == "" { // the list key itself: rewrite the last step
				p = paths(t, h.c, tc.path, tree.ForRef)[0]
				p[len(p)-1].Key = tc.value
			} else {
				p = paths(t, h.c, tc.path, tree.ForRef)[0]
				p = p.Append(tree.Step{S: p[len(p)-1].S.Child(tc.leaf), Value: tc.value})
			}
			if err := s.Edit(func(e *tree.Editor) error { return e.Set(p) }); err != nil {
				t.Fatal(err)
			}
			before := s.Candidate()
			_, err := s.Commit(context.Background(), configd.CommitOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "[edit ") ||
				!strings.Contains(err.Error(), "configuration check-out failed") {
				t.Fatalf("commit: got %v, want a Junos-style error naming %s", err, tc.want)
			}
			if !tree.Equal(s.Candidate(), before) || hostname(h.c.Committed()) != "base" {
				t.Fatalf("a failed commit changed candidate or committed configuration")
			}
		})
	}
}

func TestLoadCreateRefusesExisting(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name base")
	xml := `<configuration><system operation="create"><host-name>other</host-name></system></configuration>`
	if err := s.Load(configd.LoadMerge, configd.FormatXML, xml); !errors.Is(err, configd.ErrExists) {
		t.Fatalf("create over an existing statement: got %v, want ErrExists", err)
	}
	if got := hostname(s.Candidate()); got != "base" {
		t.Fatalf("candidate changed by a refused create: got %s", got)
	}
	if err := s.Load(configd.LoadMerge, configd.FormatXML,
		`<configuration><routing-options operation="create"><static><route><name>0.0.0.0/0</name><discard/></route></static></routing-options></configuration>`); err != nil {
		t.Fatalf("create of a new statement: %v", err)
	}
}
