package packetio

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
)

// liveForward is a test plugin whose data handler lets every packet on.
type liveForward struct{}

func (liveForward) Data(pic.DataEvent, *pic.DataCtx) pic.Result { return pic.ResultForward }

func init() {
	pic.Register(&pic.Plugin{Name: "test-live",
		Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Control: func() pic.ControlHandler {
			return pic.ControlFunc(func(context.Context, *pic.ControlEvent) error { return nil })
		},
		Data: func() pic.DataHandler { return liveForward{} }})
}

type liveHarness struct {
	clk *clock.Fake
	db  *pic.PolicyDB
	oc  *pic.ObjectCache
}

func newLiveHarness(cores int, cacheBytes int64) *liveHarness {
	return &liveHarness{clk: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		db: dataplane.NewPolicyDB(1<<20, cores), oc: dataplane.NewObjectCache(cacheBytes)}
}

// fakeNet stands in for TUN devices with SOCK_SEQPACKET socket pairs
// (datagram boundaries kept, like TUN queues): picd gets one end of each
// queue, the test plays the kernel on the other.
type fakeNet struct {
	t      *testing.T
	mu     sync.Mutex
	kernel map[string][]*os.File // per unit, per queue: the kernel's end
	pfx    map[string][]netip.Prefix
}

func (f *fakeNet) OpenQueues(junos string, n int) ([]*os.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var picd []*os.File
	for i := 0; i < n; i++ {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, err
		}
		picd = append(picd, os.NewFile(uintptr(fds[0]), junos))
		k := os.NewFile(uintptr(fds[1]), "kernel:"+junos)
		f.kernel[junos] = append(f.kernel[junos], k)
		f.t.Cleanup(func() { k.Close() })
	}
	return picd, nil
}

func (f *fakeNet) Prefixes(junos string) []netip.Prefix { return f.pfx[junos] }

// recv reads one packet the data plane wrote into unit's queues.
func (f *fakeNet) recv(unit string) []byte {
	f.t.Helper()
	f.mu.Lock()
	qs := f.kernel[unit]
	f.mu.Unlock()
	buf := make([]byte, 70000)
	var got []byte
	testkit.Eventually(f.t, "a packet out of "+unit, func() error {
		for _, q := range qs {
			q.SetReadDeadline(time.Now().Add(10 * time.Millisecond)) // a read that may find nothing
			if n, err := q.Read(buf); err == nil {
				got = buf[:n]
				return nil
			}
		}
		return errors.New("nothing yet")
	})
	return got
}

func (f *fakeNet) send(unit string, b []byte) {
	f.t.Helper()
	f.mu.Lock()
	q := f.kernel[unit][0]
	f.mu.Unlock()
	if _, err := q.Write(b); err != nil {
		f.t.Fatal(err)
	}
}

func udp(t *testing.T, src, dst string, sport, dport uint16) []byte {
	t.Helper()
	var p pic.Packet
	if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Proto: pic.ProtoUDP,
		SPort: sport, DPort: dport, Payload: 10}); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), p.Data...)
}

func TestLiveQueues(t *testing.T) {
	h := newLiveHarness(2, 16<<20)
	var live *Live
	dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: 2, DB: h.db, Cache: h.oc, Clock: h.clk,
		Plugins: []dataplane.DataPlugin{pic.Lookup("test-live").DataPlugin()}, Tx: func(core int, pkts []*pic.Packet) { live.Tx(core, pkts) }})
	if err != nil {
		t.Fatal(err)
	}
	nh := &dataplane.SSRB{ID: 1, Name: "nh", Gen: 1, Forward: []string{"test-live"}, Reverse: []string{"test-live"},
		ServiceInterface: "ms-0/0/0.1", Inside: "ms-0/0/0.1", Outside: "ms-0/0/0.2"}
	is := &dataplane.SSRB{ID: 2, Name: "is", Gen: 1, Forward: []string{"test-live"}, Reverse: []string{"test-live"},
		ServiceInterface: "ms-0/0/1", Bindings: []dataplane.Binding{{Interface: "ge-0/0/0.0", Direction: "input"}, {Interface: "ge-0/0/0.0", Direction: "output"}}}
	for _, s := range []*dataplane.SSRB{nh, is} {
		if err := dp.SetServiceSet(s); err != nil {
			t.Fatal(err)
		}
	}
	fn := &fakeNet{t: t, kernel: map[string][]*os.File{},
		pfx: map[string][]netip.Prefix{"ge-0/0/0.0": {netip.MustParsePrefix("10.0.1.0/24")}}}
	live = NewLive(fn, dp, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dp.Start(ctx)
	defer dp.Stop()
	live.Sync(map[uint32]*dataplane.SSRB{1: nh, 2: is})
	defer live.Close()
	if got := len(fn.kernel["ms-0/0/0.1"]); got != 2 {
		t.Fatalf("queues on ms-0/0/0.1: got %d, want one per data core (2)", got)
	}

	// Next-hop: routed into the inside unit, out by the outside one;
	// the reply the other way.
	out := udp(t, "10.0.1.2", "10.0.2.2", 4000, 7)
	fn.send("ms-0/0/0.1", out)
	if got := fn.recv("ms-0/0/0.2"); string(got) != string(out) {
		t.Errorf("inside -> outside: got %x, want %x", got, out)
	}
	back := udp(t, "10.0.2.2", "10.0.1.2", 7, 4000)
	fn.send("ms-0/0/0.2", back)
	if got := fn.recv("ms-0/0/0.1"); string(got) != string(back) {
		t.Errorf("outside -> inside: got %x, want %x", got, back)
	}
	if st := dp.Stats(); st.Sessions != 1 {
		t.Errorf("sessions: got %d, want 1 (both directions of one flow)", st.Sessions)
	}

	// Interface-style: a packet to the output-bound subnet meets the
	// output side, anything else the input side; both leave by the
	// service interface.
	in := udp(t, "10.0.1.3", "192.0.2.1", 5000, 53)
	fn.send("ms-0/0/1.0", in)
	if got := fn.recv("ms-0/0/1.0"); string(got) != string(in) {
		t.Errorf("interface-style: got %x, want %x", got, in)
	}
	fn.send("ms-0/0/1.0", udp(t, "192.0.2.1", "10.0.1.3", 53, 5000))
	fn.recv("ms-0/0/1.0")
	var sides []string
	for _, si := range dp.Sessions(dataplane.SessionFilter{ServiceSet: 2}) {
		sides = append(sides, si.Side)
	}
	if len(sides) != 1 || sides[0] != pic.Input.String() {
		t.Errorf("interface-style sessions: got sides %v, want one session started on the input side", sides)
	}

	// A unit no service-set uses any more is detached.
	live.Sync(map[uint32]*dataplane.SSRB{2: is})
	if st := live.Stats(); len(st) != 1 || st[0].Interface != "ms-0/0/1.0" || st[0].Rx != 2 || st[0].Tx != 2 {
		t.Errorf("units after the next-hop set went: got %+v, want ms-0/0/1.0 alone with 2 in, 2 out", st)
	}
}
