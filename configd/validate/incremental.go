package validate

import (
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// incremental validates what a set of changes can affect (see the package
// comment). The done sets keep one commit's many changes from repeating
// the same work: an ancestor's checks, a list's unique statements, a
// trigger's scan under one anchor.
type incremental struct {
	*validator
	old      *tree.Node
	doneAnc  map[string]bool
	doneUniq map[uniqKey]bool
	doneTrig map[trigKey]bool
}

type uniqKey struct {
	parent string
	list   *schema.Node
}

type trigKey struct {
	t      *trigger
	anchor string
}

func newIncremental(v *validator, old *tree.Node) *incremental {
	return &incremental{
		validator: v,
		old:       old,
		doneAnc:   map[string]bool{},
		doneUniq:  map[uniqKey]bool{},
		doneTrig:  map[trigKey]bool{},
	}
}

func (in *incremental) run(changes []tree.Change) {
	for i := range changes {
		in.change(&changes[i])
	}
}

func (in *incremental) change(c *tree.Change) {
	if len(c.Path) == 0 {
		return
	}
	stack, ok := chain(in.root, c.Path.Parent())
	if !ok {
		// An ancestor is missing or inactive in the new tree: its own
		// change (deactivation or deletion) covers this one.
		return
	}
	oldActive := c.Old != nil && !c.Old.Inactive && (in.old == nil || activePath(in.old, c.Path.Parent()))
	newActive := c.New != nil && !c.New.Inactive
	valueChanged := c.Old != nil && c.New != nil && c.Old.Value != c.New.Value
	switch {
	case !oldActive && !newActive:
		return
	case oldActive && newActive && !valueChanged && !c.Moved:
		return // only the annotation changed
	}
	in.stack = append(in.stack[:0], stack...)
	if newActive && (!oldActive || valueChanged) {
		in.push(c.New)
		in.subtree()
		in.pop()
	}
	keys := pathKeys(in.stack)
	in.ancestors(c.Path, keys)
	in.triggers(c.Path, keys, oldActive && (!newActive || valueChanged))
}

// chain returns the nodes from root along p, root first, and whether they
// all exist and are active.
func chain(root *tree.Node, p tree.Path) ([]*tree.Node, bool) {
	out := make([]*tree.Node, 1, len(p)+1)
	out[0] = root
	n := root
	for _, st := range p {
		if n = n.Child(st.S, stepID(st)); n == nil || n.Inactive {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func activePath(root *tree.Node, p tree.Path) bool {
	_, ok := chain(root, p)
	return ok
}

// pathKeys returns, for each prefix of the stack, a string identifying
// that node's place.
func pathKeys(stack []*tree.Node) []string {
	out := make([]string, len(stack))
	var b strings.Builder
	for i, n := range stack {
		if i > 0 {
			b.WriteString(n.S.Name)
			b.WriteByte(0)
			b.WriteString(n.ID())
			b.WriteByte(1)
		}
		out[i] = b.String()
	}
	return out
}

// ancestors re-runs the checks of each ancestor of the change at p (the
// stack holds them): its own must and when, its requirements (the change
// may have removed a mandatory statement or a list entry), and the
// unique statements of the lists the change lies in.
func (in *incremental) ancestors(p tree.Path, keys []string) {
	stack := in.stack
	for d := range stack {
		in.stack = stack[:d+1]
		if !in.doneAnc[keys[d]] {
			in.doneAnc[keys[d]] = true
			in.own()
			in.require(stack[d].S, stack[d])
		}
		if d < len(p) {
			if l := p[d].S; l.Kind == schema.List && len(l.Unique) > 0 && !in.doneUniq[uniqKey{keys[d], l}] {
				in.doneUniq[uniqKey{keys[d], l}] = true
				in.unique(l)
			}
		}
	}
	in.stack = stack
}

// triggers re-runs the expressions elsewhere that read what changed at p.
func (in *incremental) triggers(p tree.Path, keys []string, removal bool) {
	m := p[len(p)-1].S
	for _, t := range in.p.below[m] {
		in.fire(t, p, keys, removal)
	}
	for a := m.Parent; a != nil; a = a.Parent {
		for _, t := range in.p.valuesAt[a] {
			in.fire(t, p, keys, removal)
		}
	}
}

// fire runs trigger t on the instances of its node under the ancestor of
// the change at its scope depth. When that ancestor is the changed node
// or below it, the instances are inside the changed subtree: checked
// already when added, gone when removed.
func (in *incremental) fire(t *trigger, p tree.Path, keys []string, removal bool) {
	if t.removalOnly && !removal || t.scope >= len(p) {
		return
	}
	k := trigKey{t, keys[t.scope]}
	if in.doneTrig[k] {
		return
	}
	in.doneTrig[k] = true
	var down []*schema.Node
	for s := t.node; depth(s) > t.scope; s = s.Parent {
		down = append(down, s)
	}
	anchor := in.stack[t.scope]
	if len(down) > 0 && down[len(down)-1].Parent != anchor.S || len(down) == 0 && t.node != anchor.S {
		return // not on the changed path's line (cannot happen: defensive)
	}
	saved := in.stack
	in.stack = append(make([]*tree.Node, 0, len(saved)+len(down)), saved[:t.scope+1]...)
	in.each(t, down)
	in.stack = saved
}

// each walks down (in reverse: the last element is the first step) to
// every active instance of t's node and runs t there.
func (in *incremental) each(t *trigger, down []*schema.Node) {
	if len(down) == 0 {
		in.unit(t, nil)
		return
	}
	s := down[len(down)-1]
	n := in.top()
	switch {
	case s.IsKey() && n.S == s.Parent:
		in.unit(t, s)
	case s.Kind == schema.List || s.Kind == schema.LeafList:
		for _, e := range n.All(s) {
			if !e.Inactive {
				in.push(e)
				in.each(t, down[:len(down)-1])
				in.pop()
			}
		}
	default:
		if c := active(n.Child(s, "")); c != nil {
			in.push(c)
			in.each(t, down[:len(down)-1])
			in.pop()
		}
	}
}

// unit runs one check on the instance on top of the stack (or on its key
// leaf virt).
func (in *incremental) unit(t *trigger, virt *schema.Node) {
	np := in.p.nodes[t.node]
	switch t.kind {
	case unitMust:
		in.must(np, t.must, virt)
	case unitWhen:
		if virt == nil {
			in.when(np)
		}
	case unitRequire:
		in.require(t.node, in.top())
	case unitLeafref:
		if virt == nil && in.checkValue(t.node, in.top().Value) == nil {
			in.leafref(np.ref)
		}
	}
}
