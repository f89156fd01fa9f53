package servicesd_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/picd"
)

// syslogConf is sessionsConf with the firewall term logging (`then
// syslog`), a NAT pool of two ports and a messages file taking
// everything.
var syslogConf = strings.NewReplacer(
	"then accept; }", "then { accept; syslog; } }",
	"pool p1 { address 203.0.113.1/32; }", "pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20001; } } }",
).Replace(sessionsConf) + `
system { syslog { file messages { any any; } } }
`

// TestPICEventsInSystemLog: the stateful firewall's syslog action and a
// NAT pool running out of ports reach the system log with the PIC's
// heartbeat, in Junos' form: the PIC and service-set, the JSERVICES tag,
// the session.
func TestPICEventsInSystemLog(t *testing.T) {
	h := start(t)
	h.loadCommit(syslogConf)
	h.waitSynced("ss1")
	h.cli("request services traffic generate service-set ss1 flows 4 packets 1 source-prefix 10.1.0.1/32 destination-prefix 192.0.2.10 destination-port 80")
	testkit.Until(t, "the generator to finish", func() bool { return strings.Contains(h.cli("show services traffic"), "done") })
	h.clk.Advance(picd.HeartbeatInterval) // the PIC reports with its heartbeat
	want := []string{
		"(FPC Slot 0, PIC Slot 0) {ss1}[FWNAT]: JSERVICES_SFW_RULE_ACCEPT: proto 6 (TCP) application: junos-http, 10.1.0.1:",
		" -> 192.0.2.10:80, Match SFW accept rule-set: , rule: fw, term: web",
		"(FPC Slot 0, PIC Slot 0) {ss1}[FWNAT]: JSERVICES_NAT_OUTOF_PORTS: natpool p1 is out of ports (2 allocations failed)",
	}
	var out string
	testkit.Until(t, "the PIC's events in the messages file", func() bool {
		out = h.cli("show log messages")
		return strings.Contains(out, "JSERVICES_NAT_OUTOF_PORTS")
	})
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("show log messages: want %q in\n%s", w, out)
		}
	}
	if n := strings.Count(out, "JSERVICES_SFW_RULE_ACCEPT"); n != 4 {
		t.Errorf("got %d accept lines, want one a flow (4):\n%s", n, out)
	}
}
