package cli

// CLI settings are per session, as in Junos: set cli screen-length,
// screen-width, timestamp and terminal change how this session's output
// is presented, show cli reports them, and show cli history lists the
// session's commands. Front ends read the settings from each Result
// (ScreenLength for the pager); the timestamp line is added here, so it
// is the same on every front end. Times come from configd's clock.

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxHistory bounds a session's command history.
const maxHistory = 1000

type historyEntry struct {
	at   time.Time
	line string
}

// cliSettings are a session's `set cli` settings.
type cliSettings struct {
	screenLength int // -1: the terminal's size (not set)
	screenWidth  int // 0: the terminal's size
	lengthSet    bool
	timestamp    bool
	terminal     string
	history      []historyEntry
}

// Junos' default timestamp format (strftime %b %d %T).
const timestampLayout = "Jan 02 15:04:05"

// CLISettingsCommands adds set cli …, show cli and show cli history.
func CLISettingsCommands(t *Table) {
	t.Describe("set", "Set CLI properties, date/time, craft interface message")
	t.Describe("set cli", "CLI properties")
	t.Add(
		&Command{Words: []string{"set", "cli", "screen-length"}, RPC: "set-cli-screen-length",
			Help: "Set number of lines on screen", Args: []Arg{{Name: "length", Positional: true, Help: "Number of lines on screen (0 = no paging)"}},
			Run: setScreenLength},
		&Command{Words: []string{"set", "cli", "screen-width"}, RPC: "set-cli-screen-width",
			Help: "Set number of characters on a line", Args: []Arg{{Name: "width", Positional: true, Help: "Number of characters on a line (0 = no wrapping)"}},
			Run: setScreenWidth},
		&Command{Words: []string{"set", "cli", "timestamp"}, RPC: "set-cli-timestamp",
			Help: "Timestamp CLI output", Args: []Arg{{Name: "disable", Help: "Disable timestamping"}},
			Run: setTimestamp},
		&Command{Words: []string{"set", "cli", "terminal"}, RPC: "set-cli-terminal",
			Help: "Set terminal type", Args: []Arg{{Name: "terminal-type", Positional: true, Help: "Terminal type (ansi, small-xterm, vt100, xterm)"}},
			Run: setTerminal},
		&Command{Words: []string{"show", "cli"}, RPC: "get-cli-information",
			Help: "Show command-line interface settings", Run: showCLI, Text: textCLI},
		&Command{Words: []string{"show", "cli", "history"}, RPC: "get-cli-history",
			Help: "Show previously entered commands", Args: []Arg{{Name: "count", Positional: true, Help: "Maximum number of commands (1..1000)"}},
			Run: showHistory, Text: textHistory},
	)
}

func positiveInt(name, v string, max int) (int, error) {
	n, err := strconv.Atoi(v)
	if v == "" {
		return 0, fmt.Errorf("syntax error, expecting <%s>", name)
	}
	if err != nil || n < 0 || n > max {
		return 0, fmt.Errorf("invalid %s %q: must be 0..%d", name, v, max)
	}
	return n, nil
}

func setScreenLength(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	n, err := positiveInt("length", a["length"], 100000)
	if err != nil {
		return nil, err
	}
	s.settings.screenLength, s.settings.lengthSet = n, true
	return &Elem{Name: "cli-screen-length", Text: fmt.Sprintf("Screen length set to %d", n)}, nil
}

func setScreenWidth(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	n, err := positiveInt("width", a["width"], 100000)
	if err != nil {
		return nil, err
	}
	if n != 0 && n < 40 {
		return nil, fmt.Errorf("invalid width %d: must be 0 or 40..100000", n)
	}
	s.settings.screenWidth = n
	return &Elem{Name: "cli-screen-width", Text: fmt.Sprintf("Screen width set to %d", n)}, nil
}

func setTimestamp(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if a.Has("disable") {
		s.settings.timestamp = false
		return &Elem{Name: "cli-timestamp", Text: "Timestamping disabled"}, nil
	}
	s.settings.timestamp = true
	return &Elem{Name: "cli-timestamp", Text: "CLI timestamp set to: %b %d %T"}, nil
}

var terminalTypes = []string{"ansi", "small-xterm", "vt100", "xterm"}

func setTerminal(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	t, err := pick(token{s: a["terminal-type"]}, terminalTypes)
	if err != nil || a["terminal-type"] == "" {
		return nil, fmt.Errorf("invalid terminal type %q: expecting one of %s", a["terminal-type"], strings.Join(terminalTypes, ", "))
	}
	s.settings.terminal = t
	return nil, nil
}

// ScreenLength is the session's screen length: -1 when not set (use the
// terminal's), 0 for no paging.
func (s *Session) ScreenLength() int {
	if !s.settings.lengthSet {
		return -1
	}
	return s.settings.screenLength
}

func showCLI(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	st := s.settings
	length, width, term := "terminal", "terminal", st.terminal
	if st.lengthSet {
		length = strconv.Itoa(st.screenLength)
	}
	if st.screenWidth > 0 {
		width = strconv.Itoa(st.screenWidth)
	}
	if term == "" {
		term = "vt100"
	}
	ts := "disabled"
	if st.timestamp {
		ts = "%b %d %T"
	}
	return E("cli-information",
		T("complete-on-space", "on"),
		T("idle-timeout", "disabled"),
		T("screen-length", length),
		T("screen-width", width),
		T("terminal-type", term),
		T("timestamp", ts),
		T("working-directory", s.wd())), nil
}

func textCLI(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "CLI complete-on-space set to %s\n", e.Val("complete-on-space"))
	fmt.Fprintf(w, "CLI idle-timeout %s\n", e.Val("idle-timeout"))
	fmt.Fprintf(w, "CLI screen-length set to %s\n", e.Val("screen-length"))
	fmt.Fprintf(w, "CLI screen-width set to %s\n", e.Val("screen-width"))
	fmt.Fprintf(w, "CLI terminal is '%s'\n", e.Val("terminal-type"))
	if ts := e.Val("timestamp"); ts == "disabled" {
		fmt.Fprintln(w, "CLI timestamp disabled")
	} else {
		fmt.Fprintf(w, "CLI timestamp set to '%s'\n", ts)
	}
	fmt.Fprintf(w, "CLI working directory is '%s'\n", e.Val("working-directory"))
}

// remember adds a command line to the session's history.
func (s *Session) remember(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	h := append(s.settings.history, historyEntry{at: s.eng.Configd.Clock().Now(), line: line})
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	s.settings.history = h
}

func showHistory(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	h := s.settings.history
	if v, ok := a["count"]; ok {
		n, err := positiveInt("count", v, maxHistory)
		if err != nil {
			return nil, err
		}
		if n < len(h) {
			h = h[len(h)-n:]
		}
	}
	e := E("cli-history")
	for _, x := range h {
		e.Add(E("command-history", secondsAttr(T("time", x.at.Format("15:04:05")), time.Duration(x.at.Unix())*time.Second), T("command", x.line)))
	}
	return e, nil
}

func textHistory(w io.Writer, e *Elem) {
	for _, c := range e.All("command-history") {
		fmt.Fprintf(w, "%s -- %s\n", c.Val("time"), c.Val("command"))
	}
}

// stamp is the timestamp line Junos prints above a command's output
// when set cli timestamp is on.
func (s *Session) stamp() string {
	if !s.settings.timestamp {
		return ""
	}
	return s.eng.Configd.Clock().Now().Format(timestampLayout) + "\n"
}
