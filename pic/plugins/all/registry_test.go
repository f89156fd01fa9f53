package all_test

import (
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

// TestPluginIDsFromNames pins the built-in plugins' IDs (they are shown by
// show services service-sets plug-ins) and proves that linking another
// plugin in, whatever its name sorts or registers before, changes none.
func TestPluginIDsFromNames(t *testing.T) {
	want := map[string]int{sfw.Name: 55521, nat.Name: 65346, "passthru": 56825}
	check := func(when string) {
		for name, id := range want {
			p := pic.Lookup(name)
			if p == nil {
				t.Fatalf("%s: plugin %s not registered", when, name)
			}
			if p.ID() != id {
				t.Errorf("%s: %s ID: got %d, want %d", when, name, p.ID(), id)
			}
		}
	}
	check("built-ins only")
	extra := &pic.Plugin{Name: "aaa-extra", ChainOrder: 1,
		Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Control: func() pic.ControlHandler { return pic.JSONControl[struct{}]("aaa-extra") }}
	pic.Register(extra)
	check("with aaa-extra linked")
	if got, want := extra.ID(), pic.PluginID("aaa-extra"); got != want {
		t.Errorf("aaa-extra ID: got %d, want %d", got, want)
	}
}

// TestDefaultChainOrderRegistered: the Junos default chain (stateful
// firewall before NAT) is the plugins' own registration.
func TestDefaultChainOrderRegistered(t *testing.T) {
	f, n := pic.Lookup(sfw.Name).ChainOrder, pic.Lookup(nat.Name).ChainOrder
	if f <= 0 || n <= 0 || f >= n {
		t.Errorf("ChainOrder: got stateful-firewall %d, nat %d, want 0 < stateful-firewall < nat", f, n)
	}
}
