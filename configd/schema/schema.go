// Package schema compiles gnos's YANG modules (through goyang) into the
// schema tree every other part of configd walks: the CLI parser, the four
// configuration formats, validation and the commit engine.
//
// The compiled tree is data-only: choices and cases are flattened away (each
// node remembers which case it belongs to, so setting one case clears the
// others, as Junos does), children keep their YANG statement order (the
// order `show configuration` prints), and Junos presentation details carried
// by gnos extensions (a list whose keyword is hidden, like `interfaces
// ge-0/0/0`) are resolved once here. goyang's Entry stays reachable for
// anything not copied.
package schema

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/yang"
)

// Kind is the kind of a data node.
type Kind uint8

// Node kinds.
const (
	Container Kind = iota
	List
	Leaf
	LeafList
)

func (k Kind) String() string {
	return [...]string{"container", "list", "leaf", "leaf-list"}[k]
}

// Must is one YANG must constraint.
type Must struct {
	Expr    string
	Message string // error-message, or "" for a generic one
}

// Case identifies the choice/case a node belongs to.
type Case struct {
	Choice string // the choice's path-unique name, e.g. "services/service-set/service-type"
	Name   string
}

// Node is one compiled data node.
type Node struct {
	Name        string
	Kind        Kind
	Parent      *Node
	Children    []*Node // schema order; empty for leaves
	Index       int     // position in Parent.Children
	Keys        []string
	Flat        bool  // list keyword hidden in CLI/text/set (interfaces NAME)
	Compact     bool  // container printed with its child on one line (family inet)
	Wrapped     bool  // list whose entries print by name inside a block named by the list (groups { g { … } })
	Oneliner    bool  // list entry with one statement printed on its line (route P next-hop H;)
	Grouped     bool  // list of keys printed as one block (source-address { P; Q except; })
	Secret      bool  // a secret (password hash): shown only to classes that may configure
	Value       *Node // a container holding one value: this child leaf, written on the container's line in text and set (autonomous-system 65000)
	SecretBelow bool  // some descendant is Secret
	Presence    bool
	Mandatory   bool
	UserOrder   bool // ordered-by user
	Default     []string
	Description string
	Units       string
	Type        *goyang.YangType // leaves and leaf-lists
	Case        *Case            // non-nil inside a choice
	Must        []Must
	When        string
	Unique      [][]string // unique statements (descendant paths split on '/')
	Module      string     // defining module (RFC 7951 prefix for top-level nodes)
	Namespace   string
	Entry       *goyang.Entry
	MinElements int
	MaxElements int   // 0 = unbounded
	Generic     bool  // added by the compiler to every level (groups, apply-groups), not by a module
	InGroup     bool  // inside `groups NAME`: a copy of Real whose keys accept wildcard names
	Real        *Node // for InGroup nodes, the configuration node this one stands for

	byName   map[string]*Node
	flatList *Node // the child list whose keyword is hidden, if any
	patterns map[string]*regexp.Regexp
	target   *Node // resolved leafref target
}

// Child returns the data child named name, or nil.
func (n *Node) Child(name string) *Node { return n.byName[name] }

// FlatList returns the child list whose keyword is hidden (`interfaces
// ge-0/0/0`: the interface list under interfaces), or nil.
func (n *Node) FlatList() *Node { return n.flatList }

// KeyOrdered reports whether n is a list whose entries are kept in key
// order (system-ordered: not ordered-by user).
func (n *Node) KeyOrdered() bool { return n.Kind == List && !n.UserOrder }

// IsKey reports whether leaf n is a key of its parent list.
func (n *Node) IsKey() bool {
	if n.Parent == nil || n.Parent.Kind != List {
		return false
	}
	for _, k := range n.Parent.Keys {
		if k == n.Name {
			return true
		}
	}
	return false
}

// Path returns the schema path from the root, e.g. "/services/service-set/name".
func (n *Node) Path() string {
	if n.Parent == nil {
		return ""
	}
	return n.Parent.Path() + "/" + n.Name
}

// Depth returns how many steps n is below the root (0 for the root).
func (n *Node) Depth() int {
	d := 0
	for ; n.Parent != nil; n = n.Parent {
		d++
	}
	return d
}

// Schema is a compiled set of modules.
type Schema struct {
	Root    *Node
	Modules []yang.Module
}

var (
	defaultOnce   sync.Once
	defaultSchema *Schema
	defaultErr    error
)

