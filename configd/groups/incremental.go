package groups

// Incremental expansion (ExpandFrom). A commit expands the candidate; the
// committed configuration's expansion is already known. How a statement
// expands depends only on the statement itself, the groups defined and
// the apply-groups / apply-groups-except met on the way down to it
// (nodeFrom's inherited sources). So when the groups are the same
// pointers and every ancestor applies the same groups, a subtree the
// candidate shares with the committed configuration (the same pointer:
// trees are persistent) expands exactly as it did, and the committed
// expansion's node at that path is reused. The walk then visits only the
// nodes on the paths of the edits and their children; a change of a group
// or of apply-groups at some level expands that level's subtree afresh.

import (
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// sameGroups reports whether a and b define the same groups (the same
// nodes, so the same contents).
func sameGroups(a, b *tree.Node) bool {
	ga, gb := a.AllNamed(schema.GroupsName), b.AllNamed(schema.GroupsName)
	if len(ga) != len(gb) {
		return false
	}
	for i := range ga {
		if ga[i] != gb[i] {
			return false
		}
	}
	return true
}

// sameApplies reports whether a and b (the same statement in two
// configurations) hold the same apply-groups and apply-groups-except items,
// in the same order and with the same inactive flags.
func sameApplies(a, b *tree.Node) bool {
	for _, name := range [...]string{schema.ApplyGroups, schema.ApplyGroupsExcpt} {
		s := a.S.Child(name)
		if s == nil {
			continue
		}
		xa, xb := a.All(s), b.All(s)
		if len(xa) != len(xb) {
			return false
		}
		for i := range xa {
			if xa[i].Value != xb[i].Value || xa[i].Inactive != xb[i].Inactive {
				return false
			}
		}
	}
	return true
}

// hint finds the counterparts of a run of kids, taken in order, among a
// parent's kids: most are at the next index, so a look there comes first
// and the search (tree.Node.Index) only on a miss.
type hint struct{ next int }

// same reports whether parent's next kid is c itself (a comparison of
// pointers: c is not read), and moves past it if so.
func (h *hint) same(parent, c *tree.Node) bool {
	if h.next < parent.NumKids() && parent.Kid(h.next) == c {
		h.next++
		return true
	}
	return false
}

// counterpart returns parent's child with c's schema and id, or nil.
func (h *hint) counterpart(parent, c *tree.Node) *tree.Node {
	if parent == nil {
		return nil
	}
	if h.next < parent.NumKids() {
		if k := parent.Kid(h.next); k == c || (k.S == c.S && k.ID() == c.ID()) {
			h.next++
			return k
		}
	}
	i, ok := parent.Index(c.S, c.ID())
	if !ok {
		return nil
	}
	h.next = i + 1
	return parent.Kid(i)
}
