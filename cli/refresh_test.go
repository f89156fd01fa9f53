package cli_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRefresh: | refresh 5 runs the command again every 5 seconds of the
// daemon's clock, each run through the line's other pipes and under its
// ---(refreshed at …)--- line, until Ctrl-C; without a terminal it says so.
func TestRefresh(t *testing.T) {
	n, clk := startNode(t)
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	var mu sync.Mutex
	var frames []string
	s.Stream(func(c string) { mu.Lock(); frames = append(frames, c); mu.Unlock() })
	ctx, cancel := context.WithCancel(context.Background())
	pending := clk.Pending()
	done := make(chan string, 1)
	go func() { done <- s.Exec(ctx, "show version | match Hostname | refresh 5").Output }()
	for i := 0; i < 2; i++ {
		clk.BlockUntil(pending + 1) // waiting for its next run
		clk.Advance(5 * time.Second)
	}
	clk.BlockUntil(pending + 1)
	cancel()
	if out := <-done; out != "" {
		t.Errorf("output after the runs: %q", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(frames) != 3 {
		t.Fatalf("%d runs shown, want 3: %q", len(frames), frames)
	}
	start := clk.Now().Add(-10 * time.Second)
	for i, f := range frames {
		at := start.Add(time.Duration(5*i) * time.Second).UTC().Format("2006-01-02 15:04:05 MST")
		if want := "---(refreshed at " + at + ")---\nHostname: gnos\n"; f != want {
			t.Errorf("run %d: %q, want %q", i, f, want)
		}
	}
	plain := n.CLI.NewSession("admin", "cli") // no Stream: not a terminal
	defer plain.Close()
	if out := plain.Exec(context.Background(), "show version | refresh").Output; !strings.Contains(out, "| refresh needs a terminal") {
		t.Errorf("refresh without a terminal: %q", out)
	}
	if out := plain.Exec(context.Background(), "show version | refresh 0").Output; !strings.Contains(out, "expecting <number> (1..604800 seconds)") {
		t.Errorf("refresh 0: %q", out)
	}
}
