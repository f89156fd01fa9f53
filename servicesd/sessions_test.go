package servicesd_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

const sessionsConf = `
chassis {
    fpc 0 { pic 0 { adaptive-services { service-package { extension-provider {
        data-cores 2; object-cache-size 64; policy-db-size 16;
        package stateful-firewall; package nat;
    } } } } }
}
services {
    service-set ss1 {
        stateful-firewall-rules fw;
        nat-rules nr;
        interface-service { service-interface ms-0/0/0; }
    }
    stateful-firewall {
        rule fw { match-direction input; term web { from { applications junos-http; } then accept; } }
    }
    nat {
        pool p1 { address 203.0.113.1/32; }
        rule nr {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { napt-44; } } }
            }
        }
    }
}
`

// TestShowSessions: a committed service-set with stateful-firewall then nat
// runs on the picd's data cores; traffic through the PIC's port shows up
// in show services sessions (NAT in extensive), drops in the statistics,
// and clear services sessions empties the table.
func TestShowSessions(t *testing.T) {
	h := start(t)
	h.loadCommit(sessionsConf)
	h.waitSynced("ss1")
	ssrb, _ := h.n.Services.SSRB("ss1")
	rt := h.picd().Runtime()
	rt.Port.Arm(0) // capture what leaves
	var raw [][]byte
	for i, dport := range []uint16{80, 80, 80, 23} { // three web sessions, one discarded
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, 0, 0, byte(1 + i)}), Dst: netip.MustParseAddr("192.0.2.10"),
			Proto: pic.ProtoTCP, SPort: 40000, DPort: dport, Flags: pic.TCPSyn}); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, append([]byte(nil), p.Data...))
	}
	rt.Port.Inject(ssrb.ID, pic.Input, raw...)
	rt.DP.Sync()
	if n := len(rt.Port.Take()); n != 3 {
		t.Fatalf("got %d packets out, want 3", n)
	}
	out := h.cli("show services sessions extensive")
	for _, want := range []string{"ms-0/0/0", "Service Set: ss1", "State: SYN-SENT",
		"TCP            10.0.0.1:40000  ->      192.0.2.10:80     Forward  I               1\n", "stateful-firewall: accepted by rule fw term web",
		"nat: napt-44 source 10.0.0.1:40000 -> 203.0.113.1:"} {
		if !strings.Contains(out, want) {
			t.Errorf("show services sessions extensive lacks %q:\n%s", want, out)
		}
	}
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 3") {
		t.Errorf("got %q, want 3 sessions", out)
	}
	if out := h.cli("show services sessions source-prefix 10.0.0.2/32 | display xml"); strings.Count(out, "<msp-session>") != 1 {
		t.Errorf("got %q, want the one session from 10.0.0.2", out)
	}
	if out := h.cli("show services sessions source-prefix 10.0.0.2 | display xml"); strings.Count(out, "<msp-session>") != 1 {
		t.Errorf("bare address: got %q, want the one session from 10.0.0.2", out)
	}
	if out := h.cli("show services sessions destination-prefix 192.0.2"); !strings.Contains(out, `invalid value for destination-prefix: "192.0.2"`) {
		t.Errorf("bad prefix: got %q, want an error", out)
	}
	if out := h.cli("show services service-sets statistics packet-drops"); !strings.Contains(out, "policy drops:          1") {
		t.Errorf("got %q, want one policy drop", out)
	}
	out = h.cli("show services nat pool", "show services stateful-firewall statistics")
	for _, want := range []string{"p1                   dynamic  203.0.113.1-203.0.113.1          1024-65535            3\n",
		"Rule Accepts: 3, Rule Discards: 0, Rule Rejects: 0\n", "No rule matched: 1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("plugin commands lack %q:\n%s", want, out)
		}
	}
	h.cli("clear services sessions service-set ss1")
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 0") {
		t.Errorf("after clear: got %q, want 0 sessions", out)
	}
	if out := h.cli("show services nat pool"); !regexp.MustCompile(`\np1 +dynamic +203\.0\.113\.1-203\.0\.113\.1 +\d+-\d+ +0\n`).MatchString(out) {
		t.Errorf("after clear: got %q, want the pool's ports released", out)
	}
}

