package validate

import (
	"strings"
	"sync"

	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/xpath"
)

// plan is what validation needs to know about a schema, computed once per
// schema root: each node's constraints with their expressions compiled,
// and the trigger index incremental validation looks changes up in.
type plan struct {
	nodes map[*schema.Node]*nodePlan
	// below[M] holds the triggers reading some node at or below M: a
	// change at M (adding, deleting or changing that subtree) may affect
	// them. valuesAt[X] holds those reading the values of X, which a
	// change anywhere below X affects.
	below    map[*schema.Node][]*trigger
	valuesAt map[*schema.Node][]*trigger
	errs     []error // expressions that do not compile (see CheckSchema)
}

// nodePlan holds one schema node's constraints.
type nodePlan struct {
	s       *schema.Node
	must    []mustPlan
	when    *xpath.Expr
	whenErr error
	ref     *refPlan // leafref leaves and leaf-lists
	// check is the node whose type values are checked against: the node
	// itself, or a leafref's final target (schema.Node.CheckValue would
	// resolve the leafref path on every call).
	check     *schema.Node
	patterned bool // check's type has patterns: worth memoising
	// required lists the children that need checking when the node
	// exists: mandatory leaves, lists and leaf-lists with min- or
	// max-elements, and non-presence containers that themselves have
	// requirements (a non-presence container exists whenever its parent
	// does, for this purpose: RFC 7950 section 3).
	required []*schema.Node
	choices  []*choicePlan // mandatory choices
	uniques  []*schema.Node
	keys     []*schema.Node // a list's key leaves, in key order
}

type mustPlan struct {
	src, msg string
	expr     *xpath.Expr
	err      error
}

type choicePlan struct {
	name    string
	members []*schema.Node // data children belonging to any case
}

// unitKind is a check incremental validation re-runs on instances of a
// schema node when something it reads changes.
type unitKind uint8

const (
	unitMust    unitKind = iota // one must of node
	unitWhen                    // the when of node, for instances present
	unitRequire                 // the requirements of node (whens of missing children)
	unitLeafref                 // the leafref of node
)

type trigger struct {
	kind unitKind
	node *schema.Node
	must int // for unitMust
	// scope is the depth of the ancestor of node below which everything
	// the unit reads lies: the instances to re-check are node's
	// instances under the changed path's ancestor at that depth.
	scope int
	// removalOnly: only a removal can break the unit (a leafref target
	// being added never does).
	removalOnly bool
}

var plans sync.Map // schema root → *plan

func planFor(root *schema.Node) *plan {
	if p, ok := plans.Load(root); ok {
		return p.(*plan)
	}
	p := buildPlan(root)
	actual, _ := plans.LoadOrStore(root, p)
	return actual.(*plan)
}

// CheckSchema reports the must, when and leafref expressions of the schema
// under root that do not compile (validation reports them as errors on
// each instance, and they are best caught by a test).
func CheckSchema(root *schema.Node) []error {
	return planFor(root).errs
}

func buildPlan(root *schema.Node) *plan {
	p := &plan{
		nodes:    map[*schema.Node]*nodePlan{},
		below:    map[*schema.Node][]*trigger{},
		valuesAt: map[*schema.Node][]*trigger{},
	}
	root.Walk(func(s *schema.Node) { p.nodes[s] = p.nodePlan(s) })
	// Requirements second: they need every node's plan.
	root.Walk(func(s *schema.Node) { p.requirements(s) })
	root.Walk(func(s *schema.Node) { p.index(s) })
	return p
}

func (p *plan) nodePlan(s *schema.Node) *nodePlan {
	np := &nodePlan{s: s, check: s}
	for i := 0; i < 8 && np.check.Type != nil && np.check.Type.Kind == goyang.Yleafref; i++ {
		t := np.check.Target()
		if t == nil || t.Type == nil {
			break
		}
		np.check = t
	}
	np.patterned = np.check.Type != nil && hasPattern(np.check.Type)
	for _, m := range s.Must {
		mp := mustPlan{src: m.Expr, msg: m.Message}
		mp.expr, mp.err = xpath.Compile(m.Expr)
		if mp.err != nil {
			p.errs = append(p.errs, mp.err)
		}
		np.must = append(np.must, mp)
	}
	if s.When != "" {
		np.when, np.whenErr = xpath.Compile(s.When)
		if np.whenErr != nil {
			p.errs = append(p.errs, np.whenErr)
		}
	}
	if s.Type != nil && s.Type.Kind == goyang.Yleafref && !s.Type.OptionalInstance {
		np.ref = newRefPlan(s)
		if np.ref.err != nil {
			p.errs = append(p.errs, np.ref.err)
		}
	}
	for _, k := range s.Keys {
		if c := s.Child(k); c != nil {
			np.keys = append(np.keys, c)
		}
	}
	for _, c := range s.Children {
		if c.Kind == schema.List && len(c.Unique) > 0 {
			np.uniques = append(np.uniques, c)
		}
	}
	return np
}

// requirements fills in required and choices of container or list s.
func (p *plan) requirements(s *schema.Node) {
	np := p.nodes[s]
	if s.Kind != schema.Container && s.Kind != schema.List {
		return
	}
	for _, c := range s.Children {
		switch c.Kind {
		case schema.Leaf:
			if c.Mandatory && !c.IsKey() {
				np.required = append(np.required, c)
			}
		case schema.List, schema.LeafList:
			if c.MinElements > 0 || c.MaxElements > 0 {
				np.required = append(np.required, c)
			}
		case schema.Container:
			if !c.Presence && hasRequirements(c) {
				np.required = append(np.required, c)
			}
		}
	}
	np.choices = mandatoryChoices(s)
}

