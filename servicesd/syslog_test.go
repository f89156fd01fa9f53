package servicesd_test

import (
	"context"
	"regexp"
	"strconv"
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
	// The PIC reports with its heartbeat: the generator being done does
	// not mean the cores have handled every packet, so the lines may come
	// over several heartbeats; each advance makes one more, and a status
	// round trip (PICs) after it, on the same stream, has servicesd log
	// that heartbeat's lines before the file is read.
	fails := regexp.MustCompile(`JSERVICES_NAT_OUTOF_PORTS: natpool p1 is out of ports \((\d+) allocations failed\)`)
	var out string
	failed := 0
	testkit.Until(t, "the PIC's events in the messages file", func() bool {
		h.clk.Advance(picd.HeartbeatInterval)
		if _, err := h.n.Services.PICs(context.Background()); err != nil {
			t.Fatal(err)
		}
		out = h.cli("show log messages")
		failed = 0
		for _, m := range fails.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			failed += n
		}
		return strings.Count(out, "JSERVICES_SFW_RULE_ACCEPT") >= 4 && failed >= 2
	})
	for _, w := range []string{
		"(FPC Slot 0, PIC Slot 0) {ss1}[FWNAT]: JSERVICES_SFW_RULE_ACCEPT: proto 6 (TCP) application: junos-http, 10.1.0.1:",
		" -> 192.0.2.10:80, Match SFW accept rule-set: , rule: fw, term: web",
		"(FPC Slot 0, PIC Slot 0) {ss1}[FWNAT]: JSERVICES_NAT_OUTOF_PORTS: natpool p1 is out of ports (",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("show log messages: want %q in\n%s", w, out)
		}
	}
	if n := strings.Count(out, "JSERVICES_SFW_RULE_ACCEPT"); n != 4 || failed != 2 {
		t.Errorf("got %d accept lines and %d NAT failures, want one a flow (4) and 2:\n%s", n, failed, out)
	}
}
