package configd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

// TestTestEdit: TestEdit checks the edited candidate as commit check does
// and never publishes it, valid or not.
func TestTestEdit(t *testing.T) {
	h := newHarness(t)
	s := h.baseCommitted()
	edit := func(lines ...string) func(e *tree.Editor) error {
		return func(e *tree.Editor) error {
			for _, l := range lines {
				for _, p := range paths(t, h.c, l, tree.ForSet) {
					if err := e.Set(p); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	before := s.Candidate()
	if err := s.TestEdit(context.Background(), edit("system host-name tested")); err != nil {
		t.Fatalf("valid edit: %v", err)
	}
	if got := hostname(s.Candidate()); got != "base" {
		t.Errorf("candidate host-name %q after TestEdit, want base (unchanged)", got)
	}
	err := s.TestEdit(context.Background(), edit("interfaces ge-0/0/0 unit 0 family inet filter input nope"))
	var ce *configd.CommitError
	if !errors.As(err, &ce) {
		t.Fatalf("a filter that does not exist: got %v, want a CommitError", err)
	}
	if !tree.Equal(before, s.Candidate()) {
		t.Errorf("candidate changed by a failed TestEdit")
	}
	want := errors.New("fn failed")
	if err := s.TestEdit(context.Background(), func(*tree.Editor) error { return want }); err != want {
		t.Errorf("fn's error: got %v, want %v", err, want)
	}
}
