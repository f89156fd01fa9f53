package xpath

import (
	"sort"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// compare applies a comparison operator with the XPath 1.0 rules: a
// node-set compares true when some node of it does (existential); = and !=
// compare booleans, then numbers, then strings, whichever the operands'
// types call for; <, <=, > and >= always compare numbers.
func compare(op tokKind, l, r Value) bool {
	switch {
	case l.isNodeSet() && r.isNodeSet():
		if op == tEq || op == tNeq {
			rs := make([]string, len(r.ns))
			for j := range r.ns {
				rs[j] = r.ns[j].String()
			}
			for i := range l.ns {
				ls := l.ns[i].String()
				for _, s := range rs {
					if (ls == s) == (op == tEq) {
						return true
					}
				}
			}
			return false
		}
		rn := make([]float64, len(r.ns))
		for j := range r.ns {
			rn[j] = toNumber(r.ns[j].String())
		}
		for i := range l.ns {
			ln := toNumber(l.ns[i].String())
			for _, n := range rn {
				if cmpNum(op, ln, n) {
					return true
				}
			}
		}
		return false
	case l.isNodeSet():
		return compareSet(op, l.ns, r)
	case r.isNodeSet():
		return compareSet(flip(op), r.ns, l)
	}
	if op == tEq || op == tNeq {
		switch {
		case l.kind == Boolean || r.kind == Boolean:
			return (l.Bool() == r.Bool()) == (op == tEq)
		case l.kind == Number || r.kind == Number:
			return cmpNum(op, l.Number(), r.Number())
		}
		return (l.String() == r.String()) == (op == tEq)
	}
	return cmpNum(op, l.Number(), r.Number())
}

// compareSet compares node-set ns (on the left) with the non-node-set v.
func compareSet(op tokKind, ns []Node, v Value) bool {
	switch v.kind {
	case Boolean:
		return compare(op, boolValue(len(ns) > 0), v)
	case Number:
		for i := range ns {
			if cmpNum(op, toNumber(ns[i].String()), v.n) {
				return true
			}
		}
		return false
	}
	if op == tEq || op == tNeq {
		for i := range ns {
			if (ns[i].String() == v.s) == (op == tEq) {
				return true
			}
		}
		return false
	}
	n := toNumber(v.s)
	for i := range ns {
		if cmpNum(op, toNumber(ns[i].String()), n) {
			return true
		}
	}
	return false
}

// flip returns the operator that gives the same result with the operands
// swapped.
func flip(op tokKind) tokKind {
	switch op {
	case tLt:
		return tGt
	case tLe:
		return tGe
	case tGt:
		return tLt
	case tGe:
		return tLe
	}
	return op
}

func cmpNum(op tokKind, a, b float64) bool {
	switch op {
	case tEq:
		return a == b
	case tNeq:
		return a != b
	case tLt:
		return a < b
	case tLe:
		return a <= b
	case tGt:
		return a > b
	}
	return a >= b
}

// same reports whether a and b are the same node: the same tree node
// reached through the same ancestors (a subtree copied by `copy` shares
// its nodes, so the pointer alone does not identify a place).
func same(a, b *Node) bool {
	for a != b {
		if a == nil || b == nil || a.T != b.T || a.Virt != b.Virt {
			return false
		}
		a, b = a.Parent, b.Parent
	}
	return true
}

// dedupe removes repeated nodes, keeping the first of each.
func dedupe(ns []Node) []Node {
	if len(ns) < 2 {
		return ns
	}
	type id struct {
		t *tree.Node
		v *schema.Node
	}
	seen := make(map[id][]int, len(ns))
	out := ns[:0]
	for i := range ns {
		k := id{ns[i].T, ns[i].Virt}
		dup := false
		for _, j := range seen[k] {
			if same(&out[j], &ns[i]) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		seen[k] = append(seen[k], len(out))
		out = append(out, ns[i])
	}
	return out
}

// sortDoc sorts ns into document order.
func sortDoc(ns []Node) []Node {
	if len(ns) < 2 {
		return ns
	}
	sort.SliceStable(ns, func(i, j int) bool { return docLess(&ns[i], &ns[j]) })
	return ns
}

// docLess reports whether a comes before b in document order.
func docLess(a, b *Node) bool {
	ca, cb := chain(a), chain(b)
	i := 0
	for i < len(ca) && i < len(cb) && same(ca[i], cb[i]) {
		i++
	}
	switch {
	case i == len(ca):
		return i < len(cb) // an ancestor precedes its descendants
	case i == len(cb):
		return false
	case i == 0:
		return false // different roots: keep the input order
	}
	return siblingLess(ca[i-1], ca[i], cb[i])
}

// chain returns x's ancestors and x, root first.
func chain(x *Node) []*Node {
	var out []*Node
	for ; x != nil; x = x.Parent {
		out = append(out, x)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// siblingLess orders two different children of parent.
func siblingLess(parent, a, b *Node) bool {
	sa, sb := a.Schema(), b.Schema()
	if sa != sb {
		return sa.Index < sb.Index
	}
	pos := func(x *Node) int {
		if x.Virt != nil {
			return -1
		}
		for i, k := range parent.T.Kids() {
			if k == x.T {
				return i
			}
		}
		return parent.T.NumKids()
	}
	return pos(a) < pos(b)
}
