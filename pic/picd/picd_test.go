package picd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
)

// fakeServicesd accepts PIC streams, reports each hello and then stays
// silent: no Config, no heartbeats.
func fakeServicesd(t *testing.T) (dial func() (*grpc.ClientConn, error), hellos chan *Hello) {
	path := filepath.Join(t.TempDir(), "services.sock")
	lis, err := ipc.ListenUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	hellos = make(chan *Hello, 8)
	g := ipc.NewServer()
	g.RegisterService(&grpc.ServiceDesc{ServiceName: ServiceName, HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{StreamName: "PIC", ClientStreams: true, ServerStreams: true,
			Handler: func(_ any, st grpc.ServerStream) error {
				var m FromPIC
				if err := st.RecvMsg(&m); err != nil {
					return err
				}
				hellos <- m.Hello
				for {
					if err := st.RecvMsg(&m); err != nil {
						return nil
					}
				}
			}}}}, nil)
	go g.Serve(lis)
	t.Cleanup(g.Stop)
	return func() (*grpc.ClientConn, error) { return ipc.DialUnix(path) }, hellos
}

// TestPicdDropsSilentServicesdAndReconnects: servicesd silent for
// DeadAfter heartbeat intervals is dropped; the picd reconnects after its
// backoff and says hello again.
func TestPicdDropsSilentServicesdAndReconnects(t *testing.T) {
	dial, hellos := fakeServicesd(t)
	clk := clock.NewFake(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	d := New(Options{Slot: dataplane.Slot{FPC: 1, PIC: 2}, Dial: dial, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
	}()
	h := <-hellos
	if h.Slot != (dataplane.Slot{FPC: 1, PIC: 2}) || len(h.Capabilities) == 0 {
		t.Fatalf("hello: got %+v, want slot fpc 1 pic 2 with capabilities", h)
	}
	// Advance until the picd gives up on the silent peer and, after its
	// backoff, says hello on a new stream.
	testkit.Eventually(t, "the picd to reconnect", func() error {
		select {
		case h := <-hellos:
			if h.Slot != (dataplane.Slot{FPC: 1, PIC: 2}) {
				t.Fatalf("second hello: got %+v", h)
			}
			if got := d.Status().State; got != "offline" {
				t.Errorf("state without a Config: got %s, want offline", got)
			}
			return nil
		default:
			clk.Advance(HeartbeatInterval)
			return errors.New("no second hello yet")
		}
	})
}
