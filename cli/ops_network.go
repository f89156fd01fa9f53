package cli

import (
	"context"

	"github.com/gnos/gnos/rib"
)

// Net is the live data plane's view of the host's network stack, which
// the interface manager provides in live mode (in the namespace it
// manages); Engine.Net is nil without it, and the commands that need it
// say so. Interface names are Junos names where the link is one gnos
// manages, else the Linux name.
type Net interface {
	// Routes returns the kernel's IPv4 and IPv6 unicast routes of the
	// main table, with Table set (inet.0, inet6.0).
	Routes(ctx context.Context) ([]rib.Route, error)
	// Neighbors returns the kernel's neighbour (ARP, NDP) entries.
	Neighbors(ctx context.Context, v6 bool) ([]rib.Neighbor, error)
	// InNamespace runs f on a thread inside the router's network
	// namespace, for f to open sockets there (ping, traceroute); f must
	// not block.
	InNamespace(f func() error) error
}

// NetworkCommands adds the interface, routing, neighbour and
// reachability commands: show interfaces, clear interfaces statistics,
// show route, show arp, show ipv6 neighbors, show lldp neighbors, ping
// and traceroute.
func NetworkCommands(t *Table) {
	t.Describe("show route", "Show routing table information")
	t.Add(routeCommands()...)
	t.Add(neighborCommands(t)...)
	t.Add(pingCommands()...)
	t.Describe("clear interfaces", "Clear interface information")
	t.Add(interfacesCommand())
	t.Add(clearInterfacesCommands()...)
	t.Add(monitorCommands(t)...)
	t.Add(monitorLogCommands(t)...)
}

// errNotLive is what commands that need the live data plane say
// without it.
func errNotLive(what string) error {
	return liveError{what}
}

type liveError struct{ what string }

func (e liveError) Error() string {
	return e.what + " is not available: gnos is not running with the live data plane (gnos run --live, as root)"
}
