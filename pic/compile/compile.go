package compile

import (
	"fmt"
	"strconv"

	"github.com/gnos/gnos/configd/tree"
)

// Input is what a policy compiler sees: the service-set node and the
// whole active configuration (to resolve rules, pools, applications) plus
// the predefined junos-* defaults.
type Input struct {
	Name       string
	ServiceSet *tree.Node
	Root       *tree.Node
	Defaults   *tree.Node
}

// Dep names a configuration statement a policy depends on, spelled as
// schema names with list keys: Dep("services", "stateful-firewall", "rule",
// "r1") is "services stateful-firewall rule r1". servicesd maps every
// changed path to these keys.
func Dep(parts ...string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += " "
		}
		s += p
	}
	return s
}

// App is a resolved application, as policies carry it.
type App struct {
	Name              string `json:"name"`
	Protocol          string `json:"protocol,omitempty"`
	SourcePort        string `json:"source-port,omitempty"`
	DestinationPort   string `json:"destination-port,omitempty"`
	ICMPType          string `json:"icmp-type,omitempty"`
	ICMPCode          string `json:"icmp-code,omitempty"`
	ICMP6Type         string `json:"icmp6-type,omitempty"`
	ICMP6Code         string `json:"icmp6-code,omitempty"`
	InactivityTimeout int    `json:"inactivity-timeout,omitempty"`
}

// maxSetDepth bounds application-set nesting.
const maxSetDepth = 8

// ResolveApplications resolves application names (and application-set
// names, when sets is true) against the configuration and the junos-*
// defaults, returning the applications and the dependency keys read.
func ResolveApplications(in *Input, names []string, sets bool) ([]App, []string, error) {
	var apps []App
	var deps []string
	seen := map[string]bool{}
	var add func(name string, set bool, depth int) error
	add = func(name string, set bool, depth int) error {
		if depth > maxSetDepth {
			return fmt.Errorf("application-set %s nests too deeply", name)
		}
		kind := "application"
		if set {
			kind = "application-set"
		}
		deps = append(deps, Dep("applications", kind, name))
		n := lookupApp(in.Root, kind, name)
		if n == nil {
			n = lookupApp(in.Defaults, kind, name)
		}
		if n == nil {
			return fmt.Errorf("%s %s is not defined", kind, name)
		}
		if !set {
			if !seen[name] {
				seen[name] = true
				apps = append(apps, appOf(n))
			}
			return nil
		}
		for _, m := range n.AllNamed("application") {
			if !m.Inactive {
				if err := add(m.Key, false, depth+1); err != nil {
					return err
				}
			}
		}
		for _, m := range n.AllNamed("application-set") {
			if !m.Inactive {
				if err := add(m.Key, true, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, n := range names {
		if err := add(n, sets, 0); err != nil {
			return nil, nil, err
		}
	}
	return apps, deps, nil
}

func lookupApp(root *tree.Node, kind, name string) *tree.Node {
	a := root.ChildNamed("applications", "")
	if a == nil || a.Inactive {
		return nil
	}
	n := a.ChildNamed(kind, name)
	if n == nil || n.Inactive {
		return nil
	}
	return n
}

func appOf(n *tree.Node) App {
	a := App{Name: n.Key}
	a.Protocol, _ = n.Leaf("protocol")
	a.SourcePort, _ = n.Leaf("source-port")
	a.DestinationPort, _ = n.Leaf("destination-port")
	a.ICMPType, _ = n.Leaf("icmp-type")
	a.ICMPCode, _ = n.Leaf("icmp-code")
	a.ICMP6Type, _ = n.Leaf("icmp6-type")
	a.ICMP6Code, _ = n.Leaf("icmp6-code")
	if v, ok := n.Leaf("inactivity-timeout"); ok {
		a.InactivityTimeout, _ = strconv.Atoi(v)
	}
	return a
}

// Keys returns the keys of the active entries of list name under n, in
// their order (configured order for an ordered-by-user list).
func Keys(n *tree.Node, name string) []string {
	var out []string
	for _, c := range n.ActiveNamed(name) {
		out = append(out, c.Key)
	}
	return out
}

// Values returns the active values of leaf-list name under n.
func Values(n *tree.Node, name string) []string {
	var out []string
	for _, c := range n.ActiveNamed(name) {
		out = append(out, c.Value)
	}
	return out
}

// Active returns the active child name of n, or nil (tree.Node.ActiveChild).
func Active(n *tree.Node, name string) *tree.Node { return n.ActiveChild(name) }

// From is a compiled `from` clause of a rule term, as the rule-based
// plugins (stateful-firewall, nat) share it: addresses and the
// applications and application-sets resolved against the configuration
// and the junos-defaults.
type From struct {
	Sources, Destinations []string
	// SourcesExcept and DestinationsExcept are the prefixes listed with
	// `except`: an address whose longest listed prefix is one of them does
	// not match.
	SourcesExcept, DestinationsExcept []string
	Apps                              []App
	Deps                              []string // configuration paths the clause read
}

// addresses splits the active entries of address list name under from
// (`source-address P;`, `source-address P except;`) into plain and except
// prefixes.
func addresses(from *tree.Node, name string) (plain, except []string) {
	for _, c := range from.ActiveNamed(name) {
		if c.ActiveChild("except") != nil {
			except = append(except, c.Key)
		} else {
			plain = append(plain, c.Key)
		}
	}
	return plain, except
}

// CompileFrom compiles the active `from` node of a term (nil: matches
// everything). Schemas without application-sets simply have none.
func CompileFrom(in *Input, from *tree.Node) (From, error) {
	var f From
	if from == nil {
		return f, nil
	}
	f.Sources, f.SourcesExcept = addresses(from, "source-address")
	f.Destinations, f.DestinationsExcept = addresses(from, "destination-address")
	apps, d, err := ResolveApplications(in, Values(from, "applications"), false)
	if err != nil {
		return f, err
	}
	sets, d2, err := ResolveApplications(in, Keys(from, "application-sets"), true)
	if err != nil {
		return f, err
	}
	f.Apps = append(apps, sets...)
	f.Deps = append(d, d2...)
	return f, nil
}
