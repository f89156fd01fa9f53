package yang_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestYanglintSemantics validates configurations with yanglint (libyang),
// which enforces what ygot does not: mandatory, must (with the modules'
// error-message texts), when, unique and choice exclusivity. It proves the
// modules say what gnos's own validator must enforce. Skipped when yanglint
// is not installed (scripts/yanglint.sh installs it).
func TestYanglintSemantics(t *testing.T) {
	bin, err := exec.LookPath("yanglint")
	if err != nil {
		t.Skip("yanglint not installed (run scripts/yanglint.sh)")
	}
	mods := moduleFiles(t)
	base := func(t *testing.T) map[string]any {
		var defaults, sample map[string]any
		if err := json.Unmarshal(defaultsJSON(t), &defaults); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(readFile(t, "testdata/device.json"), &sample); err != nil {
			t.Fatal(err)
		}
		return merge(defaults, sample).(map[string]any)
	}

	const (
		sys   = "gnos-system:system"
		svc   = "gnos-services:services"
		apps  = "gnos-applications:applications"
		chass = "gnos-chassis:chassis"
	)
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
		want   string // substring of yanglint's error; "" = valid
	}{
		{
			name:   "sample with defaults is valid",
			mutate: func(map[string]any) {},
		},
		{
			name: "policy-db-size not below object-cache-size",
			mutate: func(d map[string]any) {
				ep := at(d, chass, "fpc", 0, "pic", 0, "adaptive-services", "service-package", "extension-provider")
				ep["policy-db-size"] = 512
			},
			want: "policy-db-size must be less than object-cache-size",
		},
		{
			name: "extension-service without service-order",
			mutate: func(d map[string]any) {
				delete(at(d, svc, "service-set", 1), "service-order")
			},
			want: "service-order forward-flow must be configured when extension-service is configured",
		},
		{
			name: "duplicate uid",
			mutate: func(d map[string]any) {
				at(d, sys, "login", "user", 1)["uid"] = 2000
			},
			want: `Unique data leaf(s) "uid" not satisfied`,
		},
		{
			name: "user without class is valid, as in Junos",
			mutate: func(d map[string]any) {
				delete(at(d, sys, "login", "user", 1), "class")
			},
		},
		{
			name: "rule without match-direction",
			mutate: func(d map[string]any) {
				delete(at(d, svc, "gnos-stateful-firewall:stateful-firewall", "rule", 0), "match-direction")
			},
			want: `Mandatory node "match-direction"`,
		},
		{
			name: "next-hop-service without outside-service-interface",
			mutate: func(d map[string]any) {
				delete(at(d, svc, "service-set", 1, "next-hop-service"), "outside-service-interface")
			},
			want: "next-hop-service needs inside-service-interface and outside-service-interface",
		},
		{
			name: "port range without high",
			mutate: func(d map[string]any) {
				at(d, svc, "gnos-nat:nat", "pool", 0, "port")["range"] = map[string]any{"low": 2000}
			},
			want: "port range needs low and high",
		},
		{
			name: "two translation types",
			mutate: func(d map[string]any) {
				at(d, svc, "gnos-nat:nat", "rule", 0, "term", 0, "then", "translated", "translation-type")["basic-nat44"] = map[string]any{}
			},
			want: "only one translation-type may be configured",
		},
		{
			name: "interface-service and next-hop-service",
			mutate: func(d map[string]any) {
				at(d, svc, "service-set", 0)["next-hop-service"] = map[string]any{
					"inside-service-interface":  "ms-0/0/0.1",
					"outside-service-interface": "ms-0/0/0.2",
				}
			},
			want: "both cases",
		},
		{
			name: "icmp-type on a tcp application",
			mutate: func(d map[string]any) {
				at(d, apps, "application", "my-web")["icmp-type"] = 8
			},
			want: "When condition",
		},
		{
			name: "destination-port without protocol",
			mutate: func(d map[string]any) {
				delete(at(d, apps, "application", "my-web"), "protocol")
			},
			want: "When condition",
		},
		{
			name: "unknown application in a term",
			mutate: func(d map[string]any) {
				from := at(d, svc, "gnos-stateful-firewall:stateful-firewall", "rule", 0, "term", 0, "from")
				from["applications"] = []any{"junos-nope"}
			},
			want: "junos-nope",
		},
		{
			name: "napt-44 without source-pool",
			mutate: func(d map[string]any) {
				tr := at(d, svc, "gnos-nat:nat", "rule", 0, "term", 0, "then", "translated")
				delete(tr, "source-pool")
			},
			want: "source-pool must be configured for source translation",
		},
		{
			name: "port range low above high",
			mutate: func(d map[string]any) {
				at(d, svc, "gnos-nat:nat", "pool", 0, "port")["range"] = map[string]any{"low": 60000, "high": 2000}
			},
			want: "port range low must not be greater than high",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := base(t)
			tt.mutate(doc)
			b, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "config.json")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-t", "config", "-p", "modules"}, mods...)
			out, err := exec.Command(bin, append(args, file)...).CombinedOutput()
			switch {
			case tt.want == "" && (err != nil || len(out) > 0):
				t.Errorf("got %v:\n%s\nwant a valid configuration", err, out)
			case tt.want != "" && err == nil:
				t.Errorf("got a valid configuration, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(string(out), tt.want):
				t.Errorf("got error:\n%s\nwant one containing %q", out, tt.want)
			}
		})
	}
}

