package validate

import (
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/configd/xpath"
)

// validator holds one run's state. stack is the ancestor chain of the node
// being checked, the root first (what XPath contexts and error paths are
// made of).
type validator struct {
	p        *plan
	root     *tree.Node
	defaults *tree.Node
	stack    []*tree.Node
	errs     []*Error
	memo     *valueMemo // full mode: CheckValue results of patterned types
}

// valueMemo is a direct-mapped cache of CheckValue results for types
// with patterns (regular expressions dominate full validation, and
// values such as application names repeat). It never allocates: a
// collision just replaces the slot.
type valueMemo struct {
	seed  maphash.Seed
	slots [4096]memoSlot
}

type memoSlot struct {
	s   *schema.Node
	v   string
	err error
}

func (v *validator) push(n *tree.Node) { v.stack = append(v.stack, n) }
func (v *validator) pop()              { v.stack = v.stack[:len(v.stack)-1] }
func (v *validator) top() *tree.Node   { return v.stack[len(v.stack)-1] }

// path returns the tree path of the first n nodes of the stack (the root
// excluded).
func (v *validator) path(n int) tree.Path {
	p := make(tree.Path, 0, n)
	for _, x := range v.stack[1:n] {
		p = append(p, x.Step())
	}
	return p
}

// report records an error about statement stmt (schema s, id the key or
// leaf-list value): a child of the node on top of the stack, or, when
// self is set, that node's own statement.
func (v *validator) report(self bool, stmt string, s *schema.Node, id, format string, args ...any) {
	n := len(v.stack)
	if self {
		n--
	}
	v.errs = append(v.errs, &Error{
		Path:      v.path(n),
		Statement: stmt,
		Message:   fmt.Sprintf(format, args...),
		stmt:      s,
		stmtID:    id,
	})
}

// tag sets the error-app-tag of the error just reported.
func (v *validator) tag(appTag string) { v.errs[len(v.errs)-1].AppTag = appTag }

// statement is how an error names node n: `stateful-firewall-rules R9`,
// `service-set S1`, `ge-0/0/0` (a flat list), `disable`.
func statement(n *tree.Node) string {
	return tree.Path{n.Step()}.String()
}

// subtree checks the node on top of the stack and everything active below
// it.
func (v *validator) subtree() {
	n := v.top()
	v.own()
	if n.S.Kind == schema.Container || n.S.Kind == schema.List || len(v.stack) == 1 {
		v.require(n.S, n)
		for _, l := range v.p.nodes[n.S].uniques {
			v.unique(l)
		}
	}
	for _, k := range n.Kids() {
		if k.Inactive || k.S.IsKey() || k.S.InGroup {
			continue // a group's contents are checked where they apply
		}
		v.push(k)
		v.subtree()
		v.pop()
	}
}

// own runs the checks of the node on top of the stack that concern the
// node itself: its value, its leafref, its keys, its musts and its when.
func (v *validator) own() {
	n := v.top()
	if len(v.stack) == 1 {
		return // the root
	}
	np := v.p.nodes[n.S]
	switch n.S.Kind {
	case schema.Leaf, schema.LeafList:
		if err := v.checkValue(n.S, n.Value); err != nil {
			v.report(true, statement(n), n.S, n.ID(), "%v", err)
		} else if np.ref != nil {
			v.leafref(np.ref, n.Value, nil)
		}
	case schema.List:
		v.keys(np)
	}
	for i := range np.must {
		v.must(np, i, nil)
	}
	if np.when != nil || np.whenErr != nil {
		v.when(np)
	}
}

// checkValue checks val against the type of s.
func (v *validator) checkValue(s *schema.Node, val string) error {
	np := v.p.nodes[s]
	if v.memo == nil || !np.patterned {
		return np.check.CheckValue(val)
	}
	slot := &v.memo.slots[maphash.String(v.memo.seed, val)%uint64(len(v.memo.slots))]
	if slot.s == np.check && slot.v == val {
		return slot.err
	}
	err := np.check.CheckValue(val)
	*slot = memoSlot{np.check, val, err}
	return err
}

