package cli_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMonitorInterface: monitor redraws every two seconds of the clock
// until the line's context ends, on a terminal only.
func TestMonitorInterface(t *testing.T) {
	n, clk := startNode(t)
	if out, failed := script(t, n, routerSetup); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	for _, tc := range []struct{ line, want string }{
		{"monitor interface traffic", " ge-0/0/1    Down               0         (0)                  0         (0)\n"},
		{"monitor interface ge-0/0/0", "Interface: ge-0/0/0, Enabled, Link is Down\n"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			s := n.CLI.NewSession("admin", "cli")
			defer s.Close()
			var mu sync.Mutex
			var frames []string
			s.Stream(func(c string) { mu.Lock(); frames = append(frames, c); mu.Unlock() })
			ctx, cancel := context.WithCancel(context.Background())
			pending := clk.Pending()
			done := make(chan string, 1)
			go func() { done <- s.Exec(ctx, tc.line).Output }()
			for i := 1; i <= 2; i++ {
				clk.BlockUntil(pending + 1) // the monitor waits for its next frame
				clk.Advance(2 * time.Second)
			}
			clk.BlockUntil(pending + 1)
			cancel()
			if out := <-done; out != "" {
				t.Errorf("output after the frames: %q", out)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(frames) != 4 { // three frames and the last newline
				t.Fatalf("got %d writes, want 3 frames and a newline: %q", len(frames), frames)
			}
			for i, f := range frames[:3] {
				if !strings.HasPrefix(f, "\x1b[H\x1b[2J") || !strings.Contains(f, "Seconds: "+[]string{"0", "2", "4"}[i]) || !strings.Contains(f, tc.want) {
					t.Errorf("frame %d: %q lacks the clear, Seconds: %d or %q", i, f, 2*i, tc.want)
				}
			}
		})
	}
	out, failed := script(t, n, "monitor interface traffic | count\nmonitor interface xe-0/0/9\n")
	if !failed || !strings.Contains(out, "needs a terminal") || !strings.Contains(out, "device xe-0/0/9 not found") {
		t.Errorf("monitor without a terminal or with an unknown interface:\n%s", out)
	}
}
