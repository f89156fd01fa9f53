package gnmi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
)

// picSet is a services PIC with one service-set (sfw then nat) set
// up by a gNMI Set, in Junos JSON shapes.
const picSet = `{
 "chassis": {"fpc": [{"name": 0, "pic": [{"name": 0, "adaptive-services": {"service-package": {"extension-provider": {
   "data-cores": 1, "object-cache-size": 64, "policy-db-size": 16, "package": ["stateful-firewall", "nat"]}}}}]}]},
 "services": {
  "service-set": [{"name": "ss1", "stateful-firewall-rules": [{"name": "fw"}], "nat-rules": [{"name": "nr"}],
    "interface-service": {"service-interface": "ms-0/0/0"}}],
  "stateful-firewall": {"rule": [{"name": "fw", "match-direction": "input",
    "term": [{"name": "web", "from": {"applications": ["junos-http"]}, "then": {"accept": [null]}}]}]},
  "nat": {"pool": [{"name": "p1", "address": [{"name": "203.0.113.1/32"}]}],
   "rule": [{"name": "nr", "match-direction": "input", "term": [{"name": "t1",
     "from": {"source-address": [{"name": "10.0.0.0/8"}]},
     "then": {"translated": {"source-pool": "p1", "translation-type": {"napt-44": [null]}}}}]}]}
 }
}`

// cliRun runs operational commands through the management socket.
func cliRun(t *testing.T, n *compose.Node, lines ...string) string {
	t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, err := c.RunLines(lines...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStreamCountersWithTraffic: a service-set configured by a gNMI Set
// reaches the PIC; a SAMPLE subscription of the PIC's data-path counters
// sees the packets a traffic generator sends through it, and /state
// lists the service-set with its id, generation and session count.
func TestStreamCountersWithTraffic(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	admin := dial(t, n, "admin", "admin123")
	if _, err := admin.Set(context.Background(), &gpb.SetRequest{Update: []*gpb.Update{{Path: &gpb.Path{}, Val: jsonVal(picSet)}}}); err != nil {
		t.Fatal(err)
	}
	ssrb, ok := n.Services.SSRB("ss1")
	if !ok {
		t.Fatal("servicesd has no SSRB for ss1 after the Set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := n.Services.WaitAck(ctx, dataplane.Slot{}, ssrb.ID, ssrb.Gen); err != nil {
		t.Fatal(err)
	}
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, Subscription: []*gpb.Subscription{
		sub("/state/chassis/pic/data-path/rx-packets", gpb.SubscriptionMode_SAMPLE, 2*time.Second),
		sub("/state/services/service-set[name=ss1]/generation", gpb.SubscriptionMode_SAMPLE, 2*time.Second)}})
	ev.expect(t, "update /state/chassis/pic/0/0/data-path/rx-packets = 0")
	ev.expect(t, "update /state/services/service-set/ss1/generation = "+itoa(ssrb.Gen))
	for ev.next(t) != "sync" {
	}
	out := cliRun(t, n, "request services traffic generate service-set ss1 flows 50 packets 4 source-prefix 10.1.0.0/24 destination-prefix 192.0.2.10 destination-port 80")
	if strings.Contains(out, "error") {
		t.Fatalf("generate: %s", out)
	}
	testkit.Until(t, "the generator to finish", func() bool { return strings.Contains(cliRun(t, n, "show services traffic"), "done") })
	clk.Advance(2 * time.Second)
	ev.expect(t, "update /state/chassis/pic/0/0/data-path/rx-packets = 200")

	// the nat plugin's pool use: one translation a flow
	got, err := getJSON(t, admin, "/state/services/nat/pool[name=p1][service-set=ss1]", gpb.Encoding_JSON_IETF)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"translations-in-use":"50"`, `"address-range":"203.0.113.1-203.0.113.1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("NAT pool state %s: want %s", got, want)
		}
	}
	// the service-set's own session count: one session a flow
	got, err = getJSON(t, admin, "/state/services/service-set[name=ss1]/sessions", gpb.Encoding_JSON_IETF)
	if err != nil {
		t.Fatal(err)
	}
	if got != `"50"` {
		t.Errorf("service-set ss1 sessions = %s, want \"50\"", got)
	}
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
