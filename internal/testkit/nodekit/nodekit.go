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
