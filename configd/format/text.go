package format

import (
	"bufio"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteText writes n's children in curly-brace form, laid out as Junos
// `show configuration` does: four spaces a level, `name value;`, `name;`
// for flags and empty containers, `name [ a b ];` for a leaf-list of
// several values, `inactive: ` before inactive statements and annotations
// as `/* text */` on the line before. n is the root for a whole
// configuration, or any subtree (it prints what `show` prints at that
// [edit] level).
func WriteText(w io.Writer, n *tree.Node) error {
	return WriteTextOrigins(w, n, nil)
}

// WriteTextOrigins is WriteText for a configuration with groups applied,
// as `show | display inheritance` prints it: each statement found in
// origins (inherited, mapped to its group) comes after Junos' note
//
//	##
//	## 'value' was inherited from group 'name'
//	##
//
// (one line for each inherited value of a leaf-list written in brackets).
func WriteTextOrigins(w io.Writer, n *tree.Node, origins map[*tree.Node]string) error {
	t := newTextWriter(w, "")
	t.origins = origins
	t.kids(n.KidSlice(), 0)
	return t.w.Flush()
}

// WriteEntries writes list entries (or leaf-list items) on their own, as
// `show groups` or `show services service-set` prints all the entries of
// a list; origins as for WriteTextOrigins.
func WriteEntries(w io.Writer, entries []*tree.Node, origins map[*tree.Node]string) error {
	t := newTextWriter(w, "")
	t.origins = origins
	if len(entries) > 0 && entries[0].S.Kind == schema.LeafList {
		t.leafList(entries, 0)
	} else {
		for _, e := range entries {
			t.stmt(e, 0)
		}
	}
	return t.w.Flush()
}

// writeBuffer is the size of the buffer writers put in front of w.
const writeBuffer = 16 << 10

// spaces is sliced for indentation without allocating.
const spaces = "                                                                "

type textWriter struct {
	w       *bufio.Writer
	prefix  string                // written at the start of every line (compare markers)
	detail  bool                  // | display detail: each statement's schema help above it (text_detail.go)
	origins map[*tree.Node]string // inherited statements and their groups (WriteTextOrigins)
}

// inherited writes the display-inheritance note for those of ns that
// were inherited, if any.
func (t *textWriter) inherited(depth int, ns ...*tree.Node) {
	if t.origins == nil {
		return
	}
	first := true
	for _, n := range ns {
		g, ok := t.origins[n]
		if !ok {
			continue
		}
		if first {
			t.line(depth)
			t.w.WriteString("##\n")
			first = false
		}
		t.line(depth)
		t.w.WriteString("## '")
		t.w.WriteString(inheritedName(n))
		t.w.WriteString("' was inherited from group '")
		t.w.WriteString(g)
		t.w.WriteString("'\n")
	}
	if !first {
		t.line(depth)
		t.w.WriteString("##\n")
	}
}

// inheritedName is how Junos names an inherited statement in its note: a
// list entry by its key, a leaf by its value (a flag by its name).
func inheritedName(n *tree.Node) string {
	switch n.S.Kind {
	case schema.List:
		return n.Key
	case schema.Leaf, schema.LeafList:
		if n.Value != "" {
			return n.Value
		}
	}
	return n.S.Name
}

func newTextWriter(w io.Writer, prefix string) *textWriter {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	return &textWriter{w: bw, prefix: prefix}
}

func (t *textWriter) indent(n int) {
	for n > 0 {
		k := min(n, len(spaces))
		t.w.WriteString(spaces[:k])
		n -= k
	}
}

func (t *textWriter) line(depth int) {
	t.w.WriteString(t.prefix)
	t.indent(4 * depth)
}

func (t *textWriter) kids(kids []*tree.Node, depth int) {
	for i := 0; i < len(kids); {
		c := kids[i]
		if c.S.Kind == schema.LeafList {
			j := i + 1
			for j < len(kids) && kids[j].S == c.S {
				j++
			}
			t.leafList(kids[i:j], depth)
			i = j
			continue
		}
		if c.S.Grouped || c.S.Wrapped {
			j := i + 1
			for j < len(kids) && kids[j].S == c.S {
				j++
			}
			t.block(kids[i:j], depth)
			i = j
			continue
		}
		t.stmt(c, depth)
		i++
	}
}

// stmt writes one statement and its subtree.
func (t *textWriter) stmt(n *tree.Node, depth int) {
	if n.S.Compact && !n.Inactive && !n.Protected && n.Comment == "" && n.NumKids() > 0 && plainContainers(n.KidSlice()) {
		// Junos prints `family inet { … }`: the container's children on its line
		for _, c := range n.Kids() {
			t.inherited(depth, n, c)
			t.line(depth)
			t.w.WriteString(n.S.Name)
			t.w.WriteByte(' ')
			t.head(c)
			t.body(c, depth)
		}
		return
	}
	t.describe(n.S, depth)
	t.comment(n.Comment, depth)
	t.inherited(depth, n)
	t.line(depth)
	t.tagsOf(n)
	t.head(n)
	if v := valueOf(n); v != nil {
		// Junos writes `autonomous-system 65000 loops 2;`: the value on
		// the container's line, then its other statements
		t.w.WriteByte(' ')
		t.w.WriteString(tree.Quote(v.Value))
		for _, c := range n.KidSlice()[1:] {
			t.w.WriteByte(' ')
			t.head(c)
		}
		t.w.WriteString(";\n")
		return
	}
	if n.S.Oneliner && n.S.Kind == schema.Container && plainLeaves(n.KidSlice()) {
		// Junos prints `range low 20000 high 20999;`: the leaves on the
		// container's line
		for _, c := range n.Kids() {
			t.w.WriteByte(' ')
			t.head(c)
		}
		t.w.WriteString(";\n")
		return
	}
	if n.S.Oneliner && oneStatement(n.KidSlice()) {
		// Junos prints `route 0.0.0.0/0 next-hop 192.0.2.254;`
		t.w.WriteByte(' ')
		if c := n.Kid(0); c.S.Kind == schema.LeafList {
			t.leafListHead(n.KidSlice())
		} else {
			t.head(c)
		}
		t.w.WriteString(";\n")
		return
	}
	t.body(n, depth)
}

// block writes the entries of a grouped or wrapped list inside one block
// named by the list. Junos prints address lists one entry a line by its
// key (`source-address { 10.0.0.0/8 except; }`) and groups as statements
// named by their key (`groups { g1 { … } }`).
func (t *textWriter) block(entries []*tree.Node, depth int) {
	t.line(depth)
	t.w.WriteString(entries[0].S.Name)
	t.w.WriteString(" {\n")
	for _, e := range entries {
		if e.S.Wrapped {
			t.stmt(e, depth+1)
			continue
		}
		t.comment(e.Comment, depth+1)
		t.inherited(depth+1, e)
		t.line(depth + 1)
		t.tagsOf(e)
		t.key(e.S, e.Key)
		if oneStatement(e.KidSlice()) && e.NumKids() == 1 {
			t.w.WriteByte(' ')
			t.head(e.Kid(0))
			t.w.WriteString(";\n")
			continue
		}
		t.body(e, depth+1)
	}
	t.line(depth)
	t.w.WriteString("}\n")
}

// valueOf returns the value leaf of a container holding one value
// (schema.Node.Value) when it can go on the container's line: set, and
// the container holding only leaves without flags or annotations of their
// own; else nil (the block form, where the leaf is named, carries them).
func valueOf(n *tree.Node) *tree.Node {
	if n.S.Value == nil || !plainLeaves(n.KidSlice()) || n.Kid(0).S != n.S.Value {
		return nil
	}
	return n.Kid(0)
}

// plainLeaves reports whether kids are leaves without flags or
// annotations, one at least.
func plainLeaves(kids []*tree.Node) bool {
	for _, c := range kids {
		if c.S.Kind != schema.Leaf || c.Inactive || c.Protected || c.Comment != "" || c.S.Secret {
			return false
		}
	}
	return len(kids) > 0
}

// oneStatement reports whether kids are one plain statement: a leaf, or
// the items of one leaf-list, without flags or annotations.
func oneStatement(kids []*tree.Node) bool {
	if len(kids) == 0 {
		return false
	}
	for _, c := range kids {
		if c.S != kids[0].S || c.Inactive || c.Protected || c.Comment != "" || len(c.KidSlice()) > 0 ||
			(c.S.Kind != schema.Leaf && c.S.Kind != schema.LeafList) || c.S.Secret {
			return false
		}
	}
	return kids[0].S.Kind == schema.LeafList || len(kids) == 1
}

// tagsOf writes the tags a statement carries: `protect: `, `inactive: `.
func (t *textWriter) tagsOf(n *tree.Node) {
	if n.Protected {
		t.w.WriteString("protect: ")
	}
	if n.Inactive {
		t.w.WriteString("inactive: ")
	}
}

// body ends a statement's line after its head: `;`, or its children in
// braces.
func (t *textWriter) body(n *tree.Node, depth int) {
	if len(n.KidSlice()) == 0 {
		t.w.WriteByte(';')
		if n.S.Kind == schema.Leaf && n.S.Secret { // as Junos prints a secret
			t.w.WriteString(" ## SECRET-DATA")
		}
		t.w.WriteByte('\n')
		return
	}
	t.w.WriteString(" {\n")
	t.kids(n.KidSlice(), depth+1)
	t.line(depth)
	t.w.WriteString("}\n")
}

// head writes what names a statement: keyword, key or value.
func (t *textWriter) head(n *tree.Node) {
	s := n.S
	switch s.Kind {
	case schema.Container:
		t.w.WriteString(s.Name)
	case schema.Leaf:
		t.w.WriteString(s.Name)
		if !s.IsEmptyType() || n.Value != "" {
			t.w.WriteByte(' ')
			t.w.WriteString(tree.Quote(n.Value))
		}
	case schema.LeafList:
		t.w.WriteString(s.Name)
		t.w.WriteByte(' ')
		t.w.WriteString(tree.Quote(n.Value))
	case schema.List:
		if s.Wrapped { // inside the list's block, an entry is named by its key
			t.key(s, n.Key)
			return
		}
		if !s.Flat {
			t.w.WriteString(s.Name)
			t.w.WriteByte(' ')
			t.key(s, n.Key)
			return
		}
		keyParts(s, n.Key, func(i int, k string) {
			if i == 0 {
				t.w.WriteString(quoteFlatKey(s, k))
				return
			}
			t.w.WriteByte(' ')
			t.w.WriteString(tree.Quote(k))
		})
	}
}

// quoteFlatKey quotes the key of a flat list entry, which starts a
// statement, also when it would read as a keyword of the parent or a tag
// such as `inactive:`.
func quoteFlatKey(s *schema.Node, key string) string {
	q := tree.Quote(key)
	if q != key {
		return q
	}
	var t tags
	if (s.Parent != nil && s.Parent.Child(key) != nil) || t.set(key) {
		return `"` + key + `"`
	}
	return key
}

// key writes a list key, each part quoted (several keys are space-joined).
func (t *textWriter) key(s *schema.Node, key string) {
	keyParts(s, key, func(i int, k string) {
		if i > 0 {
			t.w.WriteByte(' ')
		}
		t.w.WriteString(tree.Quote(k))
	})
}

// splitKey splits a multi-key list entry's key into its n parts (the tree
// joins them with one space).
func splitKey(key string, n int) []string {
	parts := strings.SplitN(key, " ", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	return parts
}

// keyParts calls fn for each part of list s's entry key, without
// allocating for the usual single key.
func keyParts(s *schema.Node, key string, fn func(i int, part string)) {
	if len(s.Keys) <= 1 {
		fn(0, key)
		return
	}
	for i, k := range splitKey(key, len(s.Keys)) {
		fn(i, k)
	}
}

// leafList writes the items of one leaf-list: `name [ a b c ];`, or one
// statement per item when there is one item or an item carries a flag or an
// annotation (order is kept either way).
func (t *textWriter) leafList(items []*tree.Node, depth int) {
	plain := len(items) > 1
	for _, it := range items {
		if it.Inactive || it.Protected || it.Comment != "" {
			plain = false
			break
		}
	}
	if !plain {
		for _, it := range items {
			t.stmt(it, depth)
		}
		return
	}
	t.describe(items[0].S, depth)
	t.inherited(depth, items...)
	t.line(depth)
	t.leafListHead(items)
	t.w.WriteString(";\n")
}

// leafListHead writes a leaf-list's statement without its `;`:
// `name value`, or `name [ a b ]` for several values.
func (t *textWriter) leafListHead(items []*tree.Node) {
	t.w.WriteString(items[0].S.Name)
	if len(items) == 1 {
		t.w.WriteByte(' ')
		t.w.WriteString(tree.Quote(items[0].Value))
		return
	}
	t.w.WriteString(" [")
	for _, it := range items {
		t.w.WriteByte(' ')
		t.w.WriteString(tree.Quote(it.Value))
	}
	t.w.WriteString(" ]")
}

func (t *textWriter) comment(c string, depth int) {
	if c == "" {
		return
	}
	t.line(depth)
	t.w.WriteString("/* ")
	if strings.Contains(c, "*/") {
		c = strings.ReplaceAll(c, "*/", "* /") // would end the comment early
	}
	if t.prefix != "" {
		c = strings.ReplaceAll(c, "\n", "\n"+t.prefix)
	}
	t.w.WriteString(c)
	t.w.WriteString(" */\n")
}

// plainContainers reports whether ns are containers without flags or
// annotations (those print in block form, where the tag has a place).
func plainContainers(ns []*tree.Node) bool {
	for _, n := range ns {
		if n.S.Kind != schema.Container || n.Inactive || n.Protected || n.Comment != "" {
			return false
		}
	}
	return true
}
