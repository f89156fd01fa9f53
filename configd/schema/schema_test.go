package schema_test

import (
	"testing"

	"github.com/gnos/gnos/configd/schema"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

func TestDefaultSchemaShape(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	tests := []struct {
		path string
		kind schema.Kind
	}{
		{"/system/host-name", schema.Leaf},
		{"/interfaces/interface", schema.List},
		{"/services/service-set", schema.List},
		{"/services/service-set/stateful-firewall-rules", schema.List},
		{"/services/service-set/service-order/forward-flow", schema.LeafList},
		{"/services/stateful-firewall/rule/term", schema.List},
		{"/services/nat/pool", schema.List},
		{"/applications/application", schema.List},
		{"/chassis/fpc/pic/adaptive-services/service-package/extension-provider/data-cores", schema.Leaf},
	}
	for _, tc := range tests {
		n := s.Find(tc.path)
		if n == nil {
			t.Errorf("%s: missing", tc.path)
			continue
		}
		if n.Kind != tc.kind {
			t.Errorf("%s: got kind %v, want %v", tc.path, n.Kind, tc.kind)
		}
	}
	if !s.Find("/interfaces/interface").Flat {
		t.Errorf("interfaces interface: got Flat false, want true")
	}
	if !s.Find("/services/stateful-firewall/rule/term").UserOrder {
		t.Errorf("term: got UserOrder false, want true")
	}
	// display order follows the YANG statements: system before services
	var names []string
	for _, c := range s.Root.Children {
		names = append(names, c.Name)
	}
	t.Logf("top level: %v", names)
}

func TestCheckValue(t *testing.T) {
	s := schema.MustDefault()
	tests := []struct {
		name, path, v string
		ok            bool
	}{
		{"data-cores in range", "/chassis/fpc/pic/adaptive-services/service-package/extension-provider/data-cores", "4", true},
		{"data-cores too big", "/chassis/fpc/pic/adaptive-services/service-package/extension-provider/data-cores", "999", false},
		{"data-cores not a number", "/chassis/fpc/pic/adaptive-services/service-package/extension-provider/data-cores", "x", false},
		{"match-direction enum", "/services/stateful-firewall/rule/match-direction", "input", true},
		{"match-direction bad", "/services/stateful-firewall/rule/match-direction", "sideways", false},
		{"inet address", "/interfaces/interface/unit/family/inet/address/name", "10.0.0.1/24", true},
		{"inet address bad", "/interfaces/interface/unit/family/inet/address/name", "10.0.0.300/24", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := s.Find(tc.path)
			if n == nil {
				t.Fatalf("%s missing", tc.path)
			}
			err := n.CheckValue(tc.v)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckValue(%q): got err %v, want ok=%v", tc.v, err, tc.ok)
			}
		})
	}
}

func TestModuleNames(t *testing.T) {
	s := schema.MustDefault()
	tests := []struct{ path, module string }{
		{"/system/host-name", "gnos-system"},
		{"/services/service-set", "gnos-services"},
		{"/services/stateful-firewall", "gnos-stateful-firewall"},
		{"/services/service-set/nat-rules", "gnos-nat"},
	}
	for _, tc := range tests {
		if got := s.Find(tc.path).Module; got != tc.module {
			t.Errorf("%s: got module %q, want %q", tc.path, got, tc.module)
		}
	}
}
