package cli_test

import (
	"strings"
	"testing"
)

// replace pattern: values and identifiers under the edit level, siblings
// before children with upto (Juniper's own example), back references, a
// renamed list entry, and a replacement that does not fit its type
// refused with nothing changed.
func TestReplacePattern(t *testing.T) {
	n, _ := startNode(t)
	c, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	run := func(line string) string {
		t.Helper()
		r, err := c.Exec(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return r.Output
	}
	run("configure")
	run(`set interfaces ge-1/0/0 description "mkt 010101"`)
	run(`set interfaces ge-1/0/0 unit 0 description "mkt 010101"`)
	run(`set interfaces ge-0/0/1 description "mkt 010101"`)
	if out := run("replace pattern 01 with 02 upto 2"); out != "" {
		t.Fatalf("replace said %q", out)
	}
	got := run("show interfaces | display set")
	for _, want := range []string{
		`set interfaces ge-1/0/0 description "mkt 020202"`,
		`set interfaces ge-1/0/0 unit 0 description "mkt 010101"`,
		`set interfaces ge-0/0/1 description "mkt 020202"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("after upto 2, %q missing:\n%s", want, got)
		}
	}
	run(`replace pattern "ge-([0-9])/0/0" with "xe-\1/1/0"`)
	got = run("show interfaces | display set")
	if !strings.Contains(got, "set interfaces xe-1/1/0 unit 0 description") || strings.Contains(got, "ge-1/0/0") {
		t.Errorf("back reference rename:\n%s", got)
	}
	run("edit interfaces ge-0/0/1")
	run("set mtu 1500")
	run("top")
	run("set interfaces xe-1/1/0 mtu 1500")
	if out := run("replace pattern 1500 with 99999999"); !strings.Contains(out, "error:") || !strings.Contains(out, "99999999") {
		t.Errorf("out-of-range replacement: %q", out)
	}
	if got := run("show interfaces | display set"); strings.Count(got, "mtu 1500") != 2 {
		t.Errorf("a refused replace changed something:\n%s", got)
	}
	run("edit interfaces ge-0/0/1")
	run("replace pattern 1500 with 9000") // the edit level bounds it
	run("top")
	got = run("show interfaces | display set")
	if !strings.Contains(got, "set interfaces ge-0/0/1 mtu 9000") || !strings.Contains(got, "set interfaces xe-1/1/0 mtu 1500") {
		t.Errorf("replace at an edit level:\n%s", got)
	}
	if out := run("replace pattern ( with x"); !strings.Contains(out, "invalid pattern") {
		t.Errorf("bad pattern: %q", out)
	}
}
