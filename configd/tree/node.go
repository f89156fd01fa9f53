// Package tree is gnos's configuration data tree: the candidate, the
// committed configuration and every rollback are trees of *Node.
//
// Trees are persistent (immutable once published) and share structure: an
// edit copies only the nodes on the path it touches, so a candidate, the
// committed configuration and a private session's copy all share everything
// they have in common. Comparing two trees skips any subtree whose pointers
// are equal, which makes diff, validation and chunked persistence
// proportional to what changed rather than to the size of the
// configuration. An Editor batches many edits (a `load` of 300,000 lines):
// nodes it created itself are mutated in place instead of copied again.
//
// Children are kept in schema order; entries of a list that is ordered by
// the system are kept sorted by key (natural order, so ge-0/0/2 precedes
// ge-0/0/10) and found by binary search; ordered-by-user lists and
// leaf-lists keep insertion order. A long sequence of children is a
// persistent chunked tree rather than a slice (kids.go), so that copying a
// node on an edit's path does not copy a 10,000-entry list, and diff
// steps over the chunks two versions share. Inactive statements and annotations live
// on the node (Junos keeps them in the configuration), and consumers that
// want the active configuration skip inactive nodes.
package tree

import (
	"strings"

	"github.com/gnos/gnos/configd/schema"
)

// Node is one configuration statement.
//
// A published Node must not be modified: use an Editor. Key holds the list
// key (several keys joined by a space); Value holds a leaf's value or a
// leaf-list item's value (empty for type-empty leaves).
type Node struct {
	S         *schema.Node
	Key       string
	Value     string
	Inactive  bool
	Protected bool   // protect: the statement and everything below it refuse changes until unprotected
	Comment   string // annotation text, without the /* */

	// children in display order (kids.go): a slice when short, chunks
	// when long; read them with NumKids, Kid, Kids, KidRange, KidSlice
	flat []*Node
	big  *bnode

	owner *token // the Editor allowed to mutate this node in place
}

// New returns an empty root for schema root s.
func New(s *schema.Node) *Node { return &Node{S: s} }

// Name is the node's schema name.
func (n *Node) Name() string { return n.S.Name }

// ID is what identifies n among its siblings: the value for leaf-list items,
// the key for list entries, nothing else for leaves and containers.
func (n *Node) ID() string {
	if n.S.Kind == schema.LeafList {
		return n.Value
	}
	return n.Key
}

// Empty reports whether n has no children.
func (n *Node) Empty() bool { return n.NumKids() == 0 }

// span returns the half-open index range of n's children with schema s.
func (n *Node) span(s *schema.Node) (int, int) {
	lo := n.searchKids(func(c *Node) bool { return c.S.Index >= s.Index })
	hi := lo
	if s.KeyOrdered() || n.big != nil {
		hi = n.searchKids(func(c *Node) bool { return c.S.Index > s.Index })
	} else {
		for hi < len(n.flat) && n.flat[hi].S.Index == s.Index {
			hi++
		}
	}
	return lo, hi
}

// find returns the index of the child with schema s and id, or the index
// where it would be inserted and false.
func (n *Node) find(s *schema.Node, id string) (int, bool) {
	if s.KeyOrdered() {
		// one search over schema order then key order
		i := n.searchKids(func(c *Node) bool {
			return c.S.Index > s.Index || (c.S.Index == s.Index && !KeyLess(c.Key, id))
		})
		if i < n.NumKids() {
			if c := n.Kid(i); c.S == s && c.Key == id {
				return i, true
			}
		}
		return i, false
	}
	lo, hi := n.span(s)
	if s.Kind == schema.Leaf || s.Kind == schema.Container {
		return lo, lo < hi
	}
	for i, c := range n.KidRange(lo, hi) {
		if c.ID() == id {
			return i, true
		}
	}
	return hi, false
}

// Child returns the child with schema node s and id (key or leaf-list
// value; "" for containers and leaves), or nil.
func (n *Node) Child(s *schema.Node, id string) *Node {
	if n == nil {
		return nil
	}
	if i, ok := n.find(s, id); ok {
		return n.Kid(i)
	}
	return nil
}

// Index returns the position among n's children (Kid) of the child with schema node s and
// id, and whether it is there.
func (n *Node) Index(s *schema.Node, id string) (int, bool) {
	if n == nil {
		return 0, false
	}
	return n.find(s, id)
}

