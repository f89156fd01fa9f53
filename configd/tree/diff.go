package tree

import (
	"github.com/gnos/gnos/configd/schema"
)

// Change is one difference between two trees. Old is nil for an addition,
// New is nil for a deletion; when both are set the node's own value, flags
// or comment changed (its children are reported separately). Moved marks an
// entry of an ordered-by-user list whose position changed.
type Change struct {
	Path     Path
	Old, New *Node
	Moved    bool
}

// Diff reports the differences from a to b in display order. Subtrees with
// the same pointer are skipped, so the cost is proportional to what changed
// when b was derived from a by editing.
func Diff(a, b *Node) []Change {
	var out []Change
	diff(nil, a, b, &out)
	return out
}

// OwnDiffers reports whether a and b differ in their own value, inactive
// or protect flag or comment (children are not compared).
func OwnDiffers(a, b *Node) bool {
	return a.Value != b.Value || a.Inactive != b.Inactive || a.Protected != b.Protected || a.Comment != b.Comment
}

func diff(p Path, a, b *Node, out *[]Change) {
	if a == b {
		return
	}
	if len(p) > 0 && OwnDiffers(a, b) {
		*out = append(*out, Change{Path: p, Old: a, New: b})
	}
	if sameKids(a, b) {
		return
	}
	i, j := 0, 0
	na, nb := a.NumKids(), b.NumKids()
	for i < na || j < nb {
		var s *schema.Node
		switch {
		case i >= na:
			s = b.Kid(j).S
		case j >= nb:
			s = a.Kid(i).S
		case a.Kid(i).S.Index <= b.Kid(j).S.Index:
			s = a.Kid(i).S
		default:
			s = b.Kid(j).S
		}
		ai, bj := spanEnd(a, i, s), spanEnd(b, j, s)
		diffSpan(p, s, a, i, ai, b, j, bj, out)
		i, j = ai, bj
	}
}

// spanEnd returns the end of the run of n's children from position from
// with schema s. Children are in schema order, so it is a binary search: a
// 10,000-entry list is crossed in 14 looks, not by touching every entry
// (diff's cost follows the change, not the list).
func spanEnd(n *Node, from int, s *schema.Node) int {
	nk := n.NumKids()
	if from < nk && n.big == nil && n.flat[from].S == s && (from+1 == nk || n.flat[from+1].S != s) {
		return from + 1 // a container or leaf: most spans
	}
	return max(from, n.searchKids(func(c *Node) bool { return c.S.Index > s.Index }))
}

func childPath(p Path, n *Node) Path { return p.Append(n.Step()) }

// diffSpan compares a's children at positions ai0 ≤ i < ai1 with b's at
// bj0 ≤ j < bj1, all with schema s.
func diffSpan(p Path, s *schema.Node, a *Node, ai0, ai1 int, b *Node, bj0, bj1 int, out *[]Change) {
	if s.KeyOrdered() || s.Kind == schema.Leaf || s.Kind == schema.Container {
		ca, cb := newCursor(a, ai0, ai1), newCursor(b, bj0, bj1)
		for !ca.done() || !cb.done() {
			if !ca.done() && !cb.done() {
				if ca.skipShared(&cb) { // a run of chunks both share: not looked at
					continue
				}
				if ca.node() == cb.node() { // shared: no key to compare
					ca.next()
					cb.next()
					continue
				}
			}
			switch {
			case cb.done() || (!ca.done() && KeyLess(ca.node().Key, cb.node().Key)):
				x := ca.node()
				*out = append(*out, Change{Path: childPath(p, x), Old: x})
				ca.next()
			case ca.done() || KeyLess(cb.node().Key, ca.node().Key):
				y := cb.node()
				*out = append(*out, Change{Path: childPath(p, y), New: y})
				cb.next()
			default:
				diff(childPath(p, cb.node()), ca.node(), cb.node(), out)
				ca.next()
				cb.next()
			}
		}
		return
	}
	as, bs := spanSlice(a, ai0, ai1), spanSlice(b, bj0, bj1)
	// Ordered by user (and leaf-lists): match by id, then report moves.
	inA := make(map[string]*Node, len(as))
	for _, n := range as {
		inA[n.ID()] = n
	}
	inB := make(map[string]bool, len(bs))
	for _, n := range bs {
		inB[n.ID()] = true
	}
	for _, n := range as {
		if !inB[n.ID()] {
			*out = append(*out, Change{Path: childPath(p, n), Old: n})
		}
	}
	// Common entries in a's order versus b's order.
	var common []string
	for _, n := range as {
		if inB[n.ID()] {
			common = append(common, n.ID())
		}
	}
	k := 0
	for _, n := range bs {
		old, ok := inA[n.ID()]
		if !ok {
			*out = append(*out, Change{Path: childPath(p, n), New: n})
			continue
		}
		if common[k] != n.ID() {
			*out = append(*out, Change{Path: childPath(p, n), Old: old, New: n, Moved: true})
		} else {
			k++
		}
		if old != n {
			diff(childPath(p, n), old, n, out)
		}
	}
}

// spanSlice returns n's children at positions lo ≤ i < hi as a slice (not
// to be modified).
func spanSlice(n *Node, lo, hi int) []*Node {
	if n.big == nil {
		return n.flat[lo:hi]
	}
	out := make([]*Node, 0, hi-lo)
	for _, c := range n.KidRange(lo, hi) {
		out = append(out, c)
	}
	return out
}