// keys checks the key values of the list entry on top of the stack, and
// the leafrefs and musts of its key leaves (which the tree does not hold).
func (v *validator) keys(np *nodePlan) {
	n := v.top()
	fields := []string{n.Key}
	if len(np.keys) > 1 {
		fields = strings.Fields(n.Key)
	}
	for i, k := range np.keys {
		val := ""
		if i < len(fields) {
			val = fields[i]
		}
		if err := v.checkValue(k, val); err != nil {
			v.report(true, statement(n), n.S, n.ID(), "%s: %v", k.Name, err)
			continue
		}
		kp := v.p.nodes[k]
		if kp.ref != nil {
			v.leafref(kp.ref, val, k)
		}
		for j := range kp.must {
			v.must(kp, j, k)
		}
	}
}

// must evaluates must i of np on the node on top of the stack (or on its
// key leaf virt).
func (v *validator) must(np *nodePlan, i int, virt *schema.Node) {
	m := np.must[i]
	n := v.top()
	if m.err != nil {
		v.report(true, statement(n), n.S, n.ID(), "invalid must expression: %v", m.err)
		return
	}
	ok, err := m.expr.EvalBool(xpath.Context{Path: v.stack, Virt: virt})
	switch {
	case err != nil:
		v.report(true, statement(n), n.S, n.ID(), "must condition could not be evaluated: %v", err)
	case !ok && m.msg != "":
		v.report(true, statement(n), n.S, n.ID(), "%s", m.msg)
		v.tag(AppMustViolation)
	case !ok:
		v.report(true, statement(n), n.S, n.ID(), "must condition failed: %s", m.src)
		v.tag(AppMustViolation)
	}
}

// when checks the when of the node on top of the stack: a statement whose
// when is false is not valid where it is.
func (v *validator) when(np *nodePlan) {
	n := v.top()
	if np.whenErr != nil {
		v.report(true, statement(n), n.S, n.ID(), "invalid when expression: %v", np.whenErr)
		return
	}
	ok, err := np.when.EvalBool(xpath.Context{Path: v.stack})
	switch {
	case err != nil:
		v.report(true, statement(n), n.S, n.ID(), "when condition could not be evaluated: %v", err)
	case !ok:
		v.report(true, statement(n), n.S, n.ID(), "statement not valid here: when condition failed: %s", np.when)
	}
}

// whenHolds evaluates the when of child c of the node on top of the stack
// as if c existed; c without a when, or one that fails to evaluate, holds.
func (v *validator) whenHolds(c *schema.Node) bool {
	np := v.p.nodes[c]
	if np.when == nil {
		return true
	}
	ok, err := np.when.EvalBool(xpath.Context{Path: v.stack, Virt: c})
	return ok || err != nil
}

// require checks what instance n (on top of the stack) of s must hold. n
// is a synthesized empty node for a non-presence container that is absent
// while its parent exists.
func (v *validator) require(s *schema.Node, n *tree.Node) {
	np := v.p.nodes[s]
	for _, c := range np.required {
		if c.Case != nil && !caseSelected(n, c.Case) {
			continue
		}
		switch c.Kind {
		case schema.Leaf:
			if active(n.Child(c, "")) == nil && v.whenHolds(c) {
				v.report(false, c.Name, c, "", "Missing mandatory statement: '%s'", c.Name)
			}
		case schema.List, schema.LeafList:
			v.count(n, c)
		case schema.Container:
			if active(n.Child(c, "")) != nil || !v.whenHolds(c) {
				continue // a present container is checked on its own
			}
			v.push(&tree.Node{S: c})
			v.require(c, v.top())
			v.pop()
		}
	}
	for _, ch := range np.choices {
		if !choiceSet(n, ch) {
			names := make([]string, len(ch.members))
			for i, m := range ch.members {
				names[i] = "'" + m.Name + "'"
			}
			v.report(false, ch.name, ch.members[0], "", "Missing mandatory statement: one of %s", strings.Join(names, ", "))
			v.tag(AppMissingChoice)
		}
	}
}

