package rib_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/rib"
)

func config(t *testing.T, lines string) *tree.Node {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := tree.NewEditor(tree.New(s.Root))
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		ps, err := tree.ParseTokens(s.Root, strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "set ")), tree.ForSet)
		if err != nil {
			t.Fatalf("parse %q: %v", l, err)
		}
		for _, p := range ps {
			if err := e.Set(p); err != nil {
				t.Fatalf("set %q: %v", l, err)
			}
		}
	}
	return e.Root()
}

// line is a route in one line: table prefix *[Proto/pref] next hops.
func line(r rib.Route) string {
	act := " "
	if r.Active {
		act = "*"
	}
	var nhs []string
	for _, h := range r.NextHops {
		switch {
		case h.Discard:
			nhs = append(nhs, "discard")
		case h.Reject:
			nhs = append(nhs, "reject")
		case h.Local:
			nhs = append(nhs, "local "+h.Via)
		case h.To.IsValid():
			nhs = append(nhs, fmt.Sprintf("to %s via %s", h.To, h.Via))
		default:
			nhs = append(nhs, "via "+h.Via)
		}
	}
	hidden := ""
	if r.Hidden {
		hidden = " hidden"
	}
	return fmt.Sprintf("%s %s %s[%s/%d] %s%s", r.Table, r.Prefix, act, r.Protocol, r.Preference, strings.Join(nhs, ", "), hidden)
}

func TestFromConfig(t *testing.T) {
	root := config(t, `
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64
set interfaces ge-0/0/1 disable
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
set routing-options static route 203.0.113.0/24 next-hop 198.51.100.254
set routing-options static route 10.9.0.0/16 discard
set routing-options static route 192.0.2.0/24 next-hop ge-0/0/0.0
set routing-options rib inet6.0 static route ::/0 next-hop 2001:db8::ffff
`)
	routes := rib.FromConfig(root)
	rib.Select(routes)
	var got []string
	for _, r := range routes {
		got = append(got, line(r))
	}
	want := []string{
		"inet.0 0.0.0.0/0 *[Static/5] to 192.0.2.254 via ge-0/0/0.0",
		"inet.0 10.9.0.0/16 *[Static/5] discard",
		"inet.0 10.255.0.1/32 *[Direct/0] via lo0.0",
		"inet.0 192.0.2.0/24 *[Direct/0] via ge-0/0/0.0",
		"inet.0 192.0.2.0/24  [Static/5] via ge-0/0/0.0",
		"inet.0 192.0.2.1/32 *[Local/0] local ge-0/0/0.0",
		// ge-0/0/1 is disabled: its subnet is not reachable
		"inet.0 203.0.113.0/24  [Static/5] to 198.51.100.254 via  hidden",
		"inet6.0 ::/0 *[Static/5] to 2001:db8::ffff via ge-0/0/0.0",
		"inet6.0 2001:db8::/64 *[Direct/0] via ge-0/0/0.0",
		"inet6.0 2001:db8::1/128 *[Local/0] local ge-0/0/0.0",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("got\n%s\nwant\n%s", g, w)
	}
	names, counts := rib.Tables(routes)
	if len(names) != 2 || names[0] != "inet.0" {
		t.Fatalf("tables %v", names)
	}
	c := counts["inet.0"]
	if c.Destinations != 5 || c.Routes != 7 || c.Active != 5 || c.Hidden != 1 {
		t.Errorf("inet.0 counts %+v, want 5 destinations, 7 routes, 5 active, 1 hidden", *c)
	}
}

// Preferences, qualified next hops, reject, unit disable and routing
// instances' tables.
func TestFromConfigEdge(t *testing.T) {
	root := config(t, `
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces ge-0/0/2 unit 0 disable
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/24
set routing-options static route 10.1.0.0/16 next-hop 192.0.2.9
set routing-options static route 10.1.0.0/16 qualified-next-hop 192.0.2.8
set routing-options static route 10.1.0.0/16 qualified-next-hop 192.0.2.7 preference 7
set routing-options static route 10.2.0.0/16 reject
set routing-options static route 10.2.0.0/16 preference 20
set routing-options static route 10.3.0.0/16 next-hop 198.51.100.9
set routing-instances red instance-type virtual-router
set routing-instances red interface ge-0/0/1.0
set routing-instances red routing-options static route 0.0.0.0/0 next-hop 198.51.100.254
set routing-instances red routing-options rib red.inet6.0 static route ::/0 discard
`)
	routes := rib.FromConfig(root)
	rib.Select(routes)
	var got []string
	for _, r := range routes {
		got = append(got, line(r))
	}
	want := []string{
		"inet.0 10.1.0.0/16 *[Static/5] to 192.0.2.9 via ge-0/0/0.0, to 192.0.2.8 via ge-0/0/0.0",
		"inet.0 10.1.0.0/16  [Static/7] to 192.0.2.7 via ge-0/0/0.0",
		"inet.0 10.2.0.0/16 *[Static/20] reject",
		// 198.51.100.0/24 is red's: the default instance cannot reach it
		"inet.0 10.3.0.0/16  [Static/5] to 198.51.100.9 via  hidden",
		"inet.0 192.0.2.0/24 *[Direct/0] via ge-0/0/0.0",
		"inet.0 192.0.2.1/32 *[Local/0] local ge-0/0/0.0",
		"red.inet.0 0.0.0.0/0 *[Static/5] to 198.51.100.254 via ge-0/0/1.0",
		"red.inet.0 198.51.100.0/24 *[Direct/0] via ge-0/0/1.0",
		"red.inet.0 198.51.100.1/32 *[Local/0] local ge-0/0/1.0",
		"red.inet6.0 ::/0 *[Static/5] discard",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("got\n%s\nwant\n%s", g, w)
	}
}

