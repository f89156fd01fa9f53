package xpath

// The AST. Each node evaluates itself (eval.go) and describes what it reads
// (deps.go).

type expr interface {
	eval(c *evalCtx, x *Node, pos, size int) (Value, error)
	deps(a *analysis, ctx []sref) []sref
	// usesContext reports whether the value depends on the context node,
	// position or size (a relative path, position(), string() …); an
	// expression that does not can be evaluated once per step.
	usesContext() bool
}

type literal struct{ s string }

type number struct{ n float64 }

type negate struct{ e expr }

type binary struct {
	op   tokKind // tOr, tAnd, tEq … tGe, tPlus, tMinus, tMul, tDiv, tMod
	l, r expr
}

type union struct{ l, r expr }

type call struct {
	fn   *function
	args []expr
}

type axis uint8

const (
	axChild axis = iota
	axParent
	axSelf
	axDescendant
	axDescendantOrSelf
	axAncestor
	axAncestorOrSelf
)

var axisNames = map[string]axis{
	"child": axChild, "parent": axParent, "self": axSelf,
	"descendant": axDescendant, "descendant-or-self": axDescendantOrSelf,
	"ancestor": axAncestor, "ancestor-or-self": axAncestorOrSelf,
}

func (a axis) reverse() bool {
	return a == axParent || a == axAncestor || a == axAncestorOrSelf
}

// step is one location step: axis::test[pred]…
type step struct {
	axis  axis
	name  string // "" matches any node but the root (`*`) …
	node  bool   // … or any node at all (node())
	preds []expr
	// keyEq, when set, is the right-hand side of a first predicate
	// `[K = E]` where K is a name and E does not use the context: on a
	// list whose only key is K, the step looks entries up by key instead
	// of scanning them.
	keyName string
	keyEq   expr
}

// path is a location path, possibly starting from a filter expression
// (`current()/../x`) or from the root.
type path struct {
	abs    bool
	filter expr // nil for a location path
	preds  []expr
	steps  []*step
}

func (literal) usesContext() bool { return false }
func (number) usesContext() bool  { return false }
func (n negate) usesContext() bool {
	return n.e.usesContext()
}
func (b binary) usesContext() bool { return b.l.usesContext() || b.r.usesContext() }
func (u union) usesContext() bool  { return u.l.usesContext() || u.r.usesContext() }
func (c call) usesContext() bool {
	if c.fn.implicit && len(c.args) == 0 || c.fn.positional {
		return true
	}
	for _, a := range c.args {
		if a.usesContext() {
			return true
		}
	}
	return false
}
func (p *path) usesContext() bool {
	if p.abs {
		return false
	}
	if p.filter != nil {
		// Predicates of a filter expression and the steps after it run
		// with their own context nodes.
		return p.filter.usesContext()
	}
	return true
}
