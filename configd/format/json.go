package format

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Metadata annotation names (RFC 7952) for the flags Junos keeps in the
// configuration; the extension module defines them.
const (
	metaModule   = "gnos-extensions"
	metaInactive = metaModule + ":inactive"
	metaComment  = metaModule + ":comment"
)

// WriteJSON writes n's children as an RFC 7951 JSON object: member names
// are qualified by module name where the module changes (always at the
// first level: "gnos-system:system"), lists are arrays of objects with
// their key members first, leaf-lists are arrays, a type-empty leaf is
// [null], integers up to 32 bits are numbers and 64-bit integers and
// decimals strings, booleans are true/false. Inactive statements and
// annotations are RFC 7952 metadata: "@" inside a container or list entry
// object, "@name" beside a leaf, an array beside a leaf-list, holding
// "gnos-extensions:inactive": true and "gnos-extensions:comment": "text".
// With indent, members go one a line, two spaces a level.
func WriteJSON(w io.Writer, n *tree.Node, indent bool) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	j := jsonWriter{w: bw, indent: indent}
	j.object(n, true)
	if indent {
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

type jsonWriter struct {
	w      *bufio.Writer
	indent bool
	depth  int
	first  bool // nothing written yet in the innermost object or array

	qualified map[*schema.Node]string // "module:name" member names
}

func (j *jsonWriter) newline() {
	if !j.indent {
		return
	}
	j.w.WriteByte('\n')
	writeSpaces(j.w, 2*j.depth)
}

// writeSpaces writes n spaces (the JSON writers' indentation).
func writeSpaces(w *bufio.Writer, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		w.WriteString(spaces[:k])
		n -= k
	}
}

func (j *jsonWriter) open(c byte) {
	j.w.WriteByte(c)
	j.depth++
	j.first = true
}

func (j *jsonWriter) close(c byte) {
	j.depth--
	if !j.first {
		j.newline()
	}
	j.w.WriteByte(c)
	j.first = false
}

// item starts an array element or an object member.
func (j *jsonWriter) item() {
	if !j.first {
		j.w.WriteByte(',')
	}
	j.first = false
	j.newline()
}

func (j *jsonWriter) member(name string) {
	j.item()
	writeJSONString(j.w, name)
	if j.indent {
		j.w.WriteString(": ")
	} else {
		j.w.WriteByte(':')
	}
}

// object writes container, list entry or root n as an object.
func (j *jsonWriter) object(n *tree.Node, top bool) {
	j.open('{')
	if n.S.Parent != nil && !top {
		if n.Inactive || n.Comment != "" {
			j.member("@")
			j.meta(n)
		}
	}
	mod := moduleOf(n.S)
	if n.S.Kind == schema.List && !top {
		keyParts(n.S, n.Key, func(i int, k string) {
			ks := n.S.Child(n.S.Keys[i])
			j.member(j.name(ks, mod, false))
			j.scalar(ks, k)
		})
	}
	kids := n.KidSlice()
	for i := 0; i < len(kids); {
		s := kids[i].S
		k := i + 1
		for k < len(kids) && kids[k].S == s {
			k++
		}
		j.group(kids[i:k], mod, top)
		i = k
	}
	j.close('}')
}

func (j *jsonWriter) name(s *schema.Node, parentMod string, top bool) string {
	m := moduleOf(s)
	if m != "" && (top || m != parentMod) {
		q, ok := j.qualified[s]
		if !ok {
			q = m + ":" + s.Name
			if j.qualified == nil {
				j.qualified = map[*schema.Node]string{}
			}
			j.qualified[s] = q
		}
		return q
	}
	return s.Name
}

// group writes the children of one schema node: a leaf, a container, all
// entries of a list or all items of a leaf-list.
func (j *jsonWriter) group(g []*tree.Node, parentMod string, top bool) {
	s := g[0].S
	name := j.name(s, parentMod, top)
	switch s.Kind {
	case schema.Leaf:
		j.member(name)
		j.scalar(s, g[0].Value)
		if g[0].Inactive || g[0].Comment != "" {
			j.member("@" + name)
			j.meta(g[0])
		}
	case schema.Container:
		j.member(name)
		j.object(g[0], false)
	case schema.List:
		j.member(name)
		j.open('[')
		for _, e := range g {
			j.item()
			j.object(e, false)
		}
		j.close(']')
	case schema.LeafList:
		j.member(name)
		j.open('[')
		meta := false
		for _, it := range g {
			j.item()
			j.scalar(s, it.Value)
			meta = meta || it.Inactive || it.Comment != ""
		}
		j.close(']')
		if meta {
			j.member("@" + name)
			j.open('[')
			for _, it := range g {
				j.item()
				if it.Inactive || it.Comment != "" {
					j.meta(it)
				} else {
					j.w.WriteString("null")
				}
			}
			j.close(']')
		}
	}
}

