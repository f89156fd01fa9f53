package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
)

// TestRSPPicdProcessKill: rsp0 over fpc 0 (a `gnos picd` process) and
// fpc 1 (the daemon's embedded picd), with hot-standby; 20 sessions on
// the primary are replicated; SIGKILL of the picd process makes fpc 1
// active with the 20 sessions.
func TestRSPPicdProcessKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs several processes")
	}
	bin := buildGnos(t)
	dir := t.TempDir()
	startProc(t, bin, "daemons running", "daemon", "--data", dir)
	c := dialCLI(t, dir)
	lines := []string{"configure"}
	for _, f := range []string{"0", "1"} {
		lines = append(lines,
			"set chassis fpc "+f+" pic 0 adaptive-services service-package extension-provider package stateful-firewall",
			"set chassis fpc "+f+" pic 0 adaptive-services service-package extension-provider package nat")
	}
	lines = append(lines,
		"set interfaces rsp0 redundancy-options primary ms-0/0/0",
		"set interfaces rsp0 redundancy-options secondary ms-1/0/0",
		"set interfaces rsp0 redundancy-options hot-standby",
		"set services stateful-firewall rule r1 match-direction input",
		"set services stateful-firewall rule r1 term t1 from applications junos-http",
		"set services stateful-firewall rule r1 term t1 then accept",
		"set services nat pool p1 address 203.0.113.1/32",
		"set services nat rule nr match-direction input",
		"set services nat rule nr term t1 from source-address 10.0.0.0/8",
		"set services nat rule nr term t1 then translated source-pool p1",
		"set services nat rule nr term t1 then translated translation-type napt-44",
		"set services service-set ss1 stateful-firewall-rules r1",
		"set services service-set ss1 nat-rules nr",
		"set services service-set ss1 interface-service service-interface rsp0",
		"commit", "exit")
	c.run(lines...)
	ext := startProc(t, bin, "connecting", "picd", "--fpc", "0", "--pic", "0", "--data", dir)
	c.waitPIC("the picd process", func(st picState) bool { return st.pid == ext.Process.Pid && inSync(st, 1) })
	c.run("request services traffic generate service-set ss1 flows 20 packets 1 source-prefix 10.1.0.0/24 destination-prefix 192.0.2.10 destination-port 80 protocol tcp")
	wait := func(what, cmd, want string) {
		t.Helper()
		testkit.Eventually(t, what, func() error {
			if out := c.run(cmd); !strings.Contains(out, want) {
				return fmt.Errorf("%s:\n%s", cmd, out)
			}
			return nil
		})
	}
	wait("20 sessions on the primary", "show services sessions count", "Number of sessions: 20")
	wait("the sessions replicated", "show services redundancy", "Standby holds: 20 sessions")
	ext.Process.Signal(syscall.SIGKILL)
	ext.Wait()
	wait("rsp0 on the secondary", "show interfaces redundancy", "On secondary")
	wait("the sessions on the secondary", "show services sessions count", "Number of sessions: 20")
	if out := c.run("show services sessions"); !strings.Contains(out, "ms-1/0/0") {
		t.Errorf("the sessions are not shown on ms-1/0/0:\n%s", out)
	}
}
