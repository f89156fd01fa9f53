package term_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/cli/term"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/ptytest"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

// TestMain lets the test binary act as `gnos cli` on a terminal.
func TestMain(m *testing.M) {
	if dir := os.Getenv("GNOS_TERM_CLIENT"); dir != "" {
		c, err := cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		if err := term.Interactive(c); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const wait = 10 * time.Second // bound on a hang, not a delay

// typist types into the terminal like a person: a word, then (once the
// screen shows it) the control key.
type typist struct {
	t    *testing.T
	term *ptytest.Term
}

func (ty typist) typeAndSee(keys, want string) {
	ty.t.Helper()
	m := ty.term.Mark()
	if err := ty.term.Type(keys); err != nil {
		ty.t.Fatal(err)
	}
	if err := ty.term.Expect(m, want, wait); err != nil {
		ty.t.Fatal(err)
	}
}

func (ty typist) line(text, want string) {
	ty.t.Helper()
	ty.typeAndSee(text, text)
	ty.typeAndSee("\r", want)
}

// startTerminal boots a node (fake clock) and runs the terminal front end
// against it on a rows×cols pty, returning once the first prompt shows.
func startTerminal(t *testing.T, rows, cols int) *ptytest.Term {
	t.Helper()
	n, _ := nodekit.Start(t, compose.Options{})
	dir := n.Opts.DataDir
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GNOS_TERM_CLIENT="+dir, "TERM=xterm")
	tm, err := ptytest.Start(cmd, rows, cols)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tm.Close)
	if err := tm.Expect(0, "> ", wait); err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestInteractiveTerminal(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no pseudo-terminals here")
	}
	tm := startTerminal(t, 40, 120)
	ty := typist{t, tm}
	// abbreviation and configuration mode
	ty.line("conf", "[edit]")
	// TAB completes a unique keyword
	ty.typeAndSee("set sys", "set sys")
	ty.typeAndSee("\t", "system")
	ty.typeAndSee(" host-name lab1", "lab1")
	ty.typeAndSee("\r", "[edit]")
	// ? lists possible completions with help
	ty.typeAndSee("set system ", "set system ")
	// the list, then the prompt redrawn with the line so far
	ty.typeAndSee("?", "Possible completions:\x00host-name\x00# set system ")
	// Ctrl-C cancels the line: the next command runs alone
	ty.typeAndSee("\x03", "# ")
	ty.line("show", "host-name lab1;")
	// an error shows a caret under the offending word
	ty.line("set system bogus 1", "syntax error.")
	// load merge terminal: a pasted block, ended with Ctrl-D
	ty.line("load merge terminal", "[Type ^D at a new line to end input]")
	ty.typeAndSee("system {\r    domain-name paste.example;\r}\r", "}")
	ty.typeAndSee("\x04", "load complete")
	ty.line("commit", "commit complete")
	// the prompt takes the new host name
	ty.line("exit", "@lab1> ")
	// a paste of two lines runs both, one after the other
	ty.typeAndSee("show version\rshow system commit\r", "Hostname: lab1\x00via cli")
	// history: arrow up recalls the previous command
	ty.typeAndSee("\x1b[A", "show system commit")
	ty.typeAndSee("\x15", "> ") // Ctrl-U clears it again
	// Ctrl-D at an empty prompt exits, and the terminal is given back
	m := tm.Mark()
	if err := tm.Type("\x04"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tm.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("cli exit: %v\n%s", err, tm.Text()[m:])
		}
	case <-time.After(wait):
		t.Fatalf("Ctrl-D did not exit; screen:\n%s", tm.Text())
	}
	if !strings.Contains(tm.Text(), "Entering configuration mode") {
		t.Fatalf("screen lacks the configure banner:\n%s", tm.Text())
	}
	// What the person saw, rendered as a terminal shows it, against the
	// golden transcript (go test ./cli/term -update rewrites it).
	ptytest.Golden(t, "testdata/interactive.screen", tm.Raw(), 120, *testkit.Update)
}

// TestTerminalWithoutSize: a terminal that reports 0×0 (some serial
// consoles and pipes through script(1)) must not crash the front end.
func TestTerminalWithoutSize(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no pseudo-terminals here")
	}
	ty := typist{t, startTerminal(t, 0, 0)}
	ty.line("show version", "Hostname:")
	ty.typeAndSee("\r", "> ")
}
