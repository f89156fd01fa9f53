package netconf_test

import (
	"strings"
	"testing"
)

// TestOpenConfigurationRefusesOtherDatabases: gnos has no ephemeral or
// dynamic database, so opening one is an rpc-error and the edits that a
// client would send next cannot land in the normal configuration.
func TestOpenConfigurationRefusesOtherDatabases(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	for _, tt := range []struct{ name, op, bad string }{
		{"ephemeral", `<open-configuration><ephemeral/></open-configuration>`, "ephemeral"},
		{"instance", `<open-configuration><ephemeral-instance>eph1</ephemeral-instance></open-configuration>`, "ephemeral-instance"},
		{"dynamic", `<open-configuration><dynamic/></open-configuration>`, "dynamic"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := c.rpc(tt.op)
			wantError(t, r, "operation-not-supported")
			e := r.Child("rpc-error")
			if got := e.Child("error-info").Value("bad-element"); got != tt.bad {
				t.Errorf("bad-element %q, want %q", got, tt.bad)
			}
			if !strings.Contains(e.Value("error-message"), "does not support") {
				t.Errorf("error-message %q, want it to say gnos does not support it", e.Value("error-message"))
			}
		})
	}
	ok(t, c.rpc(`<open-configuration><batch/></open-configuration>`))
}
