package cli

import (
	"fmt"
	"strings"
)

// token is one word of a command line and where it starts.
type token struct {
	s      string
	pos    int
	quoted bool
}

// lex splits a CLI line Junos-style: whitespace separates words, double
// quotes group (with backslash escapes), `|` outside quotes is its own
// word, and `[`/`]` are words of their own.
func lex(line string) ([]token, error) {
	var out []token
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '|' || c == '[' || c == ']':
			out = append(out, token{s: string(c), pos: i})
			i++
		case c == '"':
			start := i
			var b strings.Builder
			i++
			for i < len(line) && line[i] != '"' {
				if line[i] == '\\' && i+1 < len(line) {
					i++
					switch line[i] {
					case 'n':
						b.WriteByte('\n')
					default:
						b.WriteByte(line[i])
					}
				} else {
					b.WriteByte(line[i])
				}
				i++
			}
			if i >= len(line) {
				return nil, &lineError{pos: start, msg: "syntax error, unterminated quoted string."}
			}
			i++
			out = append(out, token{s: b.String(), pos: start, quoted: true})
		default:
			start := i
			for i < len(line) && !strings.ContainsRune(" \t|\"", rune(line[i])) {
				i++
			}
			w := line[start:i]
			// a trailing ']' or leading '[' glued to a word stays a word (Junos keys may hold them)
			out = append(out, token{s: w, pos: start})
		}
	}
	return out, nil
}

// lineError is a command error located at a position of the line: the
// front end prints a caret under it.
type lineError struct {
	pos int
	msg string
}

func (e *lineError) Error() string { return e.msg }

func words(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.s
	}
	return out
}

// splitPipes separates the command from its `| …` filters.
func splitPipes(ts []token) ([]token, [][]token) {
	var cmd []token
	var pipes [][]token
	cur := &cmd
	for _, t := range ts {
		if t.s == "|" && !t.quoted {
			pipes = append(pipes, nil)
			cur = &pipes[len(pipes)-1]
			continue
		}
		*cur = append(*cur, t)
	}
	return cmd, pipes
}

func errAt(ts []token, i int, lineLen int, format string, args ...any) error {
	pos := lineLen
	if i < len(ts) {
		pos = ts[i].pos
	}
	return &lineError{pos: pos, msg: fmt.Sprintf(format, args...)}
}
