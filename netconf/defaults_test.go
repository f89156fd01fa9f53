package netconf_test

import (
	"strings"
	"testing"
)

// TestWithDefaults: RFC 6243 basic-mode explicit, with report-all and
// trim, on get-config and get, on the one default of the core schema
// (system services netconf ssh port 830).
func TestWithDefaults(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	found := false
	for _, k := range c.hello.Child("capabilities").Kids {
		found = found || strings.HasPrefix(k.Text, "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit")
	}
	if !found {
		t.Errorf("hello does not advertise with-defaults basic-mode=explicit")
	}
	const filter = `<filter><configuration><system><services/></system></configuration></filter>`
	get := func(op, mode string) []string {
		t.Helper()
		wd := ""
		if mode != "" {
			wd = `<with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">` + mode + `</with-defaults>`
		}
		src := ""
		if op == "get-config" {
			src = `<source><running/></source>`
		}
		r := ok(t, c.rpc(`<`+op+`>`+src+filter+wd+`</`+op+`>`))
		var out []string
		if cfg := r.Child("data").Child("configuration"); cfg != nil {
			flatten(cfg, "", &out)
		}
		return out
	}
	const ssh, port = "/system/services/netconf/ssh=", "/system/services/netconf/ssh/port=830"
	ok(t, c.rpc(editRPC("", `<system><services><netconf><ssh/></netconf></services></system>`)))
	ok(t, c.rpc(`<commit/>`))
	for _, tt := range []struct {
		op, mode string
		want     string
	}{
		{"get-config", "", ssh},
		{"get-config", "explicit", ssh},
		{"get-config", "report-all", port},
		{"get", "report-all", port},
		{"get-config", "trim", ssh},
	} {
		if got := strings.Join(get(tt.op, tt.mode), " "); got != tt.want {
			t.Errorf("%s with-defaults %q, port not set: got %q, want %q", tt.op, tt.mode, got, tt.want)
		}
	}
	ok(t, c.rpc(editRPC("", `<system><services><netconf><ssh><port>830</port></ssh></netconf></services></system>`)))
	ok(t, c.rpc(`<commit/>`))
	for _, tt := range []struct {
		op, mode string
		want     string
	}{
		{"get-config", "explicit", port},
		{"get-config", "report-all", port},
		{"get-config", "trim", ssh},
		{"get", "trim", ssh},
	} {
		if got := strings.Join(get(tt.op, tt.mode), " "); got != tt.want {
			t.Errorf("%s with-defaults %q, port 830 set: got %q, want %q", tt.op, tt.mode, got, tt.want)
		}
	}
	wantError(t, c.rpc(`<get-config><source><running/></source><with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">report-all-tagged</with-defaults></get-config>`), "invalid-value")

	// copy-config running → candidate with trim drops the explicit default.
	ok(t, c.rpc(`<copy-config><target><candidate/></target><source><running/></source><with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">trim</with-defaults></copy-config>`))
	r := ok(t, c.rpc(`<get-configuration format="text"><configuration><system><services/></system></configuration></get-configuration>`))
	if txt := r.Value("configuration-text"); strings.Contains(txt, "port") || !strings.Contains(txt, "ssh") {
		t.Errorf("candidate after copy-config trim:\n%s\nwant ssh without port", txt)
	}
}
