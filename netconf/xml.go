package netconf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits on a parsed message, beyond its size (bounded by the framing).
const (
	maxDepth = 128     // element nesting
	maxElems = 1 << 22 // elements in one message
)

// Node is one element of a parsed message: a minimal DOM, enough to
// dispatch RPCs and read their parameters. Raw is the element's exact
// source text (start tag to end tag), a slice of the message, handed on
// unchanged to configuration parsers.
type Node struct {
	Name  xml.Name
	Attrs []xml.Attr
	Text  string // character data directly inside the element, trimmed
	Kids  []*Node
	Raw   []byte

	Parent *Node // nil for the root
}

// Attr returns the value of the attribute with local name name.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child with local name name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Name.Local == name {
			return k
		}
	}
	return nil
}

// Has reports whether n has a child named name.
func (n *Node) Has(name string) bool { return n.Child(name) != nil }

// Value returns the text of child name, or "".
func (n *Node) Value(name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

// errBadXML marks a message that is not well-formed or breaks a limit.
var errBadXML = errors.New("malformed XML")

// Parse parses one message into its root element. DOCTYPE declarations
// (and with them entity definitions, so entity bombs) are rejected, as are
// undefined entities, nesting over maxDepth and more than maxElems
// elements.
func Parse(msg []byte) (*Node, error) {
	d := xml.NewDecoder(bytes.NewReader(msg))
	d.Strict = true
	var (
		stack []*Node
		root  *Node
		text  [][]byte
		elems int
	)
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadXML, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%w: DOCTYPE and entity declarations are not allowed", errBadXML)
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%w: more than one root element", errBadXML)
			}
			if elems++; elems > maxElems {
				return nil, fmt.Errorf("%w: too many elements", errBadXML)
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: nesting deeper than %d", errBadXML, maxDepth)
			}
			n := &Node{Name: t.Name, Attrs: t.Copy().Attr, Raw: msg[off:off]}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
				n.Parent = p
			} else {
				root = n
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			n := stack[len(stack)-1]
			start := cap(msg) - cap(n.Raw)
			n.Raw = msg[start:d.InputOffset()]
			n.Text = string(bytes.TrimSpace(text[len(text)-1]))
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("%w: text outside the root element", errBadXML)
				}
				continue
			}
			text[len(text)-1] = append(text[len(text)-1], t...)
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no element", errBadXML)
	}
	return root, nil
}

// xmlEscape escapes s for element content: &, < , > and CR as references, newlines kept as they are (Junos sends
// multi-line text literally), and characters XML 1.0 cannot carry (other
// control characters, invalid UTF-8) replaced by U+FFFD so the reply
// always parses.
func xmlEscape(s string) string { return escape(s, false) }

// attrEscape escapes s for a double-quoted attribute value.
func attrEscape(s string) string { return escape(s, true) }

func escape(s string, attr bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '<' || c == '>' || c == '"' || c < 0x20 || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n', r == '\t':
			b.WriteRune(r)
		case r < 0x20, r == utf8.RuneError, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
