package netconf_test

import (
	"strings"
	"testing"
)

// TestGetConfigurationInherit: groups load in Junos XML (wildcard names
// included); get-configuration returns them as written, and with
// inherit="inherit" (what PyEZ sends) the expanded configuration, groups
// and apply-groups gone.
func TestGetConfigurationInherit(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	ok(t, c.rpc(`<load-configuration format="xml"><configuration>
<groups><name>common</name>
  <system><domain-name>example.net</domain-name></system>
  <interfaces><interface><name>&lt;ge-*&gt;</name><description>from group</description></interface></interfaces>
</groups>
<apply-groups>common</apply-groups>
<interfaces><interface><name>ge-0/0/3</name><mtu>1400</mtu></interface></interfaces>
</configuration></load-configuration>`))
	ok(t, c.rpc(`<commit-configuration/>`))

	conf := ok(t, c.rpc(`<get-configuration database="committed"/>`)).Child("configuration")
	if conf == nil || !conf.Has("groups") || !conf.Has("apply-groups") {
		t.Fatalf("as written: got %v, want groups and apply-groups", names(conf))
	}
	if got := conf.Child("groups").Child("interfaces").Child("interface").Value("name"); got != "<ge-*>" {
		t.Errorf("wildcard name: got %q, want <ge-*>", got)
	}

	conf = ok(t, c.rpc(`<get-configuration database="committed" inherit="inherit"/>`)).Child("configuration")
	if conf.Has("groups") || conf.Has("apply-groups") {
		t.Errorf("inherit: got %v, want no groups or apply-groups", names(conf))
	}
	if got := conf.Child("system").Value("domain-name"); got != "example.net" {
		t.Errorf("inherit: domain-name got %q, want example.net", got)
	}
	ifd := conf.Child("interfaces").Child("interface")
	if got := ifd.Value("description"); got != "from group" {
		t.Errorf("inherit: ge-0/0/3 description got %q, want from group", got)
	}

	r := ok(t, c.rpc(`<get-configuration database="committed" inherit="inherit" format="text"/>`))
	if txt := r.Value("configuration-text"); !strings.Contains(txt, "domain-name example.net;") || strings.Contains(txt, "groups") {
		t.Errorf("inherit text: got\n%s\nwant the expanded configuration", txt)
	}
	wantError(t, c.rpc(`<get-configuration inherit="bogus"/>`), "bad-attribute")
}
