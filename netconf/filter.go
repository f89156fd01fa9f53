package netconf

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/configd/xpath"
)

// Filters of get, get-config and get-configuration.
//
// Subtree filtering follows RFC 6241 section 6 over the configuration
// tree, the filter's top element standing for <configuration>: a filter
// element without children and text is a selection node (the whole
// statement), one with text a content match node (a leaf, key or
// leaf-list item with that value), one with children a containment node.
// Content match siblings must all match for their parent to be selected;
// then the parent's selection and containment children are output, or,
// when there are none, the whole parent. Several filter elements for the
// same statement select the union. An element in a namespace that is not
// the configuration's (none, NETCONF's base, Junos' or the YANG module's)
// selects nothing, and so does an attribute the data does not carry (the
// only one configuration data carries is inactive="inactive").
//
// XPath filtering (:xpath:1.0) evaluates select with configd/xpath on the
// same tree, /configuration standing for its root; each selected node is
// output with its ancestors (list entries with their keys) and, for a
// statement, everything below it. Inactive statements are invisible to
// XPath (it evaluates the active configuration). Both filters run on the
// configuration as the login class may see it, so secrets stay masked,
// and, for <get>, on the /netconf-state tree (monitoring.go), whose top
// element is netconf-state.

// filtered applies an optional filter: filter is a <filter> or the Junos
// <configuration> child of get-configuration.
func filtered(t *tree.Node, filter *Node) (*tree.Node, error) {
	if filter == nil {
		return t, nil
	}
	if filter.Name.Local == "filter" {
		switch typ, _ := filter.Attr("type"); typ {
		case "", "subtree":
		case "xpath":
			sel, ok := filter.Attr("select")
			if !ok {
				return nil, at(&RPCError{Type: "protocol", Tag: "missing-attribute", Message: "an xpath filter needs select=\"…\"",
					BadAttribute: "select", BadElement: "filter"}, filter)
			}
			return xpathFilter(t, sel, filter)
		default:
			return nil, at(&RPCError{Type: "protocol", Tag: "bad-attribute", Message: "unknown filter type " + typ + ": expected subtree or xpath",
				BadAttribute: "type", BadElement: "filter"}, filter)
		}
		out := tree.New(t.S)
		for _, f := range filter.Kids {
			switch {
			case f.Name.Local == "configuration" && configNamespace(f, t.S) && t.S.Child("configuration") == nil:
				out = union(out, selectRoot(t, f))
			case f.Name.Local == "netconf-state" && t.S.Child(f.Name.Local) != nil && (f.Name.Space == "" || f.Name.Space == nsMonitoring):
				// the state tree (monitoring.go), whose top element is netconf-state
				out = union(out, selectRoot(t, &Node{Kids: []*Node{f}}))
			}
		}
		return out, nil
	}
	return selectRoot(t, filter), nil // Junos' <configuration> child
}

// selectRoot is what filter element f (a <configuration>) selects of t.
func selectRoot(t *tree.Node, f *Node) *tree.Node {
	if n := selectNode(t, f, true); n != nil {
		return n
	}
	return tree.New(t.S)
}

// configNamespace reports whether filter element f's namespace may name
// configuration data of schema s.
func configNamespace(f *Node, s *schema.Node) bool {
	ns := f.Name.Space
	return ns == "" || ns == nsBase || strings.Contains(ns, "juniper.net") || (s != nil && ns == s.Namespace)
}

