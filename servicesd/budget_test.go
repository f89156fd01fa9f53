package servicesd_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
)

// test-sized is a plugin whose policy is as many bytes as its
// service-set's max-flows: a policy-DB budget a test can steer.
func init() {
	pic.Register(&pic.Plugin{Name: "test-sized",
		Compile: func(in *compile.Input) ([]byte, []string, error) {
			if in.ServiceSet.ChildNamed("extension-service", "test-sized") == nil {
				return nil, nil, nil
			}
			v, _ := in.ServiceSet.Leaf("max-flows")
			n, _ := strconv.Atoi(v)
			b, err := json.Marshal(strings.Repeat("x", n))
			return b, nil, err
		},
		Control: func() pic.ControlHandler { return pic.JSONControl[string]("test-sized") }})
}

// sizedSet is a service-set whose test-sized policy takes about bytes.
func sizedSet(name, unit string, bytes int) []string {
	p := "set services service-set " + name + " "
	return []string{p + "extension-service test-sized", p + "service-order forward-flow test-sized",
		p + "interface-service service-interface ms-0/0/0." + unit, p + "max-flows " + strconv.Itoa(bytes)}
}

const ep = "set chassis fpc 0 pic 0 adaptive-services service-package extension-provider "

// TestPolicyDBSwapIsNotRefused: one commit grows service-set a's policy
// and shrinks b's, the total within policy-db-size. The PIC takes both:
// servicesd sends what shrinks before what grows, and the PIC checks the
// budget with the same figure before touching its policy DB. Before, the
// updates went in name order and the PIC refused a's (its policy DB
// briefly held a's new policy and b's old one) after `commit complete`.
func TestPolicyDBSwapIsNotRefused(t *testing.T) {
	h := start(t)
	h.set(append(append([]string{ep + "package test-sized", ep + "object-cache-size 64", ep + "policy-db-size 1"},
		sizedSet("a", "1", 1000)...), sizedSet("b", "2", 600_000)...)...)
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitSynced("a", "b")
	h.set("set services service-set a max-flows 600000", "set services service-set b max-flows 1000")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitSynced("a", "b")
	v, err := h.n.Services.PIC(t.Context(), slot00)
	if err != nil {
		t.Fatal(err)
	}
	if v.Refused != 0 {
		t.Errorf("the PIC refused %d updates (%s), want 0", v.Refused, v.LastRefusal)
	}
	for _, name := range []string{"a", "b"} {
		s, _ := h.n.Services.SSRB(name)
		if e := h.picdPolicy(s.ID, "test-sized"); e == nil || e.Gen != s.Gen {
			t.Errorf("%s: policy DB holds %+v, want generation %d", name, e, s.Gen)
		}
	}
}

// TestCacheMinimumAgrees: the object-cache figure servicesd checks at
// commit (dataplane.CacheMinimumFor) is what the PIC's data path needs.
func TestCacheMinimumAgrees(t *testing.T) {
	h := start(t)
	h.set(ep+"data-cores 3", ep+"package stateful-firewall", ep+"package nat", ep+"package passthru")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitState("online")
	got := h.picd().Runtime().Cache.Minimum()
	want := dataplane.CacheMinimumFor(pic.DataPlugins([]*pic.Plugin{pic.Lookup("stateful-firewall"), pic.Lookup("nat"), pic.Lookup("passthru")}), 3)
	if got != want || got == 0 {
		t.Errorf("the PIC's object classes need %d bytes, servicesd computes %d", got, want)
	}
}
