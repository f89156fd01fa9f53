package format_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// TestParsedLongListFirstEdit: a 10,000-entry list fresh from each parser
// is already in chunks, so the first edit under it copies a path of chunks
// (a few kB), not the list's whole child slice (80 kB).
func TestParsedLongListFirstEdit(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.WriteString("services {\n")
	for i := range 10000 {
		fmt.Fprintf(&text, "    service-set ss%d {\n        interface-service {\n            service-interface ms-0/0/0;\n        }\n    }\n", i)
	}
	text.WriteString("}\n")
	parsed, _, err := format.ParseText(s.Root, text.String())
	if err != nil {
		t.Fatal(err)
	}
	var xml, json strings.Builder
	if err := format.WriteXML(&xml, parsed, false); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteJSON(&json, parsed, false); err != nil {
		t.Fatal(err)
	}
	parsers := map[string]func() (*tree.Node, error){
		"text": func() (*tree.Node, error) { n, _, err := format.ParseText(s.Root, text.String()); return n, err },
		"xml": func() (*tree.Node, error) {
			n, _, err := format.ParseXML(s.Root, strings.NewReader(xml.String()))
			return n, err
		},
		"json": func() (*tree.Node, error) {
			n, _, err := format.ParseJSON(s.Root, strings.NewReader(json.String()))
			return n, err
		},
	}
	for name, parse := range parsers {
		n, err := parse()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := len(n.ChildNamed("services", "").AllNamed("service-set")); got != 10000 {
			t.Fatalf("%s: %d service-sets, want 10000", name, got)
		}
		ed := tree.NewEditor(n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := format.ApplySet(ed, s.Root, "set services service-set ss5000 max-flows 7"); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<10 {
			t.Errorf("%s: the first edit allocated %d bytes, want a path of chunks (under 16 kB)", name, got)
		}
		if v, _ := ed.Freeze().ChildNamed("services", "").ChildNamed("service-set", "ss5000").Leaf("max-flows"); v != "7" {
			t.Errorf("%s: max-flows of ss5000 = %q after the edit, want 7", name, v)
		}
	}
}
