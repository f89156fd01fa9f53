package ifmgr_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/ifmgr"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
)

// env is a lab whose router namespace an interface manager programs,
// behind a configd with one more subscriber that can be told to fail.
type env struct {
	t    *testing.T
	lab  *lab.Lab
	m    *ifmgr.Manager
	s    *configd.Session
	fail *failer
}

type failer struct{ prepare bool }

func (f *failer) Name() string                                    { return "failer" }
func (f *failer) Validate(context.Context, *configd.Commit) error { return nil }
func (f *failer) Prepare(context.Context, *configd.Commit) error {
	if f.prepare {
		return errors.New("told to fail")
	}
	return nil
}
func (f *failer) Abort(context.Context, *configd.Commit) {}
func (f *failer) Apply(context.Context, *configd.Commit) {}

func setup(t *testing.T) *env {
	return manage(t, newLab(t), nil)
}

func newLab(t *testing.T) *lab.Lab { return labtest.Up(t, "ifm") }

// manage starts an interface manager on l's router and a configd.
func manage(t *testing.T, l *lab.Lab, names *ifname.Map) *env {
	ns, err := lab.Handle(l.Router)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	m, err := ifmgr.New(ifmgr.Options{NetNS: ns, Names: names})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	c := ifmgr.NewConfigd(t)
	f := &failer{}
	c.Subscribe(context.Background(), m)
	c.Subscribe(context.Background(), f)
	s, err := c.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, lab: l, m: m, s: s, fail: f}
}

func (e *env) commit(lines ...string) error {
	e.t.Helper()
	if err := e.s.Load(configd.LoadSet, configd.FormatSet, strings.Join(lines, "\n")+"\n"); err != nil {
		e.t.Fatalf("set: %v", err)
	}
	_, err := e.s.Commit(context.Background(), configd.CommitOptions{})
	return err
}

