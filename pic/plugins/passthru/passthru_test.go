package passthru_test

import (
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/plugins/passthru"
)

func TestCompile(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	root, _, err := format.ParseText(s.Root, `services {
    service-set a { extension-service passthru; service-order { forward-flow passthru; } }
    service-set b { service-order { forward-flow stateful-firewall; } }
}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ ss, want string }{
		{"a", `{"description":"passthru for service-set a"}`},
		{"b", ""},
	}
	for _, tc := range tests {
		got, _, err := passthru.Compile(&compile.Input{Name: tc.ss, Root: root,
			ServiceSet: root.ChildNamed("services", "").ChildNamed("service-set", tc.ss)})
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.ss, got, err, tc.want)
		}
	}
}