// hasRequirements reports whether an instance of non-presence container s
// can miss something.
func hasRequirements(s *schema.Node) bool {
	if len(mandatoryChoices(s)) > 0 {
		return true
	}
	for _, c := range s.Children {
		switch {
		case c.Kind == schema.Leaf && c.Mandatory && !c.IsKey(),
			(c.Kind == schema.List || c.Kind == schema.LeafList) && c.MinElements > 0,
			c.Kind == schema.Container && !c.Presence && hasRequirements(c):
			return true
		}
	}
	return false
}

// mandatoryChoices finds the mandatory choices directly under data node s
// (possibly nested in cases of other choices) through goyang's entries:
// the compiled schema flattens choices away.
func mandatoryChoices(s *schema.Node) []*choicePlan {
	if s.Entry == nil {
		return nil
	}
	var out []*choicePlan
	var walk func(e *goyang.Entry)
	walk = func(e *goyang.Entry) {
		for _, c := range e.Dir {
			if !c.IsChoice() && !c.IsCase() {
				continue
			}
			if c.IsChoice() && c.Mandatory == goyang.TSTrue {
				cp := &choicePlan{name: c.Name}
				for _, k := range s.Children {
					if inEntry(k.Entry, c, s.Entry) {
						cp.members = append(cp.members, k)
					}
				}
				if len(cp.members) > 0 {
					out = append(out, cp)
				}
			}
			walk(c)
		}
	}
	walk(s.Entry)
	return out
}

// inEntry reports whether entry e sits below choice c, walking up to the
// data parent's entry stop.
func inEntry(e, c, stop *goyang.Entry) bool {
	if e == nil {
		return false
	}
	for x := e.Parent; x != nil && x != stop; x = x.Parent {
		if x == c {
			return true
		}
	}
	return false
}

// index registers the triggers of s's expressions.
func (p *plan) index(s *schema.Node) {
	np := p.nodes[s]
	for i, m := range np.must {
		if m.expr != nil {
			p.register(m.expr.Deps(s), &trigger{kind: unitMust, node: s, must: i})
		}
	}
	if np.when != nil {
		d := np.when.Deps(s)
		p.register(d, &trigger{kind: unitWhen, node: s})
		// A missing mandatory statement is excused by a false when: the
		// requirement checks of the parents that look at s depend on it.
		for a := s.Parent; a != nil; a = a.Parent {
			p.register(d, &trigger{kind: unitRequire, node: a})
			if a.Kind != schema.Container || a.Presence {
				break
			}
		}
	}
	if np.ref != nil && np.ref.expr != nil {
		d := np.ref.expr.Deps(s)
		for i := range d.Reads {
			d.Reads[i].Values = d.Reads[i].Values || d.Reads[i].Node == np.ref.target
		}
		p.register(d, &trigger{kind: unitLeafref, node: s, removalOnly: true})
	}
}

func (p *plan) register(d xpath.Deps, t *trigger) {
	t.scope = d.Scope
	if nd := t.node.Depth(); t.scope > nd {
		t.scope = nd
	}
	for _, r := range d.Reads {
		for a := r.Node; a != nil; a = a.Parent {
			p.below[a] = appendTrigger(p.below[a], t)
		}
		if r.Values {
			p.valuesAt[r.Node] = appendTrigger(p.valuesAt[r.Node], t)
		}
	}
}

func appendTrigger(ts []*trigger, t *trigger) []*trigger {
	for _, x := range ts {
		if x == t {
			return ts
		}
	}
	return append(ts, t)
}

// refPlan is a leafref's path, split for direct resolution when it has no
// predicates: ups `..` steps (or absolute), then the schema nodes down to
// the target.
type refPlan struct {
	target *schema.Node
	abs    bool
	ups    int
	downs  []*schema.Node
	expr   *xpath.Expr // the path as XPath: the fallback, and for Deps
	err    error
	what   string // the target's list name, for messages
}

func newRefPlan(s *schema.Node) *refPlan {
	rp := &refPlan{target: s.Target()}
	src := s.Type.Path
	rp.expr, rp.err = xpath.Compile(src)
	if rp.target == nil {
		return rp
	}
	rp.what = rp.target.Name
	if pt := rp.target.Parent; pt != nil && pt.Kind == schema.List {
		rp.what = pt.Name
	}
	if strings.ContainsAny(src, "[(") {
		return rp // predicates: evaluated as XPath
	}
	rp.abs = strings.HasPrefix(strings.TrimSpace(src), "/")
	cur := s
	if rp.abs {
		for cur.Parent != nil {
			cur = cur.Parent
		}
	}
	for _, st := range strings.Split(strings.Trim(strings.TrimSpace(src), "/"), "/") {
		st = strings.TrimSpace(st)
		if i := strings.IndexByte(st, ':'); i >= 0 {
			st = st[i+1:]
		}
		switch {
		case st == "" || st == ".":
		case st == "..":
			if len(rp.downs) > 0 || cur.Parent == nil {
				rp.downs = nil // up after down: leave it to XPath
				return rp
			}
			rp.ups++
			cur = cur.Parent
		default:
			if cur = cur.Child(st); cur == nil {
				return rp
			}
			rp.downs = append(rp.downs, cur)
		}
	}
	if cur != rp.target {
		rp.downs = nil
	}
	return rp
}

func hasPattern(t *goyang.YangType) bool {
	if len(t.Pattern) > 0 {
		return true
	}
	for _, u := range t.Type {
		if hasPattern(u) {
			return true
		}
	}
	return false
}
