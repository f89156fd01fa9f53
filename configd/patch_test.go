package configd_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
)

// TestLoadPatch: `show | compare` output from A to B, loaded as a patch on
// a candidate equal to A, makes it B: changed, deleted and added leaves,
// leaf-lists, list entries, flat lists and inactive marks. A bad patch
// is refused with its line and changes nothing.
func TestLoadPatch(t *testing.T) {
	cases := []struct{ name, a, b string }{
		{"leaves and entries",
			`system { host-name r1; login { user bob { class super-user; } } }
services { stateful-firewall { rule r1 { match-direction input; term t1 { from { applications [ junos-http junos-https ]; } then accept; } term t2 { then discard; } } } }`,
			`system { host-name r2; }
services { stateful-firewall { rule r1 { match-direction input; term t1 { from { applications [ junos-http junos-ftp ]; } then accept; } inactive: term t2 { then discard; } term t3 { then accept; } } } }`},
		{"interfaces",
			`interfaces { ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/24; } } } }`,
			`interfaces { ge-0/0/0 { description "to the core"; unit 0 { family inet { address 10.0.0.2/24; } } } ge-0/0/1 { unit 5 { family inet6 { address 2001:db8::1/64; } } } }`},
		{"activate and empty", `system { inactive: host-name r1; domain-name example.net; }`, `system { host-name r1; }`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			root := h.c.Schema().Root
			a, _, err := format.ParseText(root, tc.a)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := format.ParseText(root, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			var patch strings.Builder
			if err := format.WriteCompare(&patch, a, b); err != nil {
				t.Fatal(err)
			}
			s := h.session(configd.Shared)
			if err := s.Load(configd.LoadOverride, configd.FormatText, tc.a); err != nil {
				t.Fatal(err)
			}
			if err := s.Load(configd.LoadPatch, configd.FormatText, patch.String()); err != nil {
				t.Fatalf("load patch:\n%s\n%v", patch.String(), err)
			}
			var got, want strings.Builder
			format.WriteText(&got, s.Candidate())
			format.WriteText(&want, b)
			if got.String() != want.String() {
				t.Fatalf("patch\n%s\nmade\n%s\nwant\n%s", patch.String(), got.String(), want.String())
			}
		})
	}

	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name r1")
	commit(t, s, configd.CommitOptions{})
	for patch, want := range map[string]string{
		"+  host-name r2;\n":                           "patch line 1: a change before any [edit …] header",
		"[edit system]\n   host-name r2;\n":            "patch line 2: expecting +, - or !",
		"[edit bogus]\n+ x;\n":                         "patch line 1: [edit bogus]",
		"[edit system]\n-  domain-name example.net;\n": "patch: delete system domain-name",
		"[edit system]\n!  moved: x\n":                 "unsupported change",
	} {
		err := s.Load(configd.LoadPatch, configd.FormatText, patch)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("patch %q: got %v, want an error containing %q", patch, err, want)
		}
		if hostname(s.Candidate()) != "r1" || s.Candidate().NumKids() != 1 {
			t.Errorf("a refused patch changed the candidate")
		}
	}
}
