package cli_test

import (
	"strings"
	"testing"
)

// TestCommitCheckPICBudget: `commit check` refuses what the PIC could not
// run (here an object cache too small for its data cores' working set)
// in Junos layout, and nothing is committed; before, the check passed and
// the PIC could not create sessions on most of its cores.
func TestCommitCheckPICBudget(t *testing.T) {
	n, _ := startNode(t)
	const ep = "set chassis fpc 0 pic 0 adaptive-services service-package extension-provider "
	out, failed := script(t, n, "configure\n"+ep+"package stateful-firewall\n"+ep+"data-cores 64\n"+ep+"object-cache-size 2\ncommit check\n")
	if !failed {
		t.Fatalf("commit check passed:\n%s", out)
	}
	want := `[edit chassis fpc 0 pic 0 adaptive-services service-package extension-provider]
  'object-cache-size'
    the session tables and object classes of fpc 0 pic 0 (one batch per class on each of 64 data cores) need 4.5 MB, more than object-cache-size 2 MB
error: configuration check-out failed`
	if !strings.Contains(out, want) {
		t.Errorf("commit check: got\n%s\nwant it to contain\n%s", out, want)
	}
	if shown, _ := script(t, n, "show configuration chassis\n"); strings.Contains(shown, "data-cores") {
		t.Errorf("the refused configuration was committed:\n%s", shown)
	}
}
