package format

import (
	"errors"
	"strings"
)

// tokKind is the kind of a curly-brace text token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tString // quoted; text is unquoted
	tLBrace
	tRBrace
	tSemi
	tLBrack
	tRBrack
	tComment // /* */; text is the content without the markers and one blank each side
)

// token is one lexeme. Text is a substring of the source except for quoted
// strings with escapes; off and end are byte offsets.
type token struct {
	kind     tokKind
	text     string
	off, end int
}

// lexer scans curly-brace text. It skips blanks and `#` comments (a `#`
// starting a token runs to the end of the line).
type lexer struct {
	src string
	pos int
}

var (
	errUnterminatedString  = errors.New("syntax error: unterminated quoted string")
	errUnterminatedComment = errors.New("syntax error: unterminated comment")
)

func (l *lexer) next() (token, error) {
	src := l.src
	i := l.pos
	for i < len(src) {
		c := src[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		if c == '#' {
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		break
	}
	if i >= len(src) {
		l.pos = i
		return token{kind: tEOF, off: i, end: i}, nil
	}
	start := i
	var k tokKind
	switch src[i] {
	case '{':
		k = tLBrace
	case '}':
		k = tRBrace
	case ';':
		k = tSemi
	case '[':
		k = tLBrack
	case ']':
		k = tRBrack
	case '"':
		return l.quoted(start)
	case '/':
		if i+1 < len(src) && src[i+1] == '*' {
			return l.comment(start)
		}
	}
	if k != tEOF {
		l.pos = i + 1
		return token{kind: k, text: src[i : i+1], off: start, end: i + 1}, nil
	}
	for i < len(src) {
		switch src[i] {
		case ' ', '\n', '\t', '\r', '{', '}', ';', '[', ']', '"':
			l.pos = i
			return token{kind: tWord, text: src[start:i], off: start, end: i}, nil
		}
		i++
	}
	l.pos = i
	return token{kind: tWord, text: src[start:i], off: start, end: i}, nil
}

func (l *lexer) quoted(start int) (token, error) {
	src := l.src
	// Fast path: no escapes, the text is a substring.
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '"':
			l.pos = i + 1
			return token{kind: tString, text: src[start+1 : i], off: start, end: i + 1}, nil
		case '\\':
			var b strings.Builder
			end, ok := unquote(&b, src, start)
			if !ok {
				return token{off: start}, errUnterminatedString
			}
			l.pos = end
			return token{kind: tString, text: b.String(), off: start, end: end}, nil
		}
	}
	return token{off: start}, errUnterminatedString
}

func (l *lexer) comment(start int) (token, error) {
	j := strings.Index(l.src[start+2:], "*/")
	if j < 0 {
		return token{off: start}, errUnterminatedComment
	}
	end := start + 2 + j + 2
	l.pos = end
	return token{kind: tComment, text: trimComment(l.src[start+2 : end-2]), off: start, end: end}, nil
}

// trimComment removes the blank WriteText puts on each side of an
// annotation's text.
func trimComment(s string) string {
	return strings.TrimSuffix(strings.TrimPrefix(s, " "), " ")
}