func TestQuery(t *testing.T) {
	root := config(t, `
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
set routing-options static route 10.0.0.0/8 next-hop 192.0.2.254
set routing-options static route 10.1.0.0/16 next-hop 192.0.2.254
`)
	routes := rib.FromConfig(root)
	rib.Select(routes)
	for _, tc := range []struct {
		name  string
		dest  string
		match rib.Match
		proto string
		table string
		want  string
	}{
		{name: "all", want: "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 192.0.2.0/24 192.0.2.1/32"},
		{name: "best match of an address", dest: "10.1.2.3", want: "10.1.0.0/16"},
		{name: "best match falls back to default", dest: "172.16.0.1", want: "0.0.0.0/0"},
		{name: "exact", dest: "10.0.0.0/8", match: rib.Exact, want: "10.0.0.0/8"},
		{name: "abbreviated prefix", dest: "10/8", match: rib.Exact, want: "10.0.0.0/8"},
		{name: "exact misses", dest: "10.0.0.0/9", match: rib.Exact, want: ""},
		{name: "longer", dest: "10.0.0.0/8", match: rib.Longer, want: "10.0.0.0/8 10.1.0.0/16"},
		{name: "protocol", proto: "direct", want: "192.0.2.0/24"},
		{name: "table inet6 has nothing", table: "inet6", want: ""},
		{name: "table prefix", table: "inet", want: "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 192.0.2.0/24 192.0.2.1/32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := rib.Query{Match: tc.match, Protocol: tc.proto, Table: tc.table}
			if tc.dest != "" {
				d, err := rib.ParseDest(tc.dest)
				if err != nil {
					t.Fatal(err)
				}
				q.Dest = d
			}
			var got []string
			for _, r := range q.Select(routes) {
				got = append(got, r.Prefix.String())
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
	if _, err := rib.ParseDest("10.0.0.300"); err == nil {
		t.Error("bad destination accepted")
	}
}

func TestAges(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	rev1 := rib.FromConfig(config(t, "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24"))
	rev0 := rib.FromConfig(config(t, `
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24`))
	past := func(n int) ([]rib.Route, time.Time, bool) {
		switch n {
		case 0:
			return rev0, t0.Add(time.Hour), true
		case 1:
			return rev1, t0, true
		}
		return nil, time.Time{}, false
	}
	now := t0.Add(2 * time.Hour)
	routes := rib.Merge(rev0, []rib.Route{{Table: "inet.0", Prefix: mustPrefix("203.0.113.0/24")}})
	var ages rib.Ages
	ages.Stamp(routes, now, past)
	want := map[string]time.Time{
		"192.0.2.0/24": t0, "192.0.2.1/32": t0, // in both revisions
		"198.51.100.0/24": t0.Add(time.Hour), "198.51.100.1/32": t0.Add(time.Hour), // new in revision 0
		"203.0.113.0/24": now, // the kernel's
	}
	for _, r := range routes {
		if w := want[r.Prefix.String()]; !r.Learned.Equal(w) {
			t.Errorf("%s %s learned %v, want %v", r.Protocol, r.Prefix, r.Learned, w)
		}
	}
	// seen routes keep their time, even when history no longer holds them
	ages.Stamp(routes, now.Add(time.Minute), func(int) ([]rib.Route, time.Time, bool) { return nil, time.Time{}, false })
	for _, r := range routes {
		if w := want[r.Prefix.String()]; !r.Learned.Equal(w) {
			t.Errorf("second stamp: %s learned %v, want %v", r.Prefix, r.Learned, w)
		}
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
