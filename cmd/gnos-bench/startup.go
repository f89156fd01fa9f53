package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gnos/gnos/cmd/gnos-bench/bench"
	"github.com/gnos/gnos/internal/testconfig"
)

// startup times `gnos daemon` until `gnos cli -c 'show version'` answers,
// runs times on an empty data directory (Startup/empty) and runs times on
// one with the performance configuration committed (Startup/performance),
// and records the seconds in res. It returns the commands it ran, for the
// report.
func startup(bin string, runs int, res bench.Results) ([]string, error) {
	if _, err := os.Stat(bin); err != nil {
		fmt.Printf("== startup: building %s\n", bin)
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/gnos").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build: %v: %s", err, firstLine(string(out)))
		}
	}
	bin = abs(bin)
	cmds := []string{
		fmt.Sprintf("# start-up, %d runs each: %s daemon --data DIR, then %s cli --data DIR -c 'show version' until it answers", runs, rel(bin), rel(bin)),
		"#   DIR empty, then DIR with `load override` of the performance configuration (go run ./scripts/genconfig) committed",
	}
	for _, c := range []struct {
		name string
		perf bool
	}{{"empty", false}, {"performance", true}} {
		dir, err := os.MkdirTemp("", "gnos-bench-")
		if err != nil {
			return cmds, err
		}
		defer os.RemoveAll(dir)
		fmt.Printf("== startup/%s: %d runs in %s\n", c.name, runs, dir)
		if c.perf {
			if err := commitPerformance(bin, dir); err != nil {
				return cmds, fmt.Errorf("committing the performance configuration: %w", err)
			}
		}
		for range runs {
			d, err := timeStart(bin, dir)
			if err != nil {
				return cmds, fmt.Errorf("%s: %w", c.name, err)
			}
			fmt.Printf("  Startup/%s %.3f s\n", c.name, d.Seconds())
			res.Add("Startup/"+c.name, "s", d.Seconds())
		}
	}
	return cmds, nil
}

// daemon is a running `gnos daemon`.
type daemon struct {
	cmd  *exec.Cmd
	log  syncBuffer
	done chan struct{} // closed when the process has exited
}

func startDaemon(bin, dir string) (*daemon, error) {
	d := &daemon{cmd: exec.Command(bin, "daemon", "--data", dir), done: make(chan struct{})}
	d.cmd.Stdout, d.cmd.Stderr = &d.log, &d.log
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = d.cmd.Wait(); close(d.done) }()
	return d, nil
}

func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// stop ends the daemon with SIGTERM (SIGKILL after 20 s).
func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// syncBuffer is the daemon's output, written by exec's copier while the
// harness may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitReady polls `gnos cli -c 'show version'` until it succeeds.
func waitReady(bin, dir string, d *daemon, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if exec.Command(bin, "cli", "--data", dir, "-c", "show version").Run() == nil {
			return nil
		}
		if d.exited() {
			return fmt.Errorf("daemon exited: %s", lastLines(d.log.String(), 3))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to show version after %s: %s", limit, lastLines(d.log.String(), 3))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// timeStart is one start-up: from exec to the first answer.
func timeStart(bin, dir string) (time.Duration, error) {
	t0 := time.Now()
	d, err := startDaemon(bin, dir)
	if err != nil {
		return 0, err
	}
	defer d.stop()
	if err := waitReady(bin, dir, d, time.Minute); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// commitPerformance commits the performance configuration in dir through
// the CLI, as a user would: the file under files/, load override, commit.
func commitPerformance(bin, dir string) error {
	files := filepath.Join(dir, "files")
	if err := os.MkdirAll(files, 0o700); err != nil {
		return err
	}
	name, err := filepath.Abs(filepath.Join(files, "perf.conf")) // a relative name would be the CLI user's home
	if err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := testconfig.WriteText(f, testconfig.Performance); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	d, err := startDaemon(bin, dir)
	if err != nil {
		return err
	}
	defer d.stop()
	if err := waitReady(bin, dir, d, time.Minute); err != nil {
		return err
	}
	cli := exec.Command(bin, "cli", "--data", dir)
	cli.Stdin = strings.NewReader("configure\nload override " + name + "\ncommit\nexit\n")
	out, err := cli.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "commit complete") {
		return fmt.Errorf("cli: %v: %s", err, lastLines(string(out), 3))
	}
	return nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], " / ")
}
