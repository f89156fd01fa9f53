package configd

import (
	"regexp"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
)

// ReplacePattern is Junos' `replace pattern P with R [upto N]` at the edit
// level at: every identifier (list key, leaf-list value) and leaf value
// under it that the POSIX regular expression pattern matches has each
// match replaced with with (\1…\9 and & refer to the match's groups and
// the whole match, as on Junos). upto N > 0 replaces N objects only,
// siblings before children (breadth first); several matches within one
// value are one object. Every new value is checked against its type and
// the edit is all or nothing. It returns the objects replaced.
func (s *Session) ReplacePattern(at tree.Path, pattern, with string, upto int) (int, error) {
	re, err := regexp.CompilePOSIX(pattern)
	if err != nil {
		return 0, errkind.Errorf(ErrInvalid, "invalid pattern '%s': %v", pattern, err)
	}
	repl := junosReplacement(with)
	type change struct {
		p   tree.Path
		old string
		new string
	}
	var changes []change
	base := s.Candidate().Get(at)
	if base == nil {
		return 0, errkind.Errorf(ErrNotFound, "statement not found")
	}
	type item struct {
		p tree.Path
		n *tree.Node
	}
	queue := []item{{at, base}}
	for len(queue) > 0 && (upto <= 0 || len(changes) < upto) {
		it := queue[0]
		queue = queue[1:]
		for _, c := range it.n.Kids() {
			p := it.p.Append(c.Step())
			if v, ok := replaceable(c); ok && re.MatchString(v) {
				changes = append(changes, change{p, v, re.ReplaceAllString(v, repl)})
				if upto > 0 && len(changes) == upto {
					break
				}
			}
			queue = append(queue, item{p, c})
		}
	}
	for _, c := range changes {
		if err := checkReplaced(c.p[len(c.p)-1].S, c.new); err != nil {
			return 0, errkind.Errorf(ErrInvalid, "%s: cannot replace '%s' with '%s': %v", c.p.Parent(), c.old, c.new, err)
		}
	}
	var touched []tree.Path
	for _, c := range changes {
		touched = append(touched, c.p)
	}
	err = s.editTouching(touched, func(e *tree.Editor) error {
		// Deepest first: a child's path still names its parent's old key.
		for i := len(changes) - 1; i >= 0; i-- {
			c := changes[i]
			last := c.p[len(c.p)-1]
			if c.old == c.new {
				continue
			}
			switch last.S.Kind {
			case schema.Leaf:
				last.Value = c.new
				if err := e.Set(c.p.Parent().Append(last)); err != nil {
					return err
				}
			default:
				if err := e.Rename(c.p, c.new); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(changes), nil
}

// replaceable is what replace pattern may change of n: a leaf's value, a
// leaf-list item, a list entry's key.
func replaceable(n *tree.Node) (string, bool) {
	switch n.S.Kind {
	case schema.Leaf:
		return n.Value, n.S.Type != nil && n.Value != ""
	case schema.LeafList:
		return n.Value, true
	case schema.List:
		return n.Key, true
	}
	return "", false
}

// checkReplaced checks a new value, or a new key against the list's key
// leaves.
func checkReplaced(s *schema.Node, v string) error {
	if s.Kind != schema.List {
		return s.CheckValue(v)
	}
	vals := strings.Fields(v)
	if len(vals) != len(s.Keys) {
		return errkind.Errorf(ErrInvalid, "expecting %d key values", len(s.Keys))
	}
	for i, k := range s.Keys {
		if kl := s.Child(k); kl != nil && kl.Type != nil {
			if err := kl.CheckValue(vals[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// junosReplacement turns Junos' replacement syntax (\1…\9 for groups, &
// for the whole match, \ escaping) into Go's (${1}, ${0}, $$).
func junosReplacement(with string) string {
	var b strings.Builder
	for i := 0; i < len(with); i++ {
		switch c := with[i]; {
		case c == '\\' && i+1 < len(with) && with[i+1] >= '0' && with[i+1] <= '9':
			b.WriteString("${" + string(with[i+1]) + "}")
			i++
		case c == '\\' && i+1 < len(with):
			b.WriteByte(with[i+1])
			i++
		case c == '&':
			b.WriteString("${0}")
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
