package xpath

import (
	"fmt"
	"strings"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tLBracket
	tRBracket
	tDot
	tDotDot
	tAt
	tComma
	tColonColon
	tSlash
	tSlashSlash
	tPipe
	tPlus
	tMinus
	tEq
	tNeq
	tLt
	tLe
	tGt
	tGe
	tStar // a name test `*` or `prefix:*`
	tMul  // the multiply operator
	tAnd  // operator names
	tOr
	tMod
	tDiv
	tName     // a QName used as a name test
	tFunc     // a function name (a QName followed by '(')
	tAxis     // an axis name (followed by '::')
	tNodeType // comment, text, processing-instruction, node (followed by '(')
	tLiteral
	tNumber
	tVar
)

var tokNames = [...]string{
	tEOF: "end of expression", tLParen: "'('", tRParen: "')'", tLBracket: "'['",
	tRBracket: "']'", tDot: "'.'", tDotDot: "'..'", tAt: "'@'", tComma: "','",
	tColonColon: "'::'", tSlash: "'/'", tSlashSlash: "'//'", tPipe: "'|'",
	tPlus: "'+'", tMinus: "'-'", tEq: "'='", tNeq: "'!='", tLt: "'<'", tLe: "'<='",
	tGt: "'>'", tGe: "'>='", tStar: "'*'", tMul: "'*'", tAnd: "'and'", tOr: "'or'",
	tMod: "'mod'", tDiv: "'div'", tName: "name", tFunc: "function", tAxis: "axis",
	tNodeType: "node type", tLiteral: "string", tNumber: "number", tVar: "variable",
}

func (k tokKind) String() string { return tokNames[k] }

type token struct {
	kind tokKind
	val  string // names (local part), literals, numbers
	pos  int
}

// lex splits an XPath 1.0 expression into tokens, resolving the ambiguities
// of section 3.7 of the XPath recommendation: `*` and the operator names
// (and, or, mod, div) are operators exactly when a preceding token exists
// that is not @, ::, (, [, , or an operator; a name followed by `(` is a
// function or node type, one followed by `::` an axis. Namespace prefixes
// are dropped: gnos's data nodes have unique names within their parent, so
// `apps:name` and `name` select the same node.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	operatorContext := func() bool {
		if len(out) == 0 {
			return false
		}
		switch out[len(out)-1].kind {
		case tAt, tColonColon, tLParen, tLBracket, tComma, tAnd, tOr, tMod, tDiv,
			tMul, tSlash, tSlashSlash, tPipe, tPlus, tMinus, tEq, tNeq, tLt, tLe, tGt, tGe:
			return false
		}
		return true
	}
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			out = append(out, token{kind: tEOF, pos: i})
			return out, nil
		}
		start := i
		c := src[i]
		two := ""
		if i+1 < len(src) {
			two = src[i : i+2]
		}
		emit := func(k tokKind, n int) {
			out = append(out, token{kind: k, pos: start})
			i += n
		}
		switch {
		case c == '(':
			emit(tLParen, 1)
		case c == ')':
			emit(tRParen, 1)
		case c == '[':
			emit(tLBracket, 1)
		case c == ']':
			emit(tRBracket, 1)
		case c == '@':
			emit(tAt, 1)
		case c == ',':
			emit(tComma, 1)
		case two == "::":
			emit(tColonColon, 2)
		case two == "//":
			emit(tSlashSlash, 2)
		case c == '/':
			emit(tSlash, 1)
		case c == '|':
			emit(tPipe, 1)
		case c == '+':
			emit(tPlus, 1)
		case c == '-':
			emit(tMinus, 1)
		case c == '=':
			emit(tEq, 1)
		case two == "!=":
			emit(tNeq, 2)
		case two == "<=":
			emit(tLe, 2)
		case c == '<':
			emit(tLt, 1)
		case two == ">=":
			emit(tGe, 2)
		case c == '>':
			emit(tGt, 1)
		case c == '*':
			if operatorContext() {
				emit(tMul, 1)
			} else {
				emit(tStar, 1)
			}
		case c == '"' || c == '\'':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			out = append(out, token{kind: tLiteral, val: src[i+1 : i+1+j], pos: start})
			i += j + 2
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			out = append(out, token{kind: tNumber, val: src[i:j], pos: start})
			i = j
		case two == "..":
			emit(tDotDot, 2)
		case c == '.':
			emit(tDot, 1)
		case c == '$':
			j := i + 1
			for j < len(src) && isNameChar(src[j]) {
				j++
			}
			out = append(out, token{kind: tVar, val: src[i+1 : j], pos: start})
			i = j
		case isNameStart(c):
			if err := lexName(src, &i, &out, operatorContext()); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
}

// lexName reads an NCName, a QName, `prefix:*`, an operator name, a function
// name, a node type or an axis name.
func lexName(src string, i *int, out *[]token, opCtx bool) error {
	start := *i
	j := start
	for j < len(src) && isNameChar(src[j]) {
		j++
	}
	local := src[start:j]
	if opCtx {
		kind := tEOF
		switch local {
		case "and":
			kind = tAnd
		case "or":
			kind = tOr
		case "mod":
			kind = tMod
		case "div":
			kind = tDiv
		}
		if kind != tEOF {
			*out = append(*out, token{kind: kind, pos: start})
			*i = j
			return nil
		}
	}
	prefixed := false
	if j+1 < len(src) && src[j] == ':' && src[j+1] != ':' {
		if src[j+1] == '*' {
			*out = append(*out, token{kind: tStar, pos: start})
			*i = j + 2
			return nil
		}
		if !isNameStart(src[j+1]) {
			return fmt.Errorf("bad name at offset %d", start)
		}
		k := j + 1
		for k < len(src) && isNameChar(src[k]) {
			k++
		}
		local = src[j+1 : k]
		j = k
		prefixed = true
	}
	*i = j
	k := j
	for k < len(src) && isSpace(src[k]) {
		k++
	}
	switch {
	case k < len(src) && src[k] == '(':
		if !prefixed && (local == "node" || local == "text" || local == "comment" || local == "processing-instruction") {
			*out = append(*out, token{kind: tNodeType, val: local, pos: start})
		} else {
			*out = append(*out, token{kind: tFunc, val: local, pos: start})
		}
	case k+1 < len(src) && src[k] == ':' && src[k+1] == ':' && !prefixed:
		*out = append(*out, token{kind: tAxis, val: local, pos: start})
	default:
		*out = append(*out, token{kind: tName, val: local, pos: start})
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNameStart and isNameChar accept the ASCII subset of XML names (YANG
// identifiers are ASCII) plus any non-ASCII byte, so UTF-8 names lex as
// names rather than failing.
func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || isDigit(c) || c == '-' || c == '.'
}
