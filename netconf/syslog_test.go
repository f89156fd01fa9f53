package netconf_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
)

// TestSystemLogLoginsAndCommits: with `system syslog file messages`, a
// commit writes UI_COMMIT with its user and comment, a refused SSH
// password SSHD_LOGIN_FAILED and an accepted one UI_LOGIN_EVENT, in the
// file `show log messages` reads, in Junos' layout.
func TestSystemLogLoginsAndCommits(t *testing.T) {
	n, clk := startNode(t)
	commitLines(t, n, "set system syslog file messages any any")
	failLogin(t, n, clk, "admin", "wrong-password", 250*time.Millisecond)
	c, err := dialSSH(t, n, "admin", "admin123")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	sc, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if _, _, err := sc.RunLines("configure", "set system location building b2", "commit comment \"move to b2\"", "exit"); err != nil {
		t.Fatal(err)
	}
	out, _, err := sc.RunLines("show log messages")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"sshd[", "SSHD_LOGIN_FAILED: Login failed for user 'admin' from host '127.0.0.1'",
		"UI_LOGIN_EVENT: User 'admin' login, class 'super-user'",
		"mgd[", "UI_COMMIT: User '",
		"(comment: move to b2)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show log messages: want %q in\n%s", want, out)
		}
	}
}
