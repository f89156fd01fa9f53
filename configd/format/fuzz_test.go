package format

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/internal/testtree"
	"github.com/gnos/gnos/configd/tree"
)

// Each parser must never panic, and whatever it accepts must print and
// parse back to the same tree.

func FuzzParseText(f *testing.F) {
	root := testRoot(f)
	for _, s := range []string{sampleText, compareBase, "system { host-name \"a\\\"b\"; }",
		"interfaces { inactive: ge-0/0/0 { /* c */ mtu 1500; } }", "services { delete: rule r; replace: service-set S { max-flows 1; } }",
		"routing-options { route 1/8 t next-hop x; }", "system { servers [ a b ]; /* x */ servers c; }",
		"services { rule r { term t { from { destination-address { a; b except; /* c */ inactive: \"d e\" { note x; except; } } destination-address f; } } } }",
		groupsText, "groups { g { interfaces { <ge-*> { mtu 1; } } } }\nprotect: system { unprotect: host-name x; }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// Recovering from errors always ends, and what it keeps prints
		// and parses again cleanly.
		all, _, _ := ParseTextAll(root, src)
		if _, _, err := ParseText(root, textOf(t, all)); err != nil {
			t.Fatalf("what ParseTextAll kept does not print as valid text: %v\n%s", err, textOf(t, all))
		}
		tr, _, err := ParseText(root, src)
		if err != nil {
			return
		}
		printed := textOf(t, tr)
		back, _, err := ParseText(root, printed)
		if err != nil {
			t.Fatalf("printed text does not parse: %v\n%s", err, printed)
		}
		if !tree.Equal(back, tr) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", printed, textOf(t, back))
		}
	})
}

func FuzzApplySet(f *testing.F) {
	root := testRoot(f)
	f.Add(setOf(f, parseText(f, root, sampleText), nil))
	for _, s := range []string{
		"set system host-name r1\ndeactivate system host-name\nannotate system \"x\"",
		"edit services rule r\nset term a then accept\nset term b\ninsert term b before term a\nup\nrename rule r to rule q",
		"set interfaces ge-0/0/0 unit 0\ncopy interfaces ge-0/0/0 to ge-0/0/1\ndelete interfaces ge-0/0/0",
		"set system servers [ a \"b c\" ]\ntop set system port 1\nset routing-options route 1 t next-hop x",
		"set groups g interfaces <ge-*> mtu 1\nset apply-groups g\nprotect system\nunprotect system",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tr, err := ParseSet(root, src)
		if err != nil {
			return
		}
		printed := setOf(t, tr, nil)
		back, err := ParseSet(root, printed)
		if err != nil {
			t.Fatalf("printed set form does not parse: %v\n%s", err, printed)
		}
		if want := testtree.WithoutComments(tr); !tree.Equal(back, want) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", printed, setOf(t, back, nil))
		}
	})
}

func FuzzParseXML(f *testing.F) {
	root := testRoot(f)
	f.Add("<configuration xmlns:junos=\"j/junos\">" + xmlOf(f, parseText(f, root, sampleText), true) + "</configuration>")
	f.Add(`<system><host-name operation="delete"/><services replace="replace"><ssh inactive="inactive"/></services></system>`)
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]><system/>`)
	f.Fuzz(func(t *testing.T, src string) {
		tr, _, err := ParseXML(root, strings.NewReader(src))
		if err != nil {
			return
		}
		printed := `<configuration xmlns:junos="http://xml.juniper.net/junos/*/junos">` + xmlOf(t, tr, false) + "</configuration>"
		back, _, err := ParseXML(root, strings.NewReader(printed))
		if err != nil {
			t.Fatalf("printed XML does not parse: %v\n%s", err, printed)
		}
		if !tree.Equal(back, tr) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", printed, xmlOf(t, back, false))
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	root := testRoot(f)
	f.Add(jsonOf(f, parseText(f, root, sampleText), true))
	f.Add(`{"configuration": {"system": {"@": {"comment": "/* x */"}, "port": "1", "@port": {"operation": "delete"}}}}`)
	f.Add(`{"system": {"servers": ["a", "b"], "@servers": [null, {"inactive": true}], "services": {"telnet": [null]}}}`)
	f.Fuzz(func(t *testing.T, src string) {
		tr, _, err := ParseJSON(root, strings.NewReader(src))
		if err != nil {
			return
		}
		printed := jsonOf(t, tr, false)
		back, _, err := ParseJSON(root, strings.NewReader(printed))
		if err != nil {
			t.Fatalf("printed JSON does not parse: %v\n%s", err, printed)
		}
		if !tree.Equal(back, tr) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", printed, jsonOf(t, back, false))
		}
	})
}
