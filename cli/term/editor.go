package term

import (
	"fmt"
	"strings"
	"unicode/utf8"

	prompt "github.com/c-bata/go-prompt"

	"github.com/gnos/gnos/cli"
)

// editor gives each key its Junos meaning on go-prompt's buffer: the
// emacs keys of the Junos CLI (Ctrl-A/E/B/F, Esc-b/f/d, Ctrl-K/U/W and
// Ctrl-Y to yank what they cut, Ctrl-L to redraw, Ctrl-P/N and the arrows
// for history, Ctrl-R to search it), space and TAB completion and `?`
// help. While a question waits for its answer the question is the prompt
// and keys are plain text. The editor keeps its own history, so answers
// to questions are not recalled as commands.
//
// Everything here runs on go-prompt's main goroutine.
type editor struct {
	c *cli.Client
	p *lineParser

	history []string
	hist    int    // the history entry shown, len(history) for the new line
	saved   string // the new line, kept while browsing the history
	killed  string // what the last kill cut, for Ctrl-Y
	search  *search
	exit    bool // the session has ended
	// question is the last line of a question waiting for its answer
	// (the rest was printed above it); "" when none.
	question string
}

// search is a Ctrl-R reverse incremental search of the history.
type search struct {
	query  string
	at     int    // the matching entry, len(history) before any match
	orig   string // the line before Ctrl-R
	failed bool
}

const maxHistory = 1000

// prefix is go-prompt's live prefix: the prompt, the question, or the
// search. go-prompt asks for it on every render, which also opens the
// parser's gate for the next key.
func (e *editor) prefix() (string, bool) {
	e.p.drawn()
	switch {
	case e.search != nil && e.search.failed:
		return fmt.Sprintf("(failed reverse-i-search)'%s': ", e.search.query), true
	case e.search != nil:
		return fmt.Sprintf("(reverse-i-search)'%s': ", e.search.query), true
	case e.question != "":
		return e.question, true
	}
	return e.c.Prompt(), true
}

// remember adds a command to the history and starts browsing anew.
func (e *editor) remember(line string) {
	if strings.TrimSpace(line) != "" && (len(e.history) == 0 || e.history[len(e.history)-1] != line) {
		e.history = append(e.history, line)
		if len(e.history) > maxHistory {
			e.history = e.history[1:]
		}
	}
	e.hist, e.saved, e.search = len(e.history), "", nil
}

// key handles the keys behind the parser's keyMarker, in order.
func (e *editor) key(b *prompt.Buffer) {
	for _, k := range e.p.stashed() {
		e.key1(b, k)
	}
}

func (e *editor) key1(b *prompt.Buffer, k []byte) {
	if e.search != nil && e.searchKey(b, k) {
		return
	}
	if len(k) > 1 && k[0] == 0x1b {
		e.escapeKey(b, k)
		return
	}
	r, _ := utf8.DecodeRune(k)
	switch {
	case r == ' ' && e.question == "":
		if !complete(e.c, b, false) {
			b.InsertText(" ", false, true)
		}
	case r == '?' && e.question == "" && !inQuotes(b.Document().TextBeforeCursor()):
		help(e.c, b.Document().TextBeforeCursor())
	case r == '\t':
		if e.question == "" {
			complete(e.c, b, true)
		}
	case r >= ' ' && r != 0x7f && r != utf8.RuneError:
		b.InsertText(string(k), false, true)
	case r == 0x7f || r == 8: // Backspace, Ctrl-H
		b.DeleteBeforeCursor(1)
	case r == 1: // Ctrl-A
		b.CursorLeft(len([]rune(b.Document().TextBeforeCursor())))
	case r == 5: // Ctrl-E
		b.CursorRight(len([]rune(b.Document().TextAfterCursor())))
	case r == 2: // Ctrl-B
		b.CursorLeft(1)
	case r == 6: // Ctrl-F
		b.CursorRight(1)
	case r == 11: // Ctrl-K: cut to the end of the line
		e.cut(b.Delete(len([]rune(b.Document().TextAfterCursor()))))
	case r == 21: // Ctrl-U: cut the whole line
		b.CursorRight(len([]rune(b.Document().TextAfterCursor())))
		e.cut(b.DeleteBeforeCursor(len([]rune(b.Text()))))
	case r == 23: // Ctrl-W: cut the word before the cursor
		e.cut(b.DeleteBeforeCursor(wordBefore(b.Document().TextBeforeCursor())))
	case r == 25: // Ctrl-Y: yank
		b.InsertText(e.killed, false, true)
	case r == 12: // Ctrl-L: redraw the line (go-prompt draws it after every key)
	case r == 16: // Ctrl-P
		e.older(b)
	case r == 14: // Ctrl-N
		e.newer(b)
	case r == 18 && e.question == "": // Ctrl-R
		e.search = &search{at: len(e.history), orig: b.Text()}
	}
}

