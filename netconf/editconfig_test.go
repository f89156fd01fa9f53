package netconf_test

import (
	"strings"
	"testing"
)

// editRPC is an edit-config of the candidate with params (default-operation,
// test-option, error-option elements) and configuration statements cfg.
func editRPC(params, cfg string) string {
	return `<edit-config><target><candidate/></target>` + params +
		`<config><configuration>` + cfg + `</configuration></config></edit-config>`
}

// candidateText is the candidate's interfaces, in text.
func candidateText(t *testing.T, c *client) string {
	t.Helper()
	r := ok(t, c.rpc(`<get-configuration format="text"><configuration><interfaces/></configuration></get-configuration>`))
	return r.Value("configuration-text")
}

const (
	ge0 = `<interface><name>ge-0/0/0</name>`
	ge1 = `<interface><name>ge-0/0/1</name>`
)

// TestEditConfigOperations checks RFC 6241 section 7.2 case by case,
// each on the same committed interfaces (the candidate is discarded
// between cases): what changes, what stays, and the error-tag.
func TestEditConfigOperations(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	ok(t, c.rpc(editRPC("", `<interfaces>`+ge0+`<description>uplink</description><mtu>1500</mtu></interface>`+ge1+`<mtu>9000</mtu></interface></interfaces>`)))
	ok(t, c.rpc(`<commit/>`))
	for _, tt := range []struct {
		name, params, cfg string
		tag               string   // "" for <ok/>
		want, not         []string // in / not in the candidate's interfaces text
	}{
		{name: "merge", cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface></interfaces>`,
			want: []string{"mtu 1600;", "description uplink;", "mtu 9000;"}},
		{name: "none leaves a leaf without operation alone", params: `<default-operation>none</default-operation>`,
			cfg:  `<interfaces>` + ge0 + `<mtu>1600</mtu><description operation="merge">core</description></interface></interfaces>`,
			want: []string{"mtu 1500;", "description core;"}, not: []string{"mtu 1600;"}},
		{name: "none with a missing level is data-missing", params: `<default-operation>none</default-operation>`,
			cfg: `<interfaces><interface><name>ge-0/0/7</name><mtu operation="merge">1600</mtu></interface></interfaces>`,
			tag: "data-missing", not: []string{"ge-0/0/7"}},
		{name: "create an existing entry is data-exists",
			cfg: `<interfaces><interface operation="create"><name>ge-0/0/0</name><mtu>1600</mtu></interface></interfaces>`,
			tag: "data-exists", want: []string{"mtu 1500;"}},
		{name: "create a new entry",
			cfg:  `<interfaces><interface operation="create"><name>ge-0/0/2</name><mtu>1600</mtu></interface></interfaces>`,
			want: []string{"ge-0/0/2 {", "mtu 1600;"}},
		{name: "delete a missing entry is data-missing",
			cfg: `<interfaces><interface operation="delete"><name>ge-0/0/7</name></interface></interfaces>`,
			tag: "data-missing"},
		{name: "delete a missing leaf is data-missing",
			cfg: `<interfaces>` + ge1 + `<description operation="delete"/></interface></interfaces>`,
			tag: "data-missing", want: []string{"mtu 9000;"}},
		{name: "delete",
			cfg:  `<interfaces>` + ge0 + `<description operation="delete"/></interface><interface operation="delete"><name>ge-0/0/1</name></interface></interfaces>`,
			want: []string{"mtu 1500;"}, not: []string{"uplink", "ge-0/0/1"}},
		{name: "remove a missing entry is fine",
			cfg:  `<interfaces><interface operation="remove"><name>ge-0/0/7</name></interface>` + ge0 + `<mtu operation="remove"/></interface></interfaces>`,
			want: []string{"description uplink;"}, not: []string{"mtu 1500;"}},
		{name: "replace an entry",
			cfg:  `<interfaces><interface operation="replace"><name>ge-0/0/0</name><mtu>1400</mtu></interface></interfaces>`,
			want: []string{"mtu 1400;", "mtu 9000;"}, not: []string{"uplink"}},
		{name: "default-operation replace", params: `<default-operation>replace</default-operation>`,
			cfg:  `<system><host-name>lab1</host-name></system><interfaces>` + ge1 + `<mtu>1400</mtu></interface></interfaces>`,
			want: []string{"ge-0/0/1", "mtu 1400;"}, not: []string{"ge-0/0/0", "9000"}},
		{name: "test-only changes nothing", params: `<test-option>test-only</test-option>`,
			cfg:  `<interfaces>` + ge0 + `<mtu>1600</mtu></interface></interfaces>`,
			want: []string{"mtu 1500;"}, not: []string{"mtu 1600;"}},
		{name: "test-only validates the result", params: `<test-option>test-only</test-option>`,
			cfg: `<interfaces><interface><name>ge-0/0/0</name><unit><name>0</name><family><inet><filter><input>nope</input></filter></inet></family></unit></interface></interfaces>`,
			tag: "data-missing"}, // a leafref to no filter
		{name: "test-then-set", params: `<test-option>test-then-set</test-option>`,
			cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface></interfaces>`, want: []string{"mtu 1600;"}},
		{name: "set", params: `<test-option>set</test-option>`,
			cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface></interfaces>`, want: []string{"mtu 1600;"}},
		{name: "stop-on-error applies nothing", params: `<error-option>stop-on-error</error-option>`,
			cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface><interface operation="delete"><name>ge-0/0/7</name></interface>` + ge1 + `<mtu>1700</mtu></interface></interfaces>`,
			tag: "data-missing", want: []string{"mtu 1500;", "mtu 9000;"}},
		{name: "rollback-on-error applies nothing", params: `<error-option>rollback-on-error</error-option>`,
			cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface><interface operation="delete"><name>ge-0/0/7</name></interface>` + ge1 + `<mtu>1700</mtu></interface></interfaces>`,
			tag: "data-missing", want: []string{"mtu 1500;", "mtu 9000;"}},
		{name: "continue-on-error applies the rest", params: `<error-option>continue-on-error</error-option>`,
			cfg: `<interfaces>` + ge0 + `<mtu>1600</mtu></interface><interface operation="delete"><name>ge-0/0/7</name></interface>` + ge1 + `<mtu>99999</mtu><description>second</description></interface></interfaces>`,
			tag: "data-missing", want: []string{"mtu 1600;", "mtu 9000;", "description second;"}},
		{name: "unknown element", cfg: `<interfaces>` + ge0 + `<speed>fast</speed></interface></interfaces>`, tag: "unknown-element"},
		{name: "bad operation", cfg: `<interfaces>` + ge0 + `<mtu operation="frobnicate">1600</mtu></interface></interfaces>`, tag: "bad-attribute"},
		{name: "unknown attribute", cfg: `<interfaces>` + ge0 + `<mtu colour="red">1600</mtu></interface></interfaces>`, tag: "unknown-attribute"},
		{name: "bad value", cfg: `<interfaces>` + ge0 + `<mtu>99999</mtu></interface></interfaces>`, tag: "invalid-value", want: []string{"mtu 1500;"}},
		{name: "a one-value container's value as its text, as Junos takes it",
			cfg:  `<interfaces>` + ge0 + `<unit><name>0</name><family><inet><filter><input>in-f</input><output><filter-name>out-f</filter-name></output></filter></inet></family></unit></interface></interfaces>`,
			want: []string{"input in-f;", "output out-f;"}},
		{name: "missing key", cfg: `<interfaces><interface><mtu>1600</mtu></interface></interfaces>`, tag: "missing-element"},
		{name: "junos attributes", cfg: `<interfaces><interface inactive="inactive"><name>ge-0/0/1</name></interface>` + ge0 + `<description delete="delete"/></interface></interfaces>`,
			want: []string{"inactive: ge-0/0/1"}, not: []string{"uplink"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ok(t, c.rpc(`<discard-changes/>`))
			r := c.rpc(editRPC(tt.params, tt.cfg))
			if tt.tag == "" {
				ok(t, r)
			} else {
				wantError(t, r, tt.tag)
				if r.Has("ok") {
					t.Errorf("reply has <ok/> and an rpc-error")
				}
			}
			got := candidateText(t, c)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("candidate:\n%s\nwant %q in it", got, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("candidate:\n%s\nwant no %q in it", got, w)
				}
			}
		})
	}
}

// TestEditConfigOnConfiguration: an operation on <configuration> acts on
// the whole configuration.
func TestEditConfigOnConfiguration(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	edit := func(cfg string) *nodeT {
		return c.rpc(`<edit-config><target><candidate/></target><config>` + cfg + `</config></edit-config>`)
	}
	ok(t, edit(`<configuration operation="replace"><system><host-name>only</host-name></system></configuration>`))
	r := ok(t, c.rpc(`<get-configuration format="set"/>`))
	if got := strings.TrimSpace(r.Value("configuration-set")); got != "set system host-name only" {
		t.Errorf("after replace on configuration: %q, want only the host-name", got)
	}
	ok(t, edit(`<configuration operation="delete"/>`))
	r = ok(t, c.rpc(`<get-configuration format="set"/>`))
	if got := strings.TrimSpace(r.Value("configuration-set")); got != "" {
		t.Errorf("after delete on configuration: %q, want nothing", got)
	}
	wantError(t, edit(`<configuration operation="delete"/>`), "data-missing")
	ok(t, edit(`<configuration operation="remove"/>`))
}
