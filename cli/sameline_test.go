package cli_test

import (
	"strings"
	"testing"
)

// TestSeveralStatementsOnALine: a set command takes several statements of
// one level, as Junos does (`port range low 20000 high 20999`,
// `address … primary preferred`); the pool's range then shows on one line
// as Junos prints it, and that form loads back.
func TestSeveralStatementsOnALine(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set services nat pool p1 address 203.0.113.0/24
set services nat pool p1 port range low 20000 high 20999
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 primary preferred
show services nat pool p1
show interfaces ge-0/0/0 unit 0 family inet
set services nat pool p1 port range low 20000 nonsense 5
commit check
`)
	if !failed || strings.Count(out, "syntax error") != 1 {
		t.Errorf("want one syntax error (the nonsense line), got:\n%s", out)
	}
	for _, want := range []string{
		"address 203.0.113.0/24;\nport {\n    range low 20000 high 20999;\n}\n",
		"address 192.0.2.1/24 {\n    primary;\n    preferred;\n}\n",
		"configuration check succeeds",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	out, _ = script(t, n, `
configure
delete services nat pool p1 port
load merge terminal
services { nat { pool p1 { port { range low 30000 high 30999; } } } }
`+"\x04"+`
show services nat pool p1 port
`)
	if !strings.Contains(out, "range low 30000 high 30999;") {
		t.Errorf("the Junos one-line form did not load:\n%s", out)
	}
}
