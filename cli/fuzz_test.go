package cli_test

import (
	"context"
	"testing"
)

// FuzzExec throws arbitrary lines at a CLI session in both modes: no
// input may crash it, and a failed command must leave the committed
// configuration as it was.
func FuzzExec(f *testing.F) {
	for _, s := range []string{
		"show configuration | display set", "set system host-name \"a b\"", "set services service-set S1 [",
		"edit interfaces ge-0/0/0 unit 0", "commit confirmed 5 comment \"x\"", "show | compare rollback 3",
		"wildcard delete interfaces ge-*", "insert term a before term b", "load merge ../x", "\"unterminated",
		"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 999",
	} {
		f.Add(s)
	}
	n, _ := startNode(f)
	f.Fuzz(func(t *testing.T, line string) {
		s := n.CLI.NewSession("fuzz", "cli")
		defer s.Close()
		before := n.Configd.Committed()
		s.Exec(context.Background(), line)
		s.Exec(context.Background(), "configure private")
		r := s.Exec(context.Background(), line)
		if r.Failed && n.Configd.Committed() != before {
			t.Fatalf("failed command %q changed the committed configuration", line)
		}
		s.Complete(line)
	})
}
