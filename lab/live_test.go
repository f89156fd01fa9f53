package lab_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
	"github.com/gnos/gnos/pic/dataplane"
)

// router is a gnos node managing a lab's router namespace.
type router struct {
	t   testing.TB
	lab *lab.Lab
	n   *compose.Node
	c   *cli.Client
}

func startLab(t testing.TB, name string) *router {
	t.Helper()
	l := labtest.Up(t, name)
	ns, err := lab.Handle(l.Router)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	n, err := compose.Start(context.Background(), compose.Options{DataDir: t.TempDir(), NoSync: true,
		Log:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		NetconfAddr: "127.0.0.1:0", Live: &compose.Live{NetNS: ns}})
	if err != nil {
		t.Fatal(err)
	}
	r := &router{t: t, lab: l, n: n}
	t.Cleanup(func() { r.n.Close() }) // the node of the end: a test may restart it
	if r.c, err = cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.c.Close() })
	return r
}

// cli runs lines through the CLI engine and returns the output.
func (r *router) cli(lines ...string) string {
	r.t.Helper()
	out, _, err := r.c.RunLines(lines...)
	if err != nil {
		r.t.Fatalf("%q: %v", lines, err)
	}
	return out
}

// configure runs configuration lines, commits, and waits until the PIC
// holds every service-set of the new configuration.
func (r *router) configure(lines ...string) {
	r.t.Helper()
	out := r.cli(append(append([]string{"configure"}, lines...), "commit", "exit configuration-mode")...)
	if !strings.Contains(out, "commit complete") {
		r.t.Fatalf("commit failed:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	slot := dataplane.Slot{}
	for _, s := range []string{"fw", "nat"} {
		if ss, ok := r.n.Services.SSRB(s); ok {
			if err := r.n.Services.WaitAck(ctx, slot, ss.ID, ss.Gen); err != nil {
				r.t.Fatalf("PIC never acknowledged %s: %v", s, err)
			}
		}
	}
}

// eventually waits for cond (testkit.Eventually).
func eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	testkit.Eventually(t, what, cond)
}

var baseConfig = []string{
	"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 2",
	"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider object-cache-size 64",
	"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider policy-db-size 16",
	"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall",
	"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package nat",
	"set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
	"set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
	"set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8:1::1/64",
	"set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:2::1/64",
}

// nextHop puts a service-set between client and server, next-hop style:
// traffic to the server net is routed into the inside unit, traffic back
// (to the client net, or to the NAT pool) into the outside unit.
var nextHop = []string{
	"set interfaces ms-0/0/0 unit 1 family inet",
	"set interfaces ms-0/0/0 unit 1 service-domain inside",
	"set interfaces ms-0/0/0 unit 2 family inet",
	"set interfaces ms-0/0/0 unit 2 service-domain outside",
	"set routing-options static route 10.0.2.0/24 next-hop ms-0/0/0.1",
	"set routing-options static route 10.0.1.0/24 next-hop ms-0/0/0.2",
	"set routing-options rib inet6.0 static route 2001:db8:2::/64 next-hop ms-0/0/0.1",
	"set routing-options rib inet6.0 static route 2001:db8:1::/64 next-hop ms-0/0/0.2",
}

var firewall = []string{
	"set applications application tcp-any protocol tcp",
	"set services stateful-firewall rule fw match-direction input",
	"set services stateful-firewall rule fw term web from applications junos-http",
	"set services stateful-firewall rule fw term web then accept",
	"set services stateful-firewall rule fw term other-tcp from applications tcp-any",
	"set services stateful-firewall rule fw term other-tcp then reject",
	"set services service-set fw stateful-firewall-rules fw",
	"set services service-set fw next-hop-service inside-service-interface ms-0/0/0.1",
	"set services service-set fw next-hop-service outside-service-interface ms-0/0/0.2",
}

var nat = []string{
	"set services nat pool p1 address 203.0.113.1/32",
	"set services nat pool p1 port range low 20000 high 20999",
	"set services nat rule nr match-direction input",
	"set services nat rule nr term t1 from source-address 10.0.1.0/24",
	"set services nat rule nr term t1 then translated source-pool p1",
	"set services nat rule nr term t1 then translated translation-type napt-44",
	"set services service-set nat nat-rules nr",
	"set services service-set nat next-hop-service inside-service-interface ms-0/0/0.1",
	"set services service-set nat next-hop-service outside-service-interface ms-0/0/0.2",
	"set routing-options static route 203.0.113.1/32 next-hop ms-0/0/0.2",
}

const (
	web    = lab.ServerAddr + ":80"
	other  = lab.ServerAddr + ":81"
	echo   = lab.ServerAddr + ":7"
	web6   = "[" + lab.ServerAddr6 + "]:80"
	other6 = "[" + lab.ServerAddr6 + "]:81"
)

// plain checks ping, TCP and UDP pass and the server sees the client.
func plain(t *testing.T, r *router) {
	t.Helper()
	eventually(t, "ping client -> server", func() error { return lab.Ping(r.lab.Client, lab.ServerAddr) })
	for _, addr := range []string{web, other} {
		seen, err := lab.TCPExchange(r.lab.Client, addr, 3*time.Second)
		if err != nil || seen != lab.ClientAddr {
			t.Errorf("TCP to %s: server saw %q, %v; want %s", addr, seen, err, lab.ClientAddr)
		}
	}
	if _, err := lab.UDPExchange(r.lab.Client, echo, 3, 100, 3*time.Second); err != nil {
		t.Errorf("UDP exchange: %v", err)
	}
	eventually(t, "TCP over IPv6 (the router's addresses pass duplicate address detection first)", func() error {
		seen, err := lab.TCPExchange(r.lab.Client, web6, 2*time.Second)
		if err == nil && seen != lab.ClientAddr6 {
			return fmt.Errorf("server saw %s, want %s", seen, lab.ClientAddr6)
		}
		return err
	})
}

func TestLiveDataPlane(t *testing.T) {
	r := startLab(t, "live")
	srv, err := lab.Serve(r.lab.Server, 80, 81)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	t.Log("plain forwarding, no service-set")
	r.configure(baseConfig...)
	plain(t, r)

	showInterfaces(t, r)

	t.Log("a commit naming a link Linux does not have fails and changes nothing")
	before, _ := lab.Exec(r.lab.Router, "ip", "addr")
	out := r.cli("configure", "set interfaces ge-0/0/0 unit 0 family inet address 10.0.9.1/24",
		"set interfaces ge-0/0/7 unit 0 family inet address 10.0.7.1/24", "commit")
	if !strings.Contains(out, "Linux link ge-0-0-7 (for ge-0/0/7) does not exist") || strings.Contains(out, "commit complete") {
		t.Errorf("commit naming ge-0/0/7: got\n%s\nwant it refused", out)
	}
	r.cli("rollback 0", "exit configuration-mode")
	if after, _ := lab.Exec(r.lab.Router, "ip", "addr"); after != before {
		t.Errorf("the failed commit changed Linux:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	t.Log("next-hop stateful firewall: only TCP/80")
	r.configure(append(append([]string{}, nextHop...), firewall...)...)
	firewalled(t, r, "the firewall")
	if err := lab.Ping(r.lab.Client, lab.ServerAddr); err == nil {
		t.Errorf("ping through the firewall: got an answer, want none (dropped)")
	}
	out = r.cli("show services sessions")
	if !regexp.MustCompile(`Service Set: fw.*\n.*TCP\s+10\.0\.1\.2:\d+ -> 10\.0\.2\.2:80\s+Forward\s+\d+`).MatchString(out) {
		t.Errorf("show services sessions lacks the TCP/80 session:\n%s", out)
	}
	if !regexp.MustCompile(`TCP\s+\[2001:db8:1::2\]:\d+ -> \[2001:db8:2::2\]:80\s+Forward\s+[1-9]`).MatchString(out) {
		t.Errorf("show services sessions lacks the IPv6 TCP/80 session:\n%s", out)
	}
	if strings.Contains(out, ":81 ") || strings.Contains(out, "UDP") || strings.Contains(out, "ICMPV6") {
		t.Errorf("show services sessions shows refused or dropped traffic, or the router's own:\n%s", out)
	}

	t.Log("next-hop NAT")
	r.configure(append([]string{"delete services service-set fw"}, nat...)...)
	eventually(t, "TCP through NAT", func() error {
		seen, err := lab.TCPExchange(r.lab.Client, web, 2*time.Second)
		if err == nil && seen != "203.0.113.1" {
			return fmt.Errorf("server saw %s, want the pool address 203.0.113.1", seen)
		}
		return err
	})
	local, err := lab.UDPExchange(r.lab.Client, echo, 3, 100, 3*time.Second)
	if err != nil {
		t.Fatalf("UDP through NAT: %v", err)
	}
	if got := srv.UDPPeer(); got != "203.0.113.1" {
		t.Errorf("UDP through NAT: server saw %s, want 203.0.113.1", got)
	}
	// 3 datagrams each way, 20 + 8 + 100 bytes each.
	udp := regexp.MustCompile(`Service Set: nat.*\n` +
		`UDP\s+` + regexp.QuoteMeta(local) + ` -> 10\.0\.2\.2:7\s+Forward\s+3\s+384\n` +
		`UDP\s+10\.0\.2\.2:7 -> 203\.0\.113\.1:\d+\s+Reverse\s+3\s+384\n`)
	if out := r.cli("show services sessions"); !udp.MatchString(out) {
		t.Errorf("show services sessions: want the UDP session of %s with 3 packets / 384 bytes each way, got:\n%s", local, out)
	}

	t.Log("delete the service-set: plain forwarding again")
	r.configure("delete services", "delete applications", "delete interfaces ms-0/0/0", "delete routing-options")
	plain(t, r)
	if out := r.cli("show services sessions"); strings.Contains(out, "Service Set:") {
		t.Errorf("sessions remain after the service-sets were deleted:\n%s", out)
	}
}

// firewalled checks the firewall rules of firewall hold, over IPv4 and
// IPv6: TCP/80 passes (once the commit took effect), TCP/81 is refused,
// UDP dropped.
func firewalled(t *testing.T, r *router, what string) {
	t.Helper()
	eventually(t, "TCP/80 through "+what, func() error {
		seen, err := lab.TCPExchange(r.lab.Client, web, 2*time.Second)
		if err == nil && seen != lab.ClientAddr {
			return fmt.Errorf("server saw %s, want %s", seen, lab.ClientAddr)
		}
		return err
	})
	if _, err := lab.TCPExchange(r.lab.Client, other, 2*time.Second); !lab.IsRefused(err) {
		t.Errorf("TCP/81 through the firewall: got %v, want connection refused (RST)", err)
	}
	if _, err := lab.UDPExchange(r.lab.Client, echo, 1, 100, time.Second); !lab.IsTimeout(err) {
		t.Errorf("UDP through the firewall: got %v, want no answer (dropped)", err)
	}
	if seen, err := lab.TCPExchange(r.lab.Client, web6, 2*time.Second); err != nil || seen != lab.ClientAddr6 {
		t.Errorf("TCP/80 over IPv6 through the firewall: server saw %q, %v; want %s", seen, err, lab.ClientAddr6)
	}
	if _, err := lab.TCPExchange(r.lab.Client, other6, 2*time.Second); !lab.IsRefused(err) {
		t.Errorf("TCP/81 over IPv6 through the firewall: got %v, want connection refused (RST)", err)
	}
}

// showInterfaces checks show interfaces reports netlink's state and
// counters: the links are up and have carried the traffic just sent.
func showInterfaces(t *testing.T, r *router) {
	t.Helper()
	out := r.cli("show interfaces extensive ge-0/0/0")
	for _, re := range []string{
		`Physical interface: ge-0/0/0, Enabled, Physical link is Up\n`,
		`Interface index: \d+, SNMP ifIndex: \d+, Linux name: ge-0-0-0\n`,
		`Link-level type: Ethernet, MTU: 1514, Link-mode: Full-duplex, Speed: Unspecified\n`,
		`Current address: [0-9a-f:]{17}, Hardware address: [0-9a-f:]{17}\n`,
		`Input  packets:\s+[1-9]\d*\n`,
		`Output packets:\s+[1-9]\d*\n`,
		`Logical interface ge-0/0/0.0 \(Index \d+\) \(SNMP ifIndex \d+\)\n`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("show interfaces extensive ge-0/0/0 lacks %s:\n%s", re, out)
		}
	}
	out = r.cli("show interfaces terse")
	if !regexp.MustCompile(`ge-0/0/1.0\s+up\s+up\s+inet\s+10.0.2.1/24`).MatchString(out) {
		t.Errorf("show interfaces terse: got\n%s\nwant ge-0/0/1.0 up up with 10.0.2.1/24", out)
	}
}

// Interface-style: the firewall is applied to the client-facing
// interface, input and output; policy routing steers what arrives on it
// and what is about to leave by it into the service interface.
func TestLiveInterfaceStyle(t *testing.T) {
	r := startLab(t, "ifs")
	srv, err := lab.Serve(r.lab.Server, 80, 81)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r.configure(baseConfig...)
	plain(t, r)

	r.configure(append(append([]string{}, firewall[:6]...),
		"set services service-set fw stateful-firewall-rules fw",
		"set services service-set fw interface-service service-interface ms-0/0/0",
		"set interfaces ge-0/0/0 unit 0 family inet service input service-set fw",
		"set interfaces ge-0/0/0 unit 0 family inet service output service-set fw")...)
	firewalled(t, r, "the interface-style firewall")
	out := r.cli("show services sessions")
	if !regexp.MustCompile(`Service Set: fw.*\n.*TCP\s+10\.0\.1\.2:\d+ -> 10\.0\.2\.2:80\s+Forward\s+[1-9]\d*\s+\d+\n.*TCP\s+10\.0\.2\.2:80 -> 10\.0\.1\.2:\d+\s+Reverse\s+[1-9]`).MatchString(out) {
		t.Errorf("show services sessions lacks the TCP/80 session, both ways:\n%s", out)
	}
	if got, _ := lab.Exec(r.lab.Router, "ip", "-6", "rule"); !strings.Contains(got, "to 2001:db8:1::/64 lookup") {
		t.Errorf("IPv6 steering rules: got\n%s\nwant to 2001:db8:1::/64 (output)", got)
	}
	if got, _ := lab.Exec(r.lab.Router, "ip", "rule"); !strings.Contains(got, "iif ge-0-0-0 lookup") || !strings.Contains(got, "to 10.0.1.0/24 lookup") {
		t.Errorf("steering rules: got\n%s\nwant iif ge-0-0-0 (input) and to 10.0.1.0/24 (output)", got)
	}

	r.configure("delete services", "delete applications", "delete interfaces ge-0/0/0 unit 0 family inet service")
	plain(t, r)
	if got, _ := lab.Exec(r.lab.Router, "ip", "rule"); strings.Contains(got, "ge-0-0-0") {
		t.Errorf("steering rules left after the service-set went:\n%s", got)
	}
}
