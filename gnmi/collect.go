package gnmi

import (
	"context"
	"strconv"
	"strings"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"github.com/openconfig/ygot/ygot"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// leafVal is one leaf of a subscription's data: its full path, its value
// and a comparable key and text (for ON_CHANGE and suppress_redundant;
// state leaves get them from fill, only when compared).
type leafVal struct {
	key  string
	path []*gpb.PathElem
	val  *gpb.TypedValue
	text string
}

// fill computes key and text when they are not set yet.
func (l *leafVal) fill() {
	if l.key == "" {
		l.key, l.text = pathString(l.path), valueText(l.val)
	}
}

// gather is the data one sample of a subscription reads: the committed
// configuration and one state snapshot, each taken at most once.
type gather struct {
	s     *Server
	ctx   context.Context
	cfg   *tree.Node
	snap  *snapshot
	notes []*gpb.Notification // the snapshot rendered by ygot
	ts    int64
}

func (s *Server) newGather(ctx context.Context) *gather {
	return &gather{s: s, ctx: ctx, ts: s.clock.Now().UnixNano()}
}

// leaves returns the leaves under elems, in a stable order.
func (g *gather) leaves(elems []*gpb.PathElem) ([]leafVal, error) {
	if isState(elems) {
		return g.stateLeaves(elems)
	}
	if len(elems) == 0 {
		cl, err := g.configLeaves(nil)
		if err != nil {
			return nil, err
		}
		sl, err := g.stateLeaves([]*gpb.PathElem{{Name: stateRoot}})
		return append(cl, sl...), err
	}
	return g.configLeaves(elems)
}

// stateLeaves renders the snapshot with ygot.TogNMINotifications and keeps
// the leaves elems matches (keys "*" or absent match any entry).
func (g *gather) stateLeaves(elems []*gpb.PathElem) ([]leafVal, error) {
	if g.notes == nil {
		if g.snap == nil {
			g.snap = g.s.snapshot(g.ctx)
		}
		ns, err := ygot.TogNMINotifications(g.snap.dev, g.ts, ygot.GNMINotificationsConfig{UsePathElem: true})
		if err != nil {
			return nil, status.Errorf(codes.Internal, "gnmi: state: %v", err)
		}
		g.notes = ns
	}
	var out []leafVal
	for _, n := range g.notes {
		pre := n.GetPrefix().GetElem()
		for _, u := range n.GetUpdate() {
			full := make([]*gpb.PathElem, 0, len(pre)+len(u.GetPath().GetElem()))
			full = append(append(full, pre...), u.GetPath().GetElem()...)
			if !matches(elems, full) {
				continue
			}
			out = append(out, leafVal{path: full, val: u.GetVal()}) // key and text: leafVal.fill
		}
	}
	return out, nil
}

// valueText is a scalar value as comparable text (proto's String is
// far slower and not meant for comparison).
func valueText(tv *gpb.TypedValue) string {
	switch v := tv.GetValue().(type) {
	case *gpb.TypedValue_StringVal:
		return v.StringVal
	case *gpb.TypedValue_UintVal:
		return strconv.FormatUint(v.UintVal, 10)
	case *gpb.TypedValue_IntVal:
		return strconv.FormatInt(v.IntVal, 10)
	case *gpb.TypedValue_BoolVal:
		return strconv.FormatBool(v.BoolVal)
	}
	return tv.String()
}

// matches reports whether pattern is a prefix of full, keys "*" or
// absent matching any.
func matches(pattern, full []*gpb.PathElem) bool {
	if len(pattern) > len(full) {
		return false
	}
	for i, p := range pattern {
		if localName(p.GetName()) != full[i].GetName() {
			return false
		}
		for k, v := range p.GetKey() {
			if v != "*" && full[i].GetKey()[k] != v {
				return false
			}
		}
	}
	return true
}

// configLeaves walks the committed configuration under elems: each
// active leaf a string (a type-empty leaf true), each leaf-list one
// leaflist value.
func (g *gather) configLeaves(elems []*gpb.PathElem) ([]leafVal, error) {
	if g.cfg == nil {
		g.cfg = g.s.readable(g.ctx)
	}
	p, err := configPath(g.cfg.S, elems)
	if err != nil {
		return nil, err
	}
	var out []leafVal
	var roots []*tree.Node
	var bases []tree.Path
	for _, p := range expand(g.cfg, p) {
		if len(p) == 0 {
			roots, bases = []*tree.Node{g.cfg}, []tree.Path{nil}
		} else if last := p[len(p)-1]; last.All {
			for _, c := range g.cfg.Get(p.Parent()).All(last.S) {
				roots = append(roots, c)
				bases = append(bases, append(p.Parent(), c.Step()))
			}
		} else if n := g.cfg.Get(p); n != nil {
			roots = append(roots, n)
			bases = append(bases, p)
		}
	}
	for i, n := range roots {
		if n.Inactive {
			continue
		}
		if len(bases[i]) > 0 && n.S.Kind != schema.Container && n.S.Kind != schema.List {
			out = addLeaf(out, bases[i], n)
			continue
		}
		n.Walk(func(wp tree.Path, c *tree.Node) bool {
			if c.Inactive {
				return false
			}
			if c.S.Kind == schema.Leaf || c.S.Kind == schema.LeafList {
				full := append(append(tree.Path{}, bases[i]...), wp...)
				out = addLeaf(out, full, c)
			}
			return true
		})
	}
	return out, nil
}

// addLeaf appends leaf or leaf-list item c at p; a leaf-list item joins
// the value of the item before it when both are of one leaf-list.
func addLeaf(out []leafVal, p tree.Path, c *tree.Node) []leafVal {
	gp := gnmiPath(p).GetElem()
	key := pathString(gp)
	if c.S.Kind == schema.LeafList {
		item := &gpb.TypedValue{Value: &gpb.TypedValue_StringVal{StringVal: c.Value}}
		if n := len(out); n > 0 && out[n-1].key == key {
			ll := out[n-1].val.GetLeaflistVal()
			ll.Element = append(ll.Element, item)
			out[n-1].text += "\x00" + c.Value
			return out
		}
		return append(out, leafVal{key: key, path: gp, text: c.Value,
			val: &gpb.TypedValue{Value: &gpb.TypedValue_LeaflistVal{LeaflistVal: &gpb.ScalarArray{Element: []*gpb.TypedValue{item}}}}})
	}
	val := &gpb.TypedValue{Value: &gpb.TypedValue_StringVal{StringVal: c.Value}}
	if c.S.IsEmptyType() {
		val = &gpb.TypedValue{Value: &gpb.TypedValue_BoolVal{BoolVal: true}}
	}
	return append(out, leafVal{key: key, path: gp, val: val, text: c.Value})
}

// relative drops the first n elements (the request prefix's) from p.
func relative(p []*gpb.PathElem, n int) *gpb.Path {
	if n > len(p) {
		n = len(p)
	}
	return &gpb.Path{Elem: p[n:]}
}

// isConfigPath reports whether a subscription path is configuration
// (changes only at commits).
func isConfigPath(elems []*gpb.PathElem) bool {
	return len(elems) > 0 && !isState(elems)
}

// onCommitState reports whether a state path changes only at commits
// (the commit history, the host name).
func onCommitState(elems []*gpb.PathElem) bool {
	return len(elems) >= 2 && isState(elems) && strings.EqualFold(localName(elems[1].GetName()), "system")
}
