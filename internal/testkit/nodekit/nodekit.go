// Package nodekit starts a whole gnos node for integration tests: the
// composition root on a temporary data directory, a fake clock at
// testkit.Epoch, no fsync, logs discarded unless asked for, and Close at
// the end of the test. It is the one way tests start a node, so every
// harness shares its set-up and its clean-up.
package nodekit

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
)

// Start boots a node. o's zero fields are filled in: DataDir (a fresh
// temporary directory, removed afterwards), Clock (a fake at
// testkit.Epoch unless o.Clock is set), NoSync, and Log (discarded).
// The fake clock is returned when Start made it, else nil.
func Start(t testing.TB, o compose.Options) (*compose.Node, *clock.Fake) {
	t.Helper()
	if o.DataDir == "" {
		// Not t.TempDir: Unix socket paths must stay short, and TempDir
		// paths carry the test's name.
		dir, err := os.MkdirTemp("", "gnos-test-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		o.DataDir = dir
	}
	var fake *clock.Fake
	if o.Clock == nil {
		fake = testkit.Clock()
		o.Clock = fake
	}
	o.NoSync = true
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	n, err := compose.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, fake
}

// AddBlockingCommand adds `show test-blocking` to n's operational table:
// it signals on the returned channel when it starts, then runs until its
// line's context ends and answers "stopped: " and why. Interrupt tests
// (Ctrl-C over the management socket, over SSH) use it.
func AddBlockingCommand(n *compose.Node) <-chan struct{} {
	started := make(chan struct{}, 1)
	n.CLI.Ops.Add(&cli.Command{Words: []string{"show", "test-blocking"}, RPC: "test-blocking",
		Run: func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
			started <- struct{}{}
			<-ctx.Done()
			return &cli.Elem{Name: "x", Text: "stopped: " + ctx.Err().Error()}, nil
		}})
	return started
}