// router returns `ip` output in the router namespace.
func (e *env) router(args ...string) string {
	e.t.Helper()
	out, err := lab.Exec(e.lab.Router, "ip", args...)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// snapshot is the router's addresses, routes and rules.
func (e *env) snapshot() string {
	return e.router("-br", "addr") + e.router("route", "show", "table", "all") + e.router("rule") + e.router("-br", "link")
}

var base = []string{
	"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
	"set interfaces ge-0/0/1 mtu 1400",
	"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
	"set routing-options static route 192.0.2.0/24 next-hop 10.0.2.2",
	"set routing-options static route 198.51.100.0/24 discard",
	"set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:2::1/64",
	"set routing-options rib inet6.0 static route 2001:db8:9::/48 next-hop 2001:db8:2::2",
}

func TestProgramsLinux(t *testing.T) {
	e := setup(t)
	if err := e.commit(base...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ args, want string }{
		{"-br addr show dev ge-0-0-0", "10.0.1.1/24"},
		{"-br addr show dev ge-0-0-1", "10.0.2.1/24"},
		{"link show dev ge-0-0-1", "mtu 1400"},
		{"link show dev ge-0-0-0", "state UP"},
		{"route show 192.0.2.0/24", "via 10.0.2.2 dev ge-0-0-1 proto 77"},
		{"route show 198.51.100.0/24", "blackhole 198.51.100.0/24 proto 77"},
		{"-6 route show 2001:db8:9::/48", "2001:db8:9::/48 via 2001:db8:2::2 dev ge-0-0-1 proto 77"},
	} {
		if got := e.router(strings.Fields(tc.args)...); !strings.Contains(got, tc.want) {
			t.Errorf("ip %s: got %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
	// Disable, change the address, drop a route.
	if err := e.commit("set interfaces ge-0/0/0 disable",
		"delete interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.3.1/24",
		"delete routing-options static route 198.51.100.0/24"); err != nil {
		t.Fatal(err)
	}
	if got := e.router("link", "show", "dev", "ge-0-0-0"); strings.Contains(got, "state UP") || !strings.Contains(got, "DOWN") {
		t.Errorf("disabled ge-0/0/0: got %q, want it down", got)
	}
	if got := e.router("-br", "addr", "show", "dev", "ge-0-0-1"); strings.Contains(got, "10.0.2.1") || !strings.Contains(got, "10.0.3.1/24") {
		t.Errorf("ge-0/0/1 addresses: got %q, want 10.0.3.1/24 only", got)
	}
	if got := e.router("route", "show", "198.51.100.0/24"); got != "" {
		t.Errorf("deleted route: got %q, want none", got)
	}
}

func TestMissingLinkFailsCleanly(t *testing.T) {
	e := setup(t)
	if err := e.commit(base...); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	err := e.commit("set interfaces ge-0/0/0 unit 0 family inet address 10.0.9.1/24",
		"set interfaces ge-0/0/9 unit 0 family inet address 10.0.8.1/24")
	if err == nil || !strings.Contains(err.Error(), "Linux link ge-0-0-9 (for ge-0/0/9) does not exist") ||
		!strings.Contains(err.Error(), "[edit interfaces ge-0/0/9]") {
		t.Fatalf("commit naming a missing link: got %v, want a failure at [edit interfaces ge-0/0/9]", err)
	}
	if after := e.snapshot(); after != before {
		t.Errorf("a failed commit changed Linux:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestLaterFailureUndoes(t *testing.T) {
	e := setup(t)
	if err := e.commit(base...); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	e.fail.prepare = true
	err := e.commit("set interfaces ge-0/0/0 unit 0 family inet address 10.0.9.1/24",
		"set interfaces ge-0/0/1 mtu 1300",
		"set interfaces ms-0/0/0 unit 1 family inet",
		"set routing-options static route 203.0.113.0/24 next-hop ms-0/0/0.1",
		"delete routing-options static route 192.0.2.0/24")
	if err == nil || !strings.Contains(err.Error(), "told to fail") {
		t.Fatalf("got %v, want the later subscriber's failure", err)
	}
	if after := e.snapshot(); after != before {
		t.Errorf("an aborted commit left changes in Linux:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	e.fail.prepare = false
	if err := e.commit(); err != nil { // the same candidate, now committed
		t.Fatal(err)
	}
	if got := e.router("route", "show", "table", "200"); !strings.Contains(got, "203.0.113.0/24 dev ms-0-0-0.1") {
		t.Errorf("service route: got %q, want 203.0.113.0/24 dev ms-0-0-0.1 in table 200", got)
	}
	if got := e.router("-d", "link", "show", "dev", "ms-0-0-0.1"); !strings.Contains(got, "tun") || !strings.Contains(got, "multi_queue") {
		t.Errorf("service interface: got %q, want a multi-queue tun", got)
	}
	if got := e.router("rule"); !strings.Contains(got, "1000:\tfrom all iif ms-0-0-0.1 lookup main") ||
		!strings.Contains(got, "1300:\tfrom all lookup 200") {
		t.Errorf("rules: got %q, want iif ms-0-0-0.1 → main and all → 200", got)
	}
}

// A restarted gnos removes what an earlier run left that the committed
// configuration does not want.
func TestStartSweepsLeftovers(t *testing.T) {
	l := newLab(t)
	for _, args := range [][]string{
		{"tuntap", "add", "dev", "ms-9-9-9.1", "mode", "tun", "multi_queue"},
		{"link", "set", "ms-9-9-9.1", "up"},
		{"rule", "add", "pref", "1250", "to", "192.0.2.0/24", "lookup", "4444"},
		{"route", "add", "blackhole", "198.18.0.0/15", "proto", "77"},
		{"route", "add", "blackhole", "198.19.0.0/16", "proto", "static"}, // not gnos's
	} {
		if _, err := lab.Exec(l.Router, "ip", args...); err != nil {
			t.Fatal(err)
		}
	}
	e := manage(t, l, nil)
	if err := e.commit(base...); err != nil {
		t.Fatal(err)
	}
	snap := e.snapshot()
	for _, gone := range []string{"ms-9-9-9.1", "lookup 4444", "198.18.0.0/15"} {
		if strings.Contains(snap, gone) {
			t.Errorf("leftover %q survived the start:\n%s", gone, snap)
		}
	}
	for _, kept := range []string{"198.19.0.0/16", "192.0.2.0/24 via 10.0.2.2"} {
		if !strings.Contains(snap, kept) {
			t.Errorf("%q missing after the start:\n%s", kept, snap)
		}
	}
}

// The mapping file overrides the naming rule.
func TestNameMapping(t *testing.T) {
	names, err := ifname.Parse([]byte("ge-1/0/0 ge-0-0-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := manage(t, newLab(t), names)
	if err := e.commit("set interfaces ge-1/0/0 unit 0 family inet address 10.0.5.1/24"); err != nil {
		t.Fatal(err)
	}
	if got := e.router("-br", "addr", "show", "dev", "ge-0-0-1"); !strings.Contains(got, "10.0.5.1/24") {
		t.Errorf("ge-1/0/0 mapped to ge-0-0-1: got %q, want 10.0.5.1/24 there", got)
	}
	if st, ok := e.m.Link("ge-1/0/0.0"); !ok || st.Linux != "ge-0-0-1" || !st.AdminUp {
		t.Errorf("Link(ge-1/0/0.0): got %+v, %v; want ge-0-0-1, up", st, ok)
	}
}

// The edge statements in Linux: unit disable, family mtu, address
// order, floating and reject routes; then taken away again.
func TestProgramsEdgeStatements(t *testing.T) {
	e := setup(t)
	before := e.programmed()
	if err := e.commit(
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.2/24 preferred",
		"set interfaces ge-0/0/0 unit 0 family inet mtu 1400",
		"set interfaces ge-0/0/0 unit 0 family inet6 mtu 1300",
		"set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8:7::1/64",
		"set interfaces ge-0/0/1 unit 0 disable",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set routing-options static route 10.9.0.0/16 next-hop 10.0.1.9",
		"set routing-options static route 10.9.0.0/16 qualified-next-hop 10.0.1.8 preference 7",
		"set routing-options static route 10.8.0.0/16 reject",
	); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ args, want string }{
		{"link show dev ge-0-0-0", "mtu 1400"},
		{"link show dev ge-0-0-1", "state DOWN"},
		{"-4 addr show dev ge-0-0-0", "inet 10.0.1.2/24 brd 10.0.1.255 scope global ge-0-0-0"},
		{"-4 addr show dev ge-0-0-0", "inet 10.0.1.1/24 brd 10.0.1.255 scope global secondary ge-0-0-0"},
		{"route show 10.9.0.0/16", "10.9.0.0/16 via 10.0.1.9 dev ge-0-0-0 proto 77 metric 5"},
		{"route show 10.9.0.0/16", "10.9.0.0/16 via 10.0.1.8 dev ge-0-0-0 proto 77 metric 7"},
		{"route show 10.8.0.0/16", "unreachable 10.8.0.0/16 proto 77 metric 5"},
	} {
		if got := e.router(strings.Fields(tc.args)...); !strings.Contains(got, tc.want) {
			t.Errorf("ip %s: got %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
	// The preferred address moves: both go off and on again, in order.
	if err := e.commit("delete interfaces ge-0/0/0 unit 0 family inet address 10.0.1.2/24 preferred",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24 preferred"); err != nil {
		t.Fatal(err)
	}
	if got := e.router("-4", "addr", "show", "dev", "ge-0-0-0"); !strings.Contains(got, "inet 10.0.1.1/24 brd 10.0.1.255 scope global ge-0-0-0") ||
		!strings.Contains(got, "inet 10.0.1.2/24 brd 10.0.1.255 scope global secondary ge-0-0-0") {
		t.Errorf("after moving preferred: got %q, want 10.0.1.1 primary, 10.0.1.2 secondary", got)
	}
	// The IPv6 MTU, read once the link has been up since the commit
	// before (Linux resets it to the link's MTU when the link comes up).
	if got, err := lab.Exec(e.lab.Router, "cat", "/proc/sys/net/ipv6/conf/ge-0-0-0/mtu"); err != nil || strings.TrimSpace(got) != "1300" {
		t.Errorf("ge-0-0-0 IPv6 MTU: got %q (%v), want 1300", got, err)
	}
	e.deleteAll(before, "interfaces", "routing-options")
}

// kernelHas skips the test when the router's kernel cannot make a link
// of the kind ip link add args make.
func (e *env) kernelHas(what string, args ...string) {
	e.t.Helper()
	if _, err := lab.Exec(e.lab.Router, "ip", append([]string{"link", "add"}, args...)...); err != nil {
		e.t.Skipf("this kernel has no %s: %v", what, err)
	}
	lab.Exec(e.lab.Router, "ip", "link", "del", args[0])
}

// VLAN units of a tagged interface are 802.1Q links on it.
func TestProgramsVLANs(t *testing.T) {
	e := setup(t)
	e.kernelHas("802.1Q VLAN links (CONFIG_VLAN_8021Q)", "vlanprobe", "link", "ge-0-0-0", "type", "vlan", "id", "4000")
	before := e.programmed()
	if err := e.commit(
		"set interfaces ge-0/0/0 vlan-tagging",
		"set interfaces ge-0/0/0 unit 0 vlan-id 100",
		"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/0 unit 7 vlan-id 7",
		"set interfaces ge-0/0/0 unit 7 disable",
		"set interfaces ge-0/0/0 unit 7 family inet mtu 1400",
	); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ args, want string }{
		{"-d link show dev ge-0-0-0.0", "vlan protocol 802.1Q id 100"},
		{"-d link show dev ge-0-0-0.7", "vlan protocol 802.1Q id 7"},
		{"link show dev ge-0-0-0.7", "mtu 1400"},
		{"link show dev ge-0-0-0.7", "state DOWN"},
		{"-4 addr show dev ge-0-0-0.0", "inet 10.0.1.1/24"},
	} {
		if got := e.router(strings.Fields(tc.args)...); !strings.Contains(got, tc.want) {
			t.Errorf("ip %s: got %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
	// A new vlan-id is a new link.
	if err := e.commit("set interfaces ge-0/0/0 unit 7 vlan-id 8"); err != nil {
		t.Fatal(err)
	}
	if got := e.router("-d", "link", "show", "dev", "ge-0-0-0.7"); !strings.Contains(got, "id 8") {
		t.Errorf("after vlan-id 8: got %q", got)
	}
	e.deleteAll(before, "interfaces")
}

// programmed is what gnos adds to Linux and takes away with the
// statements: global addresses, its routes, rules, links it creates
// (links' admin state and MTU stay as the last commit left them).
func (e *env) programmed() string {
	return e.router("-o", "addr", "show", "scope", "global") + e.router("route", "show", "table", "all", "proto", "77") +
		e.router("rule") + e.router("-o", "link", "show", "type", "vlan") + e.router("-o", "link", "show", "type", "vrf")
}

// deleteAll deletes the statements and checks Linux holds what it held
// before (programmed).
func (e *env) deleteAll(before string, stmts ...string) {
	t := e.t
	t.Helper()
	for _, del := range stmts {
		if err := e.s.Load(configd.LoadSet, configd.FormatSet, "delete "+del+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.commit(); err != nil {
		t.Fatal(err)
	}
	if after := e.programmed(); after != before {
		t.Errorf("deleting the statements left changes in Linux:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// A routing instance is a VRF device holding its interfaces, their
// subnets and its static routes, ended by an unreachable default.
func TestProgramsRoutingInstance(t *testing.T) {
	e := setup(t)
	e.kernelHas("VRF devices (CONFIG_NET_VRF)", "vrfprobe", "type", "vrf", "table", "4242")
	before := e.programmed()
	if err := e.commit("set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set routing-instances red instance-type virtual-router",
		"set routing-instances red interface ge-0/0/1.0",
		"set routing-instances red routing-options static route 0.0.0.0/0 next-hop 10.0.2.254"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ args, want string }{
		{"-d link show dev red", "vrf table"},
		{"link show dev ge-0-0-1", "master red"},
		{"route show vrf red", "default via 10.0.2.254 dev ge-0-0-1 proto 77 metric 5"},
		{"route show vrf red", "unreachable default proto 77 metric 4278198272"},
		{"route show vrf red", "10.0.2.0/24 dev ge-0-0-1"},
	} {
		if got := e.router(strings.Fields(tc.args)...); !strings.Contains(got, tc.want) {
			t.Errorf("ip %s: got %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
	if got := e.router("route", "show", "table", "main"); strings.Contains(got, "10.0.2.0/24") {
		t.Errorf("main table holds the instance's subnet: %q", got)
	}
	e.deleteAll(before, "interfaces", "routing-instances")
}

// On a kernel without VRF or 802.1Q links, a commit that needs them fails
// saying so, and changes nothing.
func TestMissingKernelSupportFailsCleanly(t *testing.T) {
	for _, tc := range []struct {
		name, probe string
		args        []string
		lines       []string
		want        string
	}{
		{"vrf", "vrfprobe", []string{"vrfprobe", "type", "vrf", "table", "4242"},
			[]string{"set routing-instances red interface ge-0/0/1.0"}, "no VRF devices (CONFIG_NET_VRF)"},
		{"vlan", "vlanprobe", []string{"vlanprobe", "link", "ge-0-0-0", "type", "vlan", "id", "4000"},
			[]string{"set interfaces ge-0/0/0 vlan-tagging", "set interfaces ge-0/0/0 unit 5 vlan-id 5"}, "no 802.1Q VLAN links (CONFIG_VLAN_8021Q)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			if _, err := lab.Exec(e.lab.Router, "ip", append([]string{"link", "add"}, tc.args...)...); err == nil {
				lab.Exec(e.lab.Router, "ip", "link", "del", tc.probe)
				t.Skip("this kernel has them")
			}
			if err := e.commit("set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24"); err != nil {
				t.Fatal(err)
			}
			before := e.snapshot()
			err := e.commit(tc.lines...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a failure saying %q", err, tc.want)
			}
			if after := e.snapshot(); after != before {
				t.Errorf("a failed commit changed Linux:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}
