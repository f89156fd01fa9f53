package xpath

import (
	"math"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Node is one node of a node-set. T is the configuration node; when Virt is
// set, the node is a leaf the tree does not store, hanging off T: a list
// entry's key leaf (entries hold their keys in T.Key, not as children), a
// leaf whose default is in use, or the missing node a `when` is evaluated
// for. Parent links the node to the ancestor it was reached from, since
// tree nodes have no parent pointers (trees share structure).
type Node struct {
	T      *tree.Node
	Virt   *schema.Node
	Parent *Node
}

// Schema returns the node's schema node.
func (n *Node) Schema() *schema.Node {
	if n.Virt != nil {
		return n.Virt
	}
	return n.T.S
}

// String returns the node's XPath string-value: a leaf's value, a key, or
// the concatenated values of a container's descendants.
func (n *Node) String() string {
	if n.Virt != nil {
		return virtualValue(n.T, n.Virt)
	}
	switch n.T.S.Kind {
	case schema.Leaf, schema.LeafList:
		return n.T.Value
	}
	var b strings.Builder
	appendText(&b, n.T)
	return b.String()
}

func appendText(b *strings.Builder, t *tree.Node) {
	if t.S.Kind == schema.List {
		for _, k := range keyFields(t) {
			b.WriteString(k)
		}
	}
	for _, k := range t.Kids() {
		if k.Inactive || k.S.IsKey() {
			continue
		}
		if k.S.Kind == schema.Leaf || k.S.Kind == schema.LeafList {
			b.WriteString(k.Value)
			continue
		}
		appendText(b, k)
	}
}

// virtualValue is the value of leaf s that parent does not store.
func virtualValue(parent *tree.Node, s *schema.Node) string {
	if s.IsKey() && parent.S == s.Parent {
		return keyField(parent, s.Name)
	}
	if len(s.Default) > 0 {
		return s.Default[0]
	}
	return ""
}

// keyField returns the value of key leaf name of list entry e.
func keyField(e *tree.Node, name string) string {
	keys := e.S.Keys
	if len(keys) == 1 {
		return e.Key
	}
	f := strings.Fields(e.Key)
	for i, k := range keys {
		if k == name && i < len(f) {
			return f[i]
		}
	}
	return ""
}

func keyFields(e *tree.Node) []string {
	if len(e.S.Keys) == 1 {
		return []string{e.Key}
	}
	return strings.Fields(e.Key)
}

// Kind is the type of an XPath value.
type Kind uint8

// The four XPath 1.0 types.
const (
	NodeSet Kind = iota
	Boolean
	Number
	String
)

// Value is the result of an expression.
type Value struct {
	kind Kind
	b    bool
	n    float64
	s    string
	ns   []Node
}

func boolValue(b bool) Value     { return Value{kind: Boolean, b: b} }
func numValue(f float64) Value   { return Value{kind: Number, n: f} }
func strValue(s string) Value    { return Value{kind: String, s: s} }
func nodesValue(ns []Node) Value { return Value{kind: NodeSet, ns: ns} }
func (v Value) Kind() Kind       { return v.kind }
func (v Value) Nodes() []Node    { return v.ns }
func (v Value) isNodeSet() bool  { return v.kind == NodeSet }
func (v Value) firstString() string {
	if len(v.ns) == 0 {
		return ""
	}
	return v.ns[0].String()
}

// Bool converts v with boolean(): a node-set is true when not empty, a
// number when neither zero nor NaN, a string when not empty.
func (v Value) Bool() bool {
	switch v.kind {
	case NodeSet:
		return len(v.ns) > 0
	case Boolean:
		return v.b
	case Number:
		return v.n != 0 && !math.IsNaN(v.n)
	}
	return v.s != ""
}

// Number converts v with number().
func (v Value) Number() float64 {
	switch v.kind {
	case NodeSet:
		return toNumber(v.firstString())
	case Boolean:
		if v.b {
			return 1
		}
		return 0
	case Number:
		return v.n
	}
	return toNumber(v.s)
}

// String converts v with string().
func (v Value) String() string {
	switch v.kind {
	case NodeSet:
		return v.firstString()
	case Boolean:
		if v.b {
			return "true"
		}
		return "false"
	case Number:
		return formatNumber(v.n)
	}
	return v.s
}

// toNumber parses s as an XPath Number: optional whitespace, an optional
// minus, digits with an optional fraction; anything else is NaN.
func toNumber(s string) float64 {
	s = strings.Trim(s, " \t\r\n")
	t := strings.TrimPrefix(s, "-")
	if t == "" || t == "." {
		return math.NaN()
	}
	dot := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '.' && !dot:
			dot = true
		case isDigit(c):
		default:
			return math.NaN()
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0" // also -0
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
