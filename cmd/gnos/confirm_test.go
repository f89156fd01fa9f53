package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// offsetClock is the wall clock shifted by d: a daemon restarted with it
// sees d more time passed than really did, so a test can restart it just
// before a commit-confirmed deadline without waiting a minute.
type offsetClock struct{ d time.Duration }

func (c offsetClock) Now() time.Time { return time.Now().Add(c.d) }

func (c offsetClock) AfterFunc(d time.Duration, f func()) clock.Timer { return time.AfterFunc(d, f) }

// TestCommitConfirmedAfterKill: `commit confirmed 1`, then SIGKILL of the
// daemon. Restarted as if 57 s had passed, the daemon still runs the
// confirmed configuration and rolls it back on time, about 3 s later
// (not before the deadline, and within two seconds of it).
// Restarted as if 61 s had passed, it has rolled back at start-up.
func TestCommitConfirmedAfterKill(t *testing.T) {
	for _, tc := range []struct {
		name    string
		offset  time.Duration
		expired bool
	}{{"restarted before the deadline", 57 * time.Second, false}, {"restarted after the deadline", 61 * time.Second, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := startDaemon(t, dir)
			c := dialCLI(t, dir)
			c.run("configure", "set system host-name base", "commit")
			before := time.Now()
			out := c.run("set system host-name trial", "commit confirmed 1")
			if !strings.Contains(out, "rolled back in 1 minutes") {
				t.Fatalf("commit confirmed: got %q", out)
			}
			deadline := before.Add(time.Minute) // the daemon's deadline is at or after this
			after := time.Now().Add(time.Minute)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()

			cmd = startDaemon(t, dir, "GNOS_CRASH_CLOCK_OFFSET="+tc.offset.String())
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			c = dialCLI(t, dir)
			host := func() string { return strings.TrimSpace(c.run("show configuration system host-name")) }
			if tc.expired {
				if got := host(); got != "host-name base;" {
					t.Fatalf("restarted past the deadline: %q, want host-name base", got)
				}
				return
			}
			// The daemon's clock is wall+offset: its deadline falls at wall
			// time deadline-offset.
			for {
				got := host()
				now := time.Now().Add(tc.offset)
				if got == "host-name base;" {
					if now.Before(deadline) {
						t.Fatalf("rolled back at %v, before the deadline %v", now, deadline)
					}
					if late := now.Sub(after); late > 2*time.Second {
						t.Fatalf("rolled back %v after the deadline", late)
					}
					t.Logf("rolled back %v after the earliest possible deadline", now.Sub(deadline).Round(time.Millisecond))
					return
				}
				if got != "host-name trial;" {
					t.Fatalf("host-name %q, want trial until the deadline", got)
				}
				if now.After(after.Add(2 * time.Second)) {
					t.Fatalf("not rolled back %v after the deadline", now.Sub(after))
				}
				<-time.After(20 * time.Millisecond)
			}
		})
	}
}