// escapeKey handles the arrows and the other cursor keys, and the meta
// keys Esc-b, Esc-f, Esc-d and Esc-Backspace.
func (e *editor) escapeKey(b *prompt.Buffer, k []byte) {
	switch string(k) {
	case "\x1b[A", "\x1bOA":
		e.older(b)
	case "\x1b[B", "\x1bOB":
		e.newer(b)
	case "\x1b[C", "\x1bOC":
		b.CursorRight(1)
	case "\x1b[D", "\x1bOD":
		b.CursorLeft(1)
	case "\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~":
		b.CursorLeft(len([]rune(b.Document().TextBeforeCursor())))
	case "\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~":
		b.CursorRight(len([]rune(b.Document().TextAfterCursor())))
	case "\x1b[3~": // Delete
		b.Delete(1)
	case "\x1bb", "\x1bB":
		b.CursorLeft(wordBefore(b.Document().TextBeforeCursor()))
	case "\x1bf", "\x1bF":
		b.CursorRight(wordAfter(b.Document().TextAfterCursor()))
	case "\x1bd", "\x1bD":
		e.cut(b.Delete(wordAfter(b.Document().TextAfterCursor())))
	case "\x1b\x7f", "\x1b\x08":
		e.cut(b.DeleteBeforeCursor(wordBefore(b.Document().TextBeforeCursor())))
	}
}

func (e *editor) cut(s string) {
	if s != "" {
		e.killed = s
	}
}

// wordBefore is how many runes back the start of the word before the
// cursor is (spaces before the cursor included); words are separated by
// spaces, as the Junos CLI's words are.
func wordBefore(before string) int {
	r := []rune(before)
	i := len(r)
	for i > 0 && r[i-1] == ' ' {
		i--
	}
	for i > 0 && r[i-1] != ' ' {
		i--
	}
	return len(r) - i
}

// wordAfter is how many runes forward the end of the next word is.
func wordAfter(after string) int {
	r := []rune(after)
	i := 0
	for i < len(r) && r[i] == ' ' {
		i++
	}
	for i < len(r) && r[i] != ' ' {
		i++
	}
	return i
}

func setText(b *prompt.Buffer, s string) {
	b.CursorRight(len([]rune(b.Document().TextAfterCursor())))
	b.DeleteBeforeCursor(len([]rune(b.Text())))
	b.InsertText(s, false, true)
}

func (e *editor) older(b *prompt.Buffer) {
	if e.question != "" || e.hist == 0 {
		return
	}
	if e.hist == len(e.history) {
		e.saved = b.Text()
	}
	e.hist--
	setText(b, e.history[e.hist])
}

func (e *editor) newer(b *prompt.Buffer) {
	if e.question != "" || e.hist >= len(e.history) {
		return
	}
	e.hist++
	if e.hist == len(e.history) {
		setText(b, e.saved)
	} else {
		setText(b, e.history[e.hist])
	}
}

// searchKey handles a key during Ctrl-R: text extends the query, Ctrl-R
// finds the next older match, Backspace shortens the query, Ctrl-G gives
// the line back as it was. Any other key ends the search, leaving the
// match to edit, and then has its usual meaning (false). Enter runs the
// match (go-prompt's executor).
func (e *editor) searchKey(b *prompt.Buffer, k []byte) bool {
	s := e.search
	r, _ := utf8.DecodeRune(k)
	switch {
	case len(k) > 1 && k[0] == 0x1b:
		e.search = nil
		return false
	case r == 18: // Ctrl-R: the next older match
		e.find(b, s.query, s.at-1)
	case r == 7: // Ctrl-G: cancel
		e.search = nil
		setText(b, s.orig)
	case r == 0x7f || r == 8:
		if s.query != "" {
			_, n := utf8.DecodeLastRuneInString(s.query)
			s.query = s.query[:len(s.query)-n]
			e.find(b, s.query, len(e.history)-1)
		}
	case r >= ' ' && r != utf8.RuneError:
		s.query += string(k)
		e.find(b, s.query, min(s.at, len(e.history)-1))
	default:
		e.search = nil
		return false
	}
	return true
}

// find shows the newest history entry at or before from holding query.
func (e *editor) find(b *prompt.Buffer, query string, from int) {
	s := e.search
	for i := from; i >= 0; i-- {
		if strings.Contains(e.history[i], query) {
			s.at, s.failed = i, false
			setText(b, e.history[i])
			b.CursorLeft(len([]rune(e.history[i])) - len([]rune(e.history[i][:strings.Index(e.history[i], query)])))
			return
		}
	}
	s.failed = query != ""
}

// inQuotes reports whether the text before the cursor is inside a quoted
// string (where `?` is literal).
func inQuotes(before string) bool {
	in := false
	prev := rune(0)
	for _, r := range before {
		if r == '"' && prev != '\\' {
			in = !in
		}
		prev = r
	}
	return in
}
