// Package lineedit is a small terminal line editor for byte streams (an
// SSH channel with a pty): prompt, insertion and deletion, cursor motion,
// history on the arrows, TAB completion and `?` help through callbacks,
// Ctrl-C and Ctrl-D. It needs no local terminal, which is why the SSH
// front end cannot use go-prompt.
//
// It writes only what the terminal needs and can show: typing and
// completing at the end of a line echo just the new text; a change inside
// the line repaints it with two VT100 sequences (erase to the end of the
// line, cursor left) when the terminal understands them (ANSI, from the
// client's TERM: see ANSITerm), else with carriage return, spaces and
// backspaces only, which every terminal (TERM=dumb) and screen scraper
// reads.
//
// An Editor is used by one goroutine.
package lineedit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gnos/gnos/cli"
)

// ErrInterrupt is returned by ReadLine on Ctrl-C.
var ErrInterrupt = errors.New("lineedit: interrupted")

// Editor reads lines from r and echoes to w.
type Editor struct {
	r *bufio.Reader
	w io.Writer
	// Complete returns candidates for the last (possibly empty) word of
	// line; nil disables TAB and `?`.
	Complete func(line string) []cli.Completion
	// MaxHistory bounds the history (default 100).
	MaxHistory int
	// MaxLine bounds a line's length in bytes (default 64 KiB).
	MaxLine int
	// ANSI: the terminal understands VT100 erase and cursor sequences.
	ANSI bool

	history []string
	killed  []rune // what the last Ctrl-K/U/W or Esc-d/Esc-Backspace cut, for Ctrl-Y
	lastCR  bool   // the previous byte was CR: a LF or NUL next is part of the line end
}

// New returns an editor reading r and echoing to w.
func New(r io.Reader, w io.Writer) *Editor {
	return &Editor{r: bufio.NewReader(r), w: w, MaxHistory: 100, MaxLine: 64 << 10, ANSI: true}
}

