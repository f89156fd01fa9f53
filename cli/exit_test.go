package cli_test

import (
	"context"
	"testing"
)

// TestExitAsks: exit, quit and their configuration-mode forms ask before
// leaving uncommitted changes behind, as Junos does; the answer decides,
// Enter takes the default (yes); an unchanged candidate leaves at once.
func TestExitAsks(t *testing.T) {
	const question = "The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) "
	cases := []struct {
		name, line, answer string
		change, stays      bool
	}{
		{"exit, no", "exit", "no", true, true},
		{"exit configuration-mode, no", "exit configuration-mode", "no", true, true},
		{"quit configuration-mode, no", "quit configuration-mode", "n", true, true},
		{"exit configuration-mode, yes", "exit configuration-mode", "yes", true, false},
		{"exit configuration-mode, Enter", "exit configuration-mode", "", true, false},
		{"unchanged", "exit configuration-mode", "", false, false},
	}
	n, _ := startNode(t)
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := n.CLI.NewSession("root", "cli")
			defer s.Close()
			s.Exec(ctx, "configure")
			if c.change {
				s.Exec(ctx, "set system host-name asked")
				defer func() { // give the next case a clean shared candidate
					if !s.InConfig() {
						s.Exec(ctx, "configure")
					}
					s.Exec(ctx, "rollback 0")
				}()
			}
			r := s.Exec(ctx, c.line)
			if !c.change {
				if r.Question != "" || s.InConfig() {
					t.Fatalf("got question %q, in configuration mode %v; want to leave at once", r.Question, s.InConfig())
				}
				return
			}
			if r.Question != question {
				t.Fatalf("got question %q, output %q; want %q", r.Question, r.Output, question)
			}
			r = s.Exec(ctx, c.answer)
			if s.InConfig() != c.stays {
				t.Fatalf("after %q: in configuration mode %v, want %v (output %q)", c.answer, s.InConfig(), c.stays, r.Output)
			}
			if !c.stays && r.Output != "Exiting configuration mode\n" {
				t.Fatalf("got %q, want Exiting configuration mode", r.Output)
			}
		})
	}
}
