package term_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func needPty(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no pseudo-terminals here")
	}
}

// TestTypedFast: keys sent in one burst (a fast typist, a paste, a
// link that groups bytes) mean what they mean typed one by one: TAB and
// space complete, ? lists, Enter ends each line; ? inside quotes is text.
func TestTypedFast(t *testing.T) {
	needPty(t)
	tm := startTerminal(t, 40, 120)
	ty := typist{t, tm}
	ty.typeAndSee("conf\r", "[edit]")
	// TAB and space completion inside one write
	ty.typeAndSee("set sys\thost-name fast1\rshow sys\r", "host-name fast1;")
	// ? in the middle of a burst lists, and the line goes on after it
	ty.typeAndSee("set system ?", "Possible completions:\x00host-name")
	ty.typeAndSee("\x03", "# ")
	// ? inside a quoted string is literal
	ty.typeAndSee("annotate system \"why?\"\rshow\r", "/* why? */")
	// a pasted block of commands runs line by line
	var paste strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&paste, "set interfaces ge-0/0/%d description pasted%d\r", i, i)
	}
	paste.WriteString("show interfaces | display set\r")
	ty.typeAndSee(paste.String(), "set interfaces ge-0/0/4 description pasted4")
	ty.typeAndSee("rollback 0\r", "load complete")
}

// TestEmacsKeys: the Junos CLI's emacs keys on the local terminal.
func TestEmacsKeys(t *testing.T) {
	needPty(t)
	tm := startTerminal(t, 40, 120)
	ty := typist{t, tm}
	// Ctrl-A, Ctrl-K cuts to the end, Ctrl-Y yanks it back
	ty.typeAndSee("version", "version")
	ty.typeAndSee("\x01\x0bshow \x19", "show version")
	ty.typeAndSee("\r", "Hostname:")
	// Esc-f forward a word, Esc-d deletes the word after the cursor
	ty.typeAndSee("show ver", "show ver")
	ty.typeAndSee("\x01\x1bf\x1bd version\r", "Hostname:")
	// Esc-b back a word
	ty.typeAndSee("show bogus version", "show bogus version")
	ty.typeAndSee("\x1bb\x1bb\x1bd\r", "Hostname:")
	// Ctrl-W cuts the word before the cursor, Ctrl-Y yanks it
	ty.typeAndSee("show version", "show version")
	ty.typeAndSee("\x17\x19\r", "Hostname:")
	// Ctrl-L redraws the line; the command then runs once
	m := tm.Mark()
	ty.typeAndSee("show vers\x0cion\r", "Hostname:\x00> ")
	if n := strings.Count(tm.Raw()[m:], "Hostname:"); n != 1 {
		t.Fatalf("after Ctrl-L the command ran %d times:\n%s", n, tm.Raw()[m:])
	}
}

// TestReverseSearch: Ctrl-R searches the history backwards as the query
// grows, Ctrl-R again finds an older match, Enter runs it.
func TestReverseSearch(t *testing.T) {
	needPty(t)
	tm := startTerminal(t, 40, 120)
	ty := typist{t, tm}
	ty.line("show version", "Hostname:")
	ty.line("show system commit", "> ")
	ty.line("show configuration", "> ")
	ty.typeAndSee("\x12", "(reverse-i-search)'': ")
	ty.typeAndSee("s", "(reverse-i-search)'s': show configuration")
	ty.typeAndSee("y", "(reverse-i-search)'sy': show system commit")
	ty.typeAndSee("\x12", "(failed reverse-i-search)'sy'")
	ty.typeAndSee("\x7f\x7fver", "(reverse-i-search)'ver': show version")
	ty.typeAndSee("\r", "Hostname:")
	// Ctrl-G gives the line back as it was
	ty.typeAndSee("show co", "show co")
	ty.typeAndSee("\x12sys", "show system commit")
	ty.typeAndSee("\x07", "> show co")
	ty.typeAndSee("\x15", "> ")
}

// TestExitQuestion: a question is the prompt until it is answered, so the
// answer is typed after it (not after a fresh prompt); typed ahead in one
// burst with the command, it is still the answer.
func TestExitQuestion(t *testing.T) {
	needPty(t)
	tm := startTerminal(t, 40, 120)
	ty := typist{t, tm}
	ty.line("configure", "[edit]")
	ty.line("set system host-name q1", "[edit]")
	ty.typeAndSee("exit\r", "Exit with uncommitted changes? [yes,no] (yes) ")
	ty.typeAndSee("no\r", "(yes) no\r\n\x00[edit]\x00# ")
	ty.typeAndSee("exit configuration-mode\r", "Exit with uncommitted changes? [yes,no] (yes) ")
	ty.typeAndSee("no\r", "(yes) no\r\n\x00# ")
	// the answer typed ahead, in the same burst as the command
	ty.typeAndSee("exit\rno\rshow system\r", "(yes) no\r\n\x00host-name q1;")
	ty.typeAndSee("exit\ryes\r", "Exiting configuration mode\x00> ")
	// wildcard delete asks too
	ty.line("configure", "[edit]")
	ty.line("set interfaces ge-0/0/1 description a", "[edit]")
	ty.typeAndSee("wildcard delete interfaces ge-*\r", "Delete 1 objects? [yes,no] (no) ")
	ty.typeAndSee("yes\r", "(no) yes\r\n\x00[edit]")
	ty.line("show interfaces", "[edit]")
	ty.typeAndSee("exit\r\r", "Exiting configuration mode")
}

// TestPagerScreen: long output stops at ---(more NN%)---; the keys move
// through it, unknown keys are ignored and never reach the command line.
func TestPagerScreen(t *testing.T) {
	needPty(t)
	tm := startTerminal(t, 10, 80)
	ty := typist{t, tm}
	ty.line("configure", "[edit]")
	var paste strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&paste, "set interfaces ge-0/0/%d description d%d\r", i, i)
	}
	ty.typeAndSee(paste.String(), "description d19")
	ty.typeAndSee("show interfaces | display set\r", "---(more ")
	m := tm.Mark()
	ty.typeAndSee("x", "---(more ") // ignored: the prompt is drawn again
	ty.typeAndSee("\r", "---(more ")
	ty.typeAndSee("/ge-0/0/3 \r", "ge-0/0/3 description d3\x00ge-0/0/11 description d11")
	ty.typeAndSee("g", "ge-0/0/0 description d0")
	ty.typeAndSee("q", "# ")
	ty.typeAndSee("\r", "[edit]")
	if s := tm.Raw()[m:]; strings.Contains(s, "# x") {
		t.Fatalf("a pager key reached the command line:\n%s", s)
	}
	ty.typeAndSee("show interfaces | display set\r", "---(more ")
	ty.typeAndSee("G", "ge-0/0/19 description d19\x00# ")
	ty.typeAndSee("rollback 0\r", "load complete")
}