// count checks min-elements and max-elements of list or leaf-list c.
func (v *validator) count(n *tree.Node, c *schema.Node) {
	got := 0
	for _, e := range n.All(c) {
		if !e.Inactive {
			got++
		}
	}
	switch {
	case got < c.MinElements && got == 0 && v.whenHolds(c):
		v.report(false, c.Name, c, "", "Missing mandatory statement: '%s'", c.Name)
	case got < c.MinElements && got > 0:
		v.report(false, c.Name, c, "", "Too few '%s' statements: %d, at least %d required", c.Name, got, c.MinElements)
		v.tag(AppTooFewElements)
	case c.MaxElements > 0 && got > c.MaxElements:
		v.report(false, c.Name, c, "", "Too many '%s' statements: %d, at most %d allowed", c.Name, got, c.MaxElements)
		v.tag(AppTooManyElements)
	}
}

// all returns n's children with schema s, like n.All(s) but scanning
// small nodes instead of binary-searching them (cheaper below ~16
// children, which is most nodes).
func all(n *tree.Node, s *schema.Node) []*tree.Node {
	if n.NumKids() > 16 {
		return n.All(s)
	}
	kids := n.KidSlice() // short: the node's own slice
	for i, k := range kids {
		if k.S == s {
			j := i + 1
			for j < len(kids) && kids[j].S == s {
				j++
			}
			return kids[i:j]
		}
	}
	return nil
}

// child returns n's active child with schema s, for containers and leaves.
func child(n *tree.Node, s *schema.Node) *tree.Node {
	if k := all(n, s); len(k) > 0 && !k[0].Inactive {
		return k[0]
	}
	return nil
}

func active(n *tree.Node) *tree.Node {
	if n == nil || n.Inactive {
		return nil
	}
	return n
}

// caseSelected reports whether some active child of n belongs to case cs.
func caseSelected(n *tree.Node, cs *schema.Case) bool {
	for _, k := range n.Kids() {
		if c := k.S.Case; c != nil && !k.Inactive && c.Choice == cs.Choice && c.Name == cs.Name {
			return true
		}
	}
	return false
}

func choiceSet(n *tree.Node, ch *choicePlan) bool {
	for _, m := range ch.members {
		for _, k := range n.All(m) {
			if !k.Inactive {
				return true
			}
		}
	}
	return false
}

// unique checks the unique statements of list l, a child of the node on
// top of the stack. A later entry repeating the values of an earlier one
// is reported; entries missing one of the leaves are not considered.
func (v *validator) unique(l *schema.Node) {
	n := v.top()
	entries := n.All(l)
	for _, spec := range l.Unique {
		seen := make(map[string]*tree.Node, len(entries))
		for _, e := range entries {
			if e.Inactive {
				continue
			}
			vals, ok := uniqueValues(e, spec)
			if !ok {
				continue
			}
			if first, dup := seen[vals]; dup {
				v.push(e)
				v.report(true, statement(e), l, e.Key, "%s '%s' is not unique: also used by %s",
					strings.Join(spec, " "), strings.ReplaceAll(vals, "\x00", " "), statement(first))
				v.tag(AppDataNotUnique)
				v.pop()
				continue
			}
			seen[vals] = e
		}
	}
}

// uniqueValues joins the values of the leaves a unique statement names,
// relative to entry e (defaults included, as RFC 7950 section 7.8.3 says).
func uniqueValues(e *tree.Node, spec []string) (string, bool) {
	var b strings.Builder
	for i, p := range spec {
		val, ok := leafAt(e, p)
		if !ok {
			return "", false
		}
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(val)
	}
	return b.String(), true
}

