package netconf

import (
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// with-defaults (RFC 6243) on <get>, <get-config> and <copy-config>.
//
// gnos's basic mode is explicit: the configuration holds what was set,
// a leaf set to its default value included, and replies show exactly
// that. report-all adds every leaf whose YANG default is in use (and the
// non-presence containers that hold them), where the statement's parent
// exists; trim leaves out every leaf whose value is its default.
// report-all-tagged is not supported (not advertised). Leaves inside a
// choice get no default added: which case is in use is the
// configuration's to say, as configd/xpath treats them.

// capWithDefaults advertises the modes.
const capWithDefaults = "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&amp;also-supported=report-all,trim"

// withDefaults applies op's <with-defaults> parameter to t.
func withDefaults(t *tree.Node, op *Node) (*tree.Node, error) {
	wd := op.Child("with-defaults")
	if wd == nil {
		return t, nil
	}
	switch wd.Text {
	case "explicit":
		return t, nil
	case "report-all":
		return addDefaults(t), nil
	case "trim":
		if n := trimDefaults(t); n != nil {
			return n, nil
		}
		return tree.New(t.S), nil
	}
	return nil, at(&RPCError{Type: "application", Tag: "invalid-value",
		Message: "with-defaults " + wd.Text + " is not supported: explicit (the basic mode), report-all or trim", BadElement: "with-defaults"}, wd)
}

// addDefaults returns n with the defaults in use below it added (n itself
// when there are none).
func addDefaults(n *tree.Node) *tree.Node {
	var kids []*tree.Node
	changed := false
	for _, s := range n.S.Children {
		have := n.All(s)
		switch {
		case s.Case != nil || s.IsKey():
		case len(have) > 0:
			for _, k := range have {
				if s.Kind == schema.Container || s.Kind == schema.List {
					if a := addDefaults(k); a != k {
						k, changed = a, true
					}
				}
				kids = append(kids, k)
			}
			continue
		case s.Kind == schema.Leaf && len(s.Default) > 0:
			kids, changed = append(kids, &tree.Node{S: s, Value: s.Default[0]}), true
			continue
		case s.Kind == schema.LeafList && len(s.Default) > 0:
			for _, v := range s.Default {
				kids = append(kids, &tree.Node{S: s, Value: v})
			}
			changed = true
			continue
		case s.Kind == schema.Container && !s.Presence:
			if a := addDefaults(&tree.Node{S: s}); a.NumKids() > 0 {
				kids, changed = append(kids, a), true
			}
			continue
		}
		kids = append(kids, have...)
	}
	if !changed {
		return n
	}
	out := *n
	out.SetKids(kids)
	return &out
}

// trimDefaults returns n without the leaves set to their default (nil
// when that leaves a non-presence container empty).
func trimDefaults(n *tree.Node) *tree.Node {
	var kids []*tree.Node
	changed := false
	for _, k := range n.Kids() {
		switch k.S.Kind {
		case schema.Leaf:
			if len(k.S.Default) == 1 && k.Value == k.S.Default[0] && !k.S.IsKey() && k.Comment == "" && !k.Inactive {
				changed = true
				continue
			}
		case schema.Container, schema.List:
			t := trimDefaults(k)
			if t != k {
				changed = true
				if t == nil {
					continue
				}
				k = t
			}
		}
		kids = append(kids, k)
	}
	if !changed {
		return n
	}
	if len(kids) == 0 && n.S.Kind == schema.Container && !n.S.Presence && n.S.Parent != nil && !n.Inactive && n.Comment == "" {
		return nil
	}
	out := *n
	out.SetKids(kids)
	return &out
}
