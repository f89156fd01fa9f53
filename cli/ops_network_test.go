package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testkit"
)

// routerSetup is a small edge router: two ports, a loopback, IPv6, a
// default route, a discard route and a static route nothing resolves.
const routerSetup = `
configure
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
set routing-options static route 10.9.0.0/16 discard
set routing-options static route 203.0.113.0/24 next-hop 172.16.0.1
set routing-options rib inet6.0 static route ::/0 next-hop 2001:db8::ffff
commit
exit
`

// TestRouteGolden shows the RIB in every layout of show route, its
// summary and the forwarding table, in text and XML: the layouts follow
// Junos' documented examples column for column.
func TestRouteGolden(t *testing.T) {
	n, clk := startNode(t)
	if out, failed := script(t, n, routerSetup); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	clk.Advance(10*time.Minute + 35*time.Second)
	out, _ := script(t, n, `
show route
show route terse
show route detail
show route extensive 192.0.2.1
show route 10.9.1.1
show route 10.0.0.0/8 longer
show route 0.0.0.0/0 exact
show route table inet6.0
show route protocol static
show route hidden
show route summary
show route forwarding-table
show route forwarding-table family inet6
show route 192.0.2.0/24 exact | display xml
show route summary | display xml
show route forwarding-table 0/0 | display xml
show route 300.1.1.1
show route protocol ospf
show route exact
show route forwarding-table family ipx
`)
	testkit.Golden(t, "route.txt", out)
}

// TestRouteEdgeGolden: floating static routes (qualified-next-hop with
// its own preference), a route preference, reject, and a routing
// instance's tables, as show route lays them out.
func TestRouteEdgeGolden(t *testing.T) {
	n, clk := startNode(t)
	if out, failed := script(t, n, `
configure
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/24
set interfaces ge-0/0/2 unit 0 family inet6 address 2001:db8:2::1/64
set routing-options static route 10.1.0.0/16 next-hop 192.0.2.9
set routing-options static route 10.1.0.0/16 qualified-next-hop 198.51.100.9 preference 7
set routing-options static route 10.2.0.0/16 reject
set routing-options static route 10.2.0.0/16 preference 20
set routing-instances red instance-type virtual-router
set routing-instances red interface ge-0/0/2.0
set routing-instances red routing-options static route 0.0.0.0/0 next-hop 203.0.113.254
set routing-instances red routing-options rib red.inet6.0 static route ::/0 discard
commit
exit
`); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	clk.Advance(5 * time.Minute)
	out, _ := script(t, n, `
show route
show route 10.1.0.0/16 detail
show route table red.inet.0
show route table red terse
show route 10.2.0.0/16 | display xml
show route forwarding-table family inet
`)
	testkit.Golden(t, "route-edge.txt", out)
}

// TestRouteAge: a route's age runs from the commit that made it and
// survives later commits that leave it alone.
func TestRouteAge(t *testing.T) {
	n, clk := startNode(t)
	if out, failed := script(t, n, routerSetup); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	clk.Advance(26*time.Hour + 3*time.Minute)
	script(t, n, "configure\nset interfaces ge-0/0/2 unit 0 family inet address 172.16.0.2/24\ncommit\nexit\n")
	clk.Advance(5 * time.Second)
	out, _ := script(t, n, "show route 192.0.2.0/24 exact\nshow route 172.16.0.0/24 exact\nshow route 203.0.113.0/24\n")
	for _, want := range []string{
		"192.0.2.0/24       *[Direct/0] 1d 02:03:05",
		"172.16.0.0/24      *[Direct/0] 00:00:05",
		// the static route resolves through the new interface now
		"203.0.113.0/24     *[Static/5] 00:00:05\n                    >  to 172.16.0.1 via ge-0/0/2.0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// TestNeighborsWithoutLive: without the live data plane the neighbour
// tables are empty, in Junos' layout, and ping and traceroute say they
// are not available; bad arguments get their own errors first.
func TestNeighborsWithoutLive(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
show arp
show arp no-resolve
show ipv6 neighbors
show lldp neighbors
show arp no-resolve | display xml
show lldp neighbors | display xml
ping 192.0.2.1 count 3
traceroute 192.0.2.1
ping
ping 192.0.2.1 count 0
ping 192.0.2.1 size 70000
ping 192.0.2.1 interval x
ping 192.0.2.1 inet6
ping ::1 inet
ping 192.0.2.1 source 2001:db8::1
ping 192.0.2.1 routing-instance blue
`)
	if !failed {
		t.Errorf("ping without the live data plane did not fail:\n%s", out)
	}
	testkit.Golden(t, "neighbors.txt", out)
}
