package validate

import (
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	_ "github.com/gnos/gnos/pic/plugins/all"
	"github.com/gnos/gnos/yang"
)

func TestExploreReal(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	t.Log(CheckSchema(s.Root))
	defs, _, err := format.ParseText(s.Root, yang.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	t.Log(String(Validate(defs, Options{})))
	p := planFor(s.Root)
	for sn, np := range p.nodes {
		if len(np.must) > 0 || np.when != nil || np.ref != nil || len(np.required) > 0 || len(np.choices) > 0 {
			t.Logf("%s must=%d when=%v ref=%v req=%d choices=%d", sn.Path(), len(np.must), np.when, np.ref != nil, len(np.required), len(np.choices))
		}
	}
}