// ANSITerm reports whether a terminal type (an SSH client's TERM) speaks
// the VT100/ANSI sequences the editor uses; "dumb", "" and unknown types
// do not.
func ANSITerm(term string) bool {
	term = strings.ToLower(term)
	for _, p := range []string{"xterm", "vt1", "vt2", "vt3", "vt4", "vt5", "ansi", "linux", "screen", "tmux",
		"rxvt", "putty", "cygwin", "konsole", "gnome", "alacritty", "kitty", "st-", "foot", "wezterm", "iterm", "eterm", "aterm", "xterm-"} {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	return term == "st"
}

// state is the line being edited.
type state struct {
	prompt string
	buf    []rune
	pos    int
	drawn  int // runes of prompt and line on the screen (for a dumb terminal's repaint)
}

// width is how many runes prompt and line take on the screen.
func (st *state) width() int { return utf8.RuneCountInString(st.prompt) + len(st.buf) }

// ReadLine shows prompt and returns the line typed, without its end.
// io.EOF comes on Ctrl-D on an empty line or when the input ends.
func (e *Editor) ReadLine(prompt string) (string, error) {
	st := &state{prompt: prompt}
	io.WriteString(e.w, prompt)
	st.drawn = st.width()
	hist := len(e.history)
	saved := ""
	for {
		r, _, err := e.r.ReadRune()
		if err != nil {
			if err == io.EOF && len(st.buf) > 0 {
				return string(st.buf), nil
			}
			return "", err
		}
		afterCR := e.lastCR
		e.lastCR = r == '\r'
		if afterCR && (r == '\n' || r == 0) {
			continue // the rest of a CR LF or CR NUL line end
		}
		switch r {
		case '\r', '\n':
			io.WriteString(e.w, "\r\n")
			line := string(st.buf)
			e.remember(line)
			return line, nil
		case 3: // Ctrl-C
			io.WriteString(e.w, "^C\r\n")
			return "", ErrInterrupt
		case 4: // Ctrl-D
			if len(st.buf) == 0 {
				io.WriteString(e.w, "\r\n")
				return "", io.EOF
			}
			e.deleteAt(st, st.pos)
		case 1: // Ctrl-A
			st.pos = 0
		case 5: // Ctrl-E
			st.pos = len(st.buf)
		case 2: // Ctrl-B
			st.pos = max(st.pos-1, 0)
		case 6: // Ctrl-F
			st.pos = min(st.pos+1, len(st.buf))
		case 11: // Ctrl-K
			e.cut(st, st.pos, len(st.buf))
		case 21: // Ctrl-U
			e.cut(st, 0, len(st.buf))
		case 23: // Ctrl-W: cut the word before the cursor
			e.cut(st, wordStart(st.buf, st.pos), st.pos)
		case 18: // Ctrl-R: search the history
			enter, err := e.search(st)
			if err != nil {
				return "", err
			}
			if enter {
				io.WriteString(e.w, "\r\n")
				line := string(st.buf)
				e.remember(line)
				return line, nil
			}
		case 25: // Ctrl-Y: paste what was cut
			for _, r := range e.killed {
				e.insert(st, r)
			}
		case 12: // Ctrl-L: redraw the line (Junos)
		case 127, 8: // backspace
			if st.pos > 0 {
				e.deleteAt(st, st.pos-1)
				st.pos--
			}
		case '\t':
			atEnd, n := st.pos == len(st.buf), len(st.buf)
			if !e.complete(st, false) && atEnd {
				e.echoAdded(st, n) // completion writes only the text it adds
				continue
			}
		case ' ':
			atEnd, n := st.pos == len(st.buf), len(st.buf)
			if !e.completeWord(st) {
				e.insert(st, r)
			}
			if atEnd {
				e.echoAdded(st, n)
				continue
			}
		case '?':
			if e.Complete != nil && !inQuotes(st.buf[:st.pos]) {
				e.complete(st, true)
			} else {
				e.insert(st, r)
			}
		case 27: // escape sequence, or Esc and a key (meta)
			switch e.escape() {
			case meta | 'b', meta | 'B':
				st.pos = wordStart(st.buf, st.pos)
			case meta | 'f', meta | 'F':
				st.pos = wordEnd(st.buf, st.pos)
			case meta | 'd', meta | 'D':
				e.cut(st, st.pos, wordEnd(st.buf, st.pos))
			case meta | 127, meta | 8:
				e.cut(st, wordStart(st.buf, st.pos), st.pos)
			case 'A':
				if hist > 0 {
					if hist == len(e.history) {
						saved = string(st.buf)
					}
					hist--
					st.buf = []rune(e.history[hist])
					st.pos = len(st.buf)
				}
			case 'B':
				if hist < len(e.history) {
					hist++
					if hist == len(e.history) {
						st.buf = []rune(saved)
					} else {
						st.buf = []rune(e.history[hist])
					}
					st.pos = len(st.buf)
				}
			case 'C':
				st.pos = min(st.pos+1, len(st.buf))
			case 'D':
				st.pos = max(st.pos-1, 0)
			case 'H':
				st.pos = 0
			case 'F':
				st.pos = len(st.buf)
			case '3': // Delete
				e.deleteAt(st, st.pos)
			}
		default:
			if r >= ' ' && r != utf8.RuneError {
				e.insert(st, r)
				if st.pos == len(st.buf) { // typing at the end: echo only
					io.WriteString(e.w, string(r))
					st.drawn = max(st.drawn, st.width())
					continue
				}
			}
		}
		e.redraw(st)
	}
}

// search is Ctrl-R, a reverse incremental search of the history, drawn
// as (reverse-i-search)'query': match. Text extends the query, Ctrl-R
// finds the next older match, Backspace shortens the query, Ctrl-G gives
// the line back as it was, Enter takes the match and ends the line
// (true). Any other key ends the search, leaving the match to edit, and
// is then read again with its usual meaning.
func (e *Editor) search(st *state) (bool, error) {
	prompt, orig, origPos := st.prompt, append([]rune(nil), st.buf...), st.pos
	var query []rune
	at, failed := len(e.history), false
	find := func(from int) {
		for i := min(from, len(e.history)-1); i >= 0; i-- {
			if k := strings.Index(e.history[i], string(query)); k >= 0 {
				at, failed = i, false
				st.buf = []rune(e.history[i])
				st.pos = utf8.RuneCountInString(e.history[i][:k])
				return
			}
		}
		failed = len(query) > 0
	}
	defer func() { st.prompt = prompt }()
	for {
		label := "(reverse-i-search)"
		if failed {
			label = "(failed reverse-i-search)"
		}
		st.prompt = label + "'" + string(query) + "': "
		e.redraw(st)
		r, _, err := e.r.ReadRune()
		if err != nil {
			return false, err
		}
		e.lastCR = r == '\r'
		switch {
		case r == '\r' || r == '\n':
			return true, nil
		case r == 18:
			find(at - 1)
		case r == 7: // Ctrl-G
			st.buf, st.pos = orig, origPos
			st.prompt = prompt
			return false, nil
		case r == 127 || r == 8:
			if len(query) > 0 {
				query = query[:len(query)-1]
				find(len(e.history) - 1)
			}
		case r >= ' ' && r != utf8.RuneError:
			query = append(query, r)
			find(at)
		default:
			e.lastCR = false
			e.r.UnreadRune()
			st.prompt = prompt
			return false, nil
		}
	}
}

// ReadHidden reads a line without echo and without history (a password),
// from the same input as ReadLine, so keys typed ahead are not lost.
func (e *Editor) ReadHidden() (string, error) {
	var buf []rune
	for {
		r, _, err := e.r.ReadRune()
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				return string(buf), nil
			}
			return "", err
		}
		afterCR := e.lastCR
		e.lastCR = r == '\r'
		switch {
		case afterCR && (r == '\n' || r == 0):
		case r == '\r' || r == '\n':
			return string(buf), nil
		case r == 3:
			return "", ErrInterrupt
		case r == 127 || r == 8:
			if len(buf) > 0 {
				buf = buf[:len(buf)-1]
			}
		case r >= ' ' && r != utf8.RuneError:
			buf = append(buf, r)
		}
	}
}

