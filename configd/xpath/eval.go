package xpath

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Context is what an expression is evaluated against.
type Context struct {
	// Path is the context node's ancestor chain: the root first, the
	// context node last. The context node is also current().
	Path []*tree.Node
	// Virt, when set, makes the context node a child of the last node of
	// Path that the tree does not hold: a list key leaf (its value is the
	// entry's Key), or a node that does not exist (as when a `when` is
	// evaluated for a missing mandatory statement).
	Virt *schema.Node
}

type evalCtx struct {
	root    *Node
	current *Node
	args    []Value // a stack of function arguments, reused by every call
}

// frame holds the per-evaluation state in one allocation for the common
// depths.
type frame struct {
	c       evalCtx
	buf     [12]Node
	argsBuf [8]Value
}

// frames recycles the frames of EvalBool, whose result holds no node.
var frames = sync.Pool{New: func() any { return new(frame) }}

// Eval evaluates e.
func (e *Expr) Eval(ctx Context) (Value, error) {
	return e.evalIn(new(frame), ctx)
}

// EvalBool evaluates e and converts the result with boolean(), as YANG
// does for must and when.
func (e *Expr) EvalBool(ctx Context) (bool, error) {
	f := frames.Get().(*frame)
	v, err := e.evalIn(f, ctx)
	ok := v.Bool()
	*f = frame{} // drop the references to the tree
	frames.Put(f)
	return ok, err
}

func (e *Expr) evalIn(f *frame, ctx Context) (Value, error) {
	if len(ctx.Path) == 0 {
		return Value{}, errors.New("xpath: empty context")
	}
	n := len(ctx.Path)
	if ctx.Virt != nil {
		n++
	}
	chain := f.buf[:0]
	if n > len(f.buf) {
		chain = make([]Node, 0, n)
	}
	chain = chain[:n]
	for i, t := range ctx.Path {
		chain[i].T = t
		if i > 0 {
			chain[i].Parent = &chain[i-1]
		}
	}
	if ctx.Virt != nil {
		chain[n-1] = Node{T: ctx.Path[len(ctx.Path)-1], Virt: ctx.Virt, Parent: &chain[n-2]}
	}
	f.c.root = &chain[0]
	f.c.current = &chain[n-1]
	f.c.args = f.argsBuf[:0]
	v, err := e.root.eval(&f.c, f.c.current, 1, 1)
	if err != nil {
		return Value{}, fmt.Errorf("xpath: %s: %w", e.src, err)
	}
	return v, nil
}

func (l *literal) eval(*evalCtx, *Node, int, int) (Value, error) { return strValue(l.s), nil }
func (n *number) eval(*evalCtx, *Node, int, int) (Value, error)  { return numValue(n.n), nil }

func (n *negate) eval(c *evalCtx, x *Node, pos, size int) (Value, error) {
	v, err := n.e.eval(c, x, pos, size)
	if err != nil {
		return Value{}, err
	}
	return numValue(-v.Number()), nil
}

func (b *binary) eval(c *evalCtx, x *Node, pos, size int) (Value, error) {
	l, err := b.l.eval(c, x, pos, size)
	if err != nil {
		return Value{}, err
	}
	switch b.op {
	case tOr:
		if l.Bool() {
			return boolValue(true), nil
		}
	case tAnd:
		if !l.Bool() {
			return boolValue(false), nil
		}
	}
	r, err := b.r.eval(c, x, pos, size)
	if err != nil {
		return Value{}, err
	}
	switch b.op {
	case tOr, tAnd:
		return boolValue(r.Bool()), nil
	case tEq, tNeq, tLt, tLe, tGt, tGe:
		return boolValue(compare(b.op, l, r)), nil
	}
	x1, x2 := l.Number(), r.Number()
	switch b.op {
	case tPlus:
		return numValue(x1 + x2), nil
	case tMinus:
		return numValue(x1 - x2), nil
	case tMul:
		return numValue(x1 * x2), nil
	case tDiv:
		return numValue(x1 / x2), nil
	default: // tMod: truncating, like Java's %, as XPath specifies
		return numValue(math.Mod(x1, x2)), nil
	}
}

