package servicesd_test

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic"
)

const twoPoolsConf = `
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
        pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20100; } } }
        pool p2 { address 198.51.100.0/30; }
        rule nr {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { napt-44; } } }
            }
            term t2 {
                from { source-address 172.16.0.0/12; }
                then { translated { source-pool p2; translation-type { basic-nat44; } } }
            }
        }
    }
}
`

// TestPluginSessionCommands: the stateful-firewall's flows and NAT's
// mappings, registered by the plugins, list the sessions on the picd's
// data cores; show services nat pool NAME filters; clear services
// stateful-firewall flows empties the flow table.
func TestPluginSessionCommands(t *testing.T) {
	h := start(t)
	h.loadCommit(twoPoolsConf)
	h.waitSynced("ss1")
	ssrb, _ := h.n.Services.SSRB("ss1")
	rt := h.picd().Runtime()
	rt.Port.Arm(0) // capture what leaves
	var raw [][]byte
	for _, src := range []string{"10.0.0.1", "172.16.0.5"} {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr("192.0.2.10"),
			Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn}); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, append([]byte(nil), p.Data...))
	}
	rt.Port.Inject(ssrb.ID, pic.Input, raw...)
	rt.DP.Sync()
	if n := len(rt.Port.Take()); n != 2 {
		t.Fatalf("got %d packets out, want 2", n)
	}

	out := h.cli("show services stateful-firewall flows")
	for _, re := range []string{`Interface: ms-0/0/0, Service set: ss1`, `Flow\s+State\s+Dir\s+Frm count`,
		`TCP\s+10\.0\.0\.1:40000 -> 192\.0\.2\.10:80\s+Forward\s+I\s+1\n`,
		`TCP\s+192\.0\.2\.10:80 -> 203\.0\.113\.1:200\d\d\s+Forward\s+O\s+0\n`,
		`TCP\s+172\.16\.0\.5:40000 -> 192\.0\.2\.10:80\s+Forward\s+I\s+1\n`,
		`TCP\s+192\.0\.2\.10:80 -> 198\.51\.100\.\d:40000\s+Forward\s+O\s+0\n`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("show services stateful-firewall flows lacks %s:\n%s", re, out)
		}
	}
	if out := h.cli("show services stateful-firewall flows | display xml"); strings.Count(out, "<entry>") != 4 ||
		!strings.Contains(out, "<service-sfw-flow-information>") || !strings.Contains(out, "<frame-count>1</frame-count>") {
		t.Errorf("got XML %s, want 4 flow entries", out)
	}

	out = h.cli("show services nat mappings")
	for _, re := range []string{`Interface: ms-0/0/0, Service set: ss1`, `NAT pool: p1\n`, `NAT pool: p2\n`,
		`Mapping\s+: 10\.0\.0\.1:40000\s+--> 203\.0\.113\.1:200\d\d\n\s+Protocol\s+: TCP\n\s+Translation type : napt-44`,
		`Mapping\s+: 172\.16\.0\.5\s+--> 198\.51\.100\.\d\n\s+Protocol\s+: TCP\n\s+Translation type : basic-nat44`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("show services nat mappings lacks %s:\n%s", re, out)
		}
	}

	out = h.cli("show services nat pool p2")
	if !strings.Contains(out, "p2                   dynamic  198.51.100.0-198.51.100.3        1024-65535            1\n") || strings.Contains(out, "p1") {
		t.Errorf("show services nat pool p2: got\n%s", out)
	}
	out = h.cli("show services nat pool p2 detail")
	if !strings.Contains(out, "  NAT pool: p2, Translation type: dynamic\n    Address range: 198.51.100.0-198.51.100.3\n"+
		"    Port range: 1024-65535, Ports in use: 1, Out of port errors: 0\n") || strings.Contains(out, "p1") {
		t.Errorf("show services nat pool p2 detail: got\n%s", out)
	}
	if out := h.cli("show services nat pool detail"); !strings.Contains(out, "  NAT pool: p1, ") || !strings.Contains(out, "  NAT pool: p2, ") {
		t.Errorf("show services nat pool detail: got\n%s\nwant both pools (detail is no pool name)", out)
	}
	if out := h.cli("show services nat pool"); !strings.Contains(out, "\np1 ") || !strings.Contains(out, "\np2 ") {
		t.Errorf("show services nat pool: got\n%s", out)
	}

	h.cli("clear services stateful-firewall flows")
	if out := h.cli("show services sessions count"); !strings.Contains(out, "Number of sessions: 0") {
		t.Errorf("after clear services stateful-firewall flows: got %q, want 0 sessions", out)
	}
	if out := h.cli("show services stateful-firewall flows"); !strings.Contains(out, "Number of flows: 0") {
		t.Errorf("after clear: got\n%s", out)
	}
	if out := h.cli("show services nat mappings"); !strings.Contains(out, "Number of mappings: 0") {
		t.Errorf("after clear: got\n%s", out)
	}
}
