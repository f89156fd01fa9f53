package format_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
)

// TestCompactFamily: Junos prints `family inet { … }` and `family inet6;`
// on one line (gnos-ext:compact); both parse back.
func TestCompactFamily(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := "interfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                address 192.0.2.1/24;\n            }\n            family inet6;\n        }\n    }\n}\n"
	n, _, err := format.ParseText(s.Root, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var b strings.Builder
	if err := format.WriteText(&b, n); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != src {
		t.Fatalf("round trip:\ngot\n%s\nwant\n%s", got, src)
	}
}
