package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/clock"
)

// TestMain lets the test binary act as `gnos daemon` for the crash test.
func TestMain(m *testing.M) {
	if dir := os.Getenv("GNOS_CRASH_DAEMON"); dir != "" {
		// GNOS_CRASH_CLOCK_OFFSET runs the daemon's clock ahead of the
		// wall clock, as if that much time had passed while it was down.
		var clk clock.Clock = clock.Real{}
		if d, err := time.ParseDuration(os.Getenv("GNOS_CRASH_CLOCK_OFFSET")); err == nil {
			clk = offsetClock{d}
		}
		n, err := compose.Start(context.Background(), compose.Options{DataDir: dir, Clock: clk})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		defer n.Close()
		select {} // until killed
	}
	os.Exit(m.Run())
}

func startDaemon(t *testing.T, dir string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "GNOS_CRASH_DAEMON="+dir), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("daemon did not start: %q %v", line, err)
	}
	return cmd
}

// TestCrashDuringCommits kills `gnos daemon` with SIGKILL at random moments
// of a commit loop, over and over; after every restart the store opens and
// holds the last acknowledged commit (or the one in flight when killed).
func TestCrashDuringCommits(t *testing.T) {
	rounds := 100
	if testing.Short() {
		rounds = 10
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	acked := 0
	next := 1
	for r := 0; r < rounds; r++ {
		cmd := startDaemon(t, dir)
		// The store must hold the last acknowledged commit, or the next one.
		host := committedHost(t, dir)
		if host != "h"+strconv.Itoa(acked) && host != "h"+strconv.Itoa(acked+1) && !(acked == 0 && host == "") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: committed host-name %q, want h%d or h%d", r, host, acked, acked+1)
		}
		if host == "h"+strconv.Itoa(acked+1) {
			acked++
		}
		next = acked + 1
		kill := time.AfterFunc(time.Duration(5+rng.IntN(60))*time.Millisecond, func() {
			cmd.Process.Signal(syscall.SIGKILL)
		})
		acked = commitLoop(dir, next, acked)
		kill.Stop()
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	t.Logf("%d kills, %d acknowledged commits", rounds, acked)
	if acked < rounds/2 {
		t.Fatalf("only %d commits acknowledged in %d rounds; the loop is not exercising commits", acked, rounds)
	}
}

// committedHost asks the running daemon for its committed host-name.
func committedHost(t *testing.T, dir string) string {
	t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Exec("show configuration system host-name")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(r.Output), ";"))
	if len(f) == 2 {
		return f[1]
	}
	return ""
}

// commitLoop commits host-names hN, hN+1, … until the daemon dies, and
// returns the last acknowledged N.
func commitLoop(dir string, n, acked int) int {
	return commitUntilDead(dir, "cli", n, acked, nil, func(n int) []string {
		return []string{"set system host-name h" + strconv.Itoa(n)}
	})
}

// commitUntilDead opens a CLI session to the daemon in dir and, for N = n,
// n+1, …, sets lines(N) and commits, until the daemon dies or stop is
// closed (nil: never); it returns the last acknowledged N.
func commitUntilDead(dir, client string, n, acked int, stop <-chan struct{}, lines func(n int) []string) int {
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(dir), client)
	if err != nil {
		return acked
	}
	defer c.Close()
	if _, err := c.Exec("configure"); err != nil {
		return acked
	}
	for ; ; n++ {
		select {
		case <-stop:
			return acked
		default:
		}
		for _, l := range lines(n) {
			if _, err := c.Exec(l); err != nil {
				return acked
			}
		}
		r, err := c.Exec("commit")
		if err != nil {
			return acked
		}
		if strings.Contains(r.Output, "commit complete") {
			acked = n
		}
	}
}

// TestRelativeDataDir: `make run` passes --data .gnos-data; a relative
// data directory must work for the daemon and its clients.
func TestRelativeDataDir(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	n, err := compose.Start(context.Background(), compose.Options{DataDir: "rel-data", NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath("rel-data"), "cli")
	if err != nil {
		t.Fatalf("dial with a relative data directory: %v", err)
	}
	defer c.Close()
	if r, err := c.Exec("show version"); err != nil || !strings.Contains(r.Output, "Hostname:") {
		t.Fatalf("show version: %v %+v", err, r)
	}
}
