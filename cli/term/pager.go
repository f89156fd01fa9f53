package term

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/cli"
)

// page prints output a screenful at a time with Junos' ---(more NN%)---
// prompt (pager). | no-more (or set cli screen-length 0), output that
// fits, or a terminal whose size is unknown print everything at once. The
// screen is the terminal's, or the session's set cli screen-length; | hold
// keeps the prompt after the last screen. The keys are read through the
// parser, so keys typed ahead of the prompt reach the pager in order.
func page(p *lineParser, out string, r cli.Result) {
	rows := screenRows() - 1
	if r.ScreenLength > 0 {
		rows = r.ScreenLength - 1
	}
	lines := strings.SplitAfter(out, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if r.NoMore || rows < 2 || (len(lines) <= rows && !r.Hold) {
		fmt.Print(out)
		return
	}
	back, err := keysMode()
	if err != nil {
		fmt.Print(out)
		return
	}
	defer back()
	pg := &pager{lines: lines, rows: rows, w: os.Stdout, key: p.readKey, hold: r.Hold}
	pg.run()
}

// screenRows is the terminal's height, 0 when unknown.
func screenRows() int {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return 0
	}
	defer tty.Close()
	ws, err := unix.IoctlGetWinsize(int(tty.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Row)
}

// pager shows lines rows at a time and obeys the keys of Junos' more
// prompt:
//
//	Space, Ctrl-F, f, PageDown     next screen
//	Enter, j, Ctrl-N, Ctrl-E, Down next line
//	d, Ctrl-D                      next half screen
//	b, Ctrl-B, PageUp              previous screen
//	k, Ctrl-P, Ctrl-Y, Up          previous line
//	u, Ctrl-U                      previous half screen
//	g                              the first screen
//	G                              the last screen
//	/text Enter                    the next line holding text
//	n, N                           the next / previous match again
//	h                              this list
//	q, Q, Ctrl-C                   stop
//
// A digit count before a key repeats it (10 Enter: ten lines). Other
// keys are ignored: they never reach the command line. Moving back
// redraws a screenful from the new first line. Once the last line is on
// the screen the pager ends, unless it holds (| hold): then only q ends it.
type pager struct {
	lines []string
	rows  int
	w     io.Writer
	key   func() ([]byte, error)
	hold  bool // | hold: the prompt stays after the last screen

	bottom  int    // lines[:bottom] have been shown
	pattern string // the last /text
	status  string // replaces the percentage once (a search that failed)
}

const pagerHelp = `
  SPACE, f, ^F, PageDown      Scroll down one screen
  ENTER, j, ^N, ^E, Down      Scroll down one line
  d, ^D                       Scroll down half a screen
  b, ^B, PageUp               Scroll up one screen
  k, ^P, ^Y, Up               Scroll up one line
  u, ^U                       Scroll up half a screen
  g                           Go to the beginning of the output
  G                           Go to the end of the output
  /text                       Search forward for text
  n                           Repeat the search forward
  N                           Repeat the search backward
  h                           Display this help
  q, Q, ^C                    Quit
  A count before a key repeats it (10 ENTER)
`

func (pg *pager) run() {
	pg.forward(pg.rows)
	count := 0
	for pg.bottom < len(pg.lines) || pg.hold {
		more := pg.status
		if more == "" {
			more = fmt.Sprintf("---(more %d%%)---", pg.bottom*100/len(pg.lines))
		}
		pg.status = ""
		fmt.Fprint(pg.w, more)
		k, err := pg.key()
		fmt.Fprint(pg.w, "\r"+strings.Repeat(" ", len(more))+"\r")
		if err != nil {
			return
		}
		if len(k) == 1 && k[0] >= '0' && k[0] <= '9' && (count > 0 || k[0] != '0') {
			count = min(count*10+int(k[0]-'0'), 1<<20)
			continue
		}
		n := max(count, 1)
		count = 0
		switch string(k) {
		case " ", "f", "\x06", "\x1b[6~":
			pg.forward(n * pg.rows)
		case "\r", "j", "\x0e", "\x05", "\x1b[B", "\x1bOB":
			pg.forward(n)
		case "d", "\x04":
			pg.forward(n * max(pg.rows/2, 1))
		case "b", "\x02", "\x1b[5~":
			pg.redraw(pg.top() - n*pg.rows)
		case "k", "\x10", "\x19", "\x1b[A", "\x1bOA":
			pg.redraw(pg.top() - n)
		case "u", "\x15":
			pg.redraw(pg.top() - n*max(pg.rows/2, 1))
		case "g":
			pg.redraw(0)
		case "G":
			pg.redraw(len(pg.lines) - pg.rows)
		case "/":
			if text, ok := pg.readPattern(); ok && text != "" {
				pg.pattern = text
				pg.search(pg.top()+1, 1)
			} else if ok {
				pg.search(pg.top()+1, 1)
			}
		case "n":
			pg.search(pg.top()+1, 1)
		case "N":
			pg.search(pg.top()-1, -1)
		case "h", "H":
			fmt.Fprint(pg.w, pagerHelp)
			pg.redraw(pg.top())
		case "q", "Q", "\x03":
			return
		}
	}
}

// top is the first line on the screen.
func (pg *pager) top() int { return max(pg.bottom-pg.rows, 0) }

// forward shows the next n lines.
func (pg *pager) forward(n int) {
	end := min(pg.bottom+n, len(pg.lines))
	fmt.Fprint(pg.w, strings.Join(pg.lines[pg.bottom:end], ""))
	pg.bottom = end
}

// redraw shows a screenful from line top.
func (pg *pager) redraw(top int) {
	top = max(min(top, len(pg.lines)-pg.rows), 0)
	pg.bottom = top
	pg.forward(pg.rows)
}

// search shows a screenful from the first line holding the pattern,
// looking from line from in direction dir (1 forward, -1 back).
func (pg *pager) search(from, dir int) {
	if pg.pattern == "" {
		pg.status = "No previous search pattern"
		return
	}
	for i := from; i >= 0 && i < len(pg.lines); i += dir {
		if strings.Contains(pg.lines[i], pg.pattern) {
			pg.redrawAt(i)
			return
		}
	}
	pg.status = "Pattern not found"
}

// redrawAt shows a screenful whose first line is i, even near the end.
func (pg *pager) redrawAt(i int) {
	pg.bottom = i
	pg.forward(pg.rows)
}

// readPattern reads the text after `/` up to Enter, echoing it; Ctrl-C
// or Escape gives up (false).
func (pg *pager) readPattern() (string, bool) {
	fmt.Fprint(pg.w, "/")
	var text []rune
	defer func() { fmt.Fprint(pg.w, "\r"+strings.Repeat(" ", len(string(text))+1)+"\r") }()
	for {
		k, err := pg.key()
		if err != nil {
			return "", false
		}
		switch {
		case k[0] == '\r':
			return string(text), true
		case k[0] == 3 || k[0] == 0x1b:
			return "", false
		case k[0] == 0x7f || k[0] == 8:
			if len(text) == 0 {
				return "", false
			}
			text = text[:len(text)-1]
			fmt.Fprint(pg.w, "\b \b")
		case k[0] >= ' ':
			text = append(text, []rune(string(k))...)
			fmt.Fprint(pg.w, string(k))
		}
	}
}
