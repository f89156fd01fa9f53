package servicesd_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic"
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
		"10.0.0.1:40000 -> 192.0.2.10:80", "stateful-firewall: accepted by rule fw term web",
		"nat: napt-44 source 10.0.0.1:40000 -> 203.0.113.1:"} {
		if !strings.Contains(out, want) {
			t.Errorf("show services sessions extensive lacks %q:\n%s", want, out)
		}
	}
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 3") {
		t.Errorf("got %q, want 3 sessions", out)
	}
	if out := h.cli("show services sessions source-prefix 10.0.0.2/32 | display xml"); strings.Count(out, "<service-session>") != 1 {
		t.Errorf("got %q, want the one session from 10.0.0.2", out)
	}
	if out := h.cli("show services sessions source-prefix 10.0.0.2 | display xml"); strings.Count(out, "<service-session>") != 1 {
		t.Errorf("bare address: got %q, want the one session from 10.0.0.2", out)
	}
	if out := h.cli("show services sessions destination-prefix 192.0.2"); !strings.Contains(out, `invalid value for destination-prefix: "192.0.2"`) {
		t.Errorf("bad prefix: got %q, want an error", out)
	}
	if out := h.cli("show services service-sets statistics packet-drops"); !strings.Contains(out, "policy drops:          1") {
		t.Errorf("got %q, want one policy drop", out)
	}
	out = h.cli("show services nat pool", "show services stateful-firewall statistics")
	for _, want := range []string{"pool name:               p1", "pool address range:      203.0.113.1-203.0.113.1",
		"translations in use:     3", "sessions accepted:       3", "no rule matched:         1"} {
		if !strings.Contains(out, want) {
			t.Errorf("plugin commands lack %q:\n%s", want, out)
		}
	}
	h.cli("clear services sessions service-set ss1")
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 0") {
		t.Errorf("after clear: got %q, want 0 sessions", out)
	}
	if out := h.cli("show services nat pool"); !strings.Contains(out, "translations in use:     0") {
		t.Errorf("after clear: got %q, want the pool's ports released", out)
	}
}