// selectNode is what filter element f selects of data node d, which f's
// name matched: nil when f does not match d. root skips the attribute
// match for <configuration> (Junos clients put metadata there).
func selectNode(d *tree.Node, f *Node, root bool) *tree.Node {
	if !root && !attrsMatch(d, f) {
		return nil
	}
	if len(f.Kids) == 0 {
		if f.Text == "" || (d.S.Kind == schema.Leaf || d.S.Kind == schema.LeafList) && d.Value == f.Text {
			return d // a selection node, or a content match at the top
		}
		return nil
	}
	var content, other []*Node
	for _, c := range f.Kids {
		if len(c.Kids) == 0 && c.Text != "" {
			content = append(content, c)
		} else {
			other = append(other, c)
		}
	}
	out := &tree.Node{S: d.S, Key: d.Key, Value: d.Value, Inactive: d.Inactive, Protected: d.Protected, Comment: d.Comment}
	for _, c := range content {
		if !configNamespace(c, d.S.Child(c.Name.Local)) {
			return nil
		}
		if i := slices.Index(d.S.Keys, c.Name.Local); i >= 0 {
			if keyPart(d, i) != c.Text {
				return nil
			}
			continue
		}
		s := d.S.Child(c.Name.Local)
		if s == nil {
			return nil
		}
		matched := false
		for _, k := range d.All(s) {
			if (s.Kind == schema.Leaf || s.Kind == schema.LeafList) && k.Value == c.Text && attrsMatch(k, c) {
				out.AppendKid(k)
				matched = true
			}
		}
		if !matched {
			return nil
		}
	}
	if len(other) == 0 {
		return d
	}
	found := len(content) > 0
	for _, c := range other {
		s := d.S.Child(c.Name.Local)
		if s == nil || !configNamespace(c, s) {
			continue
		}
		if s.IsKey() {
			continue // the entry carries its keys
		}
		for _, k := range d.All(s) {
			if n := selectNode(k, c, false); n != nil {
				out = union(out, withKid(&tree.Node{S: d.S, Key: d.Key}, n))
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	return out
}

// keyPart is the i-th key of list entry d.
func keyPart(d *tree.Node, i int) string {
	if len(d.S.Keys) == 1 {
		return d.Key
	}
	parts := strings.Fields(d.Key)
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// attrsMatch is the attribute match of filter element f on data node d.
func attrsMatch(d *tree.Node, f *Node) bool {
	for _, a := range f.Attrs {
		if isXMLNS(a) {
			continue
		}
		if a.Name.Local == "inactive" && a.Value == "inactive" && d.Inactive {
			continue
		}
		return false
	}
	return true
}

// union merges the selections a and b of the same data node (either may
// be the data node itself, which holds everything). Children stay in
// schema order.
func union(a, b *tree.Node) *tree.Node {
	switch {
	case a == nil:
		return b
	case b == nil || a == b:
		return a
	}
	out := &tree.Node{S: a.S, Key: a.Key, Value: a.Value, Inactive: a.Inactive || b.Inactive, Protected: a.Protected || b.Protected, Comment: a.Comment + b.Comment}
	kids := slices.Clone(a.KidSlice())
	for _, k := range b.Kids() {
		i := slices.IndexFunc(kids, func(x *tree.Node) bool { return x.S == k.S && x.ID() == k.ID() })
		if i >= 0 {
			kids[i] = union(kids[i], k)
			continue
		}
		kids = append(kids, k)
	}
	slices.SortStableFunc(kids, func(x, y *tree.Node) int { return x.S.Index - y.S.Index })
	out.SetKids(kids)
	return out
}

// withKid returns n holding the one child c.
func withKid(n, c *tree.Node) *tree.Node {
	n.SetKids([]*tree.Node{c})
	return n
}

// configurationStep matches a leading /configuration step (any prefix)
// of a location path in an xpath filter: configuration data's root
// element stands for the tree's root.
var configurationStep = regexp.MustCompile(`(^|[\s|(\[,])/([A-Za-z_][\w.-]*:)?configuration(/|$|[\s|)\],])`)

// xpathFilter evaluates an xpath filter's select on t.
func xpathFilter(t *tree.Node, sel string, filter *Node) (*tree.Node, error) {
	src := configurationStep.ReplaceAllStringFunc(sel, func(m string) string {
		sub := configurationStep.FindStringSubmatch(m)
		if sub[3] == "/" {
			return sub[1] + "/"
		}
		return sub[1] + "/." + sub[3] // /configuration alone: the root
	})
	bad := func(msg string) error {
		return at(&RPCError{Type: "protocol", Tag: "invalid-value", Message: "xpath filter " + sel + ": " + msg,
			BadAttribute: "select", BadElement: "filter"}, filter)
	}
	e, err := xpath.Compile(src)
	if err != nil {
		return nil, bad(err.Error())
	}
	v, err := e.Eval(xpath.Context{Path: []*tree.Node{t}})
	if err != nil {
		return nil, bad(err.Error())
	}
	if v.Kind() != xpath.NodeSet {
		return nil, bad("the expression must select nodes, not compute a value")
	}
	out := tree.New(t.S)
	for _, n := range v.Nodes() {
		out = union(out, withAncestors(n))
	}
	return out, nil
}

// withAncestors is the tree from the root down to n, holding n whole; a
// list key (a virtual leaf) stands for its entry with only its keys. A
// default in use is not configuration data: nil.
func withAncestors(n xpath.Node) *tree.Node {
	var cur *tree.Node
	p := n.Parent
	switch {
	case n.Virt == nil:
		cur = n.T
	case n.Virt.IsKey() && p != nil:
		cur = &tree.Node{S: p.T.S, Key: p.T.Key, Inactive: p.T.Inactive, Protected: p.T.Protected}
		p = p.Parent
	default:
		return nil
	}
	for ; p != nil; p = p.Parent {
		a := p.T
		cur = withKid(&tree.Node{S: a.S, Key: a.Key, Value: a.Value, Inactive: a.Inactive, Protected: a.Protected, Comment: a.Comment}, cur)
	}
	return cur
}
