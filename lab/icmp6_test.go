package lab_test

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gnos/gnos/lab"
)

// TestLiveICMPv6Types: a next-hop firewall accepting TCP/80 and
// junos-icmp6-echo-request passes ping6 from the client but refuses the
// other ICMPv6 types a host sends through it (an MLD report, a router
// advertisement routed on, a node information query, written from a
// raw socket on the client): they open no session and count as policy
// drops, and no ICMPv6 session but the echo's exists (the router's own
// MLD reports on the service interface included).
func TestLiveICMPv6Types(t *testing.T) {
	r := startLab(t, "icmp6")
	srv, err := lab.Serve(r.lab.Server, 80)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r.configure(append(append(append([]string{}, baseConfig...), nextHop...), append(firewall,
		"set services stateful-firewall rule fw term ping6 from applications junos-icmp6-echo-request",
		"set services stateful-firewall rule fw term ping6 then accept",
		"insert services stateful-firewall rule fw term ping6 before term other-tcp")...)...)
	eventually(t, "ping6 client -> server", func() error { return lab.Ping(r.lab.Client, lab.ServerAddr6) })
	var sent int
	err = lab.In(r.lab.Client, func() error {
		c, err := net.ListenPacket("ip6:ipv6-icmp", "::")
		if err != nil {
			return err
		}
		defer c.Close()
		dst := &net.IPAddr{IP: net.ParseIP(lab.ServerAddr6)}
		for _, m := range [][]byte{
			{131, 0, 0, 0, 0, 0, 0, 0, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16}, // MLD report (the kernel sums it)
			{134, 0, 0, 0, 64, 0, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0},                              // router advertisement
			{139, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},                               // node information query
		} {
			if _, err := c.WriteTo(m, dst); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	drops := regexp.MustCompile(`policy drops:\s+(\d+)`)
	eventually(t, "the three refused", func() error {
		out := r.cli("show services service-sets statistics packet-drops")
		m := drops.FindStringSubmatch(out)
		if m == nil {
			return fmt.Errorf("no policy drops in\n%s", out)
		}
		if n, _ := strconv.Atoi(m[1]); n < sent {
			return fmt.Errorf("%d policy drops, want at least %d", n, sent)
		}
		return nil
	})
	out := r.cli("show services sessions")
	fwd := regexp.MustCompile(`ICMPV6\s+(\S+) -> (\S+)\s+Forward`).FindAllStringSubmatch(out, -1)
	if len(fwd) == 0 {
		t.Errorf("show services sessions: no session for the ping:\n%s", out)
	}
	for _, m := range fwd {
		if !strings.HasPrefix(m[1], "[2001:db8:1::2]") || !strings.HasPrefix(m[2], "[2001:db8:2::2]") {
			t.Errorf("show services sessions: an ICMPv6 session %s -> %s besides the ping's:\n%s", m[1], m[2], out)
		}
	}
}
