package configd_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ipc"
)

// remoteRec is a subscriber in "another process": it records the phases
// it sees, with the host-name of the configuration they carry, and can
// refuse validation.
type remoteRec struct {
	events chan string
	refuse atomic.Bool
	last   atomic.Pointer[configd.Commit]
}

func (r *remoteRec) Name() string { return "test-remote" }

func (r *remoteRec) Validate(_ context.Context, c *configd.Commit) error {
	r.events <- "validate " + hostname(c.New)
	if r.refuse.Load() {
		p := tree.Path{c.New.ChildNamed("system", "").Step()}
		return configd.PathDiagnostic(p, "host-name", "refused by the remote subscriber")
	}
	return nil
}

func (r *remoteRec) Prepare(_ context.Context, c *configd.Commit) error {
	r.events <- "prepare " + hostname(c.New)
	return nil
}

func (r *remoteRec) Abort(_ context.Context, c *configd.Commit) {
	r.events <- "abort " + hostname(c.New)
}

func (r *remoteRec) Apply(_ context.Context, c *configd.Commit) {
	r.last.Store(c)
	r.events <- "apply " + hostname(c.New)
}

func (r *remoteRec) next(t *testing.T) string {
	t.Helper()
	select {
	case e := <-r.events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event from the remote subscriber")
		return ""
	}
}

// TestRemoteSubscriber: a subscriber on the other side of the management
// socket takes part in commits like an in-process one: it starts with
// the whole committed configuration, sees validate/prepare/apply with
// trees equal to configd's, refuses a commit with a Junos path, sees
// commit check as validate only, and once gone no longer holds commits
// up; subscribing again starts it in sync.
func TestRemoteSubscriber(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name r1", "system services netconf ssh")
	commit(t, s, configd.CommitOptions{})

	sock := filepath.Join(t.TempDir(), "c.sock")
	lis, err := ipc.ListenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	g := ipc.NewServer()
	h.c.RegisterRemote(g)
	go g.Serve(lis)
	t.Cleanup(g.Stop)
	cc, err := ipc.DialUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })

	rec := &remoteRec{events: make(chan string, 16)}
	subscribe := func() (context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- configd.RunRemote(ctx, cc, h.c.Schema(), rec, nil) }()
		return cancel, done
	}
	cancel, done := subscribe()
	if e := rec.next(t); e != "apply r1" {
		t.Fatalf("first event %q, want the initial apply of r1", e)
	}
	same := func() {
		t.Helper()
		var got, want strings.Builder
		if err := format.WriteText(&got, rec.last.Load().New); err != nil {
			t.Fatal(err)
		}
		if err := format.WriteText(&want, h.c.Committed()); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("the remote's tree differs from configd's:\n%s\nwant\n%s", got.String(), want.String())
		}
	}
	same()

	set(t, s, h.c, "system host-name r2")
	commit(t, s, configd.CommitOptions{})
	for _, want := range []string{"validate r2", "prepare r2", "apply r2"} {
		if e := rec.next(t); e != want {
			t.Fatalf("got %q, want %q", e, want)
		}
	}
	same()
	if ch := rec.last.Load().Changes; len(ch) != 1 || !strings.Contains(ch[0].Path.String(), "host-name") {
		t.Errorf("remote changes: %v, want the host-name change only", ch)
	}

	rec.refuse.Store(true)
	set(t, s, h.c, "system host-name r3")
	_, err = s.Commit(context.Background(), configd.CommitOptions{})
	if err == nil || !strings.Contains(err.Error(), "[edit system]") || !strings.Contains(err.Error(), "'host-name'") ||
		!strings.Contains(err.Error(), "refused by the remote subscriber") {
		t.Fatalf("refused commit: got %v", err)
	}
	if e := rec.next(t); e != "validate r3" {
		t.Fatalf("got %q, want validate r3", e)
	}
	if hostname(h.c.Committed()) != "r2" {
		t.Fatal("a refused commit changed the configuration")
	}
	rec.refuse.Store(false)
	if _, err := s.Commit(context.Background(), configd.CommitOptions{Check: true}); err != nil {
		t.Fatal(err)
	}
	if e := rec.next(t); e != "validate r3" {
		t.Fatalf("commit check: got %q, want validate only", e)
	}
	set(t, s, h.c, "system host-name r4")
	commit(t, s, configd.CommitOptions{})
	for _, want := range []string{"validate r4", "prepare r4", "apply r4"} {
		if e := rec.next(t); e != want {
			t.Fatalf("got %q, want %q", e, want)
		}
	}
	same() // the refused r3 never became the remote's base

	// Gone: commits go on without it; back: it starts from the whole configuration.
	cancel()
	<-done
	set(t, s, h.c, "system host-name r5")
	commit(t, s, configd.CommitOptions{})
	cancel, done = subscribe()
	defer func() { cancel(); <-done }()
	for e := rec.next(t); e != "apply r5"; e = rec.next(t) {
		if !strings.HasSuffix(e, "r5") { // a commit racing the unsubscription may still reach it
			t.Fatalf("after resubscribing: got %q, want the initial apply of r5", e)
		}
	}
	same()

	// Groups: the remote gets the chunks as stored and sees the expanded
	// configuration, as an in-process subscriber does.
	for i, dom := range []string{"a.example", "b.example"} {
		lines := []string{"groups g system domain-name " + dom}
		if i == 0 {
			lines = append(lines, "apply-groups g")
		}
		set(t, s, h.c, lines...)
		commit(t, s, configd.CommitOptions{})
		for _, want := range []string{"validate r5", "prepare r5", "apply r5"} {
			if e := rec.next(t); e != want {
				t.Fatalf("got %q, want %q", e, want)
			}
		}
		got := rec.last.Load().New
		if v, _ := got.ChildNamed("system", "").Leaf("domain-name"); v != dom || got.ChildNamed("groups", "g") != nil {
			t.Fatalf("remote with groups: got\n%s\nwant domain-name %s inherited, no groups", textOf(t, got), dom)
		}
		if !tree.Equal(got, h.c.Active()) {
			t.Fatalf("remote's expanded tree:\n%s\nwant\n%s", textOf(t, got), textOf(t, h.c.Active()))
		}
	}
}
