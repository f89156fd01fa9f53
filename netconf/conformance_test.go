package netconf_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/netconf"
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

// TestRPCReplyEchoesAttributes: RFC 6241 section 4.2, every attribute of
// <rpc> comes back on <rpc-reply>, those in a namespace with it declared.
func TestRPCReplyEchoesAttributes(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	msg := `<rpc message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="http://example.net/content/1.0" ex:user-id="fred" colour="blue"><get-config><source><running/></source><filter><configuration><system><host-name/></system></configuration></filter></get-config></rpc>`
	r, err := c.raw([]byte(msg), "101")
	if err != nil {
		t.Fatal(err)
	}
	ok(t, r)
	attrs := map[string]string{}
	for _, a := range r.Attrs {
		attrs[a.Name.Space+" "+a.Name.Local] = a.Value
	}
	for k, want := range map[string]string{" message-id": "101", " colour": "blue", "http://example.net/content/1.0 user-id": "fred"} {
		if attrs[k] != want {
			t.Errorf("rpc-reply attribute %q = %q, want %q (attributes %v)", k, attrs[k], want, attrs)
		}
	}
}

// TestHelloWithoutBaseCapability: a client hello that offers no base
// protocol is refused by closing the session (RFC 6241 section 8.1), over
// the raw SSH subsystem.
func TestHelloWithoutBaseCapability(t *testing.T) {
	n, _ := startNode(t)
	sc, err := dialSSH(t, n, "admin", password("admin"))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.RequestSubsystem("netconf"); err != nil {
		t.Fatal(err)
	}
	r, w := netconf.NewReader(out, 1<<20), netconf.NewWriter(in)
	if _, err := r.Read(); err != nil {
		t.Fatalf("reading the server's hello: %v", err)
	}
	r.Release()
	w.Write([]byte(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:example:not-netconf</capability></capabilities></hello>`))
	w.Write([]byte(`<rpc message-id="1"><get-config><source><running/></source></get-config></rpc>`))
	if b, err := r.Read(); err == nil {
		t.Fatalf("got %q after a hello without base capability, want the session closed", b)
	}
}

// TestLockDeniedSessionID: lock-denied names the session holding the
// lock in error-info/session-id: a NETCONF session's session-id, a CLI
// session's id when it holds `configure exclusive` (one id space with
// NETCONF's, the "pid" its lock message gives), 0 when no management
// session holds it.
func TestLockDeniedSessionID(t *testing.T) {
	n, _ := startNode(t)
	a, b := dial(t, n, "admin", false), dial(t, n, "admin", false)
	ok(t, a.rpc(`<lock><target><candidate/></target></lock>`))
	r := b.rpc(`<lock><target><candidate/></target></lock>`)
	wantError(t, r, "lock-denied")
	if got, want := r.Child("rpc-error").Child("error-info").Value("session-id"), a.hello.Value("session-id"); got != want {
		t.Errorf("lock-denied session-id %q, want %q (the holder)", got, want)
	}
	r = b.rpc(editRPC("", `<system><domain-name>x.example</domain-name></system>`))
	wantError(t, r, "lock-denied")
	if got, want := r.Child("rpc-error").Child("error-info").Value("session-id"), a.hello.Value("session-id"); got != want {
		t.Errorf("edit under another's lock: session-id %q, want %q", got, want)
	}
	ok(t, a.rpc(`<unlock><target><candidate/></target></unlock>`))

	cs := n.CLI.NewSession("root", "cli")
	defer cs.Close()
	if res := cs.Exec(context.Background(), "configure exclusive"); res.Failed {
		t.Fatalf("configure exclusive: %s", res.Output)
	}
	cliID := strconv.Itoa(cs.ID())
	if cliID == a.hello.Value("session-id") || cliID == b.hello.Value("session-id") {
		t.Fatalf("CLI session id %s is also a NETCONF session's (%s, %s)", cliID, a.hello.Value("session-id"), b.hello.Value("session-id"))
	}
	for name, op := range map[string]string{"lock": `<lock><target><candidate/></target></lock>`,
		"edit-config": editRPC("", `<system><domain-name>x.example</domain-name></system>`)} {
		r = b.rpc(op)
		wantError(t, r, "lock-denied")
		if got := r.Child("rpc-error").Child("error-info").Value("session-id"); got != cliID {
			t.Errorf("%s under the CLI's configure exclusive: session-id %q, want the CLI session's %s", name, got, cliID)
		}
	}
	r = b.rpc(`<lock><target><candidate/></target></lock>`)
	if msg := r.Child("rpc-error").Value("error-message"); !strings.Contains(msg, "(pid "+cliID+")") {
		t.Errorf("lock-denied message %q, want the holder as (pid %s)", msg, cliID)
	}
	cs.Exec(context.Background(), "exit")

	raw, err := n.Configd.Open("root", "cli", configd.Exclusive) // no management session owns it
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	r = b.rpc(`<lock><target><candidate/></target></lock>`)
	wantError(t, r, "lock-denied")
	if ei := r.Child("rpc-error").Child("error-info"); ei == nil || !ei.Has("session-id") || ei.Value("session-id") != "0" {
		t.Errorf("lock held outside any session: error-info %v, want session-id 0", ei)
	}
}

// TestErrorPathAndInfo: rpc-errors about the request name its node with
// an XPath in the request's namespaces and carry appendix A's error-info.
func TestErrorPathAndInfo(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	for _, tt := range []struct {
		name, op                       string
		tag, path, ns, elem, attr, bns string
	}{
		{name: "unknown element", op: editRPC("", `<interfaces>`+ge0+`<speed>1</speed></interface></interfaces>`),
			tag: "unknown-element", path: "/configuration/interfaces/interface[name='ge-0/0/0']/speed", elem: "speed"},
		{name: "namespaced", op: `<edit-config><target><candidate/></target><config><j:configuration xmlns:j="http://xml.juniper.net/xnm/1.1/xnm"><j:system><j:domain-name operation="delete"/></j:system></j:configuration></config></edit-config>`,
			tag: "data-missing", path: "/j:configuration/j:system/j:domain-name", ns: "http://xml.juniper.net/xnm/1.1/xnm"},
		{name: "unknown namespace", op: editRPC("", `<system><host-name xmlns="urn:example:other">x</host-name></system>`),
			tag: "unknown-namespace", path: "/configuration/system/ns1:host-name", ns: "urn:example:other", elem: "host-name", bns: "urn:example:other"},
		{name: "module namespace", op: editRPC("", `<system xmlns="urn:gnos:yang:system"><domain-name operation="delete"/></system>`),
			tag: "data-missing", path: "/configuration/ns1:system/ns1:domain-name", ns: "urn:gnos:yang:system"},
		{name: "bad attribute", op: editRPC("", `<system><host-name operation="upsert">x</host-name></system>`),
			tag: "bad-attribute", path: "/configuration/system/host-name", elem: "host-name", attr: "operation"},
		{name: "load-configuration unknown element", op: `<load-configuration><configuration><interfaces>` + ge0 + `<speed>1</speed></interface></interfaces></configuration></load-configuration>`,
			tag: "unknown-element", path: "/configuration/interfaces/interface/speed", elem: "speed"},
		{name: "parameter", op: editRPC(`<error-option>ignore-error</error-option>`, ``),
			tag: "invalid-value", path: "/nc:rpc/edit-config/error-option", ns: "urn:ietf:params:xml:ns:netconf:base:1.0", elem: "error-option"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := c.rpc(tt.op)
			wantError(t, r, tt.tag)
			e := r.Child("rpc-error")
			ep := e.Child("error-path")
			if ep == nil || ep.Text != tt.path {
				t.Fatalf("error-path %v, want %q", ep, tt.path)
			}
			if tt.ns != "" {
				found := false
				for _, a := range ep.Attrs {
					found = found || (a.Name.Space == "xmlns" && a.Value == tt.ns)
				}
				if !found {
					t.Errorf("error-path attributes %v, want a declaration of %s", ep.Attrs, tt.ns)
				}
			}
			ei := e.Child("error-info")
			if got := ei.Value("bad-element"); got != tt.elem {
				t.Errorf("bad-element %q, want %q", got, tt.elem)
			}
			if got := ei.Value("bad-attribute"); got != tt.attr {
				t.Errorf("bad-attribute %q, want %q", got, tt.attr)
			}
			if got := ei.Value("bad-namespace"); got != tt.bns {
				t.Errorf("bad-namespace %q, want %q", got, tt.bns)
			}
		})
	}
}

// TestBrokenChunkedFraming: over the raw SSH subsystem, a base:1.1
// session whose chunk header is not RFC 6242's (\n#<size>\n) gets an
// rpc-error and is closed, since the stream cannot be resynchronised;
// a session ending its messages with ]]>]]> after base:1.1 was agreed
// is broken framing too.
func TestBrokenChunkedFraming(t *testing.T) {
	n, _ := startNode(t)
	for _, tt := range []struct{ name, raw string }{
		{"bad size", "\n#abc\n<rpc/>\n##\n"},
		{"zero size", "\n#0\n\n##\n"},
		{"end-of-message framing", `<rpc message-id="1"><get/></rpc>]]>]]>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, n, "admin", true)
			if _, err := c.in.Write([]byte(tt.raw)); err != nil {
				t.Fatal(err)
			}
			b, err := c.r.Read()
			if err != nil {
				t.Fatalf("got %v, want an rpc-error first", err)
			}
			r, err := netconf.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, r, "too-big")
			c.r.Release()
			if b, err := c.r.Read(); err == nil {
				t.Fatalf("got %q, want the session closed", b)
			}
		})
	}
}

