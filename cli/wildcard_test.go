package cli_test

import (
	"strings"
	"testing"
)

// wildcard delete lists what matched and asks; yes deletes exactly those
// entries, anything else (and the default) deletes nothing; a pattern
// matching nothing or a bad pattern is an error.
func TestWildcardDeleteAsks(t *testing.T) {
	n, _ := startNode(t)
	c, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(line string) (out, question string) {
		t.Helper()
		r, err := c.Exec(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return r.Output, r.Question
	}
	exec("configure")
	for _, i := range []string{"ge-0/0/1", "ge-0/0/2", "xe-0/0/1"} {
		exec("set interfaces " + i + " description x")
	}
	out, q := exec("wildcard delete interfaces ge-*")
	if want := "  matched: ge-0/0/1\n  matched: ge-0/0/2\n"; !strings.Contains(out+q, want) || !strings.Contains(out+q, "Delete 2 objects? [yes,no] (no) ") {
		t.Fatalf("wildcard delete: output %q question %q", out, q)
	}
	exec("no")
	if out, _ := exec("show interfaces"); !strings.Contains(out, "ge-0/0/1") {
		t.Fatalf("answering no deleted: %q", out)
	}
	exec("wildcard delete interfaces ge-*")
	exec("yes")
	out, _ = exec("show interfaces")
	if strings.Contains(out, "ge-0/0/") || !strings.Contains(out, "xe-0/0/1") {
		t.Errorf("after yes: %q", out)
	}
	if out, _ := exec("wildcard delete interfaces fe-*"); !strings.Contains(out, "error: no matches for fe-*") {
		t.Errorf("no match: %q", out)
	}
	if out, _ := exec("wildcard delete interfaces xe-[0"); !strings.Contains(out, "invalid wildcard pattern") {
		t.Errorf("bad pattern: %q", out)
	}
}
