package lab_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/netconf/crypt"
)

// TestLivePyEZTables runs the live class of tests/python/test_pyez_tables.py
// (PyEZ's ArpTable, NdTable and RouteTable, unmodified, and the ping RPC)
// against a router in the lab. It skips without root or without PyEZ.
func TestLivePyEZTables(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import jnpr.junos").Run() != nil {
		t.Skip("PyEZ (python3-junos-eznc) not installed")
	}
	r := startLab(t, "pyez")
	for _, link := range []string{"ge-0-0-0", "ge-0-0-1"} {
		if _, err := lab.Exec(r.lab.Router, "sysctl", "-qw", "net.ipv6.conf."+link+".accept_dad=0"); err != nil {
			t.Fatal(err)
		}
	}
	h, err := crypt.Crypt("admin123", "$6$testsaltadmin")
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	set := strings.Join([]string{
		"set system login user admin class super-user",
		fmt.Sprintf("set system login user admin authentication encrypted-password \"%s\"", h),
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:2::1/64",
	}, "\n")
	if err := s.Load(configd.LoadSet, configd.FormatSet, set); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := lab.Exec(r.lab.Router, "ip", "route", "add", "203.0.113.0/24", "via", lab.ServerAddr); err != nil {
		t.Fatal(err)
	}
	// the first packets after the links came up may be dropped: warm up
	r.cli("ping " + lab.ServerAddr + " rapid count 3")
	r.cli("ping " + lab.ServerAddr6 + " rapid count 3")
	_, port, _ := net.SplitHostPort(r.n.Netconf.Addr().String())
	dir, _ := filepath.Abs("../tests/python")
	cmd := exec.Command(py, "-m", "unittest", "-v", "test_pyez_tables.LiveTables")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GNOS_HOST=127.0.0.1", "GNOS_PORT="+port, "GNOS_LIVE=1", "PYTHONDONTWRITEBYTECODE=1",
		"GNOS_SERVER="+lab.ServerAddr, "GNOS_SERVER6="+lab.ServerAddr6)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(string(out), "skipped") {
		t.Fatalf("live tables skipped:\n%s", out)
	}
	t.Logf("%s", out)
}
