package nat_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/plugins/nat"
)

const conf = `
services {
    service-set s1 { nat-rules n1; }
    service-set s2 { }
    service-set s3 { nat-rules n2; }
    nat {
        pool p1 { address 203.0.113.0/25; address 203.0.113.128/25; port { range { low 1024; high 65535; } } }
        rule n1 {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { napt-44; } } }
            }
        }
        rule n2 {
            match-direction input;
            term t1 { then { translated { source-pool nosuch; translation-type { basic-nat44; } } } }
        }
    }
}
`

func TestCompile(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	root, _, err := format.ParseText(s.Root, conf)
	if err != nil {
		t.Fatal(err)
	}
	in := func(name string) *compile.Input {
		return &compile.Input{Name: name, Root: root,
			ServiceSet: root.ChildNamed("services", "").ChildNamed("service-set", name)}
	}
	tests := []struct {
		name     string
		ss       string
		want     *nat.Policy
		wantDeps []string
		wantErr  string
	}{
		{"rule with pool", "s1", &nat.Policy{
			Rules: []nat.Rule{{Name: "n1", MatchDirection: "input", Terms: []nat.Term{{Name: "t1",
				Sources: []string{"10.0.0.0/8"}, SourcePool: "p1", TranslationType: "napt-44"}}}},
			Pools: map[string]nat.Pool{"p1": {Addresses: []string{"203.0.113.0/25", "203.0.113.128/25"}, PortLow: 1024, PortHigh: 65535}},
		}, []string{"services nat rule n1", "services nat pool p1"}, ""},
		{"no nat-rules", "s2", nil, nil, ""},
		{"missing pool", "s3", nil, nil, "nat pool nosuch is not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, deps, err := nat.Compile(in(tc.ss))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want %q", err, tc.wantErr)
				}
				return
			case err != nil:
				t.Fatal(err)
			case tc.want == nil:
				if b != nil {
					t.Fatalf("got %s, want no policy", b)
				}
				return
			}
			var got nat.Policy
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, *tc.want)
			}
			if !reflect.DeepEqual(deps, tc.wantDeps) {
				t.Errorf("deps: got %q, want %q", deps, tc.wantDeps)
			}
		})
	}
}