// meta marks escape's result for Esc and a key (Esc-b…).
const meta = 0x100

// escape reads the rest of an escape sequence and returns its final
// byte ('A'..'D', 'H', 'F', or '3' for ESC[3~), or for a meta key (Esc
// and a key) meta|key, or 0.
func (e *Editor) escape() int {
	b, err := e.r.ReadByte()
	if err != nil {
		return 0
	}
	if b != '[' && b != 'O' {
		return meta | int(b)
	}
	b, err = e.r.ReadByte()
	if err != nil {
		return 0
	}
	if b >= '0' && b <= '9' {
		for {
			c, err := e.r.ReadByte()
			if err != nil || c == '~' || c < '0' || c > '9' {
				break
			}
		}
	}
	return int(b)
}

// cut removes buf[from:to] into the kill buffer and leaves the cursor at
// from.
func (e *Editor) cut(st *state, from, to int) {
	if from >= to {
		return
	}
	e.killed = append([]rune(nil), st.buf[from:to]...)
	st.buf = append(st.buf[:from], st.buf[to:]...)
	st.pos = from
}

// wordStart is where the word before pos starts (words are separated by
// spaces); wordEnd where the word after pos ends.
func wordStart(buf []rune, pos int) int {
	for pos > 0 && buf[pos-1] == ' ' {
		pos--
	}
	for pos > 0 && buf[pos-1] != ' ' {
		pos--
	}
	return pos
}

func wordEnd(buf []rune, pos int) int {
	for pos < len(buf) && buf[pos] == ' ' {
		pos++
	}
	for pos < len(buf) && buf[pos] != ' ' {
		pos++
	}
	return pos
}

func (e *Editor) insert(st *state, r rune) {
	if e.MaxLine > 0 && len(string(st.buf)) >= e.MaxLine {
		return
	}
	st.buf = append(st.buf, 0)
	copy(st.buf[st.pos+1:], st.buf[st.pos:])
	st.buf[st.pos] = r
	st.pos++
}

