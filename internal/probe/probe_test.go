package probe_test

import (
	"context"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/gnos/gnos/internal/probe"
)

// inNewNamespace runs open on a thread inside a fresh network namespace
// whose loopback is up, so probes never touch the host's network.
func inNewNamespace(t *testing.T, open func() error) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for raw sockets and network namespaces")
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies in the namespace
		ns, err := netns.New()
		if err != nil {
			errc <- err
			return
		}
		defer ns.Close()
		lo, err := netlink.LinkByName("lo")
		if err == nil {
			err = netlink.LinkSetUp(lo)
		}
		if err == nil {
			err = open()
		}
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestPingLoopback(t *testing.T) {
	for _, tc := range []struct {
		name   string
		v6     bool
		target string
	}{{"ipv4", false, "127.0.0.1"}, {"ipv6", true, "::1"}} {
		t.Run(tc.name, func(t *testing.T) {
			var c *probe.Conn
			inNewNamespace(t, func() (err error) {
				c, err = probe.Listen(probe.Socket{V6: tc.v6})
				return err
			})
			defer c.Close()
			var got []probe.Echo
			err := c.Ping(context.Background(), probe.PingOptions{Target: netip.MustParseAddr(tc.target), Count: 3,
				Interval: 10 * time.Millisecond, Wait: 2 * time.Second, Size: 56}, func(e probe.Echo) { got = append(got, e) })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 {
				t.Fatalf("got %d probes, want 3", len(got))
			}
			for i, e := range got {
				if !e.OK || e.Seq != i || e.Bytes != 64 || e.From.String() != tc.target || e.TTL != 64 {
					t.Errorf("probe %d: got %+v, want a 64-byte reply from %s with ttl 64 (the namespace's default)", i, e, tc.target)
				}
			}
		})
	}
}

func TestPingUnreachable(t *testing.T) {
	var c *probe.Conn
	inNewNamespace(t, func() (err error) {
		c, err = probe.Listen(probe.Socket{})
		return err
	})
	defer c.Close()
	var got []probe.Echo
	// no route out of the namespace: the send fails, ping goes on
	err := c.Ping(context.Background(), probe.PingOptions{Target: netip.MustParseAddr("192.0.2.1"), Count: 2,
		Wait: 100 * time.Millisecond, Size: 56}, func(e probe.Echo) { got = append(got, e) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].OK || got[0].Error == "" {
		t.Fatalf("got %+v, want two failed probes with a send error", got)
	}
}

func TestPingStopsWithContext(t *testing.T) {
	var c *probe.Conn
	inNewNamespace(t, func() (err error) {
		c, err = probe.Listen(probe.Socket{})
		return err
	})
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := c.Ping(ctx, probe.PingOptions{Target: netip.MustParseAddr("127.0.0.1"), Count: 1000,
		Interval: time.Hour, Wait: time.Second, Size: 56}, func(probe.Echo) { n++; cancel() })
	if err != nil || n != 1 {
		t.Fatalf("got %d probes, err %v; want 1 probe, then a stop", n, err)
	}
}

func TestTraceLoopback(t *testing.T) {
	var c *probe.Conn
	inNewNamespace(t, func() (err error) {
		c, err = probe.ListenTrace(probe.Socket{})
		return err
	})
	defer c.Close()
	var got []probe.Hop
	err := c.Trace(context.Background(), probe.TraceOptions{Target: netip.MustParseAddr("127.0.0.1"), MaxHops: 5,
		Probes: 3, Wait: 2 * time.Second, Size: 12, Port: 33434}, func(h probe.Hop) { got = append(got, h) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d probes, want the 3 of hop 1", len(got))
	}
	for _, h := range got {
		if !h.OK || !h.Reached || h.TTL != 1 || h.From.String() != "127.0.0.1" {
			t.Errorf("got %+v, want hop 1 reached at 127.0.0.1", h)
		}
	}
}
