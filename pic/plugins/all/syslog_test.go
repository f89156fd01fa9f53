package all_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

const syslogConf = `
services {
    service-set ss1 { stateful-firewall-rules fw; nat-rules nr; }
    stateful-firewall {
        rule fw {
            match-direction input;
            term web { from { applications junos-http; } then { accept; syslog; } }
            term ping { from { applications junos-icmp-all; } then { discard; syslog; } }
            term quiet { from { destination-address 192.0.2.99/32; } then accept; }
        }
    }
    nat {
        pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20001; } } }
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

// TestSyslogActions: terms with `then syslog` report each decision in
// Junos' words (accept with its application, discard), terms without
// report nothing; a NAT pool that runs out of ports reports it once per
// report with the failures since the last, and nothing when none failed.
func TestSyslogActions(t *testing.T) {
	r := pictest.New(t, pictest.Options{Config: syslogConf, Plugins: []string{sfw.Name, nat.Name}})
	client, server := netip.MustParseAddr("10.1.0.1"), netip.MustParseAddr("192.0.2.10")
	for port := uint16(40000); port < 40004; port++ { // four flows, two ports in the pool
		r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: port, DPort: 80, Flags: pic.TCPSyn})
	}
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoICMP, ICMPType: 0})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: netip.MustParseAddr("192.0.2.99"), Proto: pic.ProtoUDP, SPort: 5, DPort: 6})

	got := r.Report(sfw.Name, "ss1")
	var want []string
	for port := 40000; port < 40004; port++ {
		want = append(want, fmt.Sprintf("JSERVICES_SFW_RULE_ACCEPT: proto 6 (TCP) application: junos-http, 10.1.0.1:%d -> 192.0.2.10:80, Match SFW accept rule-set: , rule: fw, term: web", port))
	}
	want = append(want, "JSERVICES_SFW_RULE_DISCARD: proto 1 (ICMP) application: junos-icmp-all, 10.1.0.1 -> 192.0.2.10, Match SFW discard rule-set: , rule: fw, term: ping")
	if len(got) != len(want) {
		t.Fatalf("stateful firewall reported %d lines, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if line := got[i].Tag + ": " + got[i].Text; line != want[i] || got[i].ServiceSet != "ss1" {
			t.Errorf("line %d: got {%s} %s\nwant {ss1} %s", i, got[i].ServiceSet, line, want[i])
		}
	}
	if again := r.Report(sfw.Name, "ss1"); len(again) != 0 {
		t.Errorf("a second report repeated %d lines", len(again))
	}

	nm := r.Report(nat.Name, "ss1")
	if len(nm) != 1 || nm[0].Tag != "JSERVICES_NAT_OUTOF_PORTS" || nm[0].Text != "natpool p1 is out of ports (3 allocations failed)" {
		t.Fatalf("NAT report: got %+v, want one JSERVICES_NAT_OUTOF_PORTS with 3 failures (two TCP flows, the UDP one)", nm)
	}
	if again := r.Report(nat.Name, "ss1"); len(again) != 0 {
		t.Errorf("NAT reported %+v with no new failure", again)
	}
}
