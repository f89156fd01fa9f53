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
