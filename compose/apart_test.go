package compose_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
)

const apartConf = `
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set services stateful-firewall rule fw match-direction input
set services stateful-firewall rule fw term t1 from applications junos-http
set services stateful-firewall rule fw term t1 then accept
set services service-set ss1 stateful-firewall-rules fw
set services service-set ss1 interface-service service-interface ms-0/0/0
`

// exec runs CLI lines through the management socket, as `gnos cli` does.
func exec(t *testing.T, dir string, lines ...string) string {
	t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, err := c.RunLines(lines...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// poll waits for cond (testkit.Until).
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Until(t, what, cond)
}

// TestServicesApart: servicesd in its own "process" (its own store and
// socket, subscribed to configd over the management socket) resolves
// commits, refuses what a PIC cannot hold with the Junos path, answers
// its commands through the one CLI; while it is down commits go on and
// its commands say so; restarted, it catches up and keeps its
// service-set ids.
func TestServicesApart(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := compose.Start(context.Background(), compose.Options{DataDir: dir, NoSync: true, Log: log, ServicesApart: true,
		NetconfAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	start := func() *compose.Services {
		sv, err := compose.StartServices(context.Background(), compose.Options{DataDir: dir, NoSync: true, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-sv.Ready():
		case <-time.After(30 * time.Second):
			t.Fatal("servicesd did not subscribe")
		}
		return sv
	}
	sv := start()

	out := exec(t, dir, "configure", "load set terminal", strings.TrimSpace(apartConf), "^D", "commit", "exit")
	if !strings.Contains(out, "commit complete") {
		t.Fatalf("commit: %s", out)
	}
	held := func(want string) func() bool {
		return func() bool {
			return strings.Contains(exec(t, dir, "show chassis pic fpc-slot 0 pic-slot 0 extensive"), "Service sets held                "+want)
		}
	}
	poll(t, "the PIC to hold ss1", held("1"))
	ssrb, _ := sv.Services.SSRB("ss1")

	// servicesd's validation reaches the commit, with its path.
	out = exec(t, dir, "configure", "set services service-set ss1 service-order forward-flow [ stateful-firewall bogus ]",
		"commit check", "rollback", "exit")
	if !strings.Contains(out, "[edit services service-set ss1 service-order]") || !strings.Contains(out, "unknown service plugin 'bogus'") {
		t.Fatalf("commit check: got\n%s", out)
	}

	// servicesd down: commits go on; its commands say it is unreachable.
	sv.Close()
	out = exec(t, dir, "configure", "set services service-set ss2 stateful-firewall-rules fw",
		"set services service-set ss2 interface-service service-interface ms-0/0/0", "commit", "exit")
	if !strings.Contains(out, "commit complete") {
		t.Fatalf("commit without servicesd: %s", out)
	}
	if out := exec(t, dir, "show services service-sets summary"); !strings.Contains(out, "servicesd is not reachable") {
		t.Errorf("with servicesd down: got %q", out)
	}

	// Back: it catches up with the commit it missed and keeps ss1's id.
	sv = start()
	defer sv.Close()
	poll(t, "the PIC to hold ss1 and ss2", held("2"))
	if again, _ := sv.Services.SSRB("ss1"); again.ID != ssrb.ID {
		t.Errorf("ss1's id went from %d to %d across the restart", ssrb.ID, again.ID)
	}
	if out := exec(t, dir, "show services service-sets summary"); !strings.Contains(out, "ms-0/0/0") {
		t.Errorf("summary after the restart: %q", out)
	}
}
