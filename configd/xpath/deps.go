package xpath

import "github.com/gnos/gnos/configd/schema"

// sref is a schema node standing for its instances during the static
// analysis of Deps. self marks the context node itself and its
// descendants reached from it without going up: the caller re-checks the
// expression whenever that instance or anything below it changes, so they
// are not reported (which keeps `current()` and `./x` from looking like
// reads of every instance).
type sref struct {
	s    *schema.Node
	self bool
}

// Dep is a schema node whose instances an expression reads.
type Dep struct {
	Node *schema.Node
	// Values is set when the expression reads the instances' values
	// (string-values: for a container, everything below it), not only
	// whether they exist.
	Values bool
}

// Deps describes what an expression reads, found by evaluating it on the
// schema instead of on data. It is conservative: whatever can change the
// expression's value is a change at, below or above (for Values) a node of
// Reads, except changes to the context node itself or below it, reached
// without going up (current(), `x/y`): those are left out, and the caller
// re-evaluates the expression whenever its context node's subtree
// changes. Nodes a path passes on its way down are left out too (a
// change there adds or removes the nodes the path ends at, which are
// read).
type Deps struct {
	Reads []Dep
	// Scope is the depth (0 = the root) of the highest ancestor of the
	// context node the expression reaches: every node it reads is below
	// the context node's ancestor at that depth.
	Scope int
}

type analysis struct {
	current *schema.Node
	reads   map[*schema.Node]bool // → Values
	order   []*schema.Node
	scope   int
}

// Deps analyses e for a context node of schema s (the node carrying the
// must or when, or the leafref leaf). Names that are not in the schema
// select nothing, so they read nothing.
func (e *Expr) Deps(s *schema.Node) Deps {
	a := &analysis{current: s, reads: map[*schema.Node]bool{}, scope: s.Depth()}
	e.root.deps(a, []sref{{s, true}})
	d := Deps{Scope: a.scope}
	for _, n := range a.order {
		d.Reads = append(d.Reads, Dep{Node: n, Values: a.reads[n]})
	}
	return d
}

// widen extends the scope to the nodes of set.
func (a *analysis) widen(set []sref) {
	for _, x := range set {
		if d := x.s.Depth(); d < a.scope {
			a.scope = d
		}
	}
}

// reach records that the nodes of set are read (for their values when
// values is set) and widens the scope.
func (a *analysis) reach(set []sref, values bool) {
	for _, x := range set {
		if x.self {
			continue
		}
		s := x.s
		if v, ok := a.reads[s]; !ok {
			a.order = append(a.order, s)
			a.reads[s] = values
		} else if values && !v {
			a.reads[s] = true
		}
		if d := s.Depth(); d < a.scope {
			a.scope = d
		}
	}
}

func (literal) deps(*analysis, []sref) []sref { return nil }
func (number) deps(*analysis, []sref) []sref  { return nil }

func (n *negate) deps(a *analysis, ctx []sref) []sref {
	a.reach(n.e.deps(a, ctx), true)
	return nil
}

func (b *binary) deps(a *analysis, ctx []sref) []sref {
	values := b.op != tAnd && b.op != tOr
	a.reach(b.l.deps(a, ctx), values)
	a.reach(b.r.deps(a, ctx), values)
	return nil
}

func (u *union) deps(a *analysis, ctx []sref) []sref {
	return addAll(u.l.deps(a, ctx), u.r.deps(a, ctx)...)
}

func (c *call) deps(a *analysis, ctx []sref) []sref {
	switch c.fn.name {
	case "current":
		return []sref{{a.current, true}}
	case "count", "boolean", "not":
		for _, x := range c.args {
			a.reach(x.deps(a, ctx), false)
		}
		return nil
	}
	if c.fn.implicit && len(c.args) == 0 {
		a.reach(ctx, true)
	}
	for _, x := range c.args {
		a.reach(x.deps(a, ctx), true)
	}
	return nil
}

// deps of a path: the nodes it ends at are read (for their existence;
// the caller marks values). Nodes met on the way down need not be: a
// change to one of them adds or removes the end nodes below it, which
// the end nodes' reads catch. Nodes met before a step up are read,
// though, since the end nodes are not below them. Every node met widens
// the scope.
func (p *path) deps(a *analysis, ctx []sref) []sref {
	var set []sref
	switch {
	case p.filter != nil:
		set = p.filter.deps(a, ctx)
		for _, pr := range p.preds {
			a.reach(pr.deps(a, set), false)
		}
	case p.abs:
		root := a.current
		for root.Parent != nil {
			root = root.Parent
		}
		set = []sref{{root, false}}
	default:
		set = ctx
	}
	a.widen(set)
	var pending [][]sref
	for _, st := range p.steps {
		pending = append(pending, set)
		if st.axis.reverse() {
			for _, ps := range pending {
				a.reach(ps, false)
			}
			pending = pending[:0]
		}
		set = st.deps(a, set)
		a.widen(set)
		for _, pr := range st.preds {
			a.reach(pr.deps(a, set), false)
		}
	}
	a.reach(set, false)
	return set
}

func (st *step) deps(a *analysis, in []sref) []sref {
	var out []sref
	for _, x := range in {
		s := x.s
		switch st.axis {
		case axChild:
			if st.name == "" {
				for _, c := range s.Children {
					out = addAll(out, sref{c, x.self})
				}
			} else if c := s.Child(st.name); c != nil {
				out = addAll(out, sref{c, x.self})
			}
		case axSelf:
			if st.matchSchema(s) {
				out = addAll(out, x)
			}
		case axParent:
			if s.Parent != nil && st.matchSchema(s.Parent) {
				out = addAll(out, sref{s.Parent, false})
			}
		case axAncestor, axAncestorOrSelf:
			if st.axis == axAncestorOrSelf && st.matchSchema(s) {
				out = addAll(out, x)
			}
			for p := s.Parent; p != nil; p = p.Parent {
				if st.matchSchema(p) {
					out = addAll(out, sref{p, false})
				}
			}
		default:
			if st.axis == axDescendantOrSelf && st.matchSchema(s) {
				out = addAll(out, x)
			}
			for _, c := range s.Children {
				c.Walk(func(d *schema.Node) {
					if st.matchSchema(d) {
						out = addAll(out, sref{d, x.self})
					}
				})
			}
		}
	}
	return out
}

func (st *step) matchSchema(s *schema.Node) bool {
	if st.name == "" {
		return st.node || s.Parent != nil
	}
	return s.Name == st.name
}

// addAll appends the nodes of add not already in set.
func addAll(set []sref, add ...sref) []sref {
	for _, s := range add {
		dup := false
		for _, t := range set {
			if t == s {
				dup = true
				break
			}
		}
		if !dup {
			set = append(set, s)
		}
	}
	return set
}