// TestUnadvertisedFeaturesRefused: what gnos does not advertise (:startup,
// :url, :writable-running) is an rpc-error naming the element.
func TestUnadvertisedFeaturesRefused(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	for _, tt := range []struct{ name, op, elem string }{
		{"delete-config", `<delete-config><target><startup/></target></delete-config>`, "delete-config"},
		{"startup source", `<get-config><source><startup/></source></get-config>`, "startup"},
		{"url target", `<copy-config><target><url>file:///tmp/x</url></target><source><running/></source></copy-config>`, "url"},
		{"edit running", `<edit-config><target><running/></target><config/></edit-config>`, "running"},
		{"edit from url", `<edit-config><target><candidate/></target><url>file:///tmp/x</url></edit-config>`, "url"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := c.rpc(tt.op)
			wantError(t, r, "operation-not-supported")
			if got := r.Child("rpc-error").Child("error-info").Value("bad-element"); got != tt.elem {
				t.Errorf("bad-element %q, want %q", got, tt.elem)
			}
		})
	}
	for _, k := range c.hello.Child("capabilities").Kids {
		for _, no := range []string{":startup:", ":url:", ":writable-running:", ":notification:"} {
			if strings.Contains(k.Text, no) {
				t.Errorf("hello advertises %s", k.Text)
			}
		}
	}
}

