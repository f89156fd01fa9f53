package netconf_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/transport"

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
func clientRepeat() int {
	if v, err := strconv.Atoi(os.Getenv("GNOS_CLIENT_REPEAT")); err == nil && v > 0 {
		return v
	}
	return 1
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
	_, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
	dir, _ := filepath.Abs("../tests/python")
	for i := 0; i < clientRepeat(); i++ {
		// each session's commit changes what the next one sees
		cases := cliReferences(t, n, clientCommands)
		cmd := exec.Command(py, "-m", "unittest", "-v", "test_netmiko")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GNOS_HOST=127.0.0.1", "GNOS_PORT="+port, "PYTHONDONTWRITEBYTECODE=1",
			"GNOS_CASES="+writeCases(t, cases))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("test_netmiko, session %d: %v\n%s", i, err, out)
		}
	}
}

// TestScrapligo drives the SSH CLI with scrapligo (platform juniper_junos,
// its standard Go SSH transport): the same commands, each result byte for
// byte what a CLI session prints, then a change committed in configuration
// mode; GNOS_CLIENT_REPEAT sessions in a row.
func TestScrapligo(t *testing.T) {
	n, _ := startNode(t)
	host, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
	p, _ := strconv.Atoi(port)
	for i := 0; i < clientRepeat(); i++ {
		cases := cliReferences(t, n, clientCommands) // each commit changes what the next session sees
		pl, err := platform.NewPlatform("juniper_junos", host,
			options.WithAuthNoStrictKey(), options.WithAuthUsername("admin"), options.WithAuthPassword(password("admin")),
			options.WithPort(p), options.WithTransportType(transport.StandardTransport), options.WithTimeoutOps(20*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		d, err := pl.GetNetworkDriver()
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Open(); err != nil {
			t.Fatalf("scrapligo open: %v", err)
		}
		for _, c := range cases {
			r, err := d.SendCommand(c[0])
			if err != nil {
				t.Fatalf("%q: %v", c[0], err)
			}
			if want := scrapliClean(c[1]); r.Result != want {
				t.Fatalf("session %d, %q:\ngot  %q\nwant %q", i, c[0], r.Result, want)
			}
		}
		mr, err := d.SendConfigs([]string{"set system domain-name scrapli.example", "commit"})
		if err != nil || mr.Failed != nil {
			t.Fatalf("send configs: %v %v", err, mr)
		}
		if got := mr.Responses[1].Result; !strings.Contains(got, "commit complete") {
			t.Fatalf("commit answered %q", got)
		}
		if v, _ := n.Configd.Committed().ChildNamed("system", "").Leaf("domain-name"); v != "scrapli.example" {
			t.Fatalf("committed domain-name = %q", v)
		}
		if mr, err = d.SendConfigs([]string{"delete system domain-name", "commit"}); err != nil || mr.Failed != nil {
			t.Fatalf("send configs: %v %v", err, mr)
		}
		// on close scrapligo sends exit: the server ends the session, which
		// the transport may report as EOF
		if err := d.Close(); err != nil && !errors.Is(err, io.EOF) {
			t.Fatal(err)
		}
	}
}

// scrapliClean is what scrapligo makes of a reply by design: spaces at
// the ends of lines and line ends at both ends of the result removed.
// Everything else must be the CLI's own bytes.
func scrapliClean(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