func (u *union) eval(c *evalCtx, x *Node, pos, size int) (Value, error) {
	l, err := u.l.eval(c, x, pos, size)
	if err != nil {
		return Value{}, err
	}
	r, err := u.r.eval(c, x, pos, size)
	if err != nil {
		return Value{}, err
	}
	if !l.isNodeSet() || !r.isNodeSet() {
		return Value{}, errors.New("operands of | must be node-sets")
	}
	ns := append(append(make([]Node, 0, len(l.ns)+len(r.ns)), l.ns...), r.ns...)
	return nodesValue(sortDoc(dedupe(ns))), nil
}

func (p *path) eval(c *evalCtx, x *Node, pos, size int) (Value, error) {
	var set []Node
	var first *Node // the single start node of a location path
	nested := false
	switch {
	case p.filter != nil:
		v, err := p.filter.eval(c, x, pos, size)
		if err != nil {
			return Value{}, err
		}
		if !v.isNodeSet() {
			return Value{}, errors.New("a path step needs a node-set")
		}
		set, nested = v.ns, len(v.ns) > 1
		if len(p.preds) > 0 {
			set = append([]Node(nil), set...)
			if set, err = filter(c, set, p.preds); err != nil {
				return Value{}, err
			}
		}
	case p.abs:
		first = c.root
	default:
		first = x
	}
	if len(p.steps) == 0 && first != nil {
		return nodesValue([]Node{*first}), nil
	}
	for _, st := range p.steps {
		var err error
		if set, nested, err = st.apply(c, set, first, nested); err != nil {
			return Value{}, err
		}
		first = nil
		if len(set) == 0 {
			break
		}
	}
	return nodesValue(set), nil
}

// apply runs the step from every node of in and returns the resulting
// node-set in document order. nested says whether in may hold a node and
// one of its descendants (then even child steps can come out of order);
// the result says the same of out. When one is set, it is the only input
// node (sparing a slice for the first step of a location path).
func (st *step) apply(c *evalCtx, in []Node, one *Node, nested bool) ([]Node, bool, error) {
	var out []Node
	var key Value
	haveKey := false
	n := len(in)
	if one != nil {
		n = 1
	}
	for i := 0; i < n; i++ {
		x := one
		if x == nil {
			x = &in[i]
		}
		start := len(out)
		preds := st.preds
		looked := false
		if lst := st.keyList(x); lst != nil {
			if !haveKey {
				v, err := st.keyEq.eval(c, x, 1, 1)
				if err != nil {
					return nil, false, err
				}
				key, haveKey = v, true
			}
			out, looked = lookup(x, lst, key, out)
		}
		if looked {
			preds = preds[1:]
		} else {
			out = st.candidates(x, out)
		}
		if len(preds) > 0 && len(out) > start {
			kept, err := filter(c, out[start:], preds)
			if err != nil {
				return nil, false, err
			}
			out = out[:start+len(kept)]
		}
	}
	switch st.axis {
	case axChild, axSelf:
		if nested && len(out) > 1 {
			out = sortDoc(out) // no duplicates: each node has one parent
		}
		return out, nested, nil
	case axParent:
		if len(out) > 1 {
			out = sortDoc(dedupe(out))
		}
		return out, nested, nil
	}
	if len(out) > 1 {
		out = sortDoc(dedupe(out))
	}
	return out, true, nil
}

// keyList returns the list schema node the step can look up by key from x.
func (st *step) keyList(x *Node) *schema.Node {
	if st.keyEq == nil || x.Virt != nil {
		return nil
	}
	s := x.T.S.Child(st.name)
	if s == nil || s.Kind != schema.List || len(s.Keys) != 1 || s.Keys[0] != st.keyName {
		return nil
	}
	return s
}