// Default compiles the registered modules once (yang.Modules) and returns the
// result. Plugins must have registered their modules before the first call,
// which init() order guarantees.
func Default() (*Schema, error) {
	defaultOnce.Do(func() { defaultSchema, defaultErr = Compile(yang.Modules()) })
	return defaultSchema, defaultErr
}

// MustDefault is Default for callers that cannot proceed without a schema.
func MustDefault() *Schema {
	s, err := Default()
	if err != nil {
		panic(err)
	}
	return s
}

// Compile parses and compiles the given modules.
func Compile(mods []yang.Module) (*Schema, error) {
	ms := goyang.NewModules()
	for _, m := range mods {
		if err := ms.Parse(m.Source, m.Name+".yang"); err != nil {
			return nil, fmt.Errorf("schema: %s: %w", m.Name, err)
		}
	}
	if errs := ms.Process(); len(errs) > 0 {
		return nil, fmt.Errorf("schema: %v", errs)
	}
	root := &Node{Name: "", Kind: Container, byName: map[string]*Node{}}
	var names []string
	for name, m := range ms.Modules {
		if name == m.Name { // the map also holds name@revision aliases
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var tops []*goyang.Entry
	for _, name := range names {
		e, errs := ms.GetModule(name)
		if len(errs) > 0 {
			return nil, fmt.Errorf("schema: %s: %v", name, errs)
		}
		for _, c := range e.Dir {
			if c.RPC != nil || c.Kind == goyang.NotificationEntry {
				continue
			}
			tops = append(tops, c)
		}
	}
	sortEntries(tops)
	sort.SliceStable(tops, func(i, j int) bool { return topRank(tops[i].Name) < topRank(tops[j].Name) })
	for _, e := range tops {
		if err := addChild(root, e, nil, ""); err != nil {
			return nil, err
		}
	}
	root.Walk(func(n *Node) {
		n.target = n.Target()
		if n.Flat && n.Parent != nil {
			n.Parent.flatList = n
		}
		if n.Secret {
			for a := n.Parent; a != nil && !a.SecretBelow; a = a.Parent {
				a.SecretBelow = true
			}
		}
	})
	addGroupStatements(root)
	return &Schema{Root: root, Modules: mods}, nil
}

// sortEntries orders entries by their source position (module file, line,
// column): the order of the YANG statements, which is Junos' display order.
func sortEntries(es []*goyang.Entry) {
	type pos struct {
		file      string
		line, col int
	}
	key := map[*goyang.Entry]pos{}
	for _, e := range es {
		loc := ""
		if e.Node != nil && e.Node.Statement() != nil {
			loc = e.Node.Statement().Location()
		}
		parts := strings.Split(loc, ":")
		p := pos{file: loc}
		if len(parts) >= 3 {
			p.file = strings.Join(parts[:len(parts)-2], ":")
			p.line, _ = strconv.Atoi(parts[len(parts)-2])
			p.col, _ = strconv.Atoi(parts[len(parts)-1])
		}
		key[e] = p
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := key[es[i]], key[es[j]]
		if a.file != b.file {
			// Nodes from the parent's own module come first; augmenting modules after.
			return a.file < b.file
		}
		if a.line != b.line {
			return a.line < b.line
		}
		if a.col != b.col {
			return a.col < b.col
		}
		return es[i].Name < es[j].Name
	})
}

func addChild(parent *Node, e *goyang.Entry, cs *Case, choicePath string) error {
	if e.Config == goyang.TSFalse {
		return nil
	}
	if e.IsChoice() || e.IsCase() {
		var kids []*goyang.Entry
		for _, c := range e.Dir {
			kids = append(kids, c)
		}
		sortEntries(kids)
		for _, c := range kids {
			nc := cs
			if e.IsChoice() {
				p := parent.Path() + "/" + e.Name
				if c.IsCase() {
					nc = &Case{Choice: p, Name: c.Name}
				} else { // shorthand case
					nc = &Case{Choice: p, Name: c.Name}
				}
			}
			if err := addChild(parent, c, nc, choicePath); err != nil {
				return err
			}
		}
		return nil
	}
	n := &Node{
		Name:        e.Name,
		Parent:      parent,
		Description: strings.Join(strings.Fields(e.Description), " "),
		Units:       e.Units,
		Case:        cs,
		Entry:       e,
		Mandatory:   e.Mandatory == goyang.TSTrue,
		Default:     e.DefaultValues(),
	}
	if name, err := e.InstantiatingModule(); err == nil {
		n.Module = name
		if m := e.Modules(); m != nil {
			if mod, ok := m.Modules[name]; ok && mod.Namespace != nil {
				n.Namespace = mod.Namespace.Name
			}
		}
	}
	switch {
	case e.IsLeaf():
		n.Kind = Leaf
		n.Type = e.Type
	case e.IsLeafList():
		n.Kind = LeafList
		n.Type = e.Type
	case e.IsList():
		n.Kind = List
		n.Keys = strings.Fields(e.Key)
	default:
		n.Kind = Container
	}
	if e.ListAttr != nil {
		n.UserOrder = e.ListAttr.OrderedByUser
		n.MinElements = int(e.ListAttr.MinElements)
		if e.ListAttr.MaxElements != 0 && e.ListAttr.MaxElements < 1<<31 {
			n.MaxElements = int(e.ListAttr.MaxElements)
		}
	}
	if w, ok := e.GetWhenXPath(); ok {
		n.When = w
	}
	valueLeaf := ""
	if e.Node != nil && e.Node.Statement() != nil {
		for _, s := range e.Node.Statement().SubStatements() {
			switch s.Keyword {
			case "must":
				m := Must{Expr: s.Argument}
				for _, ss := range s.SubStatements() {
					if ss.Keyword == "error-message" {
						m.Message = ss.Argument
					}
				}
				n.Must = append(n.Must, m)
			case "unique":
				n.Unique = append(n.Unique, strings.Fields(s.Argument))
			case "presence":
				n.Presence = true
			}
		}
		for _, x := range e.Exts {
			switch {
			case strings.HasSuffix(x.Keyword, ":flat"):
				n.Flat = true
			case strings.HasSuffix(x.Keyword, ":compact"):
				n.Compact = true
			case strings.HasSuffix(x.Keyword, ":oneliner"):
				n.Oneliner = true
			case strings.HasSuffix(x.Keyword, ":grouped"):
				n.Grouped = true
			case strings.HasSuffix(x.Keyword, ":secret"):
				n.Secret = true
			case strings.HasSuffix(x.Keyword, ":value"):
				valueLeaf = x.Argument
			}
		}
	}
	if n.Type != nil {
		if err := n.compilePatterns(n.Type); err != nil {
			return fmt.Errorf("schema: %s: %w", n.Path(), err)
		}
	}
	if parent.byName[n.Name] != nil {
		return fmt.Errorf("schema: duplicate node %s/%s", parent.Path(), n.Name)
	}
	n.Index = len(parent.Children)
	parent.Children = append(parent.Children, n)
	parent.byName[n.Name] = n
	if e.IsDir() {
		n.byName = map[string]*Node{}
		var kids []*goyang.Entry
		for _, c := range e.Dir {
			kids = append(kids, c)
		}
		sortEntries(kids)
		// Keys first, in key order, as Junos prints them.
		if n.Kind == List {
			sort.SliceStable(kids, func(i, j int) bool {
				return keyRank(n.Keys, kids[i].Name) < keyRank(n.Keys, kids[j].Name)
			})
		}
		for _, c := range kids {
			if err := addChild(n, c, nil, ""); err != nil {
				return err
			}
		}
	}
	if valueLeaf != "" {
		v := n.Child(valueLeaf)
		if n.Kind != Container || v == nil || v.Kind != Leaf || v.IsEmptyType() {
			return fmt.Errorf("schema: %s: gnos-ext:value %q names no valued leaf of this container", n.Path(), valueLeaf)
		}
		n.Value = v
	}
	return nil
}

func keyRank(keys []string, name string) int {
	for i, k := range keys {
		if k == name {
			return i
		}
	}
	return len(keys)
}

// Walk calls fn for n and every descendant, depth first. The copy of the
// configuration schema inside `groups` is left out unless the walk starts
// inside it: rules (validation, dependencies) are about the configuration.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		if c.InGroup && !n.InGroup {
			continue
		}
		c.Walk(fn)
	}
}

// Find resolves a slash-separated schema path ("/services/service-set").
func (s *Schema) Find(path string) *Node {
	n := s.Root
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if p == "" {
			continue
		}
		if i := strings.IndexByte(p, ':'); i >= 0 {
			p = p[i+1:]
		}
		if n = n.Child(p); n == nil {
			return nil
		}
	}
	return n
}

// junosTopOrder is the order Junos prints top-level statements in; modules
// are separate files, so their own order cannot tell.
var junosTopOrder = []string{"version", "groups", "system", "chassis", "services", "interfaces",
	"snmp", "forwarding-options", "routing-options", "protocols", "policy-options", "firewall", "routing-instances", "applications"}

func topRank(name string) int {
	for i, n := range junosTopOrder {
		if n == name {
			return i
		}
	}
	return len(junosTopOrder)
}
