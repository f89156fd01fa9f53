package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/testkit"
)

// show system users lists every session — CLI sessions and NETCONF ones
// with where they come from and how long they have been idle — and
// request system logout ends the ones it names through their front
// end's kill, never the session asking.
func TestSystemUsersAndLogout(t *testing.T) {
	n, clk := startNode(t)
	n.CLI.Host = func() cli.HostStats {
		return cli.HostStats{Started: clk.Now().Add(-49 * time.Hour), MemoryMB: 2048, LoadAverage: "0.10", Load5: "0.05", Load15: "0.01"}
	}
	ctx := context.Background()
	admin := n.CLI.NewSession("admin", "cli")
	defer admin.Close()
	ops := n.CLI.NewSession("oper", "cli")
	defer ops.Close()
	opsKilled := 0
	ops.Login().SetOrigin("192.0.2.7", func() { opsKilled++ })
	ncKilled := 0
	nc := n.CLI.Login("oper", "netconf", "192.0.2.9", func() { ncKilled++ })
	defer nc.Logout()

	clk.Advance(5 * time.Minute)
	admin.Exec(ctx, "show version")
	clk.Advance(90 * time.Second)
	var out strings.Builder
	for _, line := range []string{"show system users", "show system uptime", "show system users | display xml",
		"request system logout user nobody", "request system logout user oper", "request system logout session 1"} {
		r := admin.Exec(ctx, line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	testkit.Golden(t, "system-users.txt", out.String())
	if opsKilled != 1 || ncKilled != 1 {
		t.Errorf("logout user oper: kills %d (CLI) and %d (NETCONF), want 1 and 1", opsKilled, ncKilled)
	}
	ops.Close()
	nc.Logout()
	if got := len(n.CLI.Logins()); got != 1 {
		t.Errorf("after the others closed: %d logins, want 1 (admin)", got)
	}
}
