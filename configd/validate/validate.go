// Package validate checks a configuration tree against the constraints of
// its YANG schema that the tree itself does not enforce, the ones ygot does
// not validate: value types, ranges, lengths and patterns of every leaf;
// leafref require-instance (the target may also be in the predefined
// junos-defaults); mandatory leaves and choices, min-elements and
// max-elements; must; when; unique.
//
// Validation runs on every commit of configurations of ~300,000 lines,
// so it has two modes with the same answers. Full mode walks the active
// configuration once: a map lookup of the per-schema plan per node, with
// pattern checks memoised in a small fixed cache. Incremental mode takes
// the changes of the commit (tree.Diff, which costs what changed) and
// checks only what they can affect:
//
//   - every added, activated or modified subtree, completely;
//   - the ancestors of each change: their own checks, their requirements
//     (mandatory, min/max-elements: a deletion can break them), and the
//     unique statements of the lists the change is in;
//   - every expression elsewhere that reads what changed. The plan
//     analyses each must, when and leafref path against the schema
//     (xpath.Deps): which schema nodes it reads and how far up from its
//     context node it reaches (its scope). A change at schema node M
//     re-runs the expressions reading M, something below M, or the
//     values of an ancestor of M, on their instances under the changed
//     path's ancestor at their scope depth. A local constraint (`../x`)
//     costs a few evaluations; an absolute reference, such as every
//     leafref to a deleted or renamed list entry, costs a scan of the
//     referring instances, and leafrefs are only re-checked on removals.
//
// The trade-offs: incremental mode needs the schema analysis to be
// conservative, so an expression reading `*` or a container's
// string-value is re-run on any change below those nodes; a unique
// statement re-checks its whole list when one entry changes; and a
// configuration that was already invalid keeps errors incremental mode
// does not see (commits only ever start from a valid one).
//
// Inactive statements, and everything below them, are not part of the
// active configuration: validation ignores them, and activating or
// deactivating a statement counts as adding or deleting it.
//
// Not checked, because the compiled schema does not carry them: when
// statements on choices, cases, augments and uses; leafrefs inside
// unions. A leafref whose path has predicates is resolved by XPath, in
// the configuration and, for an absolute path, in the defaults. In XPath
// a leaf's default value is visible only for leaves outside choices, and
// `unique` counts defaults the same way.
//
// Validate is safe for concurrent use: trees are immutable and the plan
// is built once per schema.
//
// Messages follow Junos' wording where Junos has one ("Missing mandatory
// statement: 'class'", "Referenced application 'x' is not defined"), and
// Error.Format renders the `[edit …]` banner Junos prints.
package validate