func (j *jsonWriter) meta(n *tree.Node) {
	j.open('{')
	if n.Inactive {
		j.member(metaInactive)
		j.w.WriteString("true")
	}
	if c := n.Comment; c != "" {
		j.member(metaComment)
		if len(c) >= 4 && strings.HasPrefix(c, "/*") && strings.HasSuffix(c, "*/") {
			c = "/* " + c + " */" // the parser strips one pair of markers, as Junos writes them
		}
		writeJSONString(j.w, c)
	}
	j.close('}')
}

// scalar writes leaf value v of schema node s as its RFC 7951 type.
func (j *jsonWriter) scalar(s *schema.Node, v string) {
	switch jsonKind(s, s.Type, v, false, 0) {
	case jsonEmpty:
		j.w.WriteString("[null]")
	case jsonRaw:
		j.w.WriteString(v)
	default:
		writeJSONString(j.w, v)
	}
}

const (
	jsonString = iota
	jsonRaw    // a number or boolean written as is
	jsonEmpty
)

// jsonKind decides how value v of type t is encoded. RFC 7951 writes
// 64-bit integers as strings; Junos JSON (wide) writes them as numbers.
func jsonKind(s *schema.Node, t *goyang.YangType, v string, wide bool, hops int) int {
	if t == nil {
		return jsonString
	}
	switch t.Kind {
	case goyang.Yint64:
		if _, err := strconv.ParseInt(v, 10, 64); wide && err == nil && canonicalDecimal(v) {
			return jsonRaw
		}
	case goyang.Yuint64:
		if _, err := strconv.ParseUint(v, 10, 64); wide && err == nil && canonicalDecimal(v) {
			return jsonRaw
		}
	case goyang.Yempty:
		if v == "" {
			return jsonEmpty
		}
	case goyang.Ybool:
		if v == "true" || v == "false" {
			return jsonRaw
		}
	case goyang.Yint8, goyang.Yint16, goyang.Yint32, goyang.Yuint8, goyang.Yuint16, goyang.Yuint32:
		if canonicalInt(v, t.Kind) {
			return jsonRaw
		}
	case goyang.Yleafref:
		if tg := targetOf(s); tg != nil && hops < 8 {
			return jsonKind(tg, tg.Type, v, wide, hops+1)
		}
	case goyang.Yunion:
		for _, u := range t.Type {
			if k := jsonKind(s, u, v, wide, hops+1); k != jsonString {
				return k
			}
		}
	}
	return jsonString
}

// canonicalInt reports whether v is an integer of kind k written the way
// strconv formats it (so that a JSON number reads back as the same text).
func canonicalInt(v string, k goyang.TypeKind) bool {
	signed := k == goyang.Yint8 || k == goyang.Yint16 || k == goyang.Yint32
	d := v
	if signed && len(d) > 1 && d[0] == '-' {
		d = d[1:]
		if d == "0" {
			return false
		}
	}
	if d == "" || (len(d) > 1 && d[0] == '0') {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	var bits int
	switch k {
	case goyang.Yint8, goyang.Yuint8:
		bits = 8
	case goyang.Yint16, goyang.Yuint16:
		bits = 16
	default:
		bits = 32
	}
	var err error
	if signed {
		_, err = strconv.ParseInt(v, 10, bits)
	} else {
		_, err = strconv.ParseUint(v, 10, bits)
	}
	return err == nil
}

// writeJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func writeJSONString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || n != 1 {
				i += n
				continue
			}
			w.WriteString(s[last:i])
			w.WriteString(`\ufffd`)
			i++
			last = i
			continue
		}
		w.WriteString(s[last:i])
		switch c {
		case '"', '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xf])
		}
		i++
		last = i
	}
	w.WriteString(s[last:])
	w.WriteByte('"')
}

var (
	moduleCache sync.Map // *schema.Node -> string
	targetCache sync.Map // *schema.Node -> *schema.Node
)

// targetOf is s.Target() (the leaf a leafref points at), remembered.
func targetOf(s *schema.Node) *schema.Node {
	if v, ok := targetCache.Load(s); ok {
		return v.(*schema.Node)
	}
	t := s.Target()
	targetCache.Store(s, t)
	return t
}

// moduleOf returns the name of the module that defines (instantiates)
// schema node s: its RFC 7951 prefix. It falls back on goyang when the
// schema left Module empty.
func moduleOf(s *schema.Node) string {
	if s.Module != "" {
		return s.Module
	}
	if v, ok := moduleCache.Load(s); ok {
		return v.(string)
	}
	m := ""
	if s.Entry != nil && s.Entry.Node != nil {
		if name, err := s.Entry.InstantiatingModule(); err == nil {
			m = name
		}
	}
	moduleCache.Store(s, m)
	return m
}