// merge merges JSON value b into a: objects member by member, arrays
// concatenated (list entries of both documents).
func merge(a, b any) any {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return b
		}
		for k, v := range bv {
			if old, ok := av[k]; ok {
				av[k] = merge(old, v)
			} else {
				av[k] = v
			}
		}
		return av
	case []any:
		if bv, ok := b.([]any); ok {
			return append(av, bv...)
		}
	}
	return b
}

// at walks a JSON document: a string step selects an object member, or
// the list entry whose "name" is that string when the value is an array;
// an int step indexes an array. It returns the object reached and panics
// (failing the test) when the path does not exist.
func at(doc map[string]any, path ...any) map[string]any {
	var cur any = doc
	for _, step := range path {
		switch s := step.(type) {
		case int:
			cur = cur.([]any)[s]
		case string:
			if arr, ok := cur.([]any); ok {
				var found any
				for _, e := range arr {
					if e.(map[string]any)["name"] == s {
						found = e
					}
				}
				cur = found
				continue
			}
			cur = cur.(map[string]any)[s]
		}
	}
	return cur.(map[string]any)
}

// TestDefaultsSatisfyReferences: references to junos-* applications
// resolve once the defaults are merged, as gnos does before validating;
// without them the same configuration fails its leafref.
func TestDefaultsSatisfyReferences(t *testing.T) {
	bin, err := exec.LookPath("yanglint")
	if err != nil {
		t.Skip("yanglint not installed (run scripts/yanglint.sh)")
	}
	mods := moduleFiles(t)
	user := func() map[string]any {
		var d map[string]any
		if err := json.Unmarshal([]byte(`{"gnos-applications:applications": {"application-set": [{"name": "mgmt",
			"application": [{"name": "junos-ssh"}, {"name": "junos-https"}]}]}}`), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	check := func(doc map[string]any) ([]byte, error) {
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-t", "config", "-p", "modules"}, mods...)
		return exec.Command(bin, append(args, file)...).CombinedOutput()
	}
	if out, err := check(user()); err == nil {
		t.Errorf("without defaults: got a valid configuration (%s), want a leafref error for junos-ssh", out)
	}
	var defaults map[string]any
	if err := json.Unmarshal(defaultsJSON(t), &defaults); err != nil {
		t.Fatal(err)
	}
	if out, err := check(merge(defaults, user()).(map[string]any)); err != nil || len(out) > 0 {
		t.Errorf("with defaults: got %v:\n%s\nwant a valid configuration", err, out)
	}
}
