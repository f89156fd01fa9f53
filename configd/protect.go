package configd

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
)

// Protected statements (`protect PATH`): a protected statement and
// everything below it refuse every change until `unprotect`. The rule is
// enforced once, on the result of an edit rather than in each verb: after
// any edit (set, delete, deactivate, annotate, rename, copy, insert, load,
// rollback, replace) configd diffs the candidate before and after, and
// every change at or below a protected statement is undone by putting the
// protected subtree back as it was. Everything else the edit did stays, as
// Junos deletes the unprotected statements of a hierarchy and keeps the
// protected ones. Each refusal is reported as Junos words it:
//
//	warning: [system] is protected, 'system host-name r2' cannot be modified
//
// The cost is that of the diff (what the edit changed) plus the size of
// deleted subtrees, searched for protected statements below them.

// ProtectedError lists the changes an edit could not make because they
// touch protected statements. The rest of the edit was made.
type ProtectedError struct {
	Warnings []string
}

func (e *ProtectedError) Error() string { return strings.Join(e.Warnings, "\n") }

// Is makes a ProtectedError of gnos's kind Permission.
func (e *ProtectedError) Is(target error) bool { return target == errkind.Permission }

// guardProtectedDiff returns next with every change from prev that touches a
// protected statement of prev undone, and the warnings for them. verb is
// what the edit would have done ("modified", "deleted", "deactivated" …).
//
// changes is tree.Diff(prev, next), which the caller has already (and uses
// again to store the edit).
func guardProtectedDiff(prev, next *tree.Node, changes []tree.Change, verb string) (*tree.Node, []string) {
	if prev == next {
		return next, nil
	}
	var restore []tree.Path
	var warnings []string
	covered := func(p tree.Path) bool {
		for _, r := range restore {
			if len(r) <= len(p) && r.SameStatement(p[:len(r)]) {
				return true
			}
		}
		return false
	}
	add := func(prot, stmt tree.Path, gone bool) {
		if covered(prot) {
			return
		}
		restore = append(restore, prot)
		name := stmt.String()
		if gone { // a deleted statement is named without its value
			name = stmt.Statement()
		}
		warnings = append(warnings, fmt.Sprintf("warning: [%s] is protected, '%s' cannot be %s",
			prot.Statement(), name, verb))
	}
	for _, ch := range changes {
		if protectOnly(ch) {
			continue // protect: / unprotect: in a load changes protection itself
		}
		if prot := protectedAt(prev, ch.Path); prot != nil {
			add(prot, ch.Path, ch.New == nil)
			continue
		}
		if ch.Old != nil && (ch.New == nil || ch.Old.NumKids() > 0) {
			// deleting (or replacing) a subtree: its protected statements stay
			ch.Old.Walk(func(p tree.Path, c *tree.Node) bool {
				if !c.Protected {
					return true
				}
				full := append(ch.Path[:len(ch.Path):len(ch.Path)], p...)
				if next.Get(full) != c {
					add(full, full, true)
				}
				return false
			})
		}
	}
	if len(restore) == 0 {
		return next, nil
	}
	e := tree.NewEditor(next)
	for _, p := range restore {
		_ = e.Put(p, prev.Get(p)) // p is in prev: protectedAt or the walk found it there
	}
	return e.Freeze(), warnings
}

// protectOnly reports whether ch changes only a statement's protection.
func protectOnly(ch tree.Change) bool {
	return ch.Old != nil && ch.New != nil && !ch.Moved && ch.Old.Protected != ch.New.Protected &&
		ch.Old.Value == ch.New.Value && ch.Old.Inactive == ch.New.Inactive && ch.Old.Comment == ch.New.Comment
}

// protectedAt returns the path of the nearest protected statement of root
// at or above p, or nil.
func protectedAt(root *tree.Node, p tree.Path) tree.Path {
	cur := root
	var found tree.Path
	for i, st := range p {
		if cur = cur.Child(st.S, st.ID()); cur == nil {
			break
		}
		if cur.Protected {
			found = p[: i+1 : i+1]
			break
		}
	}
	return found
}