// openWeb opens n web sessions through ss1 (sessionsConf), from 10.0.i>>8.i.
func (h *harness) openWeb(n int) {
	h.t.Helper()
	ssrb, _ := h.n.Services.SSRB("ss1")
	rt := h.picd().Runtime()
	var raw [][]byte
	for i := range n {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), Dst: netip.MustParseAddr("192.0.2.10"),
			Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn}); err != nil {
			h.t.Fatal(err)
		}
		raw = append(raw, append([]byte(nil), p.Data...))
	}
	rt.Port.Inject(ssrb.ID, pic.Input, raw...)
	rt.DP.Sync()
	if st := rt.DP.Stats(); st.Sessions != int64(n) {
		h.t.Fatalf("got %d sessions, want %d", st.Sessions, n)
	}
}

// TestShowSessionsPages: the PIC counts on its own and lists in bounded
// pages, which the CLI follows up to `limit N` (all without it); a bad
// limit is an error.
func TestShowSessionsPages(t *testing.T) {
	h := start(t)
	h.loadCommit(sessionsConf)
	h.waitSynced("ss1")
	const n = 2*dataplane.MaxPage + 300
	h.openWeb(n)
	if out := h.cli("show services sessions count"); !strings.Contains(out, fmt.Sprintf("Number of sessions: %d\n", n)) {
		t.Errorf("count: got %q, want %d sessions", out, n)
	}
	if out := h.cli("show services sessions count source-prefix 10.1.1.0/24"); !strings.Contains(out, "Number of sessions: 256\n") {
		t.Errorf("filtered count: got %q, want 256 sessions", out)
	}
	for _, tc := range []struct {
		cmd  string
		want int
	}{
		{"show services sessions", n},
		{"show services sessions limit 5", 5},
		{fmt.Sprintf("show services sessions limit %d", dataplane.MaxPage+10), dataplane.MaxPage + 10},
		{fmt.Sprintf("show services sessions limit %d", 10*n), n},
	} {
		out := h.cli(tc.cmd)
		if got := strings.Count(out, "Service Set: ss1"); got != tc.want {
			t.Errorf("%s: got %d sessions, want %d", tc.cmd, got, tc.want)
		}
		if strings.Count(out, "10.1.0.7:40000 -> 192.0.2.10:80") > 1 {
			t.Errorf("%s: a session listed twice", tc.cmd)
		}
	}
	// a plugin's session command is paged the same way (two flows a session)
	if got := strings.Count(h.cli("show services stateful-firewall flows | display xml"), "<entry>"); got != 2*n {
		t.Errorf("stateful-firewall flows: got %d, want %d", got, 2*n)
	}
	for _, bad := range []string{"0", "-3", "many"} {
		if out := h.cli("show services sessions limit " + bad); !strings.Contains(out, "error: invalid limit: "+bad) {
			t.Errorf("limit %s: got %q, want an error", bad, out)
		}
	}
}

// TestShowSessionsTimeout: a session query the PIC cannot finish (its data
// cores are held here) prints an error instead of nothing, and meanwhile
// the PIC's control loop answers everything else and keeps its heartbeat.
func TestShowSessionsTimeout(t *testing.T) {
	h := start(t)
	h.loadCommit(sessionsConf)
	h.waitSynced("ss1")
	h.openWeb(10)
	rt := h.picd().Runtime()
	hold, held := make(chan struct{}), make(chan struct{}, rt.DP.Cores())
	go rt.DP.Do(func(*dataplane.Core) { held <- struct{}{}; <-hold })
	for range rt.DP.Cores() {
		<-held
	}
	done := make(chan string)
	go func() { done <- h.cli("show services sessions count service-set ss1") }() // a walk (unfiltered, the counters answer)
	if out := h.cli("show chassis pic fpc-slot 0 pic-slot 0"); !strings.Contains(out, "State") || strings.Contains(out, "error") {
		t.Errorf("show chassis pic during a session walk: got %q", out)
	}
	out := <-done
	close(hold)
	if !strings.Contains(out, "error: fpc 0 pic 0: the session query timed out") {
		t.Errorf("got %q, want the PIC's timeout as an error", out)
	}
	if !h.picdConnected() {
		t.Error("the PIC lost its stream during the walk")
	}
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 10\n") {
		t.Errorf("after the cores resumed: got %q, want 10 sessions", out)
	}
}
