package netconf_test

import (
	"io"
	"testing"

	"github.com/gnos/gnos/internal/ptytest"
	"github.com/gnos/gnos/internal/testkit"
)

// TestShellScreen types at the SSH login shell (the line-editor front
// end) the way a person does — space and TAB completion, ?, Ctrl-C, an
// error with its caret, history — and compares the rendered screen with a
// golden transcript (go test ./netconf -args -update rewrites it).
func TestShellScreen(t *testing.T) {
	n, _ := startNode(t)
	in, out := shell(t, n, "admin")
	steps := []struct{ keys, want string }{
		{"", "admin@lab1> "},
		{"sh ver\r", "Hostname: lab1"},
		{"configure\r", "admin@lab1# "},
		{"set sys", "set sys"},
		{"\t", "tem "}, // completion writes only what it adds
		{"?", "Possible completions:"},
		{"\x03", "admin@lab1# "},
		{"set system bogus 1\r", "syntax error."},
		{"set system host-name screen\r", "[edit]"},
		{"show\r", "host-name screen;"},
		{"\x1b[A\x1b[A\x1b[A\r", "syntax error."},
		{"exit\r", "The configuration has been changed but not committed"},
		{"no\r", "admin@lab1# "},
		{"rollback 0\r", "load complete"},
		{"exit\r", "Exiting configuration mode\n\nadmin@lab1>"},
	}
	for i, st := range steps {
		mark := len(out.String())
		if i == 0 {
			mark = 0 // the login prompt comes on its own, maybe before this line runs
		}
		io.WriteString(in, st.keys)
		waitForAfter(t, out, mark, st.want)
	}
	ptytest.Golden(t, "testdata/shell.screen", out.String(), 80, *testkit.Update)
}
