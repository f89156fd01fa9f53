package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
)

// Two users at the CLI: B commits from configure private while A has a
// shared edit of the same statement and of another. A's work survives;
// the overlap is shown at show | compare and refused at commit.
func TestPrivateCommitUnderASharedEditor(t *testing.T) {
	n, _ := startNode(t)
	dial := func() *cli.Client {
		c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := dial(), dial()
	run := func(c *cli.Client, line string) *cli.Response {
		t.Helper()
		r, err := c.Exec(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return r
	}
	run(a, "configure")
	run(a, "set system host-name base")
	if r := run(a, "commit"); !strings.Contains(r.Output, "commit complete") {
		t.Fatalf("commit: %q", r.Output)
	}
	run(b, "configure private")
	run(a, "set system domain-name a.example")
	run(a, "set system host-name from-a")
	run(b, "set system host-name from-b")
	if r := run(b, "commit"); !strings.Contains(r.Output, "commit complete") {
		t.Fatalf("private commit: %q", r.Output)
	}
	cmp := run(a, "show | compare").Output
	for _, want := range []string{"warning: statements changed by another commit", "system host-name (committed by", "+  domain-name a.example;", "-  host-name from-b;", "+  host-name from-a;"} {
		if !strings.Contains(cmp, want) {
			t.Errorf("show | compare lacks %q:\n%s", want, cmp)
		}
	}
	for _, line := range []string{"commit check", "commit"} {
		r := run(a, line)
		if !r.Failed || !strings.Contains(r.Output, "[edit system]\n  'host-name'") || !strings.Contains(r.Output, "configuration check-out failed") {
			t.Errorf("%s with a conflict: failed %v, output %q", line, r.Failed, r.Output)
		}
	}
	run(a, "set system host-name from-a") // deliberately keep A's version
	if r := run(a, "commit"); !strings.Contains(r.Output, "commit complete") {
		t.Fatalf("commit after re-editing: %q", r.Output)
	}
	shown := run(a, "run show configuration system").Output
	if !strings.Contains(shown, "host-name from-a;") || !strings.Contains(shown, "domain-name a.example;") {
		t.Fatalf("committed:\n%s", shown)
	}
}
