package sfw

import (
	"encoding/json"
	"fmt"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

// Policy is a service-set's compiled stateful-firewall policy: its rules in
// configured order, applications resolved.
type Policy struct {
	Rules []Rule `json:"rules"`
}

// Rule is one compiled rule.
type Rule = pic.Rule[Term]

// Term is one compiled term. Action is accept, discard or reject (accept
// when the term names none, as Junos does).
type Term struct {
	Name               string        `json:"name"`
	Sources            []string      `json:"sources,omitempty"`
	SourcesExcept      []string      `json:"sources-except,omitempty"`
	Destinations       []string      `json:"destinations,omitempty"`
	DestinationsExcept []string      `json:"destinations-except,omitempty"`
	Apps               []compile.App `json:"apps,omitempty"`
	Action             string        `json:"action"`
	Syslog             bool          `json:"syslog,omitempty"`

	match  pic.Match  // data-path form (Prepare)
	action pic.Result // data-path form (Prepare)
}

// maxIndex bounds rules per service-set and terms per rule: a session
// records the accepting rule and term in one word (data.go).
const maxIndex = 1<<16 - 2

// Compile builds the policy of a service-set from its
// stateful-firewall-rules; nil when it names none.
func Compile(in *compile.Input) ([]byte, []string, error) {
	names := compile.Keys(in.ServiceSet, "stateful-firewall-rules")
	if len(names) == 0 {
		return nil, nil, nil
	}
	var pol Policy
	var deps []string
	rules := compile.Active(compile.Active(in.Root, "services"), "stateful-firewall")
	for _, name := range names {
		deps = append(deps, compile.Dep("services", "stateful-firewall", "rule", name))
		rn := rules.ChildNamed("rule", name)
		if rn == nil || rn.Inactive {
			return nil, nil, fmt.Errorf("stateful-firewall rule %s is not defined", name)
		}
		r := Rule{Name: name}
		r.MatchDirection, _ = rn.Leaf("match-direction")
		for _, tn := range rn.AllNamed("term") {
			if tn.Inactive {
				continue
			}
			t := Term{Name: tn.Key, Action: "accept"}
			from, err := compile.CompileFrom(in, compile.Active(tn, "from"))
			if err != nil {
				return nil, nil, fmt.Errorf("rule %s term %s: %w", name, tn.Key, err)
			}
			t.Sources, t.Destinations, t.Apps = from.Sources, from.Destinations, from.Apps
			t.SourcesExcept, t.DestinationsExcept = from.SourcesExcept, from.DestinationsExcept
			deps = append(deps, from.Deps...)
			if then := compile.Active(tn, "then"); then != nil {
				for _, a := range []string{"accept", "discard", "reject"} {
					if compile.Active(then, a) != nil {
						t.Action = a
					}
				}
				t.Syslog = compile.Active(then, "syslog") != nil
			}
			r.Terms = append(r.Terms, t)
		}
		if len(r.Terms) > maxIndex || len(pol.Rules) >= maxIndex { // a session keeps rule and term in 16 bits each
			return nil, nil, fmt.Errorf("rule %s: more than %d rules in a service-set or terms in a rule", name, maxIndex)
		}
		pol.Rules = append(pol.Rules, r)
	}
	b, err := json.Marshal(&pol)
	return b, deps, err
}