// lookup appends the active entries of list s under x whose key equals
// key, found by key instead of by scanning. It reports false, appending
// nothing, when the comparison is not a string equality (a number or a
// boolean compares differently) or the order of several matches would
// need the scan: the caller then scans.
func lookup(x *Node, s *schema.Node, key Value, out []Node) ([]Node, bool) {
	var keys []string
	switch key.kind {
	case String:
		keys = []string{key.s}
	case NodeSet:
		if len(key.ns) > 1 && s.UserOrder {
			return out, false
		}
		keys = make([]string, len(key.ns))
		for i := range key.ns {
			keys[i] = key.ns[i].String()
		}
		if len(keys) > 1 {
			sort.Slice(keys, func(i, j int) bool { return tree.KeyLess(keys[i], keys[j]) })
		}
	default:
		return out, false
	}
	for i, k := range keys {
		if i > 0 && k == keys[i-1] {
			continue
		}
		if e := x.T.Child(s, k); e != nil && !e.Inactive {
			out = append(out, Node{T: e, Parent: x})
		}
	}
	return out, true
}

// candidates appends the nodes of the step's axis from x that pass its
// node test, in the axis' order (reverse document order for the reverse
// axes, which predicates' positions count along).
func (st *step) candidates(x *Node, out []Node) []Node {
	switch st.axis {
	case axChild:
		if st.name == "" {
			return allChildren(x, out)
		}
		if x.Virt != nil {
			return out
		}
		if s := x.T.S.Child(st.name); s != nil {
			return children(x, s, out)
		}
		return out
	case axSelf:
		if st.match(x) {
			out = append(out, *x)
		}
		return out
	case axParent:
		if x.Parent != nil && st.match(x.Parent) {
			out = append(out, *x.Parent)
		}
		return out
	case axAncestor, axAncestorOrSelf:
		a := x
		if st.axis == axAncestor {
			a = x.Parent
		}
		for ; a != nil; a = a.Parent {
			if st.match(a) {
				out = append(out, *a)
			}
		}
		return out
	}
	// descendant, descendant-or-self: depth first in document order.
	if st.axis == axDescendantOrSelf && st.match(x) {
		out = append(out, *x)
	}
	return st.descendants(x, out)
}

func (st *step) descendants(x *Node, out []Node) []Node {
	kids := allChildren(x, nil)
	for i := range kids {
		k := &kids[i]
		if st.match(k) {
			out = append(out, *k)
		}
		out = st.descendants(k, out)
	}
	return out
}

func (st *step) match(x *Node) bool {
	if st.name == "" {
		return st.node || x.Virt != nil || x.T.S.Parent != nil
	}
	return x.Schema().Name == st.name
}

// children appends x's active children with schema s: the entries of a
// list, the items of a leaf-list, a key leaf answered from the entry's
// key, or a leaf whose default is in use.
func children(x *Node, s *schema.Node, out []Node) []Node {
	if x.Virt != nil {
		return out
	}
	if s.Kind == schema.Leaf && s.IsKey() {
		return append(out, Node{T: x.T, Virt: s, Parent: x})
	}
	n := len(out)
	for _, k := range x.T.All(s) {
		if !k.Inactive {
			out = append(out, Node{T: k, Parent: x})
		}
	}
	if len(out) == n && s.Kind == schema.Leaf && len(s.Default) > 0 && s.Case == nil {
		out = append(out, Node{T: x.T, Virt: s, Parent: x})
	}
	return out
}

func allChildren(x *Node, out []Node) []Node {
	if x.Virt != nil {
		return out
	}
	for _, s := range x.T.S.Children {
		out = children(x, s, out)
	}
	return out
}

// filter keeps the nodes of set (in document or axis order) that pass
// every predicate. It reuses set's storage.
func filter(c *evalCtx, set []Node, preds []expr) ([]Node, error) {
	for _, p := range preds {
		kept := set[:0]
		size := len(set)
		for i := range set {
			// Compaction only writes positions already evaluated, and
			// what the predicate built from &set[i] is dropped with it.
			v, err := p.eval(c, &set[i], i+1, size)
			if err != nil {
				return nil, err
			}
			ok := false
			if v.kind == Number {
				ok = v.n == float64(i+1)
			} else {
				ok = v.Bool()
			}
			if ok {
				kept = append(kept, set[i])
			}
		}
		set = kept
	}
	return set, nil
}
