package servicesd_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// logLines records the messages a servicesd logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r.Message)
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }
func (l *logLines) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.lines {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// TestPICWaitsForFirstApply: a picd that outlived servicesd reconnects
// to the new one at once. Until servicesd has applied the committed
// configuration it knows no service-set, so it must not configure or
// resync the PIC (a resync of nothing sweeps every service-set and its
// sessions): the PIC hears nothing until the first Apply, then its
// configuration.
func TestPICWaitsForFirstApply(t *testing.T) {
	logs := &logLines{}
	s, err := servicesd.New(servicesd.Options{Clock: testkit.Clock(), Log: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "services.sock")
	if err := s.Listen(sock); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cc, err := ipc.DialUnix(sock)
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
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: dataplane.Slot{}}}); err != nil {
		t.Fatal(err)
	}
	got := make(chan *picd.ToPIC, 1)
	go func() {
		m, _ := st.Recv()
		got <- m
	}()
	testkit.Until(t, "servicesd to hold the PIC until its first Apply", func() bool {
		return logs.has("PIC waits for the configuration to be applied")
	})
	select {
	case m := <-got:
		t.Fatalf("the PIC was sent %+v before servicesd applied any configuration", m)
	default:
	}
	sch, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	s.Apply(ctx, &configd.Commit{Old: tree.New(sch.Root), New: tree.New(sch.Root)})
	if m := <-got; m == nil || m.Config == nil {
		t.Fatalf("after the first Apply the PIC got %+v, want its configuration", m)
	}
}
