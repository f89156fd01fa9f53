package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
)

// load goes on past errors: each refused statement is reported with its
// file (or terminal), line, column, edit path and text; the rest loads;
// the load ends with `load complete (N errors)` and counts as failed.
func TestLoadReportsErrorsAndLoadsTheRest(t *testing.T) {
	n, _ := startNode(t)
	home := n.CLI.HomeDir(socketUser(t))
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "edge.conf"), []byte(`system {
    host-name edge1;
    ntp-server 192.0.2.1;
}
interfaces {
    ge-0/0/0 {
        mtu 70000;
        description uplink;
    }
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "edge.set"), []byte(
		"set system domain-name example.net\nset system bogus 1\nset interfaces ge-0/0/1 description down\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, failed := script(t, n, `
configure
load merge edge.conf
load merge edge.set
load merge terminal
system { location-x 1; time-zone UTC; }
^D
show | display set
`)
	if !failed {
		t.Errorf("loads with errors did not fail")
	}
	testkit.Golden(t, "load-errors.txt", out)
}
