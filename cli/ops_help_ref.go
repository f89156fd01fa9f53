package cli

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/schema"
)

// help reference STATEMENT… and help topic STATEMENT… are Junos'
// documentation at the prompt. gnos has no separate documentation set:
// both are written from the schema, which carries every statement's YANG
// description. reference gives the statement's syntax, hierarchy level,
// description, default, range and its options (child statements); topic
// gives the description and the statements below with theirs. The words
// name statements from the top (`help reference system host-name`); list
// keys are not typed.

// helpStatement resolves words to a schema node.
func (s *Session) helpStatement(ts []token, lineLen int) (*schema.Node, error) {
	if len(ts) == 0 {
		return nil, &lineError{pos: lineLen, msg: "syntax error, expecting <statement>."}
	}
	n := s.eng.Configd.Schema().Root
	for i, t := range ts {
		var names []string
		for _, c := range n.Children {
			if !c.Generic {
				names = append(names, c.Name)
			}
		}
		w, err := pick(t, names)
		if err != nil {
			if le, ok := err.(*lineError); ok && strings.Contains(le.msg, "ambiguous") {
				return nil, err
			}
			return nil, errAt(ts, i, lineLen, "syntax error: no documentation for '%s'.", t.s)
		}
		n = n.Child(w)
	}
	return n, nil
}

func (s *Session) helpReference(ts []token, out *bytes.Buffer, lineLen int) error {
	n, err := s.helpStatement(ts, lineLen)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n\nSyntax\n\n", n.Name)
	for _, l := range syntaxOf(n) {
		fmt.Fprintf(out, "  %s\n", l)
	}
	fmt.Fprintf(out, "\nHierarchy Level\n\n  [edit%s]\n", hierarchyOf(n.Parent))
	fmt.Fprintf(out, "\nDescription\n\n  %s\n", describeOf(n))
	if len(n.Default) > 0 {
		fmt.Fprintf(out, "\nDefault\n\n  %s\n", strings.Join(n.Default, " "))
	}
	if opts := optionsOf(n); len(opts) > 0 {
		fmt.Fprintf(out, "\nOptions\n\n")
		for _, o := range opts {
			fmt.Fprintf(out, "  %s\n", o)
		}
	}
	return nil
}

func (s *Session) helpTopic(ts []token, out *bytes.Buffer, lineLen int) error {
	n, err := s.helpStatement(ts, lineLen)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s [edit%s]\n\n  %s\n", n.Name, hierarchyOf(n.Parent), describeOf(n))
	for _, c := range n.Children {
		if c.Generic || c.IsKey() {
			continue
		}
		fmt.Fprintf(out, "\n%s\n  %s\n", c.Name, describeOf(c))
	}
	return nil
}

// hierarchyOf is the [edit …] level of n, with <name> for list keys.
func hierarchyOf(n *schema.Node) string {
	var parts []string
	for ; n != nil && n.Parent != nil; n = n.Parent {
		p := n.Name
		if n.Kind == schema.List {
			for _, k := range n.Keys {
				p += " " + k
			}
			if n.Flat {
				p = strings.TrimPrefix(p, n.Name+" ")
			}
		}
		parts = append([]string{p}, parts...)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func describeOf(n *schema.Node) string {
	d := strings.Join(strings.Fields(n.Description), " ")
	if d == "" {
		return "(no description)"
	}
	return d
}

// syntaxOf is the statement's form, as Junos documents it.
func syntaxOf(n *schema.Node) []string {
	head := n.Name
	switch n.Kind {
	case schema.Leaf:
		if v := valueOf(n); v != "" {
			return []string{head + " " + v + ";"}
		}
		return []string{head + ";"}
	case schema.LeafList:
		return []string{head + " [ " + valueOf(n) + " ];"}
	case schema.List:
		for _, k := range n.Keys {
			head += " " + k
		}
	}
	out := []string{head + " {"}
	for _, c := range n.Children {
		if c.Generic || c.IsKey() {
			continue
		}
		if c.Kind == schema.Leaf || c.Kind == schema.LeafList {
			out = append(out, "    "+syntaxOf(c)[0])
		} else {
			out = append(out, "    "+c.Name+" { … }")
		}
	}
	return append(out, "}")
}

// valueOf names a leaf's value: its enumeration, else its type.
func valueOf(n *schema.Node) string {
	t := n.Type
	if t == nil {
		return ""
	}
	switch t.Kind.String() {
	case "empty":
		return ""
	case "enumeration":
		return "(" + strings.Join(t.Enum.Names(), " | ") + ")"
	}
	return "<" + t.Name + ">"
}

// optionsOf lists n's child statements with their descriptions, or a
// leaf's constraints.
func optionsOf(n *schema.Node) []string {
	var out []string
	if t := n.Type; t != nil {
		if len(t.Range) > 0 {
			out = append(out, "Range: "+t.Range.String())
		}
		if len(t.Length) > 0 {
			out = append(out, "Length: "+t.Length.String())
		}
		if n.Units != "" {
			out = append(out, "Units: "+n.Units)
		}
	}
	for _, c := range n.Children {
		if c.Generic {
			continue
		}
		out = append(out, fmt.Sprintf("%-24s %s", c.Name, describeOf(c)))
	}
	return out
}
