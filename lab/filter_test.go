package lab_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
)

// protectFilter is an input filter on the client side of the router:
// ping and TCP/80 to the server net pass (counted), TCP/81 is reset,
// everything else meets the implicit discard.
var protectFilter = []string{
	"set policy-options prefix-list servers 10.0.2.0/24",
	"set firewall family inet filter protect term ping from protocol icmp",
	"set firewall family inet filter protect term ping then count icmp",
	"set firewall family inet filter protect term ping then accept",
	"set firewall family inet filter protect term web from destination-prefix-list servers",
	"set firewall family inet filter protect term web from protocol tcp",
	"set firewall family inet filter protect term web from destination-port http",
	"set firewall family inet filter protect term web then count web",
	"set firewall family inet filter protect term web then accept",
	"set firewall family inet filter protect term block from protocol tcp",
	"set firewall family inet filter protect term block from destination-port 81",
	"set firewall family inet filter protect term block then count blocked",
	"set firewall family inet filter protect term block then reject tcp-reset",
	"set interfaces ge-0/0/0 unit 0 family inet filter input protect",
}

// counter returns the packets of counter name in `show firewall`.
func counter(t *testing.T, out, name string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s+(\d+)\s+(\d+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no counter %s in:\n%s", name, out)
	}
	n, _ := strconv.Atoi(m[2])
	return n
}

// TestLiveFirewallFilter: a Junos input filter on ge-0/0/0.0 is
// enforced by nftables in the router's namespace: what it accepts
// passes and is counted, TCP/81 gets a reset, UDP meets the implicit
// discard; show firewall reads the kernel's counters, clear firewall
// zeroes them; deleting the filter restores plain forwarding and removes
// gnos' nftables table.
func TestLiveFirewallFilter(t *testing.T) {
	r := startLab(t, "filter")
	srv, err := lab.Serve(r.lab.Server, 80, 81)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r.configure(baseConfig...)
	plain(t, r)

	r.configure(protectFilter...)
	if out, err := lab.Exec(r.lab.Router, "nft", "list", "table", "inet", "gnos"); err != nil || !strings.Contains(out, "chain input") {
		t.Fatalf("nft list table inet gnos: %v\n%s", err, out)
	}
	eventually(t, "ping through the filter", func() error { return lab.Ping(r.lab.Client, lab.ServerAddr) })
	if seen, err := lab.TCPExchange(r.lab.Client, web, 3*time.Second); err != nil || seen != lab.ClientAddr {
		t.Errorf("TCP/80 through the filter: %q, %v", seen, err)
	}
	if _, err := lab.TCPExchange(r.lab.Client, other, 3*time.Second); !lab.IsRefused(err) {
		t.Errorf("TCP/81: got %v, want connection refused (the filter's tcp-reset)", err)
	}
	if _, err := lab.UDPExchange(r.lab.Client, echo, 1, 100, time.Second); err == nil {
		t.Errorf("UDP went through the filter's implicit discard")
	}
	out := r.cli("show firewall")
	if !strings.Contains(out, "Filter: protect\nCounters:\nName                                                Bytes              Packets\n") {
		t.Errorf("show firewall layout:\n%s", out)
	}
	if counter(t, out, "icmp") < 1 || counter(t, out, "web") < 3 || counter(t, out, "blocked") != 1 {
		t.Errorf("counters after ping, one TCP/80 exchange and one TCP/81 attempt:\n%s", out)
	}
	if x := r.cli("show firewall filter protect | display xml"); !strings.Contains(x, "<counter-name>blocked</counter-name>") {
		t.Errorf("show firewall | display xml:\n%s", x)
	}
	r.cli("clear firewall all")
	if out := r.cli("show firewall"); counter(t, out, "icmp")+counter(t, out, "web")+counter(t, out, "blocked") != 0 {
		t.Errorf("counters after clear firewall all:\n%s", out)
	}

	r.configure("delete interfaces ge-0/0/0 unit 0 family inet filter", "delete firewall", "delete policy-options")
	plain(t, r)
	if out, err := lab.Exec(r.lab.Router, "nft", "list", "tables"); err != nil || strings.Contains(out, "gnos") {
		t.Errorf("gnos' table is left after the filters were deleted: %v\n%s", err, out)
	}
}
