// Package ifmgr is the interface manager: a configd subscriber that
// programs the Linux network namespace gnos runs in through netlink.
//
// From `interfaces` it sets links' admin state (disable of the interface
// or the unit), MTU (interface and family mtu) and IPv4 / IPv6 addresses
// (primary and preferred ones first, addrorder.go), and creates the
// 802.1Q links of vlan-tagging interfaces' units (links.go); from
// `routing-options static` it installs routes (next hop addresses or an
// interface, discard, reject; one route per preference, static.go) marked
// with protocol RouteProtocol; each routing instance is a VRF device with
// a table of its own holding its interfaces and static routes
// (instances.go). Service interface units named by the configuration
// (ms-0/0/0.1, in `interfaces` or in a service-set) become persistent
// multi-queue TUN devices that picd attaches one queue per data core to.
// Junos names map to Linux names by package ifname's rule (ge-0/0/0 →
// ge-0-0-0), overridable by the data directory's interfaces.map.
//
// Policy routing keeps service interfaces loop-free. Routes whose next
// hop is a service interface (next-hop-style service-sets) live in table
// ServiceTable, which every packet consults first (rule PrefServiceRoutes)
// — except packets picd wrote back into a service interface, which rule
// PrefFromService (iif ms-…) sends to the main table, where no route
// leads into a service interface. Interface-style service-sets get a
// table per service interface holding a default route into it, looked
// up by packets arriving on a bound link (input, PrefInputBinding) or
// heading for a bound link's subnets (output, PrefOutputBinding).
//
// Commit phases (FRR northbound): Validate builds the desired state and
// checks every real link exists, without changing anything; Prepare
// programs the difference from what was applied, step by step with a
// journal, undoing everything when a step fails; Abort replays the
// journal backwards when a later subscriber or the store fails; Apply
// only makes the new state current. All Linux calls run on one OS thread
// locked into the managed namespace (worker.go), so an in-process node
// can manage a namespace that is not its own. Without root there is no
// manager at all (New fails with ErrNotPermitted) and gnos runs inert.
package ifmgr
