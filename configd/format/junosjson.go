package format

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteJunosJSON writes the configuration under root n the way Junos
// prints it (`show configuration | display json`, get-configuration
// format="json"): one object {"configuration" : {…}} whose "@" member
// carries the header's junos:commit-* or junos:changed-* attributes
// (followed by the header's version statement when n has none),
// member names without module prefixes, lists as arrays of objects
// (entries at the indentation of their member, as Junos lays them out),
// leaf-lists as arrays on one line, integers as numbers, an empty leaf
// (and an empty container) as [null], and Junos metadata ("inactive", "comment" with its /* */
// markers) in "@" (containers and list entries) or "@name" (leaves)
// members. Indented output uses four spaces a level and `"name" : value`;
// minified output (json-minified) has no white space at all. h may be
// nil. ParseJSON reads what it writes.
func WriteJunosJSON(w io.Writer, n *tree.Node, h *Header, minified bool) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	j := junosJSON{w: bw, indent: !minified}
	j.w.WriteByte('{')
	j.depth++
	j.newline()
	j.name("configuration")
	j.w.WriteByte('{')
	j.depth++
	first := true
	if h != nil {
		if attrs := h.attrs(); len(attrs) > 0 {
			j.newline()
			j.name("@")
			j.w.WriteByte('{')
			j.depth++
			for i, a := range attrs {
				if i > 0 {
					j.w.WriteByte(',')
				}
				j.newline()
				j.name(a[0])
				writeJSONString(j.w, a[1])
			}
			j.end('}')
			first = false
		}
	}
	if h != nil && h.Version != "" && n.ChildNamed("version", "") == nil {
		if !first {
			j.w.WriteByte(',')
		}
		first = false
		j.newline()
		j.name("version")
		writeJSONString(j.w, h.Version)
	}
	j.members(n, first)
	j.end('}')
	j.end('}')
	if j.indent {
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// attrs are the header's Junos attributes, in Junos' order.
func (h Header) attrs() [][2]string {
	switch {
	case h.Time.IsZero():
		return nil
	case h.Committed:
		return [][2]string{
			{"junos:commit-seconds", strconv.FormatInt(h.Time.Unix(), 10)},
			{"junos:commit-localtime", h.Time.UTC().Format(headerTime)},
			{"junos:commit-user", h.User},
		}
	}
	return [][2]string{
		{"junos:changed-seconds", strconv.FormatInt(h.Time.Unix(), 10)},
		{"junos:changed-localtime", h.Time.UTC().Format(headerTime)},
	}
}

type junosJSON struct {
	w      *bufio.Writer
	indent bool
	depth  int
}

func (j *junosJSON) newline() {
	if !j.indent {
		return
	}
	j.w.WriteByte('\n')
	writeSpaces(j.w, 4*j.depth)
}

// name writes a member name and its separator.
func (j *junosJSON) name(s string) {
	writeJSONString(j.w, s)
	if j.indent {
		j.w.WriteString(" : ")
	} else {
		j.w.WriteByte(':')
	}
}

// end closes the innermost object or array on a line of its own.
func (j *junosJSON) end(c byte) {
	j.depth--
	j.newline()
	j.w.WriteByte(c)
}

// members writes the members of container, list entry or root n (after
// the opening brace). first: nothing written in this object yet.
func (j *junosJSON) members(n *tree.Node, first bool) {
	sep := func() {
		if !first {
			j.w.WriteByte(',')
		}
		first = false
		j.newline()
	}
	if n.S.Parent != nil && (n.Inactive || n.Comment != "") {
		sep()
		j.name("@")
		j.meta(n)
	}
	if n.S.Kind == schema.List {
		keyParts(n.S, n.Key, func(i int, k string) {
			ks := n.S.Child(n.S.Keys[i])
			sep()
			j.name(ks.Name)
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
		sep()
		j.group(kids[i:k])
		i = k
	}
}

// group writes the children of one schema node: a leaf, a container, all
// entries of a list or all values of a leaf-list.
func (j *junosJSON) group(g []*tree.Node) {
	s := g[0].S
	j.name(s.Name)
	switch s.Kind {
	case schema.Leaf:
		j.scalar(s, g[0].Value)
		if g[0].Inactive || g[0].Comment != "" {
			j.w.WriteByte(',')
			j.newline()
			j.name("@" + s.Name)
			j.meta(g[0])
		}
	case schema.Container:
		if g[0].NumKids() == 0 && !g[0].Inactive && g[0].Comment == "" {
			// an empty element in Junos' XML, [null] in its JSON
			j.w.WriteString("[null]")
			return
		}
		j.object(g[0])
	case schema.List:
		// Junos puts the entries' braces at the member's own indentation.
		j.w.WriteByte('[')
		for i, e := range g {
			if i > 0 {
				j.w.WriteByte(',')
			}
			j.newline()
			j.object(e)
		}
		j.newline()
		j.w.WriteByte(']')
	case schema.LeafList:
		j.w.WriteByte('[')
		meta := false
		for i, it := range g {
			if i > 0 {
				j.w.WriteByte(',')
				if j.indent {
					j.w.WriteByte(' ')
				}
			}
			j.scalar(s, it.Value)
			meta = meta || it.Inactive || it.Comment != ""
		}
		j.w.WriteByte(']')
		if meta {
			j.w.WriteByte(',')
			j.newline()
			j.name("@" + s.Name)
			j.w.WriteByte('[')
			for i, it := range g {
				if i > 0 {
					j.w.WriteByte(',')
					if j.indent {
						j.w.WriteByte(' ')
					}
				}
				if it.Inactive || it.Comment != "" {
					j.metaInline(it)
				} else {
					j.w.WriteString("null")
				}
			}
			j.w.WriteByte(']')
		}
	}
}

// object writes a container or list entry.
func (j *junosJSON) object(n *tree.Node) {
	j.w.WriteByte('{')
	j.depth++
	j.members(n, true)
	j.end('}')
}

// meta writes n's Junos metadata object on lines of its own.
func (j *junosJSON) meta(n *tree.Node) {
	j.w.WriteByte('{')
	j.depth++
	first := true
	for _, kv := range metaPairs(n) {
		if !first {
			j.w.WriteByte(',')
		}
		first = false
		j.newline()
		j.name(kv[0])
		j.w.WriteString(kv[1])
	}
	j.end('}')
}

// metaInline writes n's metadata object on one line (inside a leaf-list's
// metadata array).
func (j *junosJSON) metaInline(n *tree.Node) {
	j.w.WriteByte('{')
	for i, kv := range metaPairs(n) {
		if i > 0 {
			j.w.WriteString(", ")
		}
		j.name(kv[0])
		j.w.WriteString(kv[1])
	}
	j.w.WriteByte('}')
}

// metaPairs are n's metadata members with their JSON-encoded values.
func metaPairs(n *tree.Node) [][2]string {
	var out [][2]string
	if n.Inactive {
		out = append(out, [2]string{"inactive", "true"})
	}
	if n.Comment != "" {
		var b strings.Builder
		w := bufio.NewWriter(&b)
		writeJSONString(w, "/* "+n.Comment+" */")
		w.Flush()
		out = append(out, [2]string{"comment", b.String()})
	}
	return out
}

// scalar writes leaf value v of s: Junos prints every integer (64-bit
// ones too) as a number.
func (j *junosJSON) scalar(s *schema.Node, v string) {
	switch jsonKind(s, s.Type, v, true, 0) {
	case jsonEmpty:
		j.w.WriteString("[null]")
	case jsonRaw:
		j.w.WriteString(v)
	default:
		writeJSONString(j.w, v)
	}
}

// canonicalDecimal reports whether v is written without a plus sign or
// leading zeros (so that a JSON number reads back as the same text).
func canonicalDecimal(v string) bool {
	d := v
	if len(d) > 1 && d[0] == '-' {
		d = d[1:]
	}
	return d != "" && d[0] != '+' && (len(d) == 1 || d[0] != '0') && !(v[0] == '-' && d == "0")
}