func (e *Editor) deleteAt(st *state, i int) {
	if i < 0 || i >= len(st.buf) {
		return
	}
	st.buf = append(st.buf[:i], st.buf[i+1:]...)
}

// redraw repaints the line and places the cursor.
func (e *Editor) redraw(st *state) {
	var b strings.Builder
	b.WriteString("\r")
	b.WriteString(st.prompt)
	b.WriteString(string(st.buf))
	back := len(st.buf) - st.pos
	if e.ANSI {
		b.WriteString("\x1b[K")
		if back > 0 {
			fmt.Fprintf(&b, "\x1b[%dD", back)
		}
	} else {
		if extra := st.drawn - st.width(); extra > 0 { // blank what was longer
			b.WriteString(strings.Repeat(" ", extra))
			back += extra
		}
		b.WriteString(strings.Repeat("\b", back))
	}
	st.drawn = st.width()
	io.WriteString(e.w, b.String())
}

// echoAdded writes what was appended to the line since it was n runes
// long: typing and completing at the end of a line repaint nothing, so a
// screen scraper sees the command once, as typed.
func (e *Editor) echoAdded(st *state, n int) {
	if len(st.buf) > n {
		io.WriteString(e.w, string(st.buf[n:]))
	}
	st.drawn = max(st.drawn, st.width())
}

// inQuotes reports whether the text before the cursor is inside a quoted
// string (where `?` is literal).
func inQuotes(before []rune) bool {
	in := false
	for i, r := range before {
		if r == '"' && (i == 0 || before[i-1] != '\\') {
			in = !in
		}
	}
	return in
}

// complete handles TAB (help false) and `?` (help true): TAB follows
// cli.WordCompletion (complete, extend, or list); `?` lists the
// candidates with their help. It reports whether it listed (the line is
// then drawn again below the list).
func (e *Editor) complete(st *state, help bool) bool {
	if e.Complete == nil {
		return false
	}
	line := string(st.buf[:st.pos])
	cands := e.Complete(line)
	if !help {
		insert, list := cli.WordCompletion(line, cands, true)
		for _, r := range insert {
			e.insert(st, r)
		}
		if !list {
			return false
		}
	}
	io.WriteString(e.w, "\r\n")
	st.drawn = 0 // the line is drawn again below the list
	if help {
		io.WriteString(e.w, "Possible completions:\r\n")
	}
	for _, c := range cands {
		if help && c.Help != "" {
			fmt.Fprintf(e.w, "  %-22s %s\r\n", c.Text, c.Help)
		} else {
			fmt.Fprintf(e.w, "  %s\r\n", c.Text)
		}
	}
	return true
}

// completeWord is space completion (cli.WordCompletion): when the word
// before the cursor is a prefix of exactly one keyword, the keyword is
// completed with its space. It reports whether it did.
func (e *Editor) completeWord(st *state) bool {
	if e.Complete == nil || st.pos != len(st.buf) {
		return false
	}
	line := string(st.buf)
	if line == "" || strings.HasSuffix(line, " ") {
		return false
	}
	insert, _ := cli.WordCompletion(line, e.Complete(line), false)
	if insert == "" {
		return false
	}
	for _, r := range insert {
		e.insert(st, r)
	}
	return true
}

// remember appends a non-empty line to the history.
func (e *Editor) remember(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	if n := len(e.history); n > 0 && e.history[n-1] == line {
		return
	}
	e.history = append(e.history, line)
	if e.MaxHistory > 0 && len(e.history) > e.MaxHistory {
		e.history = e.history[len(e.history)-e.MaxHistory:]
	}
}

// ReadKey reads one key press (a pager's answer); a CR LF pair counts as
// one key.
func (e *Editor) ReadKey() (rune, error) {
	for {
		r, _, err := e.r.ReadRune()
		if err != nil {
			return 0, err
		}
		afterCR := e.lastCR
		e.lastCR = r == '\r'
		if afterCR && (r == '\n' || r == 0) {
			continue
		}
		return r, nil
	}
}