// TestCancelCommit: RFC 6241 section 8.4.4.1, cancel-commit reverts a
// pending confirmed commit at once; without one it is an error.
func TestCancelCommit(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	wantError(t, c.rpc(`<cancel-commit/>`), "operation-failed")
	ok(t, c.rpc(editRPC("", `<system><domain-name>cancel.example</domain-name></system>`)))
	ok(t, c.rpc(`<commit><confirmed/><confirm-timeout>120</confirm-timeout></commit>`))
	if _, pending := n.Configd.PendingConfirm(); !pending {
		t.Fatal("no confirmed commit pending")
	}
	ok(t, c.rpc(`<cancel-commit/>`))
	got, _ := getConfig(t, c, `<filter><configuration><system><domain-name/></system></configuration></filter>`)
	if len(got) != 0 {
		t.Errorf("after cancel-commit running has %v, want no domain-name", got)
	}
}

// TestValidationErrorAppTag: a violation RFC 7950 section 15 names
// carries its error-app-tag and error-tag (here unique: data-not-unique,
// operation-failed), with Junos' [edit …] error-path.
func TestValidationErrorAppTag(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	r := c.rpc(editRPC(`<test-option>test-only</test-option>`,
		`<system><login><user><name>admin</name><uid>2000</uid></user><user><name>oper</name><uid>2000</uid></user></login></system>`))
	wantError(t, r, "operation-failed")
	e := r.Child("rpc-error")
	if got := e.Value("error-app-tag"); got != "data-not-unique" {
		t.Errorf("error-app-tag %q, want data-not-unique", got)
	}
	if got := e.Value("error-path"); !strings.HasPrefix(got, "[edit system login") {
		t.Errorf("error-path %q, want Junos' [edit system login …]", got)
	}
}
