package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
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

// The configuration database usage reads the real store: its layout is
// Junos', and its figures hang together.
func TestDatabaseUsage(t *testing.T) {
	n, _ := startNode(t)
	n.CLI.Statfs = func() (cli.FSStats, error) { return cli.FSStats{Total: 20 << 30, Free: 15 << 30, Avail: 10 << 30}, nil }
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	r := s.Exec(context.Background(), "show system configuration database usage")
	re := regexp.MustCompile(`^Maximum size of the database: ([0-9.]+) MB
Current database size on disk: ([0-9.]+) MB
Actual database usage: ([0-9.]+) MB
Available database space: ([0-9.]+) MB
$`)
	m := re.FindStringSubmatch(r.Output)
	if m == nil {
		t.Fatalf("got %q, want Junos' four lines", r.Output)
	}
	var v [4]float64
	for i := range v {
		v[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	if !(v[2] > 0 && v[2] <= v[1] && v[1] < v[0] && v[0] >= 10240 && v[3] > v[0]-v[1]-0.01) {
		t.Errorf("figures do not add up: max %v, current %v, used %v, available %v", v[0], v[1], v[2], v[3])
	}
}

// show system alarms raises the management plane's conditions from their
// state — no rescue configuration, a commit confirmed waiting — beside
// the chassis alarms, and they clear with their cause; show chassis
// alarms keeps to the chassis.
func TestSystemAlarms(t *testing.T) {
	n, _ := startNode(t)
	n.CLI.Host = func() cli.HostStats {
		return cli.HostStats{Started: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), MemoryMB: 2048}
	}
	n.CLI.Statfs = func() (cli.FSStats, error) { return cli.FSStats{Total: 20 << 30, Free: 1 << 30, Avail: 1 << 30}, nil }
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	ctx := context.Background()
	var out strings.Builder
	for _, line := range []string{"show system alarms", "show chassis alarms",
		"configure", "set system host-name alarmed", "commit confirmed 5", "exit",
		"show system alarms", "show system alarms | display xml",
		"request system configuration rescue save", "configure", "commit", "exit", "show system alarms"} {
		r := s.Exec(ctx, line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	testkit.Golden(t, "system-alarms.txt", out.String())
}

// show system processes in its three forms: ps' table, top's header
// (brief), both (extensive), from a fixture /proc.
func TestProcessStyles(t *testing.T) {
	n, clk := startNode(t)
	n.CLI.ProcFS, _ = filepath.Abs("testdata/proc")
	n.CLI.Host = func() cli.HostStats {
		return cli.HostStats{Started: clk.Now().Add(-26 * time.Hour), LoadAverage: "0.50", Load5: "0.40", Load15: "0.30"}
	}
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	var out strings.Builder
	for _, line := range []string{"show system processes", "show system processes brief", "show system processes extensive | display xml"} {
		r := s.Exec(context.Background(), line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	testkit.Golden(t, "system-processes.txt", out.String())
}

// A session on the management socket (gnos cli) logged out by another
// user hears so at once and ends, even while idle.
func TestLogoutSocketSession(t *testing.T) {
	n, _ := startNode(t)
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec("show cli"); err != nil { // the session is up and registered
		t.Fatal(err)
	}
	admin := n.CLI.NewSession("admin", "cli")
	defer admin.Close()
	if r := admin.Exec(context.Background(), "request system logout user "+socketUser(t)); r.Failed {
		t.Fatalf("logout: %s", r.Output)
	}
	r, err := c.Exec("show version")
	if err != nil {
		t.Fatalf("the logged-out client got %v, want the termination notice", err)
	}
	if !r.Exit || !strings.Contains(r.Output, "Session terminated") || strings.Contains(r.Output, "Hostname") {
		t.Errorf("logged-out session: exit %v, output %q; want the termination notice and the end", r.Exit, r.Output)
	}
}

// The other forms of the chassis and version commands, and file list
// detail, against fixed host figures.
func TestCommandVariants(t *testing.T) {
	n, _ := startNode(t)
	n.CLI.Host = func() cli.HostStats {
		return cli.HostStats{Started: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), MemoryMB: 2048}
	}
	n.CLI.Statfs = func() (cli.FSStats, error) { return cli.FSStats{Total: 20 << 30, Free: 15 << 30, Avail: 14 << 30}, nil }
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	home := n.CLI.HomeDir("admin")
	if err := os.MkdirAll(filepath.Join(home, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
	stamp := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	p := filepath.Join(home, "notes.txt")
	if err := os.WriteFile(p, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{p, filepath.Join(home, "logs")} {
		if err := os.Chtimes(f, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(home, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range []string{"configure",
		"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider data-cores 1",
		"set chassis fpc 1 pic 1 adaptive-services service-package extension-provider data-cores 1",
		"commit", "exit",
		"show chassis hardware detail", "show version brief", "show version detail", "show chassis fpc pic-status | count",
		"show chassis fpc 7", "file list detail | except total.blocks | except logs", "file list notes.txt | display xml", "file list nothing"} {
		r := s.Exec(context.Background(), line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	testkit.Golden(t, "command-variants.txt", out.String())
}
