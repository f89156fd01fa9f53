package netconf_test

import (
	"strings"
	"testing"
)

// TestSecretsHiddenFromViewers: classes that may not configure read the
// configuration with password hashes shown as /* SECRET-DATA */, over
// NETCONF (XML and text, <command>) and in the SSH CLI; super-user sees
// the hashes.
func TestSecretsHiddenFromViewers(t *testing.T) {
	n, _ := startNode(t)
	hash := func(c *client) string {
		r := ok(t, c.rpc(`<get-configuration/>`))
		for _, u := range r.Child("configuration").Child("system").Child("login").Kids {
			if u.Name.Local == "user" && u.Value("name") == "ro" {
				return u.Child("authentication").Value("encrypted-password")
			}
		}
		t.Fatal("no user ro in the configuration")
		return ""
	}
	if got := hash(dial(t, n, "admin", true)); !strings.HasPrefix(got, "$6$") {
		t.Errorf("super-user sees %q, want the hash", got)
	}
	for _, user := range []string{"ro", "oper"} {
		c := dial(t, n, user, true)
		if got := hash(c); got != "/* SECRET-DATA */" {
			t.Errorf("%s sees %q, want /* SECRET-DATA */", user, got)
		}
		for _, op := range []string{`<get-configuration format="text"/>`, `<get-config><source><running/></source></get-config>`,
			`<command>show configuration system login</command>`, `<get-rollback-information><rollback>0</rollback><format>text</format></get-rollback-information>`} {
			r := ok(t, c.rpc(op))
			if out := dump(r); strings.Contains(out, "$6$") {
				t.Errorf("%s: %s shows a password hash:\n%s", user, op, out)
			}
		}
	}
	sc, err := dialSSH(t, n, "ro", "ro123")
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("show configuration system login | display set")
	if err != nil || strings.Contains(string(out), "$6$") || !strings.Contains(string(out), `encrypted-password /* SECRET-DATA */`) {
		t.Errorf("read-only SSH CLI: got %v\n%s", err, out)
	}
}

// dump renders a reply's text content, for searching.
func dump(r *nodeT) string {
	var b strings.Builder
	var rec func(n *nodeT)
	rec = func(n *nodeT) {
		b.WriteString(n.Text)
		b.WriteString("\n")
		for _, k := range n.Kids {
			rec(k)
		}
	}
	rec(r)
	return b.String()
}
