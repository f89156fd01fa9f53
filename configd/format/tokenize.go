package format

import (
	"fmt"
	"strings"
)

// Tokenize splits a CLI line the way Junos does: tokens are separated by
// blanks; double quotes group blanks into a token, with backslash escapes
// (\" \\ \n; any other backslash is kept as is); `[`, `]` and `|` are
// tokens of their own unless quoted. A quoted empty string is an empty
// token. The CLI uses it too, so `set`, `load set` and the prompt agree.
func Tokenize(line string) ([]string, error) {
	toks, _, err := tokenize(line, nil, nil)
	if err != nil {
		return nil, err
	}
	return toks, nil
}

// tokenizeError is an unterminated quote; off is where the quote opened.
type tokenizeError struct{ off int }

func (e *tokenizeError) Error() string {
	return fmt.Sprintf("unterminated quoted string at column %d", e.off+1)
}

// tokenize is Tokenize appending to toks and offs (each token's byte
// offset), so a caller can reuse them line after line.
func tokenize(line string, toks []string, offs []int) ([]string, []int, error) {
	i := 0
	for {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i >= len(line) {
			return toks, offs, nil
		}
		start := i
		switch line[i] {
		case '[', ']', '|':
			toks = append(toks, line[i:i+1])
			offs = append(offs, start)
			i++
			continue
		}
		// A plain word needs no copy; quotes switch to a builder.
		var b *strings.Builder
		seg := i
		for i < len(line) && !isBlank(line[i]) && line[i] != '[' && line[i] != ']' && line[i] != '|' {
			if line[i] != '"' {
				i++
				continue
			}
			if b == nil {
				b = new(strings.Builder)
			}
			b.WriteString(line[seg:i])
			end, ok := unquote(b, line, i)
			if !ok {
				return nil, nil, &tokenizeError{off: i}
			}
			i = end
			seg = i
		}
		if b == nil {
			toks = append(toks, line[start:i])
		} else {
			b.WriteString(line[seg:i])
			toks = append(toks, b.String())
		}
		offs = append(offs, start)
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// unquote appends the content of the quoted string starting at s[i] (a
// double quote) to b and returns the offset just past the closing quote.
func unquote(b *strings.Builder, s string, i int) (int, bool) {
	i++
	seg := i
	for i < len(s) {
		switch s[i] {
		case '"':
			b.WriteString(s[seg:i])
			return i + 1, true
		case '\\':
			if i+1 >= len(s) {
				return 0, false
			}
			b.WriteString(s[seg:i])
			switch c := s[i+1]; c {
			case '"', '\\':
				b.WriteByte(c)
			case 'n':
				b.WriteByte('\n')
			default:
				b.WriteByte('\\')
				b.WriteByte(c)
			}
			i += 2
			seg = i
		default:
			i++
		}
	}
	return 0, false
}
