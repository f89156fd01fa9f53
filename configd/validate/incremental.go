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
	fired    map[trigKey]*firing
	order    []*firing
}

// firing is a trigger to run under one anchor once all changes are seen.
// For a leafref, values narrows the instances to re-check to those whose
// value was removed (a deleted entry's key), unless any is set.
type firing struct {
	t      *trigger
	anchor []*tree.Node
	any    bool
	values map[string]bool
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
		fired:     map[trigKey]*firing{},
	}
}

func (in *incremental) run(changes []tree.Change) {
	for i := range changes {
		in.change(&changes[i])
	}
	for _, f := range in.order {
		in.stack = append(in.stack[:0], f.anchor...)
		in.each(f, f.down())
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
	if oldActive && (!newActive || valueChanged) {
		in.triggers(c, keys, c.Old)
	} else {
		in.triggers(c, keys, nil)
	}
}

// chain returns the nodes from root along p, root first, and whether they
// all exist and are active.
func chain(root *tree.Node, p tree.Path) ([]*tree.Node, bool) {
	out := make([]*tree.Node, 1, len(p)+1)
	out[0] = root
	n := root
	for _, st := range p {
		if n = n.Child(st.S, st.ID()); n == nil || n.Inactive {
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
		in.stack = stack[: d+1 : d+1] // checks push: never over stack[d+1]
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

// triggers schedules the expressions elsewhere that read what changed at
// c.Path. removed is the old node when the change removed it (or its old
// value).
func (in *incremental) triggers(c *tree.Change, keys []string, removed *tree.Node) {
	m := c.Path[len(c.Path)-1].S
	for _, t := range in.p.below[m] {
		in.schedule(t, c.Path, keys, removed)
	}
	for a := m.Parent; a != nil; a = a.Parent {
		for _, t := range in.p.valuesAt[a] {
			in.schedule(t, c.Path, keys, removed)
		}
	}
}

// schedule records that trigger t must run on the instances of its node
// under the ancestor of the change at its scope depth. When that ancestor
// is the changed node or below it, the instances are inside the changed
// subtree: checked already when added, gone when removed.
func (in *incremental) schedule(t *trigger, p tree.Path, keys []string, removed *tree.Node) {
	if t.removalOnly && removed == nil || t.scope >= len(p) {
		return
	}
	if in.stack[t.scope].S != ancestorAt(t.node, t.scope) {
		return // not on the changed path's line (cannot happen: defensive)
	}
	k := trigKey{t, keys[t.scope]}
	f := in.fired[k]
	if f == nil {
		f = &firing{t: t, anchor: append([]*tree.Node(nil), in.stack[:t.scope+1]...)}
		in.fired[k] = f
		in.order = append(in.order, f)
	}
	if f.any {
		return
	}
	if t.kind != unitLeafref {
		f.any = true
		return
	}
	// A leafref can only break where its value was removed: a deleted
	// entry of the target's list (its key), or a target leaf or item
	// deleted or changed (its old value).
	tg := in.p.nodes[t.node].ref.target
	switch m := removed.S; {
	case m == tg.Parent && tg.IsKey() && len(m.Keys) == 1:
		f.add(removed.Key)
	case m == tg:
		f.add(removed.Value)
	default:
		f.any = true
	}
}

func (f *firing) add(v string) {
	if f.values == nil {
		f.values = map[string]bool{}
	}
	f.values[v] = true
}

// down lists the schema nodes from below the anchor to the trigger's node,
// the last element first.
func (f *firing) down() []*schema.Node {
	var out []*schema.Node
	for s := f.t.node; s.Depth() > f.t.scope; s = s.Parent {
		out = append(out, s)
	}
	return out
}

func ancestorAt(s *schema.Node, d int) *schema.Node {
	for n := s.Depth(); n > d; n-- {
		s = s.Parent
	}
	return s
}

// each walks down (the last element of down is the next step) to every
// active instance of f's node and runs its check there.
func (in *incremental) each(f *firing, down []*schema.Node) {
	if len(down) == 0 {
		in.unit(f, nil)
		return
	}
	s := down[len(down)-1]
	n := in.top()
	switch {
	case s.IsKey() && n.S == s.Parent:
		in.unit(f, s)
	case s.Kind == schema.List || s.Kind == schema.LeafList:
		for _, e := range all(n, s) {
			if !e.Inactive {
				in.push(e)
				in.each(f, down[:len(down)-1])
				in.pop()
			}
		}
	default:
		if c := child(n, s); c != nil {
			in.push(c)
			in.each(f, down[:len(down)-1])
			in.pop()
		}
	}
}

// unit runs one check on the instance on top of the stack (or on its key
// leaf virt).
func (in *incremental) unit(f *firing, virt *schema.Node) {
	t := f.t
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
		// The value itself did not change (that is checked with the
		// change): only whether its target still exists.
		v := in.top().Value
		if virt != nil {
			v = keyField(in.top(), virt.Name)
		}
		if f.any || f.values[v] {
			in.leafref(np.ref, v, virt)
		}
	}
}
