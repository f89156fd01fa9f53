package lab_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/lab"
)

// TestLiveOperational runs the router's reachability and table commands
// against the real kernel of the lab's router namespace: ping and
// traceroute from the router, show route with a route the kernel holds
// that the configuration did not put there, the forwarding table, and
// the neighbours ping made the kernel learn.
func TestLiveOperational(t *testing.T) {
	r := startLab(t, "ops")
	// The router's IPv6 addresses are usable at once, not after
	// duplicate address detection: nothing to wait for.
	for _, link := range []string{"ge-0-0-0", "ge-0-0-1"} {
		if _, err := lab.Exec(r.lab.Router, "sysctl", "-qw", "net.ipv6.conf."+link+".accept_dad=0"); err != nil {
			t.Fatal(err)
		}
	}
	r.configure("set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8:1::1/64",
		"set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:2::1/64",
		"set routing-options static route 198.51.100.0/24 next-hop 10.0.2.2")
	if _, err := lab.Exec(r.lab.Router, "ip", "route", "add", "203.0.113.0/24", "via", lab.ServerAddr); err != nil {
		t.Fatal(err)
	}
	// Links that came up with the commit may drop a first packet while
	// their carrier settles: warm the paths up before measuring.
	for _, host := range []string{lab.ServerAddr, lab.ClientAddr, lab.ServerAddr6} {
		if out := r.cli("ping " + host + " rapid count 5"); strings.Contains(out, " 0 packets received") {
			t.Fatalf("router cannot reach %s:\n%s", host, out)
		}
	}

	for _, tc := range []struct {
		line string
		want []string // regular expressions the output must match
	}{
		{"ping " + lab.ServerAddr + " count 2 interval 0.2", []string{
			`^PING 10\.0\.2\.2 \(10\.0\.2\.2\): 56 data bytes\n`,
			`\n64 bytes from 10\.0\.2\.2: icmp_seq=0 ttl=64 time=\d+\.\d{3} ms\n64 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=64 time=`,
			`\n--- 10\.0\.2\.2 ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\n`,
			`\nround-trip min/avg/max/stddev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms\n`}},
		{"ping " + lab.ClientAddr + " rapid count 3 size 1000 do-not-fragment", []string{
			`: 1000 data bytes\n!!!\n`, `3 packets transmitted, 3 packets received, 0% packet loss`}},
		// do-not-fragment: 1473 data bytes do not fit the links' 1500-byte MTU
		{"ping " + lab.ClientAddr + " count 1 size 1473 do-not-fragment", []string{
			`ping: sendto: Message too long\n`, `1 packets transmitted, 0 packets received, 100% packet loss`}},
		{"ping " + lab.ServerAddr6 + " count 1", []string{
			`^PING6\(104=40\+8\+56 bytes\) 2001:db8:2::1 --> 2001:db8:2::2\n`,
			`\n64 bytes from 2001:db8:2::2, icmp_seq=0 hlim=64 time=`,
			`1 packets transmitted, 1 packets received, 0\.0% packet loss`}},
		{"ping " + lab.ServerAddr + " count 1 source 10.0.1.1 | display xml", []string{
			`<ping-results>`, `<source-ip>10\.0\.1\.1</source-ip>`, `<probe-success/>`, `<rtt>\d+</rtt>`, `<ping-success/>`}},
		{"traceroute " + lab.ServerAddr + " no-resolve", []string{
			`^traceroute to 10\.0\.2\.2 \(10\.0\.2\.2\), 30 hops max, 40 byte packets\n 1  10\.0\.2\.2  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms\n$`}},
		{"show route 203.0.113.0/24", []string{
			`\n203\.0\.113\.0/24 +\*\[Kernel/254\] \d\d:\d\d:\d\d\n {20}>  to 10\.0\.2\.2 via ge-0/0/1\.0\n`}},
		{"show route", []string{
			`\n10\.0\.1\.0/24 +\*\[Direct/0\] `, `\n198\.51\.100\.0/24 +\*\[Static/5\] \d\d:\d\d:\d\d\n {20}>  to 10\.0\.2\.2 via ge-0/0/1\.0\n`,
			`\ninet6\.0: `}},
		{"show route forwarding-table family inet", []string{
			`\n203\.0\.113\.0/24 +user +0 10\.0\.2\.2 +ucst +0 +\d+ ge-0/0/1\.0\n`}},
		{"show arp no-resolve", []string{`\n[0-9a-f:]{17} 10\.0\.2\.2 +ge-0/0/1\.0 +none\n`, `Total entries: [1-9]`}},
		{"show ipv6 neighbors", []string{`\n2001:db8:2::2 +[0-9a-f:]{17} +\w+ +- +no +no +ge-0/0/1\.0\n`}},
	} {
		out := r.cli(tc.line)
		t.Logf("%s\n%s", tc.line, out)
		for _, w := range tc.want {
			if !regexp.MustCompile(w).MatchString(out) {
				t.Errorf("%s: output does not match %q:\n%s", tc.line, w, out)
			}
		}
	}
	// a front end that shows partial output gets each reply as it comes
	var chunks []string
	r.c.OnPartial = func(c string) { chunks = append(chunks, c) }
	res, err := r.c.Exec("ping " + lab.ServerAddr + " count 2 interval 0.1")
	r.c.OnPartial = nil
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 4 || !strings.HasPrefix(chunks[0], "PING ") || !strings.HasPrefix(chunks[1], "64 bytes from") ||
		!strings.HasPrefix(chunks[2], "64 bytes from") || !strings.Contains(strings.Join(chunks[3:], ""), "2 packets transmitted") || res.Output != "" {
		t.Errorf("streamed ping: got chunks %q and output %q, want header, two replies, statistics, then nothing", chunks, res.Output)
	}
	if out := r.cli("ping 10.0.2.2 routing-instance nope"); !strings.Contains(out, "routing instance nope does not exist") {
		t.Errorf("ping in an unknown routing instance: %s", out)
	}
}
