package netconf_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
)

// clientCommands are the operational commands the screen-scraping client
// tests send: each reply must be what a CLI session prints.
var clientCommands = []string{
	"show version",
	"show version | display xml",
	"show version | display json",
	"show version | match Hostname",
	"show version | count",
	"show configuration",
	"show configuration system",
	"show configuration system login",
	"show configuration | display set",
	"show configuration system | display set",
	"show configuration | display xml",
	"show configuration system host-name",
	"show configuration | count",
	"show configuration | match user",
	"show configuration | except user",
	"show configuration | last 3",
	"show system commit",
	"show system rollback 0",
	"show interfaces terse",
	"show chassis hardware",
	"show bogus",
	"show version | no-more",
}

// cliReferences runs commands in a fresh CLI session of the admin and
// returns [command, output] pairs: what an interactive session prints
// below the command line (the caret line of an error, then the output).
func cliReferences(t *testing.T, n *compose.Node, commands []string) [][2]string {
	t.Helper()
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	var cases [][2]string
	for _, c := range commands {
		prompt := s.Prompt()
		r := s.Exec(context.Background(), c)
		out := r.Output
		if r.Caret >= 0 {
			out = cli.CaretLine(len(prompt), r.Caret) + out
		}
		cases = append(cases, [2]string{c, out})
	}
	return cases
}

// writeCases stores the pairs for a client script.
func writeCases(t *testing.T, cases [][2]string) string {
	t.Helper()
	b, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// clientRepeat is how many sessions each client test runs (GNOS_CLIENT_REPEAT,
// default 1; more to shake out flakes).
func clientRepeat() string {
	if v, err := strconv.Atoi(os.Getenv("GNOS_CLIENT_REPEAT")); err == nil && v > 0 {
		return strconv.Itoa(v)
	}
	return "1"
}

// TestNetmiko runs tests/python/test_netmiko.py (Debian's python3-netmiko,
// device_type juniper_junos) against the SSH CLI: ~20 commands whose
// output must be byte for byte the CLI's, then a change and a commit.
func TestNetmiko(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	py := python(t, "netmiko")
	n, _ := startNode(t)
	cases := cliReferences(t, n, clientCommands)
	_, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
	dir, _ := filepath.Abs("../tests/python")
	cmd := exec.Command(py, "-m", "unittest", "-v", "test_netmiko")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GNOS_HOST=127.0.0.1", "GNOS_PORT="+port, "PYTHONDONTWRITEBYTECODE=1",
		"GNOS_CASES="+writeCases(t, cases), "GNOS_REPEAT="+clientRepeat())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("test_netmiko: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
