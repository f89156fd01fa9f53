package configd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db/dbtest"
)

// TestDamagedRollbackIsCorruption: a stored revision damaged after the
// store opened is reported as corruption, naming the rollback ("rollback
// 3 is damaged: …"), never as a rollback that cannot be found; a
// rollback out of the history is still not found, and the committed
// configuration is still served.
func TestDamagedRollbackIsCorruption(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	for _, name := range []string{"r1", "r2", "r3", "r4", "r5"} {
		set(t, s, h.c, "system host-name "+name)
		commit(t, s, configd.CommitOptions{})
	}
	if _, _, err := h.c.Revision(3); err != nil {
		t.Fatalf("rollback 3 of an intact store: %v", err)
	}
	dbtest.DamageUndo(t, h.path, "system")

	_, _, err := h.c.Revision(3)
	if !errors.Is(err, configd.ErrCorrupt) || errors.Is(err, configd.ErrNotFound) {
		t.Fatalf("rollback 3 of a damaged store: got %v, want ErrCorrupt (not ErrNotFound)", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "rollback 3 is damaged: ") || !strings.Contains(msg, "delta record has tag 0xfd") {
		t.Fatalf("rollback 3 of a damaged store: got %q, want \"rollback 3 is damaged: …delta record has tag 0xfd…\"", msg)
	}
	if _, _, err := h.c.Revision(20); !errors.Is(err, configd.ErrNotFound) || err.Error() != "cannot find rollback 20" {
		t.Fatalf("rollback 20 of 5 revisions: got %v, want ErrNotFound \"cannot find rollback 20\"", err)
	}
	if got := hostname(h.c.Committed()); got != "r5" {
		t.Fatalf("committed host-name: got %s, want r5", got)
	}
}
