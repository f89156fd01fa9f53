package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/db/dbtest"
)

// TestDamagedRollback: a stored revision damaged while gnos runs is
// reported as damage, in operational and configuration mode alike, not
// as a rollback the system cannot find.
func TestDamagedRollback(t *testing.T) {
	n, _ := startNode(t)
	var edits strings.Builder
	edits.WriteString("configure\n")
	for _, name := range []string{"r1", "r2", "r3", "r4", "r5"} {
		edits.WriteString("set system host-name " + name + "\ncommit\n")
	}
	if out, failed := script(t, n, edits.String()); failed {
		t.Fatalf("commits failed:\n%s", out)
	}
	dbtest.DamageUndo(t, filepath.Join(n.Opts.DataDir, "gnos.db"), "system")

	const want = "error: rollback 3 is damaged: db: rollback 3: undo 3: delta record has tag 0xfd\n"
	for _, tt := range []struct{ name, lines string }{
		{"show system rollback", "show system rollback 3\n"},
		{"rollback in configure", "configure\nrollback 3\n"},
		{"show | compare", "configure\nshow | compare rollback 3\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, failed := script(t, n, tt.lines)
			if !failed || !strings.Contains(out, want) || strings.Contains(out, "cannot find") {
				t.Fatalf("got\n%s\nwant a failure saying %q", out, want)
			}
		})
	}
}
