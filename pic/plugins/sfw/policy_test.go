package sfw_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/plugins/sfw"
	"github.com/gnos/gnos/yang"
)

const conf = `
applications {
    application web8080 { protocol tcp; destination-port 8080; }
    application-set webs { application web8080; application junos-https; }
}
services {
    service-set s1 { stateful-firewall-rules r1; stateful-firewall-rules r2; }
    service-set s2 { }
    service-set s3 { stateful-firewall-rules missing; }
    stateful-firewall {
        rule r1 {
            match-direction input;
            term t1 { from { source-address { 10.0.0.0/8; 10.1.0.0/16 except; } destination-address 192.0.2.0/24 except; applications junos-http; } then accept; }
            inactive: term t2 { then discard; }
            term t3 { from { application-sets webs; } then { reject; syslog; } }
        }
        rule r2 { match-direction output; term t1 { then discard; } }
    }
}
`

func parse(t *testing.T, text string) *tree.Node {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := format.ParseText(s.Root, text)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCompile(t *testing.T) {
	root := parse(t, conf)
	defaults := parse(t, yang.Defaults())
	ss := func(name string) *compile.Input {
		return &compile.Input{Name: name, Root: root, Defaults: defaults,
			ServiceSet: root.ChildNamed("services", "").ChildNamed("service-set", name)}
	}
	http := compile.App{Name: "junos-http", Protocol: "tcp", DestinationPort: "80"}
	tests := []struct {
		name     string
		in       *compile.Input
		want     *sfw.Policy
		wantDeps []string
		wantErr  string
	}{
		{"rules in order, inactive term skipped, sets expanded", ss("s1"), &sfw.Policy{Rules: []sfw.Rule{
			{Name: "r1", MatchDirection: "input", Terms: []sfw.Term{
				{Name: "t1", Sources: []string{"10.0.0.0/8"}, SourcesExcept: []string{"10.1.0.0/16"},
					DestinationsExcept: []string{"192.0.2.0/24"}, Apps: []compile.App{http}, Action: "accept"},
				{Name: "t3", Apps: []compile.App{{Name: "junos-https", Protocol: "tcp", DestinationPort: "443"},
					{Name: "web8080", Protocol: "tcp", DestinationPort: "8080"}}, Action: "reject", Syslog: true},
			}},
			{Name: "r2", MatchDirection: "output", Terms: []sfw.Term{{Name: "t1", Action: "discard"}}},
		}}, []string{"services stateful-firewall rule r1", "services stateful-firewall rule r2",
			"applications application junos-http", "applications application-set webs",
			"applications application web8080", "applications application junos-https"}, ""},
		{"no rules: not used", ss("s2"), nil, nil, ""},
		{"missing rule", ss("s3"), nil, nil, "stateful-firewall rule missing is not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, deps, err := sfw.Compile(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if b != nil {
					t.Fatalf("got policy %s, want none", b)
				}
				return
			}
			var got sfw.Policy
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, *tc.want)
			}
			if !sameSet(deps, tc.wantDeps) {
				t.Errorf("deps: got %q, want %q", deps, tc.wantDeps)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
		delete(m, x)
	}
	return len(m) == 0
}
