// Package groups applies Junos configuration groups: it turns a
// configuration as written (`groups NAME { … }`, `apply-groups` and
// `apply-groups-except` at any level) into the configuration the system
// runs, the "expanded" form every daemon sees and commit validates.
//
// The rules are Junos' inheritance rules:
//
//   - a statement inherits from the groups named by apply-groups at its own
//     level first, in the order listed, then from those applied at the
//     levels above it, nearer levels before outer ones;
//   - apply-groups-except at a level stops the listed groups inherited from
//     above at that level and everything below it;
//   - configuration written explicitly always wins: a group only adds
//     statements that are not there (a leaf already set keeps its value, a
//     choice already made keeps its case), and among groups the first
//     that sets a leaf wins; containers and list entries merge, leaf-lists
//     gain the values they lack;
//   - a list entry named with a wildcard in a group (`<ge-*>`, `<*>`)
//     creates nothing: it adds its statements to the entries written
//     elsewhere whose names it matches. An entry named exactly is created.
//   - inactive statements in a group, inactive groups and inactive
//     apply-groups items take no part.
//
// The result has no groups and no apply-groups statements. Trees are
// persistent: a subtree that inherits nothing is returned as the same
// pointer, so diffing two expanded configurations stays proportional to
// what changed. Expand walks the whole tree (without allocating where
// nothing is inherited); configd caches the expansion of the committed
// configuration.
package groups