import (
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Options tune a validation.
type Options struct {
	// Defaults is the predefined junos-defaults tree (same schema root):
	// leafrefs may point into it (applications junos-http).
	Defaults *tree.Node
	// Changes, when not nil, makes validation incremental: only what the
	// changes (from Old to the validated tree) can affect is checked. Nil
	// with Old set means tree.Diff(Old, root); nil without Old validates
	// everything.
	Changes []tree.Change
	// Old is the tree the changes apply to, used to tell whether a removed
	// statement was active.
	Old *tree.Node
}

// Error is one validation failure, named the way Junos names it: the path
// of the statement's parent (the [edit …] banner), the statement, and
// the message.
type Error struct {
	Path      tree.Path // the statement's parent
	Statement string    // e.g. "class" or "stateful-firewall-rules R9"
	Message   string
	AppTag    string // RFC 7950 section 15's error-app-tag, when one applies

	stmt   *schema.Node // the statement's schema node, for ordering
	stmtID string
}

// The error-app-tags of RFC 7950 section 15, which NETCONF reports with
// the rpc-error of the violation.
const (
	AppTooManyElements  = "too-many-elements"
	AppTooFewElements   = "too-few-elements"
	AppDataNotUnique    = "data-not-unique"
	AppMustViolation    = "must-violation"
	AppMissingChoice    = "missing-choice"
	AppInstanceRequired = "instance-required"
)

// Format renders e as Junos does, on three lines (no trailing newline):
//
//	[edit system login user bob]
//	  'class'
//	    Missing mandatory statement: 'class'
func (e *Error) Format() string {
	return e.Path.Edit() + "\n  '" + e.Statement + "'\n    " + e.Message
}

// Error returns e on one line.
func (e *Error) Error() string {
	return e.Path.Edit() + " '" + e.Statement + "': " + e.Message
}

// Validate checks root and returns its errors in display order (nil when
// the configuration is valid).
func Validate(root *tree.Node, opts Options) []*Error {
	if root == nil {
		return nil
	}
	v := &validator{
		p:        planFor(schemaRoot(root.S)),
		root:     root,
		defaults: opts.Defaults,
	}
	changes := opts.Changes
	if changes == nil && opts.Old != nil {
		changes = tree.Diff(opts.Old, root)
		if changes == nil {
			return nil
		}
	}
	changes = outsideGroups(changes)
	if changes == nil {
		v.memo = &valueMemo{seed: maphash.MakeSeed()}
		v.push(root)
		v.subtree()
	} else {
		newIncremental(v, opts.Old).run(changes)
	}
	return v.sorted()
}

// outsideGroups drops the changes inside `groups NAME`: a group's
// contents are not configuration until applied (configd validates the
// configuration with its groups applied). Nil stays nil (a full check).
func outsideGroups(changes []tree.Change) []tree.Change {
	if changes == nil {
		return nil
	}
	out := changes[:0:0]
	for _, ch := range changes {
		if len(ch.Path) > 1 && ch.Path[1].S.InGroup {
			continue
		}
		out = append(out, ch)
	}
	if out == nil {
		out = []tree.Change{}
	}
	return out
}

func schemaRoot(s *schema.Node) *schema.Node {
	for s.Parent != nil {
		s = s.Parent
	}
	return s
}

// sorted orders the errors by the display order of their statements and
// removes duplicates (incremental mode can reach a check twice).
func (v *validator) sorted() []*Error {
	if len(v.errs) == 0 {
		return nil
	}
	type keyed struct {
		e   *Error
		pos []int
	}
	ks := make([]keyed, len(v.errs))
	for i, e := range v.errs {
		ks[i] = keyed{e, positions(v.root, e)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if c := slices.Compare(a.pos, b.pos); c != 0 {
			return c < 0
		}
		if a.e.Statement != b.e.Statement {
			return a.e.Statement < b.e.Statement
		}
		return a.e.Message < b.e.Message
	})
	out := make([]*Error, 0, len(ks))
	for i, k := range ks {
		if i > 0 {
			p := out[len(out)-1]
			if p.Message == k.e.Message && p.Statement == k.e.Statement && p.Path.Equal(k.e.Path) {
				continue
			}
		}
		out = append(out, k.e)
	}
	return out
}

// positions is e's sort key: the display position of each step of its
// path, then of its statement (where it is or would be inserted).
func positions(root *tree.Node, e *Error) []int {
	out := make([]int, 0, len(e.Path)+1)
	n := root
	for _, st := range e.Path {
		i, c := position(n, st.S, st.ID())
		out = append(out, i)
		n = c
	}
	if e.stmt != nil {
		i, _ := position(n, e.stmt, e.stmtID)
		out = append(out, i)
	}
	return out
}

// position returns twice the index of n's child with schema s and id (odd:
// where it would be inserted, when absent) and the child.
func position(n *tree.Node, s *schema.Node, id string) (int, *tree.Node) {
	if n == nil {
		return 0, nil
	}
	if s.IsKey() && n.S == s.Parent {
		return -1, nil
	}
	lo := sort.Search(n.NumKids(), func(i int) bool { return n.Kid(i).S.Index >= s.Index })
	hi := sort.Search(n.NumKids(), func(i int) bool { return n.Kid(i).S.Index > s.Index })
	if s.KeyOrdered() {
		i := lo + sort.Search(hi-lo, func(i int) bool { return !tree.KeyLess(n.Kid(lo+i).Key, id) })
		if i < hi && n.Kid(i).Key == id {
			return 2 * i, n.Kid(i)
		}
		return 2*i - 1, nil
	}
	for i := lo; i < hi; i++ {
		if n.Kid(i).ID() == id {
			return 2 * i, n.Kid(i)
		}
	}
	return 2*hi - 1, nil
}

// String renders errs the way a failed commit prints them.
func String(errs []*Error) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintln(&b, e.Format())
	}
	return b.String()
}
