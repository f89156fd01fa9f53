package lab_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

var slot00 = dataplane.Slot{}

// remote is a node in a routing-engine namespace and the picd of fpc 0
// pic 0 in a PIC namespace, joined by a veth pair, talking TCP with
// mutual TLS over it (real clock: heartbeats and backoff run in real time).
type remote struct {
	t     testing.TB
	hosts *lab.Hosts
	n     *compose.Node
	pic   *picd.Daemon
	s     *configd.Session
	c     *cli.Client
	proxy *lab.DelayProxy // nil: the picd dials servicesd directly
}

// startRemote builds the two hosts and starts both sides; viaProxy puts
// a DelayProxy in the picd's path (delay without netem).
func startRemote(t testing.TB, viaProxy bool) *remote {
	t.Helper()
	if !lab.Permitted() {
		t.Skip("needs root to build network namespaces")
	}
	h := lab.NewHosts(fmt.Sprintf("gnos-rm%d", os.Getpid()%100000))
	if err := h.Up(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Down() })
	r := &remote{t: t, hosts: h}
	dir := t.TempDir()
	level := slog.LevelWarn
	if _, bench := t.(*testing.B); bench {
		level = slog.LevelError // the embedded picd standing down is no news in a benchmark's output
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	// The TCP listener is made inside the routing-engine namespace; the
	// node's goroutines may run anywhere, the socket stays there.
	if err := lab.In(h.RE, func() error {
		var err error
		r.n, err = compose.Start(context.Background(), compose.Options{DataDir: dir, NoSync: true, Log: log,
			PICListen: lab.REAddr + ":0"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.n.Close() })
	var err error
	if r.s, err = r.n.Configd.Open("root", "cli", configd.Shared); err != nil {
		t.Fatal(err)
	}
	if r.c, err = cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.c.Close() })

	// The PIC host's files: what `gnos pki issue` writes, copied over.
	ca, err := pki.Open(pki.Dir(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	picDir := t.TempDir()
	if _, err := ca.IssuePIC(pki.Slot{}, picDir, 0); err != nil {
		t.Fatal(err)
	}
	target := r.n.PICAddr
	if viaProxy {
		if r.proxy, err = h.NewDelayProxy(r.n.PICAddr); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.proxy.Close)
		target = r.proxy.Addr()
	}
	dial, err := compose.DialServicesdTLS(target, picDir, slot00, h.DialFromPIC)
	if err != nil {
		t.Fatal(err)
	}
	r.pic = picd.New(picd.Options{Slot: slot00, Dial: dial, Log: log})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = r.pic.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	testkit.Until(t, "the remote picd to connect", r.pic.Connected)
	return r
}

func (r *remote) cli(lines ...string) string {
	r.t.Helper()
	out, _, err := r.c.RunLines(lines...)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// commit commits set lines; a commit must return whatever the PIC's link
// does (servicesd never waits on a PIC in a commit).
func (r *remote) commit(lines ...string) {
	r.t.Helper()
	if err := r.s.Load(configd.LoadSet, configd.FormatSet, strings.Join(lines, "\n")+"\n"); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.s.Commit(context.Background(), configd.CommitOptions{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			r.t.Fatal(err)
		}
	case <-time.After(time.Minute): // a liveness guard, not a measurement
		r.t.Fatal("the commit waits on the PIC")
	}
}

// info is servicesd's view of fpc 0 pic 0: peer (address and port,
// certificate) names the connection, resyncs and acks count on it.
func (r *remote) info() *servicesdPIC {
	v, err := r.n.Services.PIC(context.Background(), slot00)
	if err != nil {
		r.t.Fatal(err)
	}
	return &servicesdPIC{peer: v.Peer, resyncs: v.Resyncs, acks: v.Acks, stale: v.Stale, connected: v.Connected}
}

type servicesdPIC struct {
	peer          string
	resyncs, acks uint64
	stale         uint64
	connected     bool
}

// inSync waits until the remote picd holds the slot, is in sync, and
// holds exactly servicesd's generation of every service-set.
func (r *remote) inSync(names ...string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := r.n.Services.WaitSynced(ctx, slot00); err != nil {
		r.t.Fatal(err)
	}
	if p := r.info().peer; !strings.HasPrefix(p, lab.PICAddr+":") {
		r.t.Fatalf("fpc 0 pic 0 is held by %q, want the picd at %s", p, lab.PICAddr)
	}
	held := map[string]uint64{}
	for _, h := range r.pic.Status().SSRBs {
		held[h.Name] = h.Gen
	}
	for _, n := range names {
		s, ok := r.n.Services.SSRB(n)
		if !ok {
			r.t.Fatalf("servicesd has no %s", n)
		}
		if err := r.n.Services.WaitAck(ctx, slot00, s.ID, s.Gen); err != nil {
			r.t.Fatal(err)
		}
		if held[n] != s.Gen {
			r.t.Errorf("the PIC holds %s generation %d, servicesd %d", n, held[n], s.Gen)
		}
	}
	if len(held) != len(names) {
		r.t.Errorf("the PIC holds %d service-sets, want %d", len(held), len(names))
	}
}

func shape(t testing.TB, sets int) []string {
	var b strings.Builder
	if err := testconfig.WriteText(&b, testconfig.Shape{ServiceSets: sets, TermsPerRule: 5}); err != nil {
		t.Fatal(err)
	}
	return []string{b.String()}
}

func (r *remote) load(text string) {
	r.t.Helper()
	if err := r.s.Load(configd.LoadOverride, configd.FormatText, text); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		r.t.Fatal(err)
	}
}

var threeSets = []string{"ss1", "ss2", "ss3"}

// TestRemotePICFaults: the PIC host's link goes down (a commit made
// meanwhile completes, the PIC is shown offline with an alarm, its
// service-sets' state shown), comes back (the picd reconnects with
// backoff, is resynced and holds exactly servicesd's generations); under
// 5% loss and under 100 ms of delay every commit's generation is
// acknowledged exactly, without a reconnect.
func TestRemotePICFaults(t *testing.T) {
	r := startRemote(t, true)
	r.load(shape(t, 3)[0])
	r.inSync(threeSets...)
	if out := r.cli("show chassis pic fpc-slot 0 pic-slot 0 extensive"); !strings.Contains(out, "picd address") || !strings.Contains(out, lab.PICAddr+":") {
		t.Fatalf("show chassis pic: got\n%s\nwant the remote picd's address", out)
	}

	t.Run("link down", func(t *testing.T) {
		r.t = t
		before := r.info().peer
		if err := r.hosts.Link(false); err != nil {
			t.Fatal(err)
		}
		r.commit("set services service-set ss1 max-flows 1001")
		testkit.Eventually(t, "the PIC shown offline", func() error {
			for cmd, want := range map[string]string{
				"show chassis pic fpc-slot 0 pic-slot 0 extensive": "Offline (picd not connected)",
				"show services service-sets summary":               "Offline (picd not connected)",
				"show chassis alarms":                              "FPC 0 PIC 0 not responding",
			} {
				if out := r.cli(cmd); !strings.Contains(out, want) {
					return fmt.Errorf("%s: got\n%s\nwant %q", cmd, out, want)
				}
			}
			if out := r.cli("show chassis pic fpc-slot 0 pic-slot 0 extensive"); !strings.Contains(out, "heartbeat timed out") {
				return fmt.Errorf("show chassis pic: got\n%s\nwant the alarm's reason", out)
			}
			return nil
		})
		r.commit("set services service-set ss2 max-flows 1002") // still completes
		if err := r.hosts.Link(true); err != nil {
			t.Fatal(err)
		}
		r.inSync(threeSets...)
		if got := r.info(); got.peer == before || got.resyncs != 1 {
			t.Errorf("after the link came back: connection %q with %d resyncs, want a new connection (not %q) resynced once",
				got.peer, got.resyncs, before)
		}
		testkit.Eventually(t, "the alarm to clear", func() error {
			if out := r.cli("show chassis alarms"); strings.Contains(out, "FPC 0 PIC 0") {
				return fmt.Errorf("got\n%s\nwant no PIC alarm", out)
			}
			return nil
		})
	})

	t.Run("black hole", func(t *testing.T) {
		// Every packet lost, the link up: no error reaches either side, so
		// the heartbeats and gRPC's deadlines (connect, keepalive) are what
		// notice; commands and commits meanwhile return.
		r.t = t
		before := r.info().peer
		if err := r.hosts.Loss(100); err != nil {
			t.Fatal(err)
		}
		r.commit("set services service-set ss1 max-flows 1101")
		testkit.Eventually(t, "the PIC shown offline", func() error {
			if out := r.cli("show chassis pic fpc-slot 0 pic-slot 0 extensive"); !strings.Contains(out, "Offline (picd not connected)") {
				return fmt.Errorf("got\n%s\nwant the PIC offline", out)
			}
			return nil
		})
		if err := r.hosts.Loss(0); err != nil {
			t.Fatal(err)
		}
		r.inSync(threeSets...)
		if got := r.info().peer; got == before {
			t.Errorf("still on connection %q after the black hole, want a new one", got)
		}
	})

	exact := func(t *testing.T, what string, commits int) {
		r.t = t
		before := r.info()
		var took []time.Duration
		for i := range commits {
			t0 := time.Now()
			r.commit("set services service-set ss3 max-flows " + strconv.Itoa(2000+i))
			r.inSync(threeSets...)
			took = append(took, time.Since(t0))
		}
		after := r.info()
		if after.peer != before.peer || after.resyncs != before.resyncs {
			t.Errorf("%s: the picd reconnected (%s, was %s)", what, after.peer, before.peer)
		} else if after.acks-before.acks != uint64(commits) || after.stale != before.stale {
			t.Errorf("%s: %d acknowledgements (%d stale) for %d updates, want one each",
				what, after.acks-before.acks, after.stale-before.stale, commits)
		}
		t.Logf("%s: commit → acknowledgement %v … %v over %d commits", what, slicesMin(took), slicesMax(took), commits)
	}

	t.Run("5% loss", func(t *testing.T) {
		if r.hosts.HasNetem() {
			if err := r.hosts.Netem("loss", "5%"); err != nil {
				t.Fatal(err)
			}
			defer r.hosts.ClearNetem()
		} else { // nftables: 5% of the packets each way, at random
			if err := r.hosts.Loss(5); err != nil {
				t.Fatal(err)
			}
			defer r.hosts.Loss(0)
		}
		exact(t, "5% loss", 100)
		if !r.hosts.HasNetem() {
			if n, err := r.hosts.LossDropped(); err != nil || n == 0 {
				t.Errorf("nftables dropped %d packets (%v), want some: the loss was not in the path", n, err)
			} else {
				t.Logf("5%% loss: %d packets dropped", n)
			}
		}
	})

	t.Run("100 ms delay", func(t *testing.T) {
		if r.hosts.HasNetem() {
			if err := r.hosts.Netem("delay", "100ms"); err != nil {
				t.Fatal(err)
			}
			defer r.hosts.ClearNetem()
		} else { // the relay in the picd's path holds each chunk 100 ms each way
			r.proxy.SetDelay(100 * time.Millisecond)
			defer r.proxy.SetDelay(0)
		}
		exact(t, "100 ms delay", 10)
		// What a remote PIC offers works on the slow path too.
		out := r.cli("show services sessions count", "clear services sessions", "show chassis pic fpc-slot 0 pic-slot 0 extensive")
		if !strings.Contains(out, "Number of sessions: 0") || !strings.Contains(out, "Service sets held                3") {
			t.Errorf("commands over the delayed path: got\n%s", out)
		}
	})
}

func slicesMin(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = min(m, x)
	}
	return m
}

func slicesMax(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = max(m, x)
	}
	return m
}
