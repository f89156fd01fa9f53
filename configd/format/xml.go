package format

import (
	"bufio"
	"io"
	"unicode/utf8"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteXML writes n's children as Junos XML configuration elements, without
// the enclosing <configuration> (the caller wraps them, declaring the
// junos prefix: xmlns:junos="http://xml.juniper.net/junos/*/junos").
// Element names are the YANG names (a flat list keeps its element name,
// `<interface><name>ge-0/0/0</name>`), key leaves come first in each list
// entry, type-empty leaves and empty containers are empty elements,
// inactive statements carry inactive="inactive" and an annotation is a
// <junos:comment>/* text */</junos:comment> element before its statement.
// With indent, elements go one a line, four spaces a level.
func WriteXML(w io.Writer, n *tree.Node, indent bool) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	x := xmlWriter{w: bw, indent: indent}
	for _, c := range n.Kids() {
		x.elem(c, 0)
	}
	return bw.Flush()
}

type xmlWriter struct {
	w      *bufio.Writer
	indent bool
}

func (x *xmlWriter) start(depth int) {
	if x.indent {
		for n := 4 * depth; n > 0; {
			k := min(n, len(spaces))
			x.w.WriteString(spaces[:k])
			n -= k
		}
	}
}

func (x *xmlWriter) end() {
	if x.indent {
		x.w.WriteByte('\n')
	}
}

func (x *xmlWriter) open(name string, inactive, protected bool) {
	x.w.WriteByte('<')
	x.w.WriteString(name)
	if inactive {
		x.w.WriteString(` inactive="inactive"`)
	}
	if protected {
		x.w.WriteString(` protect="protect"`)
	}
}

// leaf writes <name>value</name> (or <name/> for an empty value).
func (x *xmlWriter) leaf(name, value string, inactive, protected bool, depth int) {
	x.start(depth)
	x.open(name, inactive, protected)
	if value == "" {
		x.w.WriteString("/>")
	} else {
		x.w.WriteByte('>')
		escapeXML(x.w, value)
		x.w.WriteString("</")
		x.w.WriteString(name)
		x.w.WriteByte('>')
	}
	x.end()
}

func (x *xmlWriter) elem(n *tree.Node, depth int) {
	s := n.S
	if n.Comment != "" {
		x.start(depth)
		x.w.WriteString("<junos:comment>/* ")
		escapeXML(x.w, n.Comment)
		x.w.WriteString(" */</junos:comment>")
		x.end()
	}
	switch s.Kind {
	case schema.Leaf, schema.LeafList:
		x.leaf(s.Name, n.Value, n.Inactive, n.Protected, depth)
		return
	case schema.Container:
		if len(n.KidSlice()) == 0 {
			x.leaf(s.Name, "", n.Inactive, n.Protected, depth)
			return
		}
	}
	x.start(depth)
	x.open(s.Name, n.Inactive, n.Protected)
	x.w.WriteByte('>')
	x.end()
	if s.Kind == schema.List {
		keyParts(s, n.Key, func(i int, k string) {
			x.start(depth + 1)
			x.w.WriteByte('<')
			x.w.WriteString(s.Keys[i])
			x.w.WriteByte('>')
			escapeXML(x.w, k)
			x.w.WriteString("</")
			x.w.WriteString(s.Keys[i])
			x.w.WriteByte('>')
			x.end()
		})
	}
	for _, c := range n.Kids() {
		x.elem(c, depth+1)
	}
	x.start(depth)
	x.w.WriteString("</")
	x.w.WriteString(s.Name)
	x.w.WriteByte('>')
	x.end()
}

// escapeXML writes s as XML character data, escaping as xml.EscapeText
// does (so blanks other than the space survive a round trip) and replacing
// what XML 1.0 cannot carry by U+FFFD.
func escapeXML(w *bufio.Writer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == '\t':
			esc = "&#x9;"
		case c == '\n':
			esc = "&#xA;"
		case c == '\r':
			esc = "&#xD;"
		case c < 0x20:
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			if (r == utf8.RuneError && n == 1) || !isXMLChar(r) {
				esc = "\uFFFD"
			}
		}
		if esc == "" {
			i += width
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		i += width
		last = i
	}
	w.WriteString(s[last:])
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
