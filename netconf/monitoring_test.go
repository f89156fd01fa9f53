package netconf_test

import (
	"strings"
	"testing"
)

const nsMon = `xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"`

// TestGetSchema: RFC 6022 get-schema serves every module the schema was
// compiled from, plugins included, and refuses what it does not have.
func TestGetSchema(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "ro", false)
	caps := map[string]bool{}
	for _, k := range c.hello.Child("capabilities").Kids {
		caps[strings.SplitN(k.Text, "?", 2)[0]] = true
	}
	for _, want := range []string{"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring", "urn:gnos:yang:system", "urn:gnos:yang:interfaces"} {
		if !caps[want] {
			t.Errorf("hello lacks capability %s", want)
		}
	}
	for _, m := range n.Configd.Schema().Modules {
		found := false
		for _, k := range c.hello.Child("capabilities").Kids {
			found = found || strings.Contains(k.Text, "?module="+m.Name+"&")
		}
		if !found {
			t.Errorf("hello has no capability for module %s", m.Name)
		}
		r := ok(t, c.rpc(`<get-schema `+nsMon+`><identifier>`+m.Name+`</identifier><format>yang</format></get-schema>`))
		if got := r.Value("data"); got != strings.TrimSpace(m.Source) {
			t.Errorf("get-schema %s: got %d bytes, want the module's source (%d bytes)", m.Name, len(got), len(m.Source))
		}
	}
	wantError(t, c.rpc(`<get-schema `+nsMon+`><identifier>no-such-module</identifier></get-schema>`), "invalid-value")
	wantError(t, c.rpc(`<get-schema `+nsMon+`><identifier>gnos-system</identifier><version>1999-01-01</version></get-schema>`), "invalid-value")
	wantError(t, c.rpc(`<get-schema `+nsMon+`><identifier>gnos-system</identifier><format>xsd</format></get-schema>`), "invalid-value")
	wantError(t, c.rpc(`<get-schema `+nsMon+`/>`), "missing-element")
}

// TestNetconfState: <get> with a subtree filter on /netconf-state shows
// the sessions, the lock, the schemas and the statistics.
func TestNetconfState(t *testing.T) {
	n, _ := startNode(t)
	a, b := dial(t, n, "admin", false), dial(t, n, "ro", false)
	ok(t, a.rpc(`<lock><target><candidate/></target></lock>`))
	b.rpc(`<no-such-rpc/>`) // an rpc-error for b's counters
	r := ok(t, b.rpc(`<get><filter type="subtree"><netconf-state `+nsMon+`><sessions/><datastores/></netconf-state></filter></get>`))
	data := r.Child("data")
	if data.Has("configuration") {
		t.Errorf("a filter on netconf-state only returned the configuration too")
	}
	st := data.Child("netconf-state")
	if st == nil {
		t.Fatalf("no netconf-state in %v", names(data))
	}
	if st.Has("schemas") || st.Has("statistics") {
		t.Errorf("unselected parts returned: %v", names(st))
	}
	users := map[string]string{}
	for _, s := range st.Child("sessions").Kids {
		users[s.Value("session-id")] = s.Value("username")
		if s.Value("session-id") == b.hello.Value("session-id") && s.Value("out-rpc-errors") != "1" {
			t.Errorf("session %s out-rpc-errors %q, want 1", s.Value("session-id"), s.Value("out-rpc-errors"))
		}
		if s.Value("transport") != "netconf-ssh" || s.Value("source-host") != "127.0.0.1" {
			t.Errorf("session transport %q from %q, want netconf-ssh from 127.0.0.1", s.Value("transport"), s.Value("source-host"))
		}
	}
	if users[a.hello.Value("session-id")] != "admin" || users[b.hello.Value("session-id")] != "ro" {
		t.Errorf("sessions %v, want admin and ro", users)
	}
	var lockedBy string
	for _, d := range st.Child("datastores").Kids {
		if d.Value("name") == "candidate" {
			lockedBy = d.Child("locks").Child("global-lock").Value("locked-by-session")
		}
	}
	if lockedBy != a.hello.Value("session-id") {
		t.Errorf("candidate locked-by-session %q, want %s", lockedBy, a.hello.Value("session-id"))
	}

	// A content match picks one session; statistics count.
	r = ok(t, b.rpc(`<get><filter><netconf-state `+nsMon+`><sessions><session><session-id>`+a.hello.Value("session-id")+`</session-id><username/></session></sessions><statistics/><schemas><schema><identifier>gnos-system</identifier><version/></schema></schemas></netconf-state></filter></get>`))
	st = r.Child("data").Child("netconf-state")
	if got := len(st.Child("sessions").Kids); got != 1 {
		t.Errorf("content match on session-id: %d sessions, want 1", got)
	}
	if got := st.Child("sessions").Child("session").Value("username"); got != "admin" {
		t.Errorf("username %q, want admin", got)
	}
	if s := st.Child("schemas"); len(s.Kids) != 1 || s.Child("schema").Value("version") == "" {
		t.Errorf("schema gnos-system: %v, want one entry with its version", s)
	}
	stats := st.Child("statistics")
	if stats.Value("in-sessions") != "2" || stats.Value("in-rpcs") == "0" || stats.Value("out-rpc-errors") != "1" {
		t.Errorf("statistics in-sessions %s in-rpcs %s out-rpc-errors %s, want 2, >0, 1",
			stats.Value("in-sessions"), stats.Value("in-rpcs"), stats.Value("out-rpc-errors"))
	}
	// An unfiltered get holds both; xpath on state is refused.
	r = ok(t, b.rpc(`<get/>`))
	if !r.Child("data").Has("configuration") || !r.Child("data").Has("netconf-state") {
		t.Errorf("get without filter: %v, want configuration and netconf-state", names(r.Child("data")))
	}
	// XPath evaluates on the state too.
	r = ok(t, b.rpc(`<get><filter type="xpath" xmlns:m="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring" select="/m:netconf-state/m:sessions/m:session[m:username='admin']/m:session-id | /configuration/system/host-name"/></get>`))
	data = r.Child("data")
	sess := data.Child("netconf-state").Child("sessions").Kids
	if len(sess) != 1 || sess[0].Value("session-id") != a.hello.Value("session-id") || sess[0].Has("username") {
		t.Errorf("xpath on state: sessions %v, want only admin's session-id", sess)
	}
	if got := data.Child("configuration").Child("system").Value("host-name"); got != "lab1" {
		t.Errorf("xpath union with the configuration: host-name %q, want lab1", got)
	}
}
