package servicesd_test

import (
	"strings"
	"testing"
)

// A policy the PIC would refuse (a NAT pool left without an address)
// fails `commit check` and `commit` with the service-set's path; before,
// the commit said complete and the refusal came back only as the PIC's
// acknowledgement error.
func TestPICRefusalFailsTheCommit(t *testing.T) {
	h := start(t)
	h.loadCommit(twoPoolsConf)
	h.waitSynced("ss1")
	before, _ := h.n.Services.SSRB("ss1")
	h.set("delete services nat pool p2 address")
	for _, check := range []bool{true, false} {
		err := h.commit(check)
		if err == nil {
			t.Fatalf("commit (check %v) of a pool without an address succeeded", check)
		}
		msg := err.Error()
		for _, want := range []string{"[edit services service-set ss1]", "nat: pool p2 has no address", "error: configuration check-out failed"} {
			if !strings.Contains(msg, want) {
				t.Errorf("commit (check %v) error lacks %q:\n%s", check, want, msg)
			}
		}
	}
	if after, _ := h.n.Services.SSRB("ss1"); after.Gen != before.Gen {
		t.Fatalf("the refused policy reached servicesd's SSRB (gen %d -> %d)", before.Gen, after.Gen)
	}
}
