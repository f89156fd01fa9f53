package schema

import (
	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/internal/wildcard"
)

// Configuration groups are not written in any YANG module: Junos allows
// `groups NAME` to hold any configuration, and `apply-groups` /
// `apply-groups-except` at (nearly) every level, so the compiler adds them
// to whatever the modules define, the way Junos' own models get them from
// their apply-advanced grouping:
//
//   - every container and list entry (the root included) gets the
//     ordered-by-user leaf-lists apply-groups and apply-groups-except,
//     right after its keys (where Junos prints them);
//   - the top-level list `groups` (key name) holds a copy of the whole
//     configuration schema, apply-groups and groups themselves left out.
//     The copy's nodes point at the nodes they stand for (Real), so the
//     expansion of groups maps a group's statements onto the configuration
//     without matching names, and their keys accept Junos' wildcard names
//     (`<ge-*>`, `<*>`).
//
// Validation never sees the copy: configd validates the configuration with
// groups applied and the groups themselves removed.

// Group statement names.
const (
	GroupsName       = "groups"
	ApplyGroups      = "apply-groups"
	ApplyGroupsExcpt = "apply-groups-except"
)

// groupsModule is the module the group statements are attributed to.
const (
	groupsModule    = "gnos-extensions"
	groupsNamespace = "urn:gnos:yang:extensions"
)

var groupString = &goyang.YangType{Name: "string", Kind: goyang.Ystring}

// IsApplyGroups reports whether n is an apply-groups or apply-groups-except
// leaf-list.
func (n *Node) IsApplyGroups() bool {
	return n.Kind == LeafList && n.Generic && (n.Name == ApplyGroups || n.Name == ApplyGroupsExcpt)
}

// addGroupStatements adds apply-groups everywhere and the groups list to
// a compiled root.
func addGroupStatements(root *Node) {
	root.Walk(func(n *Node) {
		if n.Kind == Container || n.Kind == List {
			addApply(n)
		}
	})
	g := &Node{Name: GroupsName, Kind: List, Parent: root, Keys: []string{"name"},
		Module: groupsModule, Namespace: groupsNamespace, Generic: true, Wrapped: true,
		Description: "Configuration groups", byName: map[string]*Node{}}
	name := &Node{Name: "name", Kind: Leaf, Parent: g, Type: groupString, Generic: true,
		Module: groupsModule, Namespace: groupsNamespace, Description: "Group name"}
	g.Children = append(g.Children, name)
	g.byName[name.Name] = name
	for _, c := range root.Children {
		if c.IsApplyGroups() {
			continue
		}
		cc := cloneGroup(c, g)
		cc.Index = len(g.Children)
		g.Children = append(g.Children, cc)
		g.byName[cc.Name] = cc
	}
	g.SecretBelow = root.SecretBelow
	if fl := root.flatList; fl != nil {
		g.flatList = g.byName[fl.Name]
	}
	// groups prints after version, before apply-groups and the rest.
	at := 0
	if len(root.Children) > 0 && root.Children[0].Name == "version" {
		at = 1
	}
	insertChild(root, g, at)
}

// addApply inserts apply-groups and apply-groups-except into n after its
// keys.
func addApply(n *Node) {
	at := 0
	for at < len(n.Children) && n.Children[at].IsKey() {
		at++
	}
	if n.Parent == nil && len(n.Children) > 0 && n.Children[0].Name == "version" {
		at = 1
	}
	for i, name := range []string{ApplyGroups, ApplyGroupsExcpt} {
		if n.byName[name] != nil {
			continue
		}
		desc := "Groups from which to inherit configuration data"
		if name == ApplyGroupsExcpt {
			desc = "Don't inherit configuration data from these groups"
		}
		insertChild(n, &Node{Name: name, Kind: LeafList, Parent: n, UserOrder: true, Type: groupString,
			Module: n.Module, Namespace: n.Namespace, Generic: true, Description: desc}, at+i)
	}
}

// insertChild inserts c into n's children at position at and renumbers.
func insertChild(n *Node, c *Node, at int) {
	if n.byName == nil {
		n.byName = map[string]*Node{}
	}
	n.Children = append(n.Children, nil)
	copy(n.Children[at+1:], n.Children[at:])
	n.Children[at] = c
	for i, k := range n.Children {
		k.Index = i
	}
	n.byName[c.Name] = c
}

// cloneGroup copies schema subtree n for use inside a group, under parent.
func cloneGroup(n *Node, parent *Node) *Node {
	c := *n
	c.Parent = parent
	c.Real = n
	c.InGroup = true
	c.Children = nil
	c.byName = nil
	c.flatList = nil
	if len(n.Children) > 0 || n.byName != nil {
		c.byName = map[string]*Node{}
	}
	for _, k := range n.Children {
		if k.IsApplyGroups() {
			continue
		}
		kc := cloneGroup(k, &c)
		kc.Index = len(c.Children)
		c.Children = append(c.Children, kc)
		c.byName[kc.Name] = kc
	}
	if n.flatList != nil {
		c.flatList = c.byName[n.flatList.Name]
	}
	if n.Value != nil {
		c.Value = c.byName[n.Value.Name]
	}
	return &c
}

// IsWildcardName reports whether key is a Junos group wildcard name:
// `<ge-*>`, `<*>`.
func IsWildcardName(key string) bool {
	return len(key) >= 2 && key[0] == '<' && key[len(key)-1] == '>'
}

// WildcardMatch reports whether key matches a group's wildcard name
// pattern (`<ge-*>`): * matches any run of characters, ? one character
// and [abc] / [a-c] one of a set, as Junos' wildcards do.
func WildcardMatch(pattern, key string) bool {
	if !IsWildcardName(pattern) {
		return pattern == key
	}
	return wildcard.Match(pattern[1:len(pattern)-1], key)
}
