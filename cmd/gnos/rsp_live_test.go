package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
)

// rspLiveConfig: the lab's router with rsp0 over ms-0/0/0 (fpc 0, a
// `gnos picd` process) and ms-1/0/0 (fpc 1, the daemon's embedded picd),
// hot-standby, next-hop sfw → napt-44 on rsp0's units.
func rspLiveConfig() []string {
	lines := []string{"configure",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24"}
	for _, f := range []string{"0", "1"} {
		p := "set chassis fpc " + f + " pic 0 adaptive-services service-package extension-provider "
		lines = append(lines, p+"data-cores 2", p+"object-cache-size 64", p+"policy-db-size 16",
			p+"package stateful-firewall", p+"package nat")
	}
	return append(append(lines, lab.RSPNAT("ss1")...), "commit", "exit")
}

// startLogged is startProc for `ip netns exec …`, its stderr's warnings
// and errors in the test log (what a failover test needs to explain a
// failure) under the name what.
func startLogged(t *testing.T, what, ready string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("ip", args...)
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); <-done })
	readyc := make(chan bool, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(errp)
		seen := false
		for sc.Scan() {
			if l := sc.Text(); !seen && strings.Contains(l, ready) {
				seen = true
				readyc <- true
			} else if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") || !strings.Contains(l, "level=") {
				t.Logf("%s: %s", what, l)
			}
		}
		if !seen {
			readyc <- false
		}
	}()
	if !<-readyc {
		t.Fatalf("%s (%v) did not print %q", what, args, ready)
	}
	return cmd
}

var (
	standbyHolds = regexp.MustCompile(`Standby holds: (\d+) sessions`)
	sessionID    = regexp.MustCompile(`Session: (\d+),`)
	activeCount  = regexp.MustCompile(`ms-1/0/0\n(?:Service Set: \S+\n)?Number of sessions: (\d+)`)
)

// TestLiveRSPPicdKillBulk (root): a TCP bulk transfer from the lab's
// server to its client through rsp0 (next-hop sfw → napt-44), with the
// primary's `gnos picd --live` process killed by SIGKILL in the middle
// of it. The transfer goes on through the secondary: every byte arrives
// (SHA-256 of the stream), no reset, the longest pause after the kill is
// at most 2 s, the server saw one connection whose public address and
// port `show services sessions` shows on ms-1/0/0. Then the killed PIC's
// picd, started again, rejoins as the standby and holds a full replica
// (as many sessions as the active PIC has).
func TestLiveRSPPicdKillBulk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs several processes")
	}
	l := labtest.Up(t, "rk") // skips without root
	bin := buildGnos(t)
	dir := t.TempDir()
	inRouter := func(args ...string) []string { return append([]string{"netns", "exec", l.Router, bin}, args...) }
	startLogged(t, "daemon", "daemons running", inRouter("daemon", "--live", "--data", dir)...)
	c := dialCLI(t, dir)
	c.run(rspLiveConfig()...)
	picArgs := inRouter("picd", "--fpc", "0", "--pic", "0", "--live", "--data", dir)
	ext := startLogged(t, "picd", "connecting", picArgs...)
	c.waitPIC("the picd process", func(st picState) bool { return st.pid == ext.Process.Pid && inSync(st, 1) })
	wait := func(what, cmd string, ok func(string) bool) string {
		t.Helper()
		var out string
		testkit.Eventually(t, what, func() error {
			if out = c.run(cmd); !ok(out) {
				return fmt.Errorf("%s:\n%s", cmd, out)
			}
			return nil
		})
		return out
	}
	wait("both members up", "show interfaces redundancy", func(s string) bool { return strings.Contains(s, "both up") })

	const size, seed = 96 << 20, 21
	srv, err := lab.ServeStream(l.Server, 80, size, seed)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var rd *lab.Reader
	testkit.Eventually(t, "a connection through rsp0", func() error {
		var err error
		rd, err = lab.DialStream(l.Client, lab.ServerAddr+":80", 2*time.Second)
		return err
	})
	defer rd.C.Close()
	if err := rd.ReadTo(1<<20, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	// The client stops reading (the window closes, the session stays)
	// until a replica holds the session.
	wait("the session replicated", "show services redundancy", func(s string) bool {
		m := standbyHolds.FindStringSubmatch(s)
		return m != nil && m[1] != "0"
	})
	idBefore := sessionID.FindStringSubmatch(c.run("show services sessions"))
	if idBefore == nil {
		t.Fatal("show services sessions on the primary: no session")
	}
	rd.Mark()
	if err := rd.ReadTo(16<<20, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	before := rd.MaxPause
	rd.Mark()
	killed := time.Now()
	ext.Process.Signal(syscall.SIGKILL)
	ext.Wait()
	t.Logf("SIGKILL of the primary's picd (pid %d) at %d of %d bytes", ext.Process.Pid, rd.N, size)
	if err := rd.ReadTo(size, 10*time.Second); err != nil {
		t.Fatalf("the transfer did not survive the failover: %v", err)
	}
	took := time.Since(killed)
	t.Logf("after the kill: %d bytes in %v; longest pause %v (ended at byte %d), before the kill %v",
		size-16<<20, took.Round(time.Millisecond), rd.MaxPause.Round(time.Millisecond), rd.PauseAt, before.Round(time.Millisecond))
	if rd.MaxPause > 2*time.Second {
		t.Errorf("the transfer stalled %v after the kill; want at most 2s", rd.MaxPause)
	}
	if rd.Sum() != lab.StreamSum(size, seed) {
		t.Errorf("the bytes read differ from the bytes sent (SHA-256)")
	}
	peers := srv.Peers()
	if len(peers) != 1 || !strings.HasPrefix(peers[0], "203.0.113.1:") {
		t.Fatalf("the server saw connections from %v; want one, from the pool address", peers)
	}
	out := wait("rsp0 on the secondary", "show interfaces redundancy", func(s string) bool { return strings.Contains(s, "On secondary") })
	t.Logf("%s", out)
	sess := c.run("show services sessions")
	if !strings.Contains(sess, "ms-1/0/0") || !strings.Contains(sess, peers[0]) {
		t.Errorf("show services sessions on the new primary: got\n%s\nwant the transfer's session on ms-1/0/0 with %s", sess, peers[0])
	}
	if id := sessionID.FindStringSubmatch(sess); id == nil || id[1] != idBefore[1] {
		t.Errorf("show services sessions on the new primary: got\n%s\nwant the session id it had on the old one, %s", sess, idBefore[1])
	}

	t.Log("the killed PIC's picd started again: it rejoins as the standby with a full state sync")
	ext2 := startLogged(t, "picd again", "connecting", picArgs...)
	c.waitPIC("the restarted picd", func(st picState) bool { return st.pid == ext2.Process.Pid })
	wait("both up, still on the secondary", "show interfaces redundancy", func(s string) bool {
		return strings.Contains(s, "On secondary") && strings.Contains(s, "both up")
	})
	active := activeCount.FindStringSubmatch(c.run("show services sessions count"))
	if active == nil {
		t.Fatal("show services sessions count: no count")
	}
	wait("the rejoined standby holds every session of the active PIC", "show services redundancy", func(s string) bool {
		m := standbyHolds.FindStringSubmatch(s)
		return m != nil && m[1] == active[1]
	})
	n, _ := strconv.Atoi(active[1])
	if n == 0 {
		t.Errorf("no session on the active PIC to replicate")
	}
	rd.C.Close()
}
