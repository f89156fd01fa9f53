package gnmi

import (
	"fmt"
	"sort"
	"strings"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"github.com/openconfig/ygot/ygot"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Origin is the origin gnos's own models answer to; "" means the same
// (the gNMI specification's default origin is the target's native one).
const Origin = "gnos"

// stateRoot is the first element of every state path.
const stateRoot = "state"

// fullPath joins a request's prefix and a path as the gNMI
// specification's path conventions say: the prefix's elements come first;
// origin may be given in one of them, not in both; the deprecated
// `element` strings are read when `elem` is empty.
func fullPath(prefix, p *gpb.Path) ([]*gpb.PathElem, error) {
	var elems []*gpb.PathElem
	origin := ""
	for _, q := range []*gpb.Path{prefix, p} {
		if q == nil {
			continue
		}
		qe := q.GetElem()
		//lint:ignore SA1019 old clients (the reference gnmi_cli among them) still send string elements
		if old := q.GetElement(); len(qe) == 0 && len(old) > 0 {
			// the deprecated string elements (gNMI 0.3): "name[key=value]"
			sp, err := ygot.StringToStructuredPath("/" + strings.Join(old, "/"))
			if err != nil {
				return nil, status.Errorf(codes.InvalidArgument, "gnmi: path element %v: %v", old, err)
			}
			qe = sp.GetElem()
		}
		if q.GetOrigin() != "" {
			if origin != "" {
				return nil, status.Error(codes.InvalidArgument, "gnmi: origin set in both prefix and path")
			}
			origin = q.GetOrigin()
		}
		elems = append(elems, qe...)
	}
	if origin != "" && origin != Origin {
		return nil, status.Errorf(codes.Unimplemented, "gnmi: origin %q is not supported (gnos serves its own models: origin %q or none)", origin, Origin)
	}
	return elems, nil
}

// isState reports whether elems name the state tree.
func isState(elems []*gpb.PathElem) bool {
	return len(elems) > 0 && localName(elems[0].GetName()) == stateRoot
}

// localName drops an RFC 7951 module prefix ("gnos-system:system").
func localName(n string) string {
	if i := strings.IndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// configPath resolves elements into a configuration path of root. A list
// element without keys (or with every key "*") means all its entries
// (expand resolves such steps inside a path against a tree); a
// leaf-list element means all its items.
func configPath(root *schema.Node, elems []*gpb.PathElem) (tree.Path, error) {
	var p tree.Path
	cur := root
	for i, e := range elems {
		name := e.GetName()
		mod := ""
		if j := strings.IndexByte(name, ':'); j >= 0 {
			mod, name = name[:j], name[j+1:]
		}
		c := cur.Child(name)
		if c == nil || c.IsKey() && i < len(elems)-1 {
			return nil, status.Errorf(codes.NotFound, "gnmi: %s: no element %q in the schema", pathString(elems[:i+1]), e.GetName())
		}
		if mod != "" && c.Module != "" && mod != c.Module {
			return nil, status.Errorf(codes.InvalidArgument, "gnmi: %s: %q is in module %s, not %s", pathString(elems[:i+1]), name, c.Module, mod)
		}
		last := i == len(elems)-1
		st := tree.Step{S: c}
		switch c.Kind {
		case schema.List:
			key, all, err := listKey(c, e)
			if err != nil {
				return nil, status.Errorf(codes.InvalidArgument, "gnmi: %s: %v", pathString(elems[:i+1]), err)
			}
			st.Key, st.All = key, all
		case schema.LeafList:
			st.All = true
			fallthrough
		case schema.Leaf:
			if len(e.GetKey()) > 0 {
				return nil, status.Errorf(codes.InvalidArgument, "gnmi: %s: %s takes no keys", pathString(elems[:i+1]), name)
			}
			if !last {
				return nil, status.Errorf(codes.NotFound, "gnmi: %s: %s is a %s", pathString(elems[:i+2]), name, c.Kind)
			}
		default:
			if len(e.GetKey()) > 0 {
				return nil, status.Errorf(codes.InvalidArgument, "gnmi: %s: container %s takes no keys", pathString(elems[:i+1]), name)
			}
		}
		p = append(p, st)
		cur = c
	}
	return p, nil
}

// listKey is the tree key of list element e (keys in schema order, space
// joined); all when e names no key or only wildcards.
func listKey(c *schema.Node, e *gpb.PathElem) (string, bool, error) {
	km := e.GetKey()
	if len(km) == 0 {
		return "", true, nil
	}
	stars := 0
	for _, v := range km {
		if v == "*" {
			stars++
		}
	}
	if stars == len(km) {
		return "", true, nil
	}
	if stars > 0 {
		return "", false, fmt.Errorf("partial wildcard keys are not supported")
	}
	parts := make([]string, 0, len(c.Keys))
	for _, k := range c.Keys {
		v, ok := km[k]
		if !ok {
			return "", false, fmt.Errorf("key %q of list %s missing", k, c.Name)
		}
		if ks := c.Child(k); ks != nil {
			if err := ks.CheckValue(v); err != nil {
				return "", false, fmt.Errorf("key %s %q: %v", k, v, err)
			}
		}
		parts = append(parts, v)
	}
	if len(km) > len(c.Keys) {
		return "", false, fmt.Errorf("list %s has keys %s only", c.Name, strings.Join(c.Keys, ", "))
	}
	return strings.Join(parts, " "), false, nil
}

// gnmiPath renders a configuration path as a gNMI path (keys from the
// step's space-joined key, in schema order).
func gnmiPath(p tree.Path) *gpb.Path {
	out := &gpb.Path{}
	for _, st := range p {
		e := &gpb.PathElem{Name: st.S.Name}
		if st.S.Kind == schema.List && !st.All {
			vals := splitKey(st.S, st.Key)
			e.Key = map[string]string{}
			for i, k := range st.S.Keys {
				if i < len(vals) {
					e.Key[k] = vals[i]
				}
			}
		}
		out.Elem = append(out.Elem, e)
	}
	return out
}

// splitKey splits a space-joined key of a list with several keys; the
// last key takes the rest (keys other than the last hold no spaces).
func splitKey(s *schema.Node, key string) []string {
	if len(s.Keys) <= 1 {
		return []string{key}
	}
	return strings.SplitN(key, " ", len(s.Keys))
}

// pathString renders elements as the gNMI path string form
// (/a/b[k=v], keys sorted), for messages and as a map key.
func pathString(elems []*gpb.PathElem) string {
	if len(elems) == 0 {
		return "/"
	}
	var b strings.Builder
	b.Grow(16 * len(elems))
	var keys []string
	for _, e := range elems {
		b.WriteByte('/')
		b.WriteString(e.GetName())
		km := e.GetKey()
		if len(km) == 1 {
			for k, v := range km {
				b.WriteByte('[')
				b.WriteString(k)
				b.WriteByte('=')
				b.WriteString(v)
				b.WriteByte(']')
			}
			continue
		}
		keys = keys[:0]
		for k := range km {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteByte('[')
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(km[k])
			b.WriteByte(']')
		}
	}
	return b.String()
}

// expand resolves the wildcard list steps of p before its last step
// against cfg: one path per match, in configuration order (the last
// step is kept as it is: a wildcard there is the whole list).
func expand(cfg *tree.Node, p tree.Path) []tree.Path {
	var out []tree.Path
	var walk func(n *tree.Node, i int, acc tree.Path)
	walk = func(n *tree.Node, i int, acc tree.Path) {
		if n == nil {
			return
		}
		if i >= len(p)-1 {
			out = append(out, append(append(tree.Path{}, acc...), p[i:]...))
			return
		}
		st := p[i]
		if st.All && st.S.Kind == schema.List {
			for _, c := range n.All(st.S) {
				walk(c, i+1, append(acc, c.Step()))
			}
			return
		}
		walk(n.Child(st.S, st.ID()), i+1, append(acc, st))
	}
	if len(p) == 0 {
		return []tree.Path{p}
	}
	walk(cfg, 0, nil)
	return out
}

// wildInside reports whether a step before p's last is a wildcard.
func wildInside(p tree.Path) bool {
	for i := 0; i < len(p)-1; i++ {
		if p[i].All {
			return true
		}
	}
	return false
}
