package servicesd_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	"github.com/gnos/gnos/pic/picd"
)

// PICs on other hosts, on loopback without root: the harness's node
// listens for PICs over TCP with mutual TLS, and fpc 0 pic 0 is a picd
// in this process that reaches servicesd only through that listener
// (with the certificate `gnos pki issue` writes), never the Unix socket.
// It takes the slot from the embedded picd and keeps it. The fault tests
// over a veth with netem are in lab (root).

// remoteTests are the package's tests of what a PIC offers, run again
// against a remote PIC by TestRemotePICFeatures: start sees the test's
// name and gives the harness a remote PIC.
var remoteTests = map[string]func(*testing.T){
	"OneChangeSendsOneUpdate":  TestOneChangeSendsOneUpdate,
	"CommitCheckRejects":       TestCommitCheckRejects,
	"TrafficCommands":          TestTrafficCommands,
	"PcapReplay":               TestPcapReplay,
	"PluginSessionCommands":    TestPluginSessionCommands,
	"ShowSessions":             TestShowSessions,
	"ShowSessionsPages":        TestShowSessionsPages,
	"Layer3ServicePackage":     TestLayer3ServicePackage,
	"PICOfflineOnline":         TestPICOfflineOnline,
	"ChassisChangeRestartsPIC": TestChassisChangeRestartsPIC,
	"PluginPanic":              TestPluginPanic,
	"AlarmPICRefusal":          TestAlarmPICRefusal,
}

// TestRemotePICFeatures: generate, replay, capture, every show and clear,
// plugin commands, admin state, restarts and alarms work against a PIC
// connected over TCP with mutual TLS exactly as against a local one.
func TestRemotePICFeatures(t *testing.T) {
	for name, f := range remoteTests {
		t.Run(name, f)
	}
}

// isRemote reports whether the running test wants a remote PIC.
func isRemote(t testing.TB) bool { return strings.HasPrefix(t.Name(), "TestRemote") }

// startRemote is start with fpc 0 pic 0 a picd over TCP and mutual TLS.
func startRemote(t testing.TB) *harness {
	t.Helper()
	log := &logBuffer{}
	n, clk := nodekit.Start(t, compose.Options{PICListen: "127.0.0.1:0",
		Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, n: n, clk: clk, s: s, log: log}
	h.remote = h.remotePICd(slot00Name(), pki.Slot{FPC: 0, PIC: 0})
	// The remote picd is connected (servicesd knows it) before anything is
	// configured, so the embedded picd that the first commit starts for
	// the slot stands down.
	testkit.Until(t, "servicesd to hear the remote picd's hello", func() bool {
		return strings.Contains(h.log.String(), "servicesd: PIC connected")
	})
	return h
}

func slot00Name() string { return "fpc0-pic0" }

// remotePICd issues slot a certificate into a directory of its own (the
// PIC host's DATA/pki) and runs a picd dialling the node's TCP listener.
func (h *harness) remotePICd(dirName string, slot pki.Slot) *picd.Daemon {
	h.t.Helper()
	dir := filepath.Join(h.n.Opts.DataDir, "pic-host-"+dirName)
	ca, err := pki.Open(pki.Dir(h.n.Opts.DataDir), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := ca.IssuePIC(slot, dir, 0); err != nil {
		h.t.Fatal(err)
	}
	ds := slot00
	ds.FPC, ds.PIC = slot.FPC, slot.PIC
	dial, err := compose.DialServicesdTLS(h.n.PICAddr, dir, ds, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	d := picd.New(picd.Options{Slot: ds, Dial: dial, Clock: h.clk,
		Log: slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = d.Run(ctx) }()
	h.t.Cleanup(func() { cancel(); <-done })
	return d
}

// waitRemoteHolds waits until the slot's stream is the remote picd's.
func (h *harness) waitRemoteHolds() {
	h.t.Helper()
	testkit.Until(h.t, "the remote picd to hold fpc 0 pic 0", func() bool {
		v, err := h.n.Services.PIC(context.Background(), slot00)
		return err == nil && strings.Contains(v.Peer, "gnos-pic-fpc0-pic0")
	})
}

// TestRemotePIC: a picd of another host (over loopback) is configured,
// resynced and acknowledges each commit's generation; show chassis pic
// names its address and certificate; the embedded picd stands down.
func TestRemotePIC(t *testing.T) {
	h := startRemote(t)
	h.loadCommit(h.shape(3))
	h.waitAll(3)
	if h.n.PICs.Daemon(slot00) != nil {
		t.Error("the embedded picd still runs beside the remote one")
	}
	if got := len(h.remote.Status().SSRBs); got != 3 {
		t.Fatalf("remote picd holds %d SSRBs, want 3", got)
	}
	h.set("set services service-set ss2 max-flows 777")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitSynced("ss2")
	s2, _ := h.n.Services.SSRB("ss2")
	for _, held := range h.remote.Status().SSRBs {
		if held.Name == "ss2" && held.Gen != s2.Gen {
			t.Errorf("remote picd holds ss2 generation %d, want %d", held.Gen, s2.Gen)
		}
	}
	out := h.cli("show chassis pic fpc-slot 0 pic-slot 0")
	for _, want := range []string{"picd address", "127.0.0.1:", "(gnos-pic-fpc0-pic0, serial ", "Service sets held                3"} {
		if !strings.Contains(out, want) {
			t.Errorf("show chassis pic: got\n%s\nwant %q", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(pki.Dir(h.n.Opts.DataDir), "ca.key")); err != nil {
		t.Errorf("the CA was not made in DATA/pki: %v", err)
	}
}
