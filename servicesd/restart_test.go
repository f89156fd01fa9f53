package servicesd_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/testkit"
)

// TestIDsStableAcrossRestart: a restarted servicesd gives every
// service-set the id it had, whatever order they were created and deleted
// in, so a picd that outlived it resyncs without flushing the sessions of
// untouched service-sets (the PIC keys sessions by id; a set whose id
// changed is swept). Generations of unchanged service-sets move forward
// (new epoch), never backward, so the PIC never takes them as stale.
func TestIDsStableAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	clk := testkit.Clock() // shared by both boots (nodekit.Start would close each node at the end)
	boot := func() *compose.Node {
		n, err := compose.Start(context.Background(), compose.Options{DataDir: dir, Clock: clk, NoSync: true,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	commit := func(n *compose.Node, lines ...string) {
		t.Helper()
		s, err := n.Configd.Open("root", "test", configd.Shared)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		text := ""
		for _, l := range lines {
			text += l + "\n"
		}
		if err := s.Load(configd.LoadSet, configd.FormatSet, text); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	set := func(name, unit string) []string {
		return []string{"set services service-set " + name + " stateful-firewall-rules r1",
			"set services service-set " + name + " interface-service service-interface ms-0/0/0." + unit}
	}
	n := boot()
	commit(n, "set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall",
		"set services stateful-firewall rule r1 match-direction input",
		"set services stateful-firewall rule r1 term t1 then accept")
	// Created in reverse name order, with a hole: zz gets 1, mm 2, aa 3;
	// deleting mm frees 2, which bb then takes.
	commit(n, set("zz", "1")...)
	commit(n, set("mm", "2")...)
	commit(n, set("aa", "3")...)
	commit(n, "delete services service-set mm")
	commit(n, set("bb", "4")...)
	type idGen struct {
		id  uint32
		gen uint64
	}
	before := map[string]idGen{}
	for _, name := range []string{"zz", "aa", "bb"} {
		s, ok := n.Services.SSRB(name)
		if !ok {
			t.Fatalf("no SSRB for %s", name)
		}
		before[name] = idGen{s.ID, s.Gen}
	}
	n.Close()

	n = boot()
	defer n.Close()
	for name, was := range before {
		s, ok := n.Services.SSRB(name)
		if !ok {
			t.Fatalf("after restart: no SSRB for %s", name)
		}
		if s.ID != was.id {
			t.Errorf("%s: id %d after restart, want %d (as before)", name, s.ID, was.id)
		}
		if s.Gen <= was.gen {
			t.Errorf("%s: generation %d after restart, want more than %d", name, s.Gen, was.gen)
		}
	}
	// A service-set created after the restart takes a fresh id, not one in use.
	commit(n, set("cc", "5")...)
	s, _ := n.Services.SSRB("cc")
	for name, was := range before {
		if s.ID == was.id {
			t.Errorf("cc took id %d, which %s holds", s.ID, name)
		}
	}
}
