package tree

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gnos/gnos/configd/schema"
)

// Step is one element of a configuration path.
type Step struct {
	S     *schema.Node
	Key   string // list entry key (several keys space-joined)
	Value string // leaf value, or the leaf-list item
	All   bool   // a list or leaf-list named without key or value: all entries
}

// ID is what identifies the step's node among its siblings: the key of a
// list entry, the value of a leaf-list item, "" otherwise.
func (st Step) ID() string { return st.id() }

func (st Step) id() string {
	switch st.S.Kind {
	case schema.List:
		return st.Key
	case schema.LeafList:
		return st.Value
	}
	return ""
}

// Path is a sequence of steps from some node (usually the root).
type Path []Step

// Tokens renders p the way the CLI spells it: `services service-set S1`,
// `interfaces ge-0/0/0 unit 0`. Values are included for leaves.
func (p Path) Tokens(withValues bool) []string {
	var out []string
	for _, st := range p {
		if st.S.Kind == schema.List && st.S.Flat && !st.All {
			out = append(out, st.Key)
			continue
		}
		if st.S.Parent != nil && st.S.Parent.Value == st.S { // autonomous-system 65000
			if withValues && st.Value != "" {
				out = append(out, st.Value)
			}
			continue
		}
		out = append(out, st.S.Name)
		switch st.S.Kind {
		case schema.List:
			if !st.All {
				out = append(out, strings.Fields(st.Key)...)
			}
		case schema.Leaf, schema.LeafList:
			if withValues && !st.S.IsEmptyType() && (st.Value != "" || st.S.Kind == schema.LeafList) {
				out = append(out, st.Value)
			}
		}
	}
	return out
}

// String is the path in CLI form with quoting where needed.
func (p Path) String() string {
	t := p.Tokens(true)
	for i, s := range t {
		t[i] = Quote(s)
	}
	return strings.Join(t, " ")
}

// Edit is the path as Junos prints it in an `[edit …]` banner: leaves'
// values left out.
func (p Path) Edit() string {
	if len(p) == 0 {
		return "[edit]"
	}
	return "[edit " + p.Statement() + "]"
}

// Parent returns p without its last step.
func (p Path) Parent() Path {
	if len(p) == 0 {
		return nil
	}
	return p[:len(p)-1]
}

// Equal reports whether p and q name the same statements: the same schema
// nodes, keys and values step by step (All, a way of naming, is not
// compared).
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i].S != q[i].S || p[i].Key != q[i].Key || p[i].Value != q[i].Value {
			return false
		}
	}
	return true
}

// SameStatement reports whether p and q name the same statement: the
// same schema nodes and keys; unlike Equal, a leaf's value is not part
// of its identity (`system host-name a` and `system host-name b` are one
// statement).
func (p Path) SameStatement(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i].S != q[i].S || p[i].id() != q[i].id() {
			return false
		}
	}
	return true
}

// Statement is the path in CLI form without a leaf's value, as error
// messages name a statement: `system host-name`.
func (p Path) Statement() string {
	t := p.Tokens(false)
	for i, s := range t {
		t[i] = Quote(s)
	}
	return strings.Join(t, " ")
}

// Append returns a new path (never aliasing p) with steps added.
func (p Path) Append(st ...Step) Path {
	out := make(Path, 0, len(p)+len(st))
	return append(append(out, p...), st...)
}

// Quote returns s quoted when the CLI or curly-brace text needs it.
func Quote(s string) string {
	if s == "" {
		return `""`
	}
	if s == SecretMask {
		return s
	}
	if strings.ContainsAny(s, " \t\r\n\"';{}[]#|$\\") || strings.HasPrefix(s, "/*") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
	}
	return s
}

// PathError is a path or value problem found while parsing CLI tokens.
// Token is the index of the offending token (len(tokens) when one is
// missing), so the CLI can put its caret under it.
type PathError struct {
	Token  int
	Msg    string
	Expect []string // what would have been accepted, for help
}

func (e *PathError) Error() string { return e.Msg }

// ParseMode says what a path may end at.
type ParseMode int

// Parse modes.
const (
	// ForSet: the path ends at a leaf with its value (or a type-empty leaf),
	// a leaf-list with one or more values, or a container or list entry.
	ForSet ParseMode = iota
	// ForRef: the path names existing configuration (delete, show, edit,
	// activate, …): it may stop at a list or leaf-list (all entries) or at a
	// leaf without its value.
	ForRef
)

