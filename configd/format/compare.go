package format

import (
	"bufio"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteCompare writes the differences from a to b (two roots, or two
// subtrees of the same schema node) as Junos `show | compare` lays them
// out; it writes nothing when they are equal. See WriteCompareAt.
func WriteCompare(w io.Writer, a, b *tree.Node) error {
	return WriteCompareAt(w, a, b, nil)
}

// WriteCompareAt is WriteCompare for subtrees found at path prefix (it
// appears in the headers). Changes are grouped under an `[edit …]` header
// naming the parent of the changed statement. Added and deleted statements
// are printed in curly-brace form, every line prefixed with `+` or `-`; a
// changed leaf shows its old line then its new one; a leaf-list that
// changed shows its old and new values; a statement deactivated or
// activated shows as `! inactive: name { ... }` / `! active: …`, a changed
// annotation as its old and new comment lines before the statement, and an
// entry moved in an ordered-by-user list as `!` after the entry that now
// precedes it. As in Junos, statements are indented one column deeper for
// each level of the path, then four columns a level inside them.
func WriteCompareAt(w io.Writer, a, b *tree.Node, prefix tree.Path) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	c := comparer{t: newTextWriter(bw, ""), a: a, b: b, prefix: prefix}
	changes := tree.Diff(a, b)
	for i := 0; i < len(changes); i++ {
		ch := changes[i]
		if len(ch.Path) == 0 {
			continue
		}
		parent := ch.Path.Parent()
		s := ch.Path[len(ch.Path)-1].S
		if s.Kind == schema.LeafList {
			j := i + 1
			for j < len(changes) && len(changes[j].Path) == len(ch.Path) &&
				changes[j].Path[len(ch.Path)-1].S == s && changes[j].Path.Parent().Equal(parent) {
				j++
			}
			c.leafList(parent, s)
			i = j - 1
			continue
		}
		if s.Parent != nil && s.Parent.Value == s && len(parent) > 0 && c.value(parent) {
			continue
		}
		c.change(ch)
	}
	return bw.Flush()
}

// value shows a changed value of the container holding one value at
// path p as Junos does, the container's old and new lines
// (`-  autonomous-system 65000;` `+  autonomous-system 65001;`), when
// both are in the value form; it reports whether it did.
func (c *comparer) value(p tree.Path) bool {
	o, n := c.a.Get(p), c.b.Get(p)
	if o == nil || n == nil || valueOf(o) == nil || valueOf(n) == nil {
		return false
	}
	c.begin(p.Parent(), n.S)
	c.marker('-')
	c.t.stmt(o, 0)
	c.marker('+')
	c.t.stmt(n, 0)
	return true
}

type comparer struct {
	t      *textWriter
	a, b   *tree.Node
	prefix tree.Path
	header string
	margin string // the blanks after the marker for the current statement
}

// begin prints the header for a change of a statement under parent (a
// path relative to the compared nodes) when it differs from the last one,
// and sets the margin for the statement.
func (c *comparer) begin(parent tree.Path, s *schema.Node) {
	full := c.prefix.Append(parent...)
	if s.Wrapped { // an entry of groups is shown under [edit groups]
		full = full.Append(tree.Step{S: s, All: true})
	}
	if h := full.Edit(); h != c.header {
		c.header = h
		c.t.w.WriteString(h)
		c.t.w.WriteByte('\n')
	}
	// One column per level of the statement's path, a hidden list keyword
	// counting as a level (what Junos prints).
	n := len(full) + 1
	for _, st := range full {
		if st.S.Kind == schema.List && st.S.Flat {
			n++
		}
	}
	if s.Kind == schema.List && s.Flat {
		n++
	}
	c.margin = strings.Repeat(" ", n)
}

func (c *comparer) marker(m byte) {
	c.t.prefix = string(m) + c.margin
}

func (c *comparer) change(ch tree.Change) {
	parent := ch.Path.Parent()
	n := ch.New
	if n == nil {
		n = ch.Old
	}
	c.begin(parent, n.S)
	switch {
	case ch.Old == nil:
		c.marker('+')
		c.added(ch.New)
	case ch.New == nil:
		c.marker('-')
		c.added(ch.Old)
	case ch.Moved:
		c.moved(parent, ch.New)
	case ch.Old.Value != ch.New.Value:
		c.marker('-')
		c.t.stmt(ch.Old, 0)
		c.marker('+')
		c.t.stmt(ch.New, 0)
	default:
		if ch.Old.Comment != ch.New.Comment {
			if ch.Old.Comment != "" {
				c.marker('-')
				c.t.comment(ch.Old.Comment, 0)
			}
			if ch.New.Comment != "" {
				c.marker('+')
				c.t.comment(ch.New.Comment, 0)
			}
		}
		switch {
		case ch.New.Inactive && !ch.Old.Inactive:
			c.summary('!', "inactive: ", ch.New)
		case ch.Old.Inactive && !ch.New.Inactive:
			c.summary('!', "active: ", ch.New)
		case ch.New.Protected && !ch.Old.Protected:
			c.summary('!', "protect: ", ch.New)
		case ch.Old.Protected && !ch.New.Protected:
			c.summary('!', "unprotect: ", ch.New)
		default:
			c.summary(' ', "", ch.New)
		}
	}
}

// added prints an added or deleted statement in curly-brace form; an entry
// of a grouped list in its block, as the configuration shows it
// (`source-address {`, `10.1.0.0/16 except;`, `}`).
func (c *comparer) added(n *tree.Node) {
	if n.S.Grouped {
		c.t.block([]*tree.Node{n}, 0)
		return
	}
	c.t.stmt(n, 0)
}

// summary prints a one-line form of n: `name key { ... }` or `name value;`.
func (c *comparer) summary(m byte, tag string, n *tree.Node) {
	c.marker(m)
	c.t.line(0)
	c.t.w.WriteString(tag)
	c.t.head(n)
	if n.NumKids() > 0 {
		c.t.w.WriteString(" { ... }\n")
	} else {
		c.t.w.WriteString(";\n")
	}
}

// moved shows entry n of an ordered-by-user list at its new place: after
// the entry that now precedes it (or before the one that follows it).
func (c *comparer) moved(parent tree.Path, n *tree.Node) {
	sibs := c.b.Get(parent).All(n.S)
	i := 0
	for i < len(sibs) && sibs[i] != n {
		i++
	}
	switch {
	case i > 0:
		c.summary(' ', "", sibs[i-1])
		c.summary('!', "", n)
	case i+1 < len(sibs):
		c.summary('!', "", n)
		c.summary(' ', "", sibs[i+1])
	default:
		c.summary('!', "", n)
	}
}

// leafList shows the old and new values of leaf-list s under parent.
func (c *comparer) leafList(parent tree.Path, s *schema.Node) {
	c.begin(parent, s)
	if old := c.a.Get(parent).All(s); len(old) > 0 {
		c.marker('-')
		c.t.leafList(old, 0)
	}
	if cur := c.b.Get(parent).All(s); len(cur) > 0 {
		c.marker('+')
		c.t.leafList(cur, 0)
	}
}