// ChildNamed is Child by schema name; nil when the name is unknown.
func (n *Node) ChildNamed(name, id string) *Node {
	if n == nil {
		return nil
	}
	s := n.S.Child(name)
	if s == nil {
		return nil
	}
	return n.Child(s, id)
}

// All returns the children with schema node s (list entries, leaf-list
// items), which the caller must not modify. It shares n's slice when n's
// children are short and copies the span when they are chunks: code on a
// commit's path uses Span and KidRange instead.
func (n *Node) All(s *schema.Node) []*Node {
	if n == nil {
		return nil
	}
	lo, hi := n.span(s)
	if n.big == nil {
		return n.flat[lo:hi]
	}
	out := make([]*Node, 0, hi-lo)
	for _, c := range n.KidRange(lo, hi) {
		out = append(out, c)
	}
	return out
}

// Span returns the half-open range of positions of n's children with
// schema node s (nothing when n is nil).
func (n *Node) Span(s *schema.Node) (lo, hi int) {
	if n == nil {
		return 0, 0
	}
	return n.span(s)
}

// AllNamed is All by schema name.
func (n *Node) AllNamed(name string) []*Node {
	if n == nil {
		return nil
	}
	s := n.S.Child(name)
	if s == nil {
		return nil
	}
	return n.All(s)
}

// ActiveNamed returns the active (not deactivated) children named name:
// what consumers of the active configuration (servicesd, the interface
// manager) read. Nil-safe.
func (n *Node) ActiveNamed(name string) []*Node {
	if n == nil {
		return nil
	}
	s := n.S.Child(name)
	if s == nil {
		return nil
	}
	var out []*Node
	lo, hi := n.span(s)
	for _, c := range n.KidRange(lo, hi) { // no copy of a chunked span first
		if !c.Inactive {
			out = append(out, c)
		}
	}
	return out
}

// ActiveChild returns the child named name (a container or leaf) unless
// it is absent or deactivated. Nil-safe.
func (n *Node) ActiveChild(name string) *Node {
	c := n.ChildNamed(name, "")
	if c == nil || c.Inactive {
		return nil
	}
	return c
}

// Leaf returns the value of the active leaf child name and whether it is set.
func (n *Node) Leaf(name string) (string, bool) {
	c := n.ChildNamed(name, "")
	if c == nil || c.Inactive {
		return "", false
	}
	return c.Value, true
}

// Get follows a path from n; nil when any step is missing.
func (n *Node) Get(p Path) *Node {
	cur := n
	for _, st := range p {
		if cur = cur.Child(st.S, st.id()); cur == nil {
			return nil
		}
	}
	return cur
}

// Walk calls fn for each descendant of n (not n itself) with its path,
// depth first in display order. fn returns false to skip a subtree.
func (n *Node) Walk(fn func(p Path, c *Node) bool) {
	var rec func(p Path, x *Node)
	rec = func(p Path, x *Node) {
		for _, c := range x.Kids() {
			cp := append(p[:len(p):len(p)], c.Step())
			if fn(cp, c) {
				rec(cp, c)
			}
		}
	}
	rec(nil, n)
}

// Step is the path step that leads to n from its parent.
func (n *Node) Step() Step {
	st := Step{S: n.S}
	switch n.S.Kind {
	case schema.List:
		st.Key = n.Key
	case schema.Leaf, schema.LeafList:
		st.Value = n.Value
	}
	return st
}

// Count returns the number of nodes below n.
func (n *Node) Count() int {
	c := 0
	for _, k := range n.Kids() {
		c += 1 + k.Count()
	}
	return c
}

// Equal reports whether a and b hold the same configuration, flags and
// annotations included.
func Equal(a, b *Node) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.S != b.S || a.Key != b.Key || a.Value != b.Value || a.Inactive != b.Inactive ||
		a.Protected != b.Protected || a.Comment != b.Comment || a.NumKids() != b.NumKids() {
		return false
	}
	if sameKids(a, b) {
		return true
	}
	ca, cb := newCursor(a, 0, a.NumKids()), newCursor(b, 0, b.NumKids())
	for !ca.done() {
		if ca.skipShared(&cb) {
			continue
		}
		if !Equal(ca.node(), cb.node()) {
			return false
		}
		ca.next()
		cb.next()
	}
	return true
}

// KeyLess orders keys naturally: runs of digits compare as numbers, so
// "ge-0/0/2" < "ge-0/0/10" and "S9" < "S10".
func KeyLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			if da != db {
				return da < db
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
