package tree

import (
	"sort"

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
	i, j := 0, 0
	for i < len(a.Kids) || j < len(b.Kids) {
		var s *schema.Node
		switch {
		case i >= len(a.Kids):
			s = b.Kids[j].S
		case j >= len(b.Kids):
			s = a.Kids[i].S
		case a.Kids[i].S.Index <= b.Kids[j].S.Index:
			s = a.Kids[i].S
		default:
			s = b.Kids[j].S
		}
		ai, bj := spanEnd(a.Kids, i, s), spanEnd(b.Kids, j, s)
		diffSpan(p, s, a.Kids[i:ai], b.Kids[j:bj], out)
		i, j = ai, bj
	}
}

// spanEnd returns the end of the run of kids[from:] with schema s. Kids
// are in schema order, so it is a binary search: a 10,000-entry list is
// crossed in 14 looks, not by touching every entry (diff's cost follows
// the change, not the list).
func spanEnd(kids []*Node, from int, s *schema.Node) int {
	return from + sort.Search(len(kids)-from, func(k int) bool { return kids[from+k].S.Index > s.Index })
}

func childPath(p Path, n *Node) Path { return p.Append(n.Step()) }

func diffSpan(p Path, s *schema.Node, as, bs []*Node, out *[]Change) {
	if s.KeyOrdered() || s.Kind == schema.Leaf || s.Kind == schema.Container {
		i, j := 0, 0
		for i < len(as) || j < len(bs) {
			switch {
			case i < len(as) && j < len(bs) && as[i] == bs[j]: // shared: no key to compare
				i++
				j++
			case j >= len(bs) || (i < len(as) && KeyLess(as[i].Key, bs[j].Key)):
				*out = append(*out, Change{Path: childPath(p, as[i]), Old: as[i]})
				i++
			case i >= len(as) || KeyLess(bs[j].Key, as[i].Key):
				*out = append(*out, Change{Path: childPath(p, bs[j]), New: bs[j]})
				j++
			default:
				if as[i] != bs[j] {
					diff(childPath(p, bs[j]), as[i], bs[j], out)
				}
				i++
				j++
			}
		}
		return
	}
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
