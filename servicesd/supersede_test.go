package servicesd_test

import (
	"context"
	"testing"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// TestEmbeddedPicdStandsDown: a picd process (here a client saying hello
// with another PID) takes the slot from the embedded picd; when the
// embedded one comes back (as after a daemon restart, racing the process
// reconnecting) it is told to stand down, and the process keeps the slot
// and gets its resync.
func TestEmbeddedPicdStandsDown(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	waitGone := func(what string) {
		t.Helper()
		testkit.Until(t, "the embedded picd to stop "+what, func() bool { return h.n.PICs.Daemon(slot00) == nil })
	}

	cc, err := ipc.DialUnix(servicesd.SocketPath(h.n.Opts.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot00, PID: 1 << 30}}); err != nil {
		t.Fatal(err)
	}
	if m, err := st.Recv(); err != nil || m.Config == nil {
		t.Fatalf("after hello: got %+v, %v; want the Config", m, err)
	}
	waitGone("after the picd process said hello")

	h.n.PICs.Start(slot00) // the embedded picd comes back
	waitGone("after it came back while the process holds the slot")

	// The process still holds the slot: READY gets it the resync.
	if err := st.Send(&picd.FromPIC{Ready: &picd.Ready{Incarnation: 1}}); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("the picd process lost its stream: %v", err)
		}
		if m.Superseded {
			t.Fatal("the picd process was superseded by the embedded picd")
		}
		if m.Resync != nil && m.Resync.Begin {
			if m.Resync.Count != 2 {
				t.Fatalf("resync of %d SSRBs, want 2", m.Resync.Count)
			}
			return
		}
	}
}
