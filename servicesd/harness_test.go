package servicesd_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

var slot00 = dataplane.Slot{FPC: 0, PIC: 0}

// harness is a node (nodekit.Start: a temporary directory, a fake clock
// on which no heartbeat fires unless a test advances it) with its log
// kept and a configuration session.
type harness struct {
	log *logBuffer
	t   testing.TB
	n   *compose.Node
	clk *clock.Fake
	s   *configd.Session
	// remote, in the tests TestRemotePICFeatures runs (remote_test.go), is
	// fpc 0 pic 0: a picd over TCP and mutual TLS instead of the embedded one.
	remote *picd.Daemon
}

func start(t testing.TB) *harness {
	t.Helper()
	if isRemote(t) {
		return startRemote(t)
	}
	log := &logBuffer{}
	n, clk := nodekit.Start(t, compose.Options{
		Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, n: n, clk: clk, s: s, log: log}
}

func (h *harness) shape(sets int) string {
	var b strings.Builder
	if err := testconfig.WriteText(&b, testconfig.Shape{ServiceSets: sets, TermsPerRule: 5}); err != nil {
		h.t.Fatal(err)
	}
	return b.String()
}

// loadCommit loads a whole configuration and commits it.
func (h *harness) loadCommit(text string) {
	h.t.Helper()
	if err := h.s.Load(configd.LoadOverride, configd.FormatText, text); err != nil {
		h.t.Fatalf("load: %v", err)
	}
	if _, err := h.s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		h.t.Fatalf("commit: %v", err)
	}
}

// set applies set-form lines to the candidate.
func (h *harness) set(lines ...string) {
	h.t.Helper()
	if err := h.s.Load(configd.LoadSet, configd.FormatSet, strings.Join(lines, "\n")+"\n"); err != nil {
		h.t.Fatalf("set: %v", err)
	}
}

func (h *harness) commit(check bool) error {
	_, err := h.s.Commit(context.Background(), configd.CommitOptions{Check: check})
	return err
}

// waitSynced waits until the PIC acknowledged the current generation of
// every named service-set.
func (h *harness) waitSynced(names ...string) {
	h.t.Helper()
	if h.remote != nil {
		h.waitRemoteHolds()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // generous: -race on a loaded machine
	defer cancel()
	for _, name := range names {
		s, ok := h.n.Services.SSRB(name)
		if !ok {
			h.t.Fatalf("servicesd has no SSRB for %s", name)
		}
		if err := h.n.Services.WaitAck(ctx, slot00, s.ID, s.Gen); err != nil {
			h.t.Fatal(err)
		}
	}
}

// waitAll waits until the PIC is in sync and acknowledged ss1..ssN.
func (h *harness) waitAll(n int) {
	h.t.Helper()
	if h.remote != nil {
		h.waitRemoteHolds()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // generous: -race on a loaded machine
	defer cancel()
	if err := h.n.Services.WaitSynced(ctx, slot00); err != nil {
		h.t.Fatal(err)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = "ss" + strconv.Itoa(i+1)
	}
	h.waitSynced(names...)
}

// picd returns the in-process picd of fpc 0 pic 0.
func (h *harness) picd() *picd.Daemon {
	h.t.Helper()
	if h.remote != nil {
		return h.remote
	}
	d := h.n.PICs.Daemon(slot00)
	if d == nil {
		h.t.Fatal("no in-process picd for fpc 0 pic 0")
	}
	return d
}

// cli runs operational commands through the management socket.
func (h *harness) cli(lines ...string) string {
	h.t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(h.n.Opts.DataDir), "cli")
	if err != nil {
		h.t.Fatal(err)
	}
	defer c.Close()
	out, _, err := c.RunLines(lines...)
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// waitState waits for the in-process picd to reach state.
func (h *harness) waitState(state string) {
	h.t.Helper()
	testkit.Until(h.t, "PIC state "+state, func() bool { return h.picd().Status().State == state })
}

// waitIncarnation waits for the picd's runtime incarnation to reach n and
// its resync to be under way.
func (h *harness) waitIncarnation(n uint64) {
	h.t.Helper()
	testkit.Until(h.t, "PIC incarnation", func() bool { return h.picd().Status().Incarnation >= n })
}

// logBuffer collects the node's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// editCLI runs configuration-mode lines (activate, deactivate, …) on the
// shared candidate through the CLI, without committing.
func (h *harness) editCLI(lines ...string) {
	h.t.Helper()
	h.cli(append(append([]string{"configure"}, lines...), "exit configuration-mode")...)
}

func (h *harness) picdConnected() bool { return h.picd().Connected() }