// ParseTokens resolves CLI tokens relative to the schema node at base.
// For ForSet, a leaf-list may take `[ a b c ]`: the result then holds one
// path per value (all sharing a prefix). For ForSet too, a leaf or
// leaf-list may be followed by more statements of its container or
// entry, as Junos takes them: `port range low 20000 high 20999`,
// `address 192.0.2.1/24 primary preferred` (one path each).
func ParseTokens(base *schema.Node, toks []string, mode ParseMode) ([]Path, error) {
	var p Path
	var done []Path // the statements of the line before the current one (ForSet)
	cur := base
	i := 0
	// more ends a leaf's or leaf-list's paths: the line's last, or, with
	// tokens left and ForSet, on to the next statement of cur.
	more := func(ps ...Path) bool {
		done = append(done, ps...)
		if i < len(toks) && mode == ForSet {
			p = slices.Clone(p[:len(p)-1])
			return true
		}
		return false
	}
	for i < len(toks) {
		tok := toks[i]
		if v := cur.Value; v != nil && cur.Child(tok) == nil {
			// a container holding one value takes it without the leaf's
			// keyword: `autonomous-system 65000`
			if err := valueCheck(v, tok, i); err != nil {
				return nil, err
			}
			ps, err := valueLine(p, cur, toks, i)
			return append(done, ps...), err
		}
		c, err := childByPrefix(cur, tok, i)
		if err != nil {
			return nil, err
		}
		if c == nil || c.IsKey() {
			if fl := cur.FlatList(); fl != nil && c == nil {
				if err := keyCheck(fl, tok, i); err != nil {
					return nil, err
				}
				p = append(p, Step{S: fl, Key: tok})
				cur = fl
				i++
				continue
			}
			return nil, &PathError{Token: i, Msg: "syntax error.", Expect: Expect(cur)}
		}
		i++
		switch c.Kind {
		case schema.Container:
			p = append(p, Step{S: c})
			cur = c
		case schema.List:
			if i >= len(toks) {
				if mode == ForRef {
					return []Path{append(p, Step{S: c, All: true})}, nil
				}
				return nil, &PathError{Token: i, Msg: "missing argument.", Expect: []string{"<" + c.Keys[0] + ">"}}
			}
			if toks[i] == "[" && len(c.Keys) == 1 {
				// `stateful-firewall-rules [ r1 r2 ]`: several entries of a
				// list of one key, as gnos took them when such lists were
				// leaf-lists
				ps, err := bracketEntries(p, c, toks, i)
				return append(done, ps...), err
			}
			var keys []string
			for _, k := range c.Keys {
				if i >= len(toks) {
					return nil, &PathError{Token: i, Msg: "missing argument.", Expect: []string{"<" + k + ">"}}
				}
				if err := keyCheckNamed(c, k, toks[i], i); err != nil {
					return nil, err
				}
				keys = append(keys, toks[i])
				i++
			}
			p = append(p, Step{S: c, Key: strings.Join(keys, " ")})
			cur = c
		case schema.Leaf:
			if c.IsEmptyType() {
				p = append(p, Step{S: c})
			} else if i >= len(toks) {
				if mode == ForRef {
					p = append(p, Step{S: c})
				} else {
					return nil, &PathError{Token: i, Msg: "missing argument.", Expect: []string{"<" + c.TypeName() + ">"}}
				}
			} else {
				if err := valueCheck(c, toks[i], i); err != nil {
					return nil, err
				}
				p = append(p, Step{S: c, Value: toks[i]})
				i++
			}
			if more(p) {
				continue
			}
			if i < len(toks) {
				return nil, &PathError{Token: i, Msg: "syntax error."}
			}
			return done, nil
		case schema.LeafList:
			if i >= len(toks) {
				if mode == ForRef {
					return []Path{append(p, Step{S: c, All: true})}, nil
				}
				return nil, &PathError{Token: i, Msg: "missing argument.", Expect: []string{"<" + c.TypeName() + ">"}}
			}
			var vals []string
			if toks[i] == "[" {
				j := i + 1
				for ; j < len(toks) && toks[j] != "]"; j++ {
					if err := valueCheck(c, toks[j], j); err != nil {
						return nil, err
					}
					vals = append(vals, toks[j])
				}
				if j >= len(toks) {
					return nil, &PathError{Token: j, Msg: "syntax error, expecting ']'."}
				}
				i = j + 1
			} else {
				if err := valueCheck(c, toks[i], i); err != nil {
					return nil, err
				}
				vals = []string{toks[i]}
				i++
			}
			out := make([]Path, 0, len(vals))
			for _, v := range vals {
				out = append(out, p.Append(Step{S: c, Value: v}))
			}
			p = append(p, Step{S: c}) // for more, which drops it
			if more(out...) {
				continue
			}
			if i < len(toks) {
				return nil, &PathError{Token: i, Msg: "syntax error."}
			}
			return done, nil
		}
	}
	if len(done) > 0 { // the line ended inside the last statement's container: a leaf's keyword without its value is an error above
		return append(done, p), nil
	}
	return []Path{p}, nil
}

