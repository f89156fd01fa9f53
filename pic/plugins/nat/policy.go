package nat

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

// Policy is a service-set's compiled NAT policy.
type Policy struct {
	Rules []Rule          `json:"rules"`
	Pools map[string]Pool `json:"pools,omitempty"`

	pools map[string]*pool // data-path form (Prepare)
}

// Rule is one compiled NAT rule.
type Rule = pic.Rule[Term]

// Term is one compiled NAT term: the match and the translation.
type Term struct {
	Name               string        `json:"name"`
	Sources            []string      `json:"sources,omitempty"`
	SourcesExcept      []string      `json:"sources-except,omitempty"`
	Destinations       []string      `json:"destinations,omitempty"`
	DestinationsExcept []string      `json:"destinations-except,omitempty"`
	Apps               []compile.App `json:"apps,omitempty"`
	SourcePool         string        `json:"source-pool,omitempty"`
	TranslationType    string        `json:"translation-type,omitempty"` // napt-44 | basic-nat44

	match pic.Match // data-path form (Prepare)
	pool  *pool
}

// Pool is a compiled address pool.
type Pool struct {
	Addresses []string `json:"addresses"`
	PortLow   int      `json:"port-low,omitempty"` // 0: automatic
	PortHigh  int      `json:"port-high,omitempty"`
}

// Compile builds the policy of a service-set from its nat-rules; nil when
// it names none.
func Compile(in *compile.Input) ([]byte, []string, error) {
	names := compile.Keys(in.ServiceSet, "nat-rules")
	if len(names) == 0 {
		return nil, nil, nil
	}
	pol := Policy{Pools: map[string]Pool{}}
	var deps []string
	natRoot := compile.Active(compile.Active(in.Root, "services"), "nat")
	for _, name := range names {
		deps = append(deps, compile.Dep("services", "nat", "rule", name))
		rn := natRoot.ChildNamed("rule", name)
		if rn == nil || rn.Inactive {
			return nil, nil, fmt.Errorf("nat rule %s is not defined", name)
		}
		r := Rule{Name: name}
		r.MatchDirection, _ = rn.Leaf("match-direction")
		for _, tn := range rn.AllNamed("term") {
			if tn.Inactive {
				continue
			}
			t := Term{Name: tn.Key}
			from, err := compile.CompileFrom(in, compile.Active(tn, "from"))
			if err != nil {
				return nil, nil, fmt.Errorf("rule %s term %s: %w", name, tn.Key, err)
			}
			t.Sources, t.Destinations, t.Apps = from.Sources, from.Destinations, from.Apps
			t.SourcesExcept, t.DestinationsExcept = from.SourcesExcept, from.DestinationsExcept
			deps = append(deps, from.Deps...)
			tr := compile.Active(compile.Active(tn, "then"), "translated")
			if tr != nil {
				t.SourcePool, _ = tr.Leaf("source-pool")
				if tt := compile.Active(tr, "translation-type"); tt != nil {
					for _, k := range []string{"napt-44", "basic-nat44"} {
						if compile.Active(tt, k) != nil {
							t.TranslationType = k
						}
					}
				}
			}
			if p := t.SourcePool; p != "" {
				deps = append(deps, compile.Dep("services", "nat", "pool", p))
				pn := natRoot.ChildNamed("pool", p)
				if pn == nil || pn.Inactive {
					return nil, nil, fmt.Errorf("nat pool %s is not defined", p)
				}
				pol.Pools[p] = poolOf(pn)
			}
			r.Terms = append(r.Terms, t)
		}
		pol.Rules = append(pol.Rules, r)
	}
	b, err := json.Marshal(&pol)
	return b, deps, err
}

func poolOf(n *tree.Node) Pool {
	p := Pool{Addresses: compile.Keys(n, "address")}
	if r := compile.Active(compile.Active(n, "port"), "range"); r != nil {
		lo, _ := r.Leaf("low")
		hi, _ := r.Leaf("high")
		p.PortLow, _ = strconv.Atoi(lo)
		p.PortHigh, _ = strconv.Atoi(hi)
	}
	return p
}
