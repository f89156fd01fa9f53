package format

import (
	"sort"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// builder assembles a fresh tree for the parsers. Nodes are carved from a
// slab (one allocation per slabSize nodes) and children are placed in
// schema order, system-ordered list entries sorted by key, exactly as
// tree.Editor keeps them, so a parsed tree compares equal to one built by
// edits.
type builder struct {
	slab  []tree.Node
	kids  []*tree.Node          // arena for children slices
	valid map[checkKey]struct{} // values that passed CheckValue

	slabLen, arenaLen int // current chunk sizes
}

type checkKey struct {
	s *schema.Node
	v string
}

const (
	slabSize   = 256
	arenaSize  = 4096
	validLimit = 1 << 16
)

// check is s.CheckValue(v), remembering the values that passed: a large
// configuration repeats the same application names, directions and
// addresses many times, and a pattern or leafref check costs far more
// than a map lookup.
func (b *builder) check(s *schema.Node, v string) error {
	k := checkKey{s, v}
	if _, ok := b.valid[k]; ok {
		return nil
	}
	if err := s.CheckValue(v); err != nil {
		return err
	}
	if b.valid == nil {
		b.valid = make(map[checkKey]struct{})
	}
	if len(b.valid) < validLimit {
		b.valid[k] = struct{}{}
	}
	return nil
}

// grow returns kids with room for one more child. Children slices are
// carved from an arena with their capacity capped, so an Editor that later
// appends to a copy never writes into a neighbour's slice.
func (b *builder) grow(kids []*tree.Node) []*tree.Node {
	if len(kids) < cap(kids) {
		return kids
	}
	n := max(2, 2*cap(kids))
	if n > arenaSize/4 {
		return append(kids, nil)[:len(kids)]
	}
	if len(b.kids) < n {
		b.arenaLen = min(max(64, 2*b.arenaLen, 4*n), arenaSize)
		b.kids = make([]*tree.Node, b.arenaLen)
	}
	out := b.kids[:len(kids):n]
	b.kids = b.kids[n:]
	copy(out, kids)
	return out
}

func (b *builder) node(s *schema.Node, key, value string) *tree.Node {
	if len(b.slab) == 0 {
		// Start small (a one-line load stays cheap) and double.
		b.slabLen = min(max(16, 2*b.slabLen), slabSize)
		b.slab = make([]tree.Node, b.slabLen)
	}
	n := &b.slab[0]
	b.slab = b.slab[1:]
	n.S, n.Key, n.Value = s, key, value
	return n
}

// locate returns the index of parent's child with schema s and identity
// key, or the index where it belongs and false.
func locate(parent *tree.Node, s *schema.Node, key string) (int, bool) {
	kids := parent.KidSlice() // a fresh tree: the node's own slice
	n := len(kids)
	// Fast path: input in display order appends at the end.
	if n == 0 || kids[n-1].S.Index < s.Index {
		return n, false
	}
	if kids[n-1].S == s && s.KeyOrdered() {
		if last := kids[n-1].Key; tree.KeyLess(last, key) {
			return n, false
		} else if last == key {
			return n - 1, true
		}
	}
	lo := sort.Search(n, func(i int) bool { return kids[i].S.Index >= s.Index })
	switch {
	case s.Kind == schema.Leaf || s.Kind == schema.Container:
		return lo, lo < n && kids[lo].S == s
	case s.KeyOrdered():
		hi := lo + sort.Search(n-lo, func(i int) bool { return kids[lo+i].S != s })
		i := lo + sort.Search(hi-lo, func(i int) bool { return !tree.KeyLess(kids[lo+i].Key, key) })
		return i, i < hi && kids[i].Key == key
	default:
		hi := lo
		for hi < n && kids[hi].S == s {
			hi++
		}
		for i := hi - 1; i >= lo; i-- {
			if kids[i].ID() == key {
				return i, true
			}
		}
		return hi, false
	}
}

// child returns parent's child with schema s and identity key (a list
// key) or value (a leaf-list item), creating it when missing. A leaf gets
// value whether it existed or not (the last one given wins).
func (b *builder) child(parent *tree.Node, s *schema.Node, key, value string) *tree.Node {
	ident := key
	if s.Kind == schema.LeafList {
		ident = value
	}
	i, ok := locate(parent, s, ident)
	if ok {
		n := parent.Kid(i)
		if s.Kind == schema.Leaf {
			n.Value = value
		}
		return n
	}
	n := b.node(s, key, value)
	b.insert(parent, i, n)
	return n
}

// attach places the detached node n under parent and returns the node that
// now stands for it: n itself, or the existing sibling with the same
// identity, into which n has been merged (leaf values and annotations of n
// win, an inactive flag sticks).
func (b *builder) attach(parent, n *tree.Node) *tree.Node {
	i, ok := locate(parent, n.S, n.ID())
	if ok {
		old := parent.Kid(i)
		merge(b, old, n)
		return old
	}
	b.insert(parent, i, n)
	return n
}

// insert puts n at index i of parent's children (as found by locate),
// first removing the children of other cases of n's choice.
func (b *builder) insert(parent *tree.Node, i int, n *tree.Node) {
	if n.S.Case != nil && clearOtherCases(parent, n.S) {
		i, _ = locate(parent, n.S, n.ID())
	}
	kids := b.grow(parent.KidSlice())
	if i == len(kids) {
		parent.SetKids(append(kids, n))
		return
	}
	kids = append(kids, nil)
	copy(kids[i+1:], kids[i:])
	kids[i] = n
	parent.SetKids(kids)
}

func merge(b *builder, dst, src *tree.Node) {
	if src.S.Kind == schema.Leaf {
		dst.Value = src.Value
	}
	if src.Inactive {
		dst.Inactive = true
	}
	if src.Protected {
		dst.Protected = true
	}
	if src.Comment != "" {
		dst.Comment = src.Comment
	}
	for _, k := range src.Kids() {
		b.attach(dst, k)
	}
}

// clearOtherCases removes parent's children that belong to another case of
// s's choice (a later `then discard;` replaces an earlier `then accept;`).
func clearOtherCases(parent *tree.Node, s *schema.Node) bool {
	kids := parent.KidSlice() // a fresh tree: the node's own slice, filtered in place
	out := kids[:0]
	for _, k := range kids {
		if c := k.S.Case; c != nil && c.Choice == s.Case.Choice && c.Name != s.Case.Name {
			continue
		}
		out = append(out, k)
	}
	changed := len(out) != len(kids)
	clear(kids[len(out):])
	parent.SetKids(out)
	return changed
}