// valueLine returns the paths of `autonomous-system 65000 loops 2
// asdot-notation` from toks[i], the value of container cur (a
// schema.Node.Value) under p: the value, then each leaf of cur that
// follows on the line, as Junos takes them.
func valueLine(p Path, cur *schema.Node, toks []string, i int) ([]Path, error) {
	out := []Path{p.Append(Step{S: cur.Value, Value: toks[i]})}
	for i++; i < len(toks); {
		c := cur.Child(toks[i])
		if c == nil || c.Kind != schema.Leaf || c == cur.Value {
			return nil, &PathError{Token: i, Msg: "syntax error.", Expect: Expect(cur)}
		}
		i++
		if c.IsEmptyType() {
			out = append(out, p.Append(Step{S: c}))
			continue
		}
		if i >= len(toks) {
			return nil, &PathError{Token: i, Msg: "missing argument.", Expect: []string{"<" + c.TypeName() + ">"}}
		}
		if err := valueCheck(c, toks[i], i); err != nil {
			return nil, err
		}
		out = append(out, p.Append(Step{S: c, Value: toks[i]}))
		i++
	}
	return out, nil
}

// bracketEntries returns one path per key of `[ k1 k2 ]` at toks[i], the
// last tokens of the command, for list c under p.
func bracketEntries(p Path, c *schema.Node, toks []string, i int) ([]Path, error) {
	j := i + 1
	var out []Path
	for ; j < len(toks) && toks[j] != "]"; j++ {
		if err := keyCheck(c, toks[j], j); err != nil {
			return nil, err
		}
		out = append(out, p.Append(Step{S: c, Key: toks[j]}))
	}
	switch {
	case j >= len(toks):
		return nil, &PathError{Token: j, Msg: "syntax error, expecting ']'."}
	case len(out) == 0:
		return nil, &PathError{Token: j, Msg: "missing argument.", Expect: []string{"<" + c.Keys[0] + ">"}}
	case j+1 < len(toks):
		return nil, &PathError{Token: j + 1, Msg: "syntax error."}
	}
	return out, nil
}

func keyCheck(list *schema.Node, v string, tok int) error {
	return keyCheckNamed(list, list.Keys[0], v, tok)
}

func keyCheckNamed(list *schema.Node, key, v string, tok int) error {
	k := list.Child(key)
	if k == nil {
		return nil
	}
	return valueCheck(k, v, tok)
}

func valueCheck(n *schema.Node, v string, tok int) error {
	if err := n.CheckValue(v); err != nil {
		return &PathError{Token: tok, Msg: fmt.Sprintf("%v at '%s'", err, v)}
	}
	return nil
}

// Expect lists the keywords accepted under schema node n (for errors and
// help).
func Expect(n *schema.Node) []string {
	var out []string
	for _, c := range n.Children {
		if c.IsKey() {
			continue
		}
		if c.Kind == schema.List && c.Flat {
			out = append(out, "<"+c.Keys[0]+">")
			continue
		}
		out = append(out, c.Name)
	}
	return out
}

// SchemaOf returns the schema node a path leads to from base.
func SchemaOf(base *schema.Node, p Path) *schema.Node {
	if len(p) == 0 {
		return base
	}
	return p[len(p)-1].S
}

// childByPrefix finds the child keyword tok names under n, accepting a
// unique prefix as Junos does (`set sys host-name`). A token that is a
// prefix of several keywords is ambiguous unless it can be a key of the
// flat list under n.
func childByPrefix(n *schema.Node, tok string, i int) (*schema.Node, error) {
	if c := n.Child(tok); c != nil {
		return c, nil
	}
	var match []*schema.Node
	for _, c := range n.Children {
		if !c.IsKey() && !(c.Kind == schema.List && c.Flat) && strings.HasPrefix(c.Name, tok) {
			match = append(match, c)
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(match) > 1 && n.FlatList() == nil:
		names := make([]string, len(match))
		for j, m := range match {
			names[j] = m.Name
		}
		return nil, &PathError{Token: i, Msg: fmt.Sprintf("'%s' is ambiguous.", tok), Expect: names}
	}
	return nil, nil
}
