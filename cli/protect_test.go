package cli_test

import (
	"testing"

	"github.com/gnos/gnos/internal/testkit"
)

// TestProtectGolden: protect and unprotect in configuration mode; a
// protected statement and everything under it refuse set, delete,
// deactivate, annotate and rename with Junos' warning, while the rest of
// an edit goes through; protection shows as protect: in text, protect
// lines in set form and protect="protect" in XML, and survives commit and
// rollback.
func TestProtectGolden(t *testing.T) {
	n, _ := startNode(t)
	out, _ := script(t, n, `
configure
set system host-name r1
set system domain-name example.net
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/1 description spare
protect system
protect interfaces ge-0/0/0
protect routing-options
show
show | display set
show | display xml
set system host-name r2
delete system domain-name
deactivate system
annotate system "note"
set interfaces ge-0/0/0 unit 0
rename interfaces ge-0/0/0 to ge-0/0/9
delete interfaces
show interfaces
commit
rollback 0
show system
unprotect system
set system host-name r2
show system
commit
exit
show configuration system
configure
rollback 1
show
`)
	testkit.Golden(t, "protect.txt", out)
}
