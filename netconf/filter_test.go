package netconf_test

import (
	"strings"
	"testing"
)

// flatten lists the leaves under n as element path=value lines, to
// compare selections simply.
func flatten(n *nodeT, prefix string, out *[]string) {
	for _, k := range n.Kids {
		p := prefix + "/" + k.Name.Local
		if len(k.Kids) == 0 {
			*out = append(*out, p+"="+k.Text)
			continue
		}
		flatten(k, p, out)
	}
}

// getConfig is the running configuration get-config with filter returns,
// flattened, and the reply.
func getConfig(t *testing.T, c *client, filter string) ([]string, *nodeT) {
	t.Helper()
	r := c.rpc(`<get-config><source><running/></source>` + filter + `</get-config>`)
	var out []string
	if cfg := r.Child("data").Child("configuration"); cfg != nil {
		flatten(cfg, "/configuration", &out)
	}
	return out, r
}

// TestSubtreeFilter checks RFC 6241 section 6's rules on the committed
// configuration: selection, containment and content match nodes,
// several entries, attribute match and namespaces.
func TestSubtreeFilter(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	ok(t, c.rpc(editRPC("", `<system><domain-name>lab.example</domain-name></system><interfaces>`+ge0+`<description>uplink</description><mtu>1500</mtu><unit><name>0</name><description>u0</description></unit></interface>`+
		`<interface inactive="inactive"><name>ge-0/0/1</name><mtu>9000</mtu></interface><interface><name>ge-0/0/2</name><mtu>1500</mtu></interface></interfaces>`)))
	ok(t, c.rpc(`<commit/>`))
	const conf = "/configuration"
	for _, tt := range []struct {
		name, filter string
		want         []string // exactly these, in order
	}{
		{"selection", `<filter type="subtree"><configuration><system><host-name/></system></configuration></filter>`,
			[]string{conf + "/system/host-name=lab1"}},
		{"two selections", `<filter><configuration><system><host-name/><domain-name/></system></configuration></filter>`,
			[]string{conf + "/system/host-name=lab1", conf + "/system/domain-name=lab.example"}},
		{"content match on a key selects the whole entry", `<filter><configuration><interfaces><interface><name>ge-0/0/2</name></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/2", conf + "/interfaces/interface/mtu=1500"}},
		{"content match with a selection", `<filter><configuration><interfaces><interface><name>ge-0/0/0</name><description/></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/0", conf + "/interfaces/interface/description=uplink"}},
		{"content match on a leaf", `<filter><configuration><interfaces><interface><mtu>1500</mtu><name/></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/0", conf + "/interfaces/interface/mtu=1500", conf + "/interfaces/interface/name=ge-0/0/2", conf + "/interfaces/interface/mtu=1500"}},
		{"content match fails", `<filter><configuration><interfaces><interface><mtu>1234</mtu></interface></interfaces></configuration></filter>`,
			nil},
		{"union of two entries", `<filter><configuration><interfaces><interface><name>ge-0/0/0</name><mtu/></interface><interface><name>ge-0/0/2</name><mtu/></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/0", conf + "/interfaces/interface/mtu=1500", conf + "/interfaces/interface/name=ge-0/0/2", conf + "/interfaces/interface/mtu=1500"}},
		{"containment", `<filter><configuration><interfaces><interface><name>ge-0/0/0</name><unit><description/></unit></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/0", conf + "/interfaces/interface/unit/name=0", conf + "/interfaces/interface/unit/description=u0"}},
		{"attribute match", `<filter><configuration><interfaces><interface inactive="inactive"><mtu/></interface></interfaces></configuration></filter>`,
			[]string{conf + "/interfaces/interface/name=ge-0/0/1", conf + "/interfaces/interface/mtu=9000"}},
		{"foreign namespace selects nothing", `<filter><configuration><system xmlns="http://example.net/other"><host-name/></system></configuration></filter>`,
			nil},
		{"base namespace is the configuration's", `<filter><nc:configuration xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><nc:system><nc:host-name/></nc:system></nc:configuration></filter>`,
			[]string{conf + "/system/host-name=lab1"}},
		{"empty filter selects nothing", `<filter type="subtree"/>`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, r := getConfig(t, c, tt.filter)
			ok(t, r)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestXPathFilter checks the :xpath:1.0 capability: advertised, select
// evaluated on the configuration, errors for a bad expression, and a
// read-only user's secrets still masked.
func TestXPathFilter(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	found := false
	for _, k := range c.hello.Child("capabilities").Kids {
		found = found || k.Text == "urn:ietf:params:netconf:capability:xpath:1.0"
	}
	if !found {
		t.Errorf("hello does not advertise :xpath:1.0")
	}
	const conf = "/configuration"
	for _, tt := range []struct {
		name, sel string
		want      []string
		tag       string
	}{
		{"leaf", "/configuration/system/host-name", []string{conf + "/system/host-name=lab1"}, ""},
		{"prefixed", "/j:configuration/j:system/j:host-name", []string{conf + "/system/host-name=lab1"}, ""},
		{"predicate", "/configuration/system/login/user[name='oper']/class", []string{conf + "/system/login/user/name=oper", conf + "/system/login/user/class=operator"}, ""},
		{"key", "/configuration/system/login/user/name", []string{conf + "/system/login/user/name=admin", conf + "/system/login/user/name=oper", conf + "/system/login/user/name=ro"}, ""},
		{"union", "/configuration/system/host-name | /configuration/system/login/user[name='ro']/class", []string{conf + "/system/host-name=lab1", conf + "/system/login/user/name=ro", conf + "/system/login/user/class=read-only"}, ""},
		{"nothing", "/configuration/interfaces", nil, ""},
		{"syntax error", "/configuration/system[", nil, "invalid-value"},
		{"not a node-set", "count(/configuration/system)", nil, "invalid-value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, r := getConfig(t, c, `<filter type="xpath" xmlns:j="http://xml.juniper.net/xnm/1.1/xnm" select="`+tt.sel+`"/>`)
			if tt.tag != "" {
				wantError(t, r, tt.tag)
				if r.Has("data") {
					t.Errorf("an rpc-error and data: %v", got)
				}
				return
			}
			ok(t, r)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	wantError(t, c.rpc(`<get-config><source><running/></source><filter type="xpath"/></get-config>`), "missing-attribute")
	wantError(t, c.rpc(`<get-config><source><running/></source><filter type="regexp" select="x"/></get-config>`), "bad-attribute")

	ro := dial(t, n, "ro", false)
	got, r := getConfig(t, ro, `<filter type="xpath" select="/configuration/system/login/user[name='admin']/authentication"/>`)
	ok(t, r)
	if want := conf + "/system/login/user/authentication/encrypted-password=/* SECRET-DATA */"; len(got) != 2 || got[1] != want {
		t.Errorf("read-only xpath: got %q, want [… %q]", got, want)
	}
	got, _ = getConfig(t, ro, `<filter type="xpath" select="/configuration/system/login/user[starts-with(authentication/encrypted-password, '$6$')]/name"/>`)
	if len(got) != 0 {
		t.Errorf("read-only xpath probing a hash: got %q, want nothing", got)
	}
}
