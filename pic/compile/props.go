package compile

import (
	"strings"

	"github.com/gnos/gnos/configd/schema"
	goyang "github.com/openconfig/goyang/pkg/yang"
)

// Property is one configurable property of a plugin (varpd's propinfo):
// a leaf, leaf-list or presence container its YANG module defines, by its set-form path with
// <name> standing for list keys, its type, default, range (or the values
// of an enumeration) and whether it is required (a list key, or
// mandatory).
type Property struct {
	Path        string `json:"path"`
	Type        string `json:"type"`
	Default     string `json:"default,omitempty"`
	Range       string `json:"range,omitempty"`
	Required    bool   `json:"required"`
	Description string `json:"description,omitempty"`
}

// Properties lists the properties module defines in schema s, in
// schema order: every leaf and leaf-list of the module (its own
// statements and those it augments into others), without the generic
// statements every level has (apply-groups).
func Properties(s *schema.Schema, module string) []Property {
	if module == "" {
		return nil
	}
	var out []Property
	var walk func(n *schema.Node, path []string)
	walk = func(n *schema.Node, path []string) {
		if n.Generic {
			return
		}
		if n.Parent != nil {
			path = append(path, n.Name)
		}
		switch {
		case n.Module != module:
		case n.Kind == schema.Leaf || n.Kind == schema.LeafList:
			out = append(out, property(n, path))
		case n.Kind == schema.Container && n.Presence: // a statement set on its own (napt-44)
			out = append(out, Property{Path: strings.Join(path, " "), Type: "presence", Description: firstLine(n.Description)})
		}
		if n.Kind == schema.List {
			for _, k := range n.Keys {
				if c := n.Child(k); c != nil && c.Module == module {
					out = append(out, property(c, append(path, k)))
				}
			}
			path = append(path, "<name>")
		}
		for _, c := range n.Children {
			if n.Kind == schema.List && isKey(n, c.Name) {
				continue
			}
			walk(c, path)
		}
	}
	walk(s.Root, nil)
	return out
}

func isKey(list *schema.Node, name string) bool {
	for _, k := range list.Keys {
		if k == name {
			return true
		}
	}
	return false
}

func property(n *schema.Node, path []string) Property {
	p := Property{Path: strings.Join(path, " "), Default: strings.Join(n.Default, " "),
		Required:    n.Mandatory || (n.Parent != nil && n.Parent.Kind == schema.List && isKey(n.Parent, n.Name)),
		Description: firstLine(n.Description)}
	if t := n.Type; t != nil {
		p.Type = t.Name
		switch {
		case t.Kind == goyang.Yenum && t.Enum != nil:
			p.Range = strings.Join(t.Enum.Names(), " | ")
		case len(t.Range) > 0:
			p.Range = t.Range.String()
		case len(t.Length) > 0:
			p.Range = "length " + t.Length.String()
		}
		if p.Default == "" && t.Default != "" {
			p.Default = t.Default
		}
	}
	if n.Kind == schema.LeafList {
		p.Type += " (list)"
	}
	return p
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
