package servicesd_test

import (
	"context"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// TestSilentPICIsDropped: a PIC that says hello and then stays silent is
// dropped after DeadAfter heartbeat intervals on servicesd's clock.
func TestSilentPICIsDropped(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	cc, err := ipc.DialUnix(servicesd.SocketPath(h.n.Opts.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
	if err != nil {
		t.Fatal(err)
	}
	slot := dataplane.Slot{FPC: 0, PIC: 3} // not configured: nobody else wants it
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot}}); err != nil {
		t.Fatal(err)
	}
	m, err := st.Recv()
	if err != nil || m.Config == nil || m.Config.Configured {
		t.Fatalf("got %+v, %v; want an unconfigured Config", m, err)
	}
	for i := 0; i < picd.DeadAfter; i++ {
		h.clk.Advance(picd.HeartbeatInterval)
	}
	for {
		m, err := st.Recv()
		if err != nil {
			break // dropped
		}
		if !m.Heartbeat {
			t.Fatalf("got %+v, want heartbeats then the end of the stream", m)
		}
	}
}

// TestReconnectWithBackoff: when servicesd goes away the picd retries on
// its backoff timer; once servicesd is back it reconnects, says hello and
// is fully resynced, holding exactly the same generations.
func TestReconnectWithBackoff(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(4))
	h.waitAll(4)
	before := h.picd().Status()
	h.n.Services.Close()
	testkit.Until(t, "the picd to notice", func() bool { return h.clk.Pending() > 0 && !h.picdConnected() })
	if err := h.n.Services.Listen(servicesd.SocketPath(h.n.Opts.DataDir)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.n.Services.WaitSynced(ctx, slot00) }()
	// Each advance fires the pending backoff timer (and heartbeats); the
	// picd doubles its backoff after every failed attempt.
	d := picd.MinBackoff
	var err error
	testkit.Until(t, "the picd to reconnect and be resynced", func() bool {
		select {
		case err = <-done:
			return true
		default:
			h.clk.Advance(d)
			d = min(2*d, picd.MaxBackoff)
			return false
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	after := h.picd().Status()
	if after.Counters.Resyncs != before.Counters.Resyncs+1 || len(after.SSRBs) != 4 {
		t.Fatalf("got %d resyncs and %d SSRBs, want %d and 4", after.Counters.Resyncs, len(after.SSRBs), before.Counters.Resyncs+1)
	}
	for i := range after.SSRBs {
		if after.SSRBs[i] != before.SSRBs[i] {
			t.Errorf("SSRB %d: got %+v, want %+v", i, after.SSRBs[i], before.SSRBs[i])
		}
	}
	if after.Counters.Updates() != before.Counters.Updates() {
		t.Errorf("the resync of unchanged SSRBs counted as updates: %+v", after.Counters)
	}
}
