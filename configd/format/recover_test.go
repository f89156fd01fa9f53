package format

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// ParseTextAll skips a bad statement whole (its block too) and parses
// the rest; a one-liner with a bad part leaves nothing; each error keeps
// its position, edit path and statement.
func TestParseTextAllRecovers(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		want      string   // what loaded, as set commands
		errs      []string // line:col [edit] 'statement' message
	}{
		{"unknown statement in a block",
			"system {\n    host-name r1;\n    bogus 1;\n    domain-name x.example;\n}\n",
			"set system host-name r1\nset system domain-name x.example\n",
			[]string{"3:5 [edit system] 'bogus 1;' syntax error: unknown statement 'bogus'"}},
		{"a bad block is skipped whole",
			"interfaces {\n    ge-0/0/0 { mtu 99999999; description a; }\n    ge-0/0/1 { description b; }\n}\nsystem { nothere { x 1; y { z; } } host-name r2; }\n",
			"set system host-name r2\nset interfaces ge-0/0/0 description a\nset interfaces ge-0/0/1 description b\n",
			[]string{"2:20 [edit interfaces ge-0/0/0] 'mtu 99999999;' mtu: value 99999999 is not within range", "5:10 [edit system] 'nothere {' syntax error: unknown statement 'nothere'"}},
		{"a bad one-liner leaves nothing",
			"routing-options { static { route 10.0.0.0/8 next-hop bogus; route 0.0.0.0/0 next-hop 192.0.2.1; } }\n",
			"set routing-options static route 0.0.0.0/0 next-hop 192.0.2.1\n",
			[]string{"1:54 [edit routing-options static] 'route 10.0.0.0/8 next-hop bogus;' next-hop: invalid value 'bogus'"}},
		{"an extra brace",
			"system { host-name r3; }\n}\nsystem { domain-name y.example; }\n",
			"set system host-name r3\nset system domain-name y.example\n",
			[]string{"2:1 [edit] '' syntax error: unexpected '}'"}},
		{"missing brace at the end",
			"system {\n    host-name r4;\n",
			"set system host-name r4\n",
			[]string{"3:1 [edit system] '' syntax error: missing '}'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, errs := ParseTextAll(s.Root, tc.src)
			var b strings.Builder
			if err := WriteSet(&b, got, nil); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("loaded:\n%s\nwant:\n%s", b.String(), tc.want)
			}
			if len(errs) != len(tc.errs) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tc.errs))
			}
			for i, e := range errs {
				line := fmt.Sprintf("%d:%d %s '%s' %s", e.Line, e.Col, e.Edit, e.Statement, e.Msg)
				if !strings.HasPrefix(line, tc.errs[i]) {
					t.Errorf("error %d: got %q, want it to start %q", i, line, tc.errs[i])
				}
			}
		})
	}
}

// An unterminated string ends the parse: what came before it loads.
func TestParseTextAllStopsAtALexerError(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	got, _, errs := ParseTextAll(s.Root, "system { host-name r5; }\nsystem { domain-name \"open\n")
	if len(errs) != 1 || got.Get(tree.Path{}) == nil || got.ChildNamed("system", "") == nil {
		t.Fatalf("errors %v, tree %v", errs, got)
	}
	if v, _ := got.ChildNamed("system", "").Leaf("host-name"); v != "r5" {
		t.Errorf("host-name %q, want r5", v)
	}
}

// ApplySetAll applies the good lines and reports each bad one with its
// edit level.
func TestApplySetAllGoesOn(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := tree.NewEditor(tree.New(s.Root))
	errs := ApplySetAll(e, s.Root, "set system host-name r6\nset system bogus 1\nedit interfaces\nset ge-0/0/0 mtu x\nset ge-0/0/0 description d\n")
	if len(errs) != 2 || errs[0].Line != 2 || errs[0].Edit != "[edit]" || errs[1].Line != 4 || errs[1].Edit != "[edit interfaces]" || errs[1].Statement != "set ge-0/0/0 mtu x" {
		for _, e := range errs {
			t.Logf("%+v", *e)
		}
		t.Fatalf("got %d errors", len(errs))
	}
	var b strings.Builder
	if err := WriteSet(&b, e.Freeze(), nil); err != nil {
		t.Fatal(err)
	}
	if want := "set system host-name r6\nset interfaces ge-0/0/0 description d\n"; b.String() != want {
		t.Errorf("applied:\n%s\nwant:\n%s", b.String(), want)
	}
}
