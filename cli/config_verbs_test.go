package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/testkit"
)

// TestConfigVerbsGolden records what configuration mode's verbs answer to
// `?`, completion, `help` and mistyped or abbreviated verbs, so that the
// verb table, dispatch and completion stay in step.
func TestConfigVerbsGolden(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	var b strings.Builder
	run := func(line string) {
		r := s.Exec(ctx, line)
		fmt.Fprintf(&b, "# %s\n%s%s", line, r.Output, r.Question)
		if r.Failed {
			fmt.Fprintf(&b, "(failed, caret %d)\n", r.Caret)
		}
		if s.InConfig() {
			fmt.Fprintln(&b, s.Banner())
		}
	}
	complete := func(line string) {
		fmt.Fprintf(&b, "# %s?\n%s", line, cli.FormatHelp(s.Complete(line)))
	}
	run("configure")
	run("set system host-name r1")
	for _, line := range []string{"", "c", "co", "s", "set ", "set sys", "show ", "show system ", "delete ",
		"edit ", "activate ", "annotate ", "copy ", "rename ", "insert ", "commit ", "commit c", "load ",
		"load merge ", "rollback ", "run ", "run show sys", "help ", "status ", "zzz ", "co "} {
		complete(line)
	}
	for _, line := range []string{"help", "frobnicate", "c", "co", "st", "update", "wildcard", "edit",
		"edit system", "up", "edit system login", "top", "edit system", "top show", "exit", "status",
		"commit c", "commit co", "commit check", "rollback 99", "up x", "exit foo", "quit configuration-mode"} {
		run(line)
	}
	testkit.Golden(t, "config-verbs.txt", b.String())
}

// TestConfigHelpMatchesCompletion: `help` and `?` on an empty line list the
// same verbs with the same help.
func TestConfigHelpMatchesCompletion(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	s.Exec(ctx, "configure")
	var want strings.Builder
	for _, c := range s.Complete("") {
		fmt.Fprintf(&want, "  %-20s %s\n", c.Text, c.Help)
	}
	if got := s.Exec(ctx, "help").Output; got != want.String() {
		t.Fatalf("help: got\n%s\nwant (from ?)\n%s", got, want.String())
	}
}
