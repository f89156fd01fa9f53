package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/firewall"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
)

// TestEveryCommandGolden runs each operational command of the table in
// text, XML and JSON and compares with golden files, so a change of any
// command's output shows in review.
func TestEveryCommandGolden(t *testing.T) {
	n, _ := startNode(t)
	n.CLI.Host = func() cli.HostStats {
		return cli.HostStats{Started: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), MemoryMB: 2048, MemoryUsed: 12, LoadAverage: "0.05"}
	}
	n.CLI.Statfs = func() (cli.FSStats, error) {
		return cli.FSStats{Total: 20 << 30, Free: 15 << 30, Avail: 14 << 30}, nil
	}
	n.CLI.ProcFS, _ = filepath.Abs("testdata/proc")
	home := n.CLI.HomeDir(socketUser(t))
	if err := os.MkdirAll(filepath.Join(home, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
	stamp := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	for _, f := range []string{"notes.txt", "logs/messages"} {
		p := filepath.Join(home, f)
		if err := os.WriteFile(p, []byte("hello\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	setup, failed := script(t, n, `
configure
set system host-name r1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 2
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
commit comment setup
exit
request system configuration rescue save
`)
	if failed {
		t.Fatalf("setup failed:\n%s", setup)
	}
	// show chassis fpc reports the PIC's state: wait until its picd is in
	// sync, so the golden says Online whatever the scheduling.
	if err := n.Services.WaitSynced(context.Background(), dataplane.Slot{FPC: 0, PIC: 0}); err != nil {
		t.Fatal(err)
	}
	args := map[string]string{
		"show system rollback":        "0",
		"file show":                   "notes.txt",
		"file list":                   "logs",
		"show interfaces":             "terse",
		"clear interfaces statistics": "ge-0/0/0",
		"show chassis pic":            "fpc-slot 0 pic-slot 0",
		"clear firewall filter":       "protect",
		"show system processes":       "extensive", // the others: TestProcessStyles
	}
	// the live data plane's counters, as the kernel would report them
	n.CLI.Firewall = fakeFirewall{{Family: firewall.Inet, Name: "protect", Counters: []firewall.Counter{
		{Name: "icmp", Bytes: 168, Packets: 2}, {Name: "ssh-denied", Bytes: 60, Packets: 1}}}}
	for _, c := range n.CLI.Ops.Commands() {
		cmd := strings.Join(c.Words, " ")
		if a, ok := args[cmd]; ok && a != "" {
			cmd += " " + a
		}
		if c.RPC == "clear-system-commit" || c.Words[0] == "request" || c.Words[0] == "set" || c.RPC == "get-pic-detail" /* shows the picd pid */ ||
			c.RPC == "get-system-users-information" || c.RPC == "get-system-uptime-information" /* ops_users_test.go */ ||
			c.RPC == "get-configuration-database-usage-information" /* the store's pages: ops_users_test.go */ ||
			c.RPC == "file-copy" || c.RPC == "file-delete" || c.RPC == "file-rename" /* ops_files_test.go */ ||
			c.RPC == "get-service-set-cpu-statistics" /* real time: servicesd/traffic_test.go */ ||
			c.RPC == "clear-log" /* TestSystemLog */ ||
			c.RPC == "ping" || c.RPC == "traceroute" /* live mode: lab/ops_live_test.go */ ||
			c.RPC == "monitor-interface" /* runs until interrupted: TestMonitorInterface */ ||
			c.Words[0] == "monitor" /* monitor start/stop/list: TestMonitorStartAndUserMessages */ {
			continue // changes state; covered by configd tests
		}
		for _, display := range []string{"", " | display xml", " | display json"} {
			out, failed := script(t, n, cmd+display+"\n")
			name := strings.ReplaceAll(c.RPC, "/", "_")
			switch display {
			case " | display xml":
				name += ".xml"
			case " | display json":
				name += ".json"
			default:
				name += ".txt"
			}
			if failed {
				t.Errorf("%s%s failed:\n%s", cmd, display, out)
				continue
			}
			testkit.Golden(t, filepath.Join("ops", name), out)
		}
	}
}

func TestOperationalErrors(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
show foo
sh
show system rollback 99
show interfaces ge-9/9/9
file show ../../../../etc/passwd
show configuration | display bogus
s version
`)
	if !failed {
		t.Fatalf("errors not reported as failures:\n%s", out)
	}
	testkit.Golden(t, "op-errors.txt", out)
}

// fakeFirewall is a live data plane's filter counters.
type fakeFirewall []firewall.FilterCounters

func (f fakeFirewall) Counters(filter string, _ bool) ([]firewall.FilterCounters, error) {
	var out []firewall.FilterCounters
	for _, x := range f {
		if filter == "" || x.Name == filter {
			out = append(out, x)
		}
	}
	return out, nil
}
