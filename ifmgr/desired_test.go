package ifmgr

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/ifname"
	_ "github.com/gnos/gnos/pic/plugins/all" // the services YANG of the plugins
)

// newConfigd starts a configd on a fresh store, both closed when t ends.
func newConfigd(t *testing.T) *configd.Configd {
	t.Helper()
	st, err := db.Open(filepath.Join(t.TempDir(), "gnos.db"), db.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := configd.New(context.Background(), configd.Options{Store: st, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// NewConfigd is newConfigd for the external tests (ifmgr_test).
var NewConfigd = newConfigd

// committed commits set lines on a fresh configd and returns the tree.
func committed(t *testing.T, lines ...string) *tree.Node {
	t.Helper()
	c := newConfigd(t)
	s, err := c.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(configd.LoadSet, configd.FormatSet, strings.Join(lines, "\n")+"\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	return c.Committed()
}

// sameKeys checks that m's keys are want (in any order).
func sameKeys[V any](t *testing.T, what string, m map[string]V, want []string) {
	t.Helper()
	sort.Strings(want)
	if got := keys(m); got != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n%s\nwant\n%s", what, got, strings.Join(want, "\n"))
	}
}

func keys[V any](m map[string]V) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// The desired state of a configuration: what runs without root.
func TestBuild(t *testing.T) {
	root := committed(t,
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8:1::1/64",
		"set interfaces ge-0/0/1 disable",
		"set interfaces ge-0/0/1 mtu 9000",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set interfaces ms-0/0/0 unit 1 family inet",
		"set routing-options static route 10.9.0.0/16 next-hop 10.0.2.2",
		"set routing-options static route 10.0.2.0/24 next-hop ms-0/0/0.1",
		"set routing-options rib inet6.0 static route 2001:db8:9::/48 discard",
		"set services stateful-firewall rule fw match-direction input",
		"set services stateful-firewall rule fw term t then accept",
		"set services service-set nh stateful-firewall-rules fw",
		"set services service-set nh next-hop-service inside-service-interface ms-0/0/0.1",
		"set services service-set nh next-hop-service outside-service-interface ms-0/0/0.2",
		"set services service-set is stateful-firewall-rules fw",
		"set services service-set is interface-service service-interface ms-0/0/1",
		"set interfaces ge-0/0/0 unit 0 family inet service input service-set is",
		"set interfaces ge-0/0/0 unit 0 family inet service output service-set is",
	)
	d, err := build(root, &ifname.Map{})
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, n := range slices.Sorted(maps.Keys(d.links)) {
		l := d.links[n]
		links = append(links, strings.Join([]string{n, l.junos, map[bool]string{true: "tun", false: "port"}[l.tun],
			map[bool]string{true: "down", false: "up"}[l.down]}, " "))
	}
	if got, want := strings.Join(links, "\n"), strings.Join([]string{
		"ge-0-0-0 ge-0/0/0 port up", "ge-0-0-1 ge-0/0/1 port down",
		"ms-0-0-0.1 ms-0/0/0 tun up", "ms-0-0-0.2 ms-0/0/0 tun up", "ms-0-0-1 ms-0/0/1 tun up"}, "\n"); got != want {
		t.Errorf("links:\ngot\n%s\nwant\n%s", got, want)
	}
	if d.links["ge-0-0-1"].mtu != 9000 || len(d.links["ge-0-0-0"].addrs) != 2 {
		t.Errorf("ge-0-0-1 mtu %d, ge-0-0-0 %d addresses; want 9000 and 2", d.links["ge-0-0-1"].mtu, len(d.links["ge-0-0-0"].addrs))
	}
	steer := steerTable("ms-0-0-1")
	wantRoutes := []string{
		route{dst: mustPrefix("10.9.0.0/16"), gws: []netip.Addr{mustAddr("10.0.2.2")}, table: 254, metric: 5}.key(),
		route{dst: mustPrefix("10.0.2.0/24"), dev: "ms-0-0-0.1", table: ServiceTable, metric: 5}.key(),
		route{dst: mustPrefix("2001:db8:9::/48"), blackhole: true, table: 254, metric: 5}.key(),
		route{dst: mustPrefix("0.0.0.0/0"), dev: "ms-0-0-1", table: steer}.key(),
		route{dst: mustPrefix("::/0"), dev: "ms-0-0-1", table: steer}.key(),
	}
	sameKeys(t, "routes", d.routes, wantRoutes)
	var wantRules []string
	for _, v6 := range []bool{false, true} {
		for _, tun := range []string{"ms-0-0-0.1", "ms-0-0-0.2", "ms-0-0-1"} {
			wantRules = append(wantRules, rule{pref: PrefFromService, iif: tun, v6: v6, table: 254}.key())
		}
		wantRules = append(wantRules, rule{pref: PrefInputBinding, iif: "ge-0-0-0", v6: v6, table: steer}.key(),
			rule{pref: PrefServiceRoutes, v6: v6, table: ServiceTable}.key())
	}
	wantRules = append(wantRules, rule{pref: PrefOutputBinding, dst: mustPrefix("10.0.1.0/24"), table: steer}.key(),
		rule{pref: PrefOutputBinding, dst: mustPrefix("2001:db8:1::/64"), v6: true, table: steer}.key())
	sameKeys(t, "rules", d.rules, wantRules)
}

// TestBuildServiceSetInInstance: a next-hop service-set inside a routing
// instance. The instance's VRF table routes into the inside unit; the
// service units stay out of the VRF, and what picd writes back into them
// is routed by the instance's return table: its connected prefixes and
// non-service routes, ending unreachable, never the route into the PIC.
func TestBuildServiceSetInInstance(t *testing.T) {
	root := committed(t,
		"set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.254/24",
		"set interfaces ge-0/0/2 unit 0 family inet address 198.51.100.1/24",
		"set interfaces ms-0/0/0 unit 1 family inet",
		"set interfaces ms-0/0/0 unit 2 family inet",
		"set services stateful-firewall rule fw match-direction input",
		"set services stateful-firewall rule fw term t then accept",
		"set services service-set nh stateful-firewall-rules fw",
		"set services service-set nh next-hop-service inside-service-interface ms-0/0/0.1",
		"set services service-set nh next-hop-service outside-service-interface ms-0/0/0.2",
		"set routing-instances red instance-type virtual-router",
		"set routing-instances red interface ge-0/0/1.0",
		"set routing-instances red interface ge-0/0/2.0",
		"set routing-instances red interface ms-0/0/0.1",
		"set routing-instances red interface ms-0/0/0.2",
		"set routing-instances red routing-options static route 0.0.0.0/0 next-hop ms-0/0/0.1",
		"set routing-instances red routing-options static route 203.0.113.0/24 next-hop ms-0/0/0.2",
		"set routing-instances red routing-options static route 192.0.2.0/24 next-hop 198.51.100.2",
	)
	d, err := build(root, &ifname.Map{})
	if err != nil {
		t.Fatal(err)
	}
	for ln, want := range map[string]string{"ge-0-0-1": "red", "ge-0-0-2": "red", "ms-0-0-0.1": "", "ms-0-0-0.2": ""} {
		if got := d.links[ln].vrf; got != want {
			t.Errorf("%s enslaved to %q, want %q", ln, got, want)
		}
	}
	vt, rt := vrfTable("red"), returnTable("red")
	var wantRoutes []string
	for _, r := range []route{
		{dst: mustPrefix("0.0.0.0/0"), dev: "ms-0-0-0.1", table: vt, metric: 5},
		{dst: mustPrefix("203.0.113.0/24"), dev: "ms-0-0-0.2", table: vt, metric: 5},
		{dst: mustPrefix("192.0.2.0/24"), gws: []netip.Addr{mustAddr("198.51.100.2")}, table: vt, metric: 5},
		{dst: mustPrefix("0.0.0.0/0"), table: vt, unreachable: true, metric: vrfLastMetric},
		{dst: mustPrefix("::/0"), table: vt, unreachable: true, metric: vrfLastMetric},
		{dst: mustPrefix("10.1.0.0/24"), dev: "ge-0-0-1", table: rt},
		{dst: mustPrefix("198.51.100.0/24"), dev: "ge-0-0-2", table: rt},
		{dst: mustPrefix("192.0.2.0/24"), gws: []netip.Addr{mustAddr("198.51.100.2")}, table: rt, metric: 5},
		{dst: mustPrefix("0.0.0.0/0"), table: rt, unreachable: true, metric: vrfLastMetric},
		{dst: mustPrefix("::/0"), table: rt, unreachable: true, metric: vrfLastMetric},
	} {
		wantRoutes = append(wantRoutes, r.key())
	}
	sameKeys(t, "routes", d.routes, wantRoutes)
	var wantRules []string
	for _, v6 := range []bool{false, true} {
		for _, tun := range []string{"ms-0-0-0.1", "ms-0-0-0.2"} {
			wantRules = append(wantRules, rule{pref: PrefFromService, iif: tun, v6: v6, table: rt}.key())
		}
	}
	sameKeys(t, "rules", d.rules, wantRules)
}

func TestBuildErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		lines []string
		names string
		want  string
	}{
		"name too long": {[]string{"set interfaces ms-11/3/999 unit 16385 family inet"}, "",
			"longer than 15 characters"},
		"instance interface not configured": {[]string{"set routing-instances red interface ge-0/0/3.0"}, "",
			"ge-0/0/3.0 is not configured in [edit interfaces]"},
		"service next hop the instance does not list": {[]string{"set interfaces ms-0/0/0 unit 1 family inet",
			"set routing-instances red routing-options static route 10.0.0.0/8 next-hop ms-0/0/0.1"}, "",
			"routing instance red routes into a service interface it lists (set routing-instances red interface ms-0/0/0.1)"},
		"service next hop of an instance from the default one": {[]string{"set interfaces ms-0/0/0 unit 1 family inet",
			"set routing-instances red interface ms-0/0/0.1",
			"set routing-options static route 10.0.0.0/8 next-hop ms-0/0/0.1"}, "",
			"next hop ms-0/0/0.1 is an interface of routing instance red"},
		"interface-style service-set in an instance": {[]string{
			"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
			"set interfaces ge-0/0/0 unit 0 family inet service input service-set is",
			"set services stateful-firewall rule fw match-direction input",
			"set services stateful-firewall rule fw term t then accept",
			"set services service-set is stateful-firewall-rules fw",
			"set services service-set is interface-service service-interface ms-0/0/1",
			"set routing-instances red interface ge-0/0/0.0"}, "",
			"gnos applies interface-style service-sets in the default routing instance only"},
		"discard and a next hop at one preference": {[]string{"set routing-options static route 10.0.0.0/8 discard",
			"set routing-options static route 10.0.0.0/8 qualified-next-hop 192.0.2.1"}, "",
			"a next hop and discard or reject at one preference"},
		"two names, one link": {[]string{"set interfaces ge-0/0/0 unit 0 family inet", "set interfaces ge-0/0/1 unit 0 family inet"},
			"ge-0/0/1 ge-0-0-0\n", "ge-0/0/0 and ge-0/0/1 both map to Linux link ge-0-0-0"},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := ifname.Parse([]byte(tc.names))
			if err != nil {
				t.Fatal(err)
			}
			_, err = build(committed(t, tc.lines...), m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The edge statements: VLAN units, unit disable, family mtu, address
// order, floating and reject static routes, a routing instance.
func TestBuildEdge(t *testing.T) {
	root := committed(t,
		"set interfaces ge-0/0/0 vlan-tagging",
		"set interfaces ge-0/0/0 mtu 1600",
		"set interfaces ge-0/0/0 unit 0 vlan-id 100",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.2/24 preferred",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.3.1/24 primary",
		"set interfaces ge-0/0/0 unit 7 vlan-id 7",
		"set interfaces ge-0/0/0 unit 7 disable",
		"set interfaces ge-0/0/0 unit 7 family inet mtu 1400",
		"set interfaces ge-0/0/0 unit 7 family inet6 mtu 1300",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set routing-options static route 10.9.0.0/16 next-hop 10.0.1.9",
		"set routing-options static route 10.9.0.0/16 qualified-next-hop 10.0.2.9 preference 7",
		"set routing-options static route 10.9.0.0/16 preference 6",
		"set routing-options static route 10.8.0.0/16 reject",
		"set routing-instances red instance-type virtual-router",
		"set routing-instances red interface ge-0/0/1.0",
		"set routing-instances red routing-options static route 0.0.0.0/0 next-hop 10.0.2.254",
	)
	d, err := build(root, &ifname.Map{})
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, n := range slices.Sorted(maps.Keys(d.links)) {
		l := d.links[n]
		links = append(links, fmt.Sprintf("%s parent %q vlan %d down %v mtu %d mtu6 %d vrf %q", n, l.vlanParent, l.vlanID, l.down, l.mtu, l.mtu6, l.vrf))
	}
	if got, want := strings.Join(links, "\n"), strings.Join([]string{
		`ge-0-0-0 parent "" vlan 0 down false mtu 1600 mtu6 0 vrf ""`,
		`ge-0-0-0.0 parent "ge-0-0-0" vlan 100 down false mtu 1600 mtu6 0 vrf ""`,
		`ge-0-0-0.7 parent "ge-0-0-0" vlan 7 down true mtu 1400 mtu6 1300 vrf ""`,
		`ge-0-0-1 parent "" vlan 0 down false mtu 0 mtu6 0 vrf "red"`}, "\n"); got != want {
		t.Errorf("links:\ngot\n%s\nwant\n%s", got, want)
	}
	if got, want := fmt.Sprint(d.links["ge-0-0-0.0"].ordered(false)), "[10.0.3.1/24 10.0.1.2/24 10.0.1.1/24]"; got != want {
		t.Errorf("address order: got %s, want %s", got, want)
	}
	red := vrfTable("red")
	if got, want := fmt.Sprint(d.vrfs), fmt.Sprintf("map[red:{red %d}]", red); got != want {
		t.Errorf("vrfs: got %s, want %s", got, want)
	}
	wantRoutes := []string{
		route{dst: mustPrefix("10.9.0.0/16"), gws: []netip.Addr{mustAddr("10.0.1.9")}, table: 254, metric: 6}.key(),
		route{dst: mustPrefix("10.9.0.0/16"), gws: []netip.Addr{mustAddr("10.0.2.9")}, table: 254, metric: 7}.key(),
		route{dst: mustPrefix("10.8.0.0/16"), unreachable: true, table: 254, metric: 5}.key(),
		route{dst: mustPrefix("0.0.0.0/0"), gws: []netip.Addr{mustAddr("10.0.2.254")}, table: red, metric: 5}.key(),
		route{dst: mustPrefix("0.0.0.0/0"), unreachable: true, table: red, metric: vrfLastMetric}.key(),
		route{dst: mustPrefix("::/0"), unreachable: true, table: red, metric: vrfLastMetric}.key(),
	}
	sameKeys(t, "routes", d.routes, wantRoutes)
}

// Re-adding in order: a new preferred address of a subnet already there
// takes the family's addresses off and on again, preferred first.
func TestAddrStepsReorder(t *testing.T) {
	p1, p2 := mustPrefix("10.0.0.1/24"), mustPrefix("10.0.0.2/24")
	v6 := mustPrefix("2001:db8::1/64")
	old := &link{linux: "x", addrs: map[netip.Prefix]bool{p1: true, v6: true}, rank: map[netip.Prefix]int{}}
	next := &link{linux: "x", addrs: map[netip.Prefix]bool{p1: true, p2: true, v6: true}, rank: map[netip.Prefix]int{p2: rankPreferred}}
	var got []string
	for _, s := range addrSteps(old, next) {
		got = append(got, s.what)
	}
	want := []string{"delete address 10.0.0.1/24 on x", "add address 10.0.0.2/24 on x", "add address 10.0.0.1/24 on x"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got %q, want %q", got, want)
	}
	plain := &link{linux: "x", addrs: map[netip.Prefix]bool{p1: true, p2: true, v6: true}, rank: map[netip.Prefix]int{}}
	got = nil
	for _, s := range addrSteps(old, plain) {
		got = append(got, s.what)
	}
	if want := []string{"add address 10.0.0.2/24 on x"}; strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("without ranks: got %q, want %q", got, want)
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func mustAddr(s string) netip.Addr     { return netip.MustParseAddr(s) }

// A VLAN link created again (a new vlan-id) loses the kernel's routes
// through it: the plan adds the unchanged routes again.
func TestPlanReaddsRoutesOverRecreatedLinks(t *testing.T) {
	mk := func(vlan int) *desired {
		d := newDesired()
		d.links["ge-0-0-0"] = &link{linux: "ge-0-0-0", junos: "ge-0/0/0", addrs: map[netip.Prefix]bool{}}
		d.links["ge-0-0-0.7"] = &link{linux: "ge-0-0-0.7", junos: "ge-0/0/0", vlanParent: "ge-0-0-0", vlanID: vlan,
			addrs: map[netip.Prefix]bool{mustPrefix("10.0.7.1/24"): true}}
		d.addRoute(route{dst: mustPrefix("10.9.0.0/16"), gws: []netip.Addr{mustAddr("10.0.7.9")}, table: 254, metric: 5})
		return d
	}
	count := func(steps []step, prefix string) int {
		n := 0
		for _, s := range steps {
			if strings.HasPrefix(s.what, prefix) {
				n++
			}
		}
		return n
	}
	same := plan(mk(7), mk(7))
	if got := count(same, "add route"); got != 0 {
		t.Errorf("unchanged VLAN: %d route adds, want 0", got)
	}
	moved := plan(mk(7), mk(8))
	if got := count(moved, "create VLAN 8"); got != 1 {
		t.Errorf("new vlan-id: %d VLAN creations, want 1", got)
	}
	if got := count(moved, "add route"); got != 1 {
		t.Errorf("new vlan-id: %d route adds, want 1 (the route through the new link)", got)
	}
	if got := count(moved, "add address 10.0.7.1/24"); got != 1 {
		t.Errorf("new vlan-id: %d address adds, want 1", got)
	}
}
