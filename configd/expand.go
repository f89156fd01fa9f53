package configd

import (
	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Groups on the commit path: what subscribers and validation see is the
// configuration with its groups applied (package groups); the store keeps
// it as written. The expansion of the committed configuration is kept
// (Configd.expanded) so a commit expands only the new configuration, and
// only where it differs from the committed one (groups.ExpandFrom), and
// the check for undefined groups looks only at what a commit changes.

// expandedCommit describes the commit of next over old, both as written:
// subscribers get them with groups applied.
func expandedCommit(old, oldExp, next *tree.Node, check bool, defaults *tree.Node) *Commit {
	return commitOf(old, oldExp, next, groups.ExpandFrom(old, oldExp, next), check, defaults)
}

// commitOf is expandedCommit when next's expansion (newExp) is known.
func commitOf(old, oldExp, next, newExp *tree.Node, check bool, defaults *tree.Node) *Commit {
	changes := tree.Diff(oldExp, newExp)
	stored := changes
	if oldExp != old || newExp != next { // with groups, the trees as written differ otherwise
		stored = tree.Diff(old, next)
	}
	return &Commit{Check: check, Old: oldExp, New: newExp, Changes: changes,
		Defaults: defaults, stored: next, storedChanges: stored}
}

// committedExpandedLocked returns the committed configuration with its
// groups applied, expanded once per committed tree. c.mu is held.
func (c *Configd) committedExpandedLocked() *tree.Node {
	if c.expanded.of != c.committed {
		c.expanded.of, c.expanded.tree = c.committed, groups.Expand(c.committed)
	}
	return c.expanded.tree
}

// groupErrors reports apply-groups naming a group that is not defined, as
// Junos refuses them at commit. The configuration committed before passed
// the same check, so only what changes can fail it: the whole tree is
// searched when a group was changed (deleted, deactivated), otherwise only
// the statements the commit adds or changes.
func groupErrors(next *tree.Node, changes []tree.Change) []Diagnostic {
	defined := map[string]bool{}
	for _, g := range next.AllNamed(schema.GroupsName) {
		if !g.Inactive {
			defined[g.Key] = true
		}
	}
	var out []Diagnostic
	check := func(at tree.Path, n *tree.Node) {
		visit := func(p tree.Path, c *tree.Node) bool {
			if c.Inactive || (len(p) == 1 && c.S.Generic && c.S.Name == schema.GroupsName) {
				return false
			}
			if c.S.Name == schema.ApplyGroups && c.S.IsApplyGroups() && !defined[c.Value] {
				out = append(out, Diagnostic{Path: p.Parent(), Statement: "apply-groups " + tree.Quote(c.Value), Message: "group not defined"})
			}
			return true
		}
		if len(at) == 0 || visit(at, n) {
			n.Walk(func(p tree.Path, c *tree.Node) bool {
				return visit(append(at[:len(at):len(at)], p...), c)
			})
		}
	}
	whole := false
	for _, ch := range changes {
		if len(ch.Path) > 0 && ch.Path[0].S.Generic && ch.Path[0].S.Name == schema.GroupsName {
			whole = true
			break
		}
	}
	if whole {
		check(nil, next)
		return out
	}
	for _, ch := range changes {
		if ch.New == nil || len(ch.Path) == 0 || !activePath(next, ch.Path.Parent()) {
			continue
		}
		check(ch.Path, ch.New)
	}
	return out
}

// activePath reports whether every statement along p in root is there and
// active.
func activePath(root *tree.Node, p tree.Path) bool {
	cur := root
	for _, st := range p {
		if cur = cur.Child(st.S, st.ID()); cur == nil || cur.Inactive {
			return false
		}
	}
	return true
}