// leafAt returns the value of the leaf at relative path p (steps separated
// by '/', prefixes ignored) below n.
func leafAt(n *tree.Node, p string) (string, bool) {
	steps := strings.Split(p, "/")
	for i, st := range steps {
		if j := strings.IndexByte(st, ':'); j >= 0 {
			st = st[j+1:]
		}
		s := n.S.Child(st)
		if s == nil {
			return "", false
		}
		if i == len(steps)-1 {
			if s.IsKey() {
				return keyField(n, s.Name), true
			}
			if c := active(n.Child(s, "")); c != nil {
				return c.Value, true
			}
			if len(s.Default) > 0 && s.Case == nil {
				return s.Default[0], true
			}
			return "", false
		}
		if n = active(n.Child(s, "")); n == nil {
			return "", false
		}
	}
	return "", false
}

func keyField(e *tree.Node, name string) string {
	if len(e.S.Keys) == 1 {
		return e.Key
	}
	f := strings.Fields(e.Key)
	for i, k := range e.S.Keys {
		if k == name && i < len(f) {
			return f[i]
		}
	}
	return ""
}

// leafref checks that val, the value of the leaf or leaf-list item on top
// of the stack (or of its key leaf virt), exists as an active instance of
// its target, in the configuration or in the predefined defaults.
func (v *validator) leafref(rp *refPlan, val string, virt *schema.Node) {
	n := v.top()
	if rp.target == nil || rp.err != nil {
		if rp.err != nil {
			v.report(true, statement(n), n.S, n.ID(), "invalid leafref path: %v", rp.err)
		}
		return
	}
	if v.refExists(rp, val, virt) {
		return
	}
	v.report(true, statement(n), n.S, n.ID(), "Referenced %s '%s' is not defined", rp.what, val)
	v.tag(AppInstanceRequired)
}

func (v *validator) refExists(rp *refPlan, val string, virt *schema.Node) bool {
	if rp.downs == nil {
		return v.refExistsXPath(rp, val, virt)
	}
	base := 0
	if !rp.abs {
		leaf := len(v.stack) - 1 // the leaf's place in the stack
		if virt != nil {
			leaf++
		}
		if base = leaf - rp.ups; base < 0 || base >= len(v.stack) {
			return false
		}
	}
	if findValue(v.stack[base], rp.downs, val) {
		return true
	}
	if v.defaults == nil {
		return false
	}
	d := v.defaults
	if base > 0 {
		d = d.Get(v.path(base + 1))
	}
	return findValue(d, rp.downs, val)
}

// refExistsXPath resolves a leafref path with predicates by evaluating it
// (on the configuration only).
func (v *validator) refExistsXPath(rp *refPlan, val string, virt *schema.Node) bool {
	res, err := rp.expr.Eval(xpath.Context{Path: v.stack, Virt: virt})
	if err != nil {
		return true // reported by CheckSchema; do not pile up errors
	}
	for _, x := range res.Nodes() {
		if x.String() == val {
			return true
		}
	}
	if v.defaults != nil && strings.HasPrefix(strings.TrimSpace(rp.expr.String()), "/") {
		res, err := rp.expr.Eval(xpath.Context{Path: []*tree.Node{v.defaults}})
		if err == nil {
			for _, x := range res.Nodes() {
				if x.String() == val {
					return true
				}
			}
		}
	}
	return false
}

// findValue reports whether an active instance of the path downs below n
// has value val. The entry of the last list on the way to its key is
// found by key.
func findValue(n *tree.Node, downs []*schema.Node, val string) bool {
	if n == nil || n.Inactive {
		return false
	}
	s := downs[0]
	if len(downs) == 1 {
		switch {
		case s.IsKey() && n.S == s.Parent:
			return keyField(n, s.Name) == val
		case s.Kind == schema.LeafList:
			return active(n.Child(s, val)) != nil
		}
		c := active(n.Child(s, ""))
		return c != nil && c.Value == val
	}
	switch s.Kind {
	case schema.List:
		if len(downs) == 2 && downs[1].IsKey() && len(s.Keys) == 1 {
			return active(n.Child(s, val)) != nil
		}
		for _, e := range n.All(s) {
			if findValue(e, downs[1:], val) {
				return true
			}
		}
		return false
	case schema.Container:
		return findValue(n.Child(s, ""), downs[1:], val)
	}
	return false
}
