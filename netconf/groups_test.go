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

// TestProtectXML: protect="protect" in a load protects; an edit of a
// protected statement is answered with Junos' warning and changes
// nothing there; unprotect="unprotect" lifts it.
func TestProtectXML(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	ok(t, c.rpc(`<load-configuration format="xml"><configuration><system protect="protect"><host-name>r1</host-name></system></configuration></load-configuration>`))
	conf := ok(t, c.rpc(`<get-configuration/>`)).Child("configuration")
	if v, _ := conf.Child("system").Attr("protect"); v != "protect" {
		t.Fatalf("system: got protect=%q, want protect", v)
	}
	conf = ok(t, c.rpc(`<get-configuration><configuration><system><host-name/></system></configuration></get-configuration>`)).Child("configuration")
	if v, _ := conf.Child("system").Attr("protect"); v != "protect" {
		t.Fatalf("system through a filter: got protect=%q, want protect", v)
	}
	r := c.rpc(`<load-configuration action="set"><configuration-set>set system host-name r2</configuration-set></load-configuration>`)
	var warned bool
	for _, k := range r.Kids {
		if k.Name.Local == "rpc-error" && k.Value("error-severity") == "warning" &&
			k.Value("error-message") == "[system] is protected, 'system host-name r2' cannot be modified" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("set of a protected statement: got %q, want the protected warning", errorsOf(r))
	}
	if got := ok(t, c.rpc(`<get-configuration/>`)).Child("configuration").Child("system").Value("host-name"); got != "r1" {
		t.Errorf("host-name: got %q, want r1 (protected)", got)
	}
	ok(t, c.rpc(`<load-configuration format="xml"><configuration><system unprotect="unprotect"/></configuration></load-configuration>`))
	ok(t, c.rpc(`<load-configuration action="set"><configuration-set>set system host-name r2</configuration-set></load-configuration>`))
	if got := ok(t, c.rpc(`<get-configuration/>`)).Child("configuration").Child("system").Value("host-name"); got != "r2" {
		t.Errorf("host-name after unprotect: got %q, want r2", got)
	}
}