import (
	"slices"
	"sort"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Origins maps the statements of an expanded tree that were inherited to
// the group they came from.
type Origins map[*tree.Node]string

// Expand returns root with its groups applied and removed.
func Expand(root *tree.Node) *tree.Node {
	out, _ := expand(root, false)
	return out
}

// ExpandFrom is Expand(next) for a next derived from old by editing, given
// oldExp = Expand(old): where the groups and the apply-groups along the way
// are unchanged, a subtree next shares with old expands to what it expanded
// to in oldExp, which is reused, so the work follows the edit rather than
// the size of the configuration (incremental.go).
func ExpandFrom(old, oldExp, next *tree.Node) *tree.Node {
	if old == nil || oldExp == nil || next == nil || !sameGroups(old, next) {
		return Expand(next)
	}
	if old == next {
		return oldExp
	}
	gs := next.AllNamed(schema.GroupsName)
	if len(gs) == 0 {
		return next
	}
	x := &expander{groups: map[string]*tree.Node{}, path: make(tree.Path, 0, 64)}
	for _, g := range gs {
		if !g.Inactive && g.S.Generic {
			x.groups[g.Key] = g
		}
	}
	return x.nodeFrom(next, nil, old, oldExp)
}

// ExpandTrace is Expand that also reports where inherited statements came
// from (for `show | display inheritance`).
func ExpandTrace(root *tree.Node) (*tree.Node, Origins) {
	return expand(root, true)
}

type source struct {
	group string
	n     *tree.Node // a node inside the group
}

type expander struct {
	groups map[string]*tree.Node // the active groups by name
	origin Origins
	path   tree.Path // of the node being expanded (a stack: copied only to descend a group)
}

func expand(root *tree.Node, trace bool) (*tree.Node, Origins) {
	if root == nil {
		return nil, nil
	}
	gs := root.AllNamed(schema.GroupsName)
	if len(gs) == 0 && !trace {
		// No group is defined: nothing to inherit. An apply-groups would
		// name an undefined group, which the commit refuses; the tree
		// is returned as it is (with what apply-groups-except it holds).
		return root, nil
	}
	// one backing array for the path stack, deep enough for any configuration
	x := &expander{groups: map[string]*tree.Node{}, path: make(tree.Path, 0, 64)}
	if trace {
		x.origin = Origins{}
	}
	for _, g := range gs {
		if !g.Inactive && g.S.Generic {
			x.groups[g.Key] = g
		}
	}
	return x.node(root, nil), x.origin
}

// Referenced returns the group names apply-groups and apply-groups-except
// name anywhere in root (active ones), each once, with the path of the
// first statement that names it, in display order.
func Referenced(root *tree.Node) ([]string, []tree.Path) {
	var names []string
	var paths []tree.Path
	seen := map[string]bool{}
	root.Walk(func(p tree.Path, c *tree.Node) bool {
		if c.Inactive {
			return false
		}
		if c.S.Generic && c.S.Name == schema.GroupsName && len(p) == 1 {
			return false
		}
		if c.S.IsApplyGroups() && !seen[c.Value] {
			seen[c.Value] = true
			names = append(names, c.Value)
			paths = append(paths, p.Parent())
		}
		return true
	})
	return names, paths
}

// node expands n (an explicit or inherited statement at x.path) with the
// sources it inherits from its ancestors. Where nothing is inherited it
// allocates nothing.
func (x *expander) node(n *tree.Node, inherited []source) *tree.Node {
	return x.nodeFrom(n, inherited, nil, nil)
}

// nodeFrom is node given prev, the statement at the same path in the
// configuration expanded before under the same groups and the same
// apply-groups above (nil when there is none or the context differs), and
// prevExp, its expansion then.
func (x *expander) nodeFrom(n *tree.Node, inherited []source, prev, prevExp *tree.Node) *tree.Node {
	if n.Inactive {
		return n
	}
	if prev == n && prevExp != nil {
		return prevExp
	}
	if prev != nil && (prevExp == nil || !sameApplies(prev, n)) {
		prev, prevExp = nil, nil // another context below: expand afresh
	}
	srcs := inherited
	if applies(n) {
		var except []string
		srcs = nil
		for _, c := range n.Kids() {
			if !c.S.IsApplyGroups() || c.Inactive {
				continue
			}
			if c.S.Name == schema.ApplyGroupsExcpt {
				except = append(except, c.Value)
				continue
			}
			if gn := x.groups[c.Value]; gn != nil {
				for _, m := range descend(gn, x.path) {
					srcs = append(srcs, source{c.Value, m})
				}
			}
		}
		for _, s := range inherited {
			if !slices.Contains(except, s.group) {
				srcs = append(srcs, s)
			}
		}
	}
	p := x.path
	if len(srcs) == 0 && !holdsGroupStatements(n, len(p) == 0) {
		return x.kidsInPlace(n, srcs, prev, prevExp)
	}
	kids := n.KidSlice()
	changed := false
	// the statements of groups themselves go: found by schema (binary
	// search), not by looking at each of a long list's kids
	for _, name := range [...]string{schema.ApplyGroups, schema.ApplyGroupsExcpt, schema.GroupsName} {
		s := n.S.Child(name)
		if s == nil || !s.Generic || (name == schema.GroupsName && len(p) > 0) {
			continue
		}
		if lo, hi := spanIn(kids, s); lo < hi {
			if !changed {
				kids = slices.Clone(kids)
				changed = true
			}
			kids = slices.Delete(kids, lo, hi)
		}
	}
	if added := x.inherit(kids, srcs); len(added) > 0 {
		if !changed {
			kids = slices.Clone(kids)
			changed = true
		}
		kids = append(kids, added...)
		sortKids(kids)
	}
	var hp, he hint
	for i, c := range kids {
		if prev != nil && hp.same(prev, c) && he.same(prevExp, c) {
			continue // shared, and expanded to itself: not even looked at (a long list's entries)
		}
		if c.S.Kind != schema.Container && c.S.Kind != schema.List {
			continue
		}
		var pc, pe *tree.Node
		if prev != nil {
			pc, pe = hp.counterpart(prev, c), he.counterpart(prevExp, c)
			if pc == c && pe != nil {
				if pe != c {
					if !changed {
						kids = slices.Clone(kids)
						changed = true
					}
					kids[i] = pe
				}
				continue // shared with the previous configuration: expanded then
			}
		}
		x.path = append(p, c.Step())
		ec := x.nodeFrom(c, childSources(srcs, c), pc, pe)
		x.path = p
		if ec != c {
			if !changed {
				kids = slices.Clone(kids)
				changed = true
			}
			kids[i] = ec
		}
	}
	if !changed {
		return n
	}
	out := *n
	out.SetKids(kids)
	nn := &out
	if g, ok := x.origin[n]; ok {
		x.origin[nn] = g
	}
	return nn
}

// holdsGroupStatements reports whether n holds apply-groups,
// apply-groups-except or (at the top) groups, which expansion removes.
func holdsGroupStatements(n *tree.Node, top bool) bool {
	for _, name := range [...]string{schema.ApplyGroups, schema.ApplyGroupsExcpt, schema.GroupsName} {
		s := n.S.Child(name)
		if s == nil || !s.Generic || (name == schema.GroupsName && !top) {
			continue
		}
		if lo, hi := n.Span(s); lo < hi {
			return true
		}
	}
	return false
}

// kidsInPlace expands the children of n where n itself keeps its
// statements (nothing inherited here, nothing to remove): each child is
// replaced by its expansion where that differs, and the result shares the
// rest of n's children, chunks included. When n's expansion before was
// its previous version itself, only the children n does not share with
// it are looked at (tree.EachUnshared): a long list's entries are stepped
// over a chunk at a time.
func (x *expander) kidsInPlace(n *tree.Node, srcs []source, prev, prevExp *tree.Node) *tree.Node {
	p := x.path
	var pos []int
	var repl []*tree.Node
	var hp, he hint
	visit := func(i int, c *tree.Node) {
		if c.S.Kind != schema.Container && c.S.Kind != schema.List {
			return
		}
		var pc, pe *tree.Node
		if prev != nil {
			pc, pe = hp.counterpart(prev, c), he.counterpart(prevExp, c)
			if pc == c && pe != nil {
				if pe != c {
					pos, repl = append(pos, i), append(repl, pe)
				}
				return // shared with the previous configuration: expanded then
			}
		}
		x.path = append(p, c.Step())
		ec := x.nodeFrom(c, childSources(srcs, c), pc, pe)
		x.path = p
		if ec != c {
			pos, repl = append(pos, i), append(repl, ec)
		}
	}
	if prev != nil && prevExp == prev {
		tree.EachUnshared(prev, n, visit)
	} else {
		for i, c := range n.Kids() {
			if prev != nil && hp.same(prev, c) && he.same(prevExp, c) {
				continue // shared, and expanded to itself: not even looked at
			}
			visit(i, c)
		}
	}
	if len(pos) == 0 {
		return n
	}
	nn := n.WithKidsReplaced(pos, repl)
	if g, ok := x.origin[n]; ok {
		x.origin[nn] = g
	}
	return nn
}

// spanIn returns the range of kids (in schema order) with schema s.
func spanIn(kids []*tree.Node, s *schema.Node) (int, int) {
	lo := sort.Search(len(kids), func(i int) bool { return kids[i].S.Index >= s.Index })
	hi := lo + sort.Search(len(kids)-lo, func(i int) bool { return kids[lo+i].S.Index > s.Index })
	return lo, hi
}

// applies reports whether n holds apply-groups or apply-groups-except.
func applies(n *tree.Node) bool {
	for _, name := range [...]string{schema.ApplyGroups, schema.ApplyGroupsExcpt} {
		if s := n.S.Child(name); s != nil && len(n.All(s)) > 0 {
			return true
		}
	}
	return false
}

// inherit returns the statements the sources add at a level holding kids:
// those not there yet, first source first.
func (x *expander) inherit(kids []*tree.Node, srcs []source) []*tree.Node {
	var added []*tree.Node
	has := func(s *schema.Node, id string) bool {
		for _, set := range [][]*tree.Node{kids, added} {
			for _, k := range set {
				if k.S == s && k.ID() == id {
					return true
				}
				if k.S != s && s.Case != nil && k.S.Case != nil &&
					k.S.Case.Choice == s.Case.Choice && k.S.Case.Name != s.Case.Name {
					return true // another case of the choice is configured
				}
			}
		}
		return false
	}
	for _, src := range srcs {
		for _, gk := range src.n.Kids() {
			rs := gk.S.Real
			if gk.Inactive || rs == nil {
				continue
			}
			id := gk.ID()
			if rs.Kind == schema.List && schema.IsWildcardName(gk.Key) {
				continue // matches entries, creates none
			}
			if rs.Kind == schema.Leaf {
				id = ""
			}
			if has(rs, id) {
				continue
			}
			nn := &tree.Node{S: rs, Key: gk.Key, Value: gk.Value}
			added = append(added, nn)
			if x.origin != nil {
				x.origin[nn] = src.group
			}
		}
	}
	return added
}

// childSources returns the nodes of the sources that stand for child c:
// in source order, and within a source exact names first, then wildcard
// names, the most specific first.
func childSources(srcs []source, c *tree.Node) []source {
	if len(srcs) == 0 {
		return nil
	}
	var out []source
	for _, s := range srcs {
		out = appendMatches(out, s.group, s.n, c.S, c.Key)
	}
	return out
}

func appendMatches(out []source, group string, gn *tree.Node, real *schema.Node, key string) []source {
	var wild []source
	for _, gk := range gn.Kids() {
		if gk.S.Real != real || gk.Inactive {
			continue
		}
		switch {
		case real.Kind != schema.List || gk.Key == key:
			out = append(out, source{group, gk})
		case schema.WildcardMatch(gk.Key, key):
			wild = append(wild, source{group, gk})
		}
	}
	// The tree keeps a group's entries sorted by name, not as typed, so
	// the more specific pattern (the longer one) goes first: <ge-*> before <*>.
	sort.SliceStable(wild, func(i, j int) bool { return len(wild[i].n.Key) > len(wild[j].n.Key) })
	return append(out, wild...)
}

// descend returns the nodes of group g that stand for path p.
func descend(g *tree.Node, p tree.Path) []*tree.Node {
	cur := []source{{n: g}}
	for _, st := range p {
		var next []source
		for _, s := range cur {
			next = appendMatches(next, "", s.n, st.S, st.Key)
		}
		if cur = next; len(cur) == 0 {
			return nil
		}
	}
	out := make([]*tree.Node, len(cur))
	for i, s := range cur {
		out[i] = s.n
	}
	return out
}

// sortKids puts kids back in the tree's order: schema order, list entries
// by key where the system orders them; explicit statements stay before
// inherited ones elsewhere (the sort is stable).
func sortKids(kids []*tree.Node) {
	sort.SliceStable(kids, func(i, j int) bool {
		a, b := kids[i], kids[j]
		if a.S.Index != b.S.Index {
			return a.S.Index < b.S.Index
		}
		if a.S.KeyOrdered() {
			return tree.KeyLess(a.Key, b.Key)
		}
		return false
	})
}
