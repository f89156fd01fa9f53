package compile_test

import (
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/pic/compile"
	_ "github.com/gnos/gnos/pic/plugins/nat"
)

// TestProperties: the NAT module's properties come from its YANG module,
// with types, ranges, defaults and the keys required.
func TestProperties(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	props := compile.Properties(s, "gnos-nat")
	byPath := map[string]compile.Property{}
	for _, p := range props {
		byPath[p.Path] = p
		t.Logf("%+v", p)
	}
	for _, want := range []compile.Property{
		{Path: "services nat pool name", Required: true},
		{Path: "services nat pool <name> port range low", Range: "1024..65535"},
		{Path: "services nat rule <name> term <name> then translated translation-type napt-44"},
	} {
		got, ok := byPath[want.Path]
		if !ok {
			t.Errorf("no property %s among %d", want.Path, len(props))
			continue
		}
		if got.Required != want.Required || (want.Range != "" && got.Range != want.Range) || got.Type == "" {
			t.Errorf("got %+v, want %+v with a type", got, want)
		}
	}
	if _, ok := byPath["services nat pool <name> apply-groups"]; ok {
		t.Errorf("generic apply-groups listed as a property")
	}
	if got := compile.Properties(s, ""); got != nil {
		t.Errorf("no module: got %v, want none", got)
	}
}
