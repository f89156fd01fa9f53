package picd

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic/dataplane"
)

// A session walk runs apart from the control loop: while the data cores
// are held, the status request returns at once and the loop goes on
// handling messages; walks past MaxWalks are refused at once; each walk's
// answer is posted when the cores let it finish.
func TestSessionWalkOffControlLoop(t *testing.T) {
	d := New(Options{Slot: dataplane.Slot{}, Clock: clock.NewFake(time.Unix(0, 0)),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer d.stop("test over")
	ctx := context.Background()
	cfg := Config{Configured: true, Online: true, DataCores: 2, ControlCores: 1, ObjectCacheMB: 16, PolicyDBMB: 1,
		Packages: []string{"test-recorder"}}
	if _, err := d.handle(ctx, &ToPIC{Config: &cfg}); err != nil {
		t.Fatal(err)
	}
	posted := make(chan *FromPIC, MaxWalks+1)
	d.setPost(func(m *FromPIC) { posted <- m })
	rt := d.Runtime()
	hold, held := make(chan struct{}), make(chan struct{}, 2)
	go rt.DP.Do(func(*dataplane.Core) { held <- struct{}{}; <-hold })
	<-held
	<-held
	for i := range MaxWalks {
		if out := d.answer(ctx, &ToPIC{StatusReq: uint64(i + 1), Query: &Query{Sessions: true}}); out != nil {
			t.Fatalf("walk %d answered on the control loop: %+v", i, out)
		}
	}
	if out, err := d.handle(ctx, &ToPIC{Heartbeat: true}); err != nil || out != nil {
		t.Fatalf("heartbeat during walks: got %v, %v", out, err)
	}
	out := d.answer(ctx, &ToPIC{StatusReq: 99, Query: &Query{Sessions: true}})
	if len(out) != 1 || !strings.Contains(out[0].Status.Error, "session queries under way") {
		t.Fatalf("walk past MaxWalks: got %+v, want a refusal at once", out)
	}
	close(hold)
	for range MaxWalks {
		m := <-posted
		if m.Status == nil || m.Status.Error != "" || m.Status.Next != nil {
			t.Errorf("posted %+v, want a complete empty page", m.Status)
		}
	}
}
