package services

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// sessionBackend answers session queries with fixed sessions and keeps
// the last query.
type sessionBackend struct {
	fakeBackend
	sessions []pic.SessionInfo
	last     *picd.Query
}

func (b *sessionBackend) QueryPICs(_ context.Context, q *picd.Query) ([]servicesd.PICReply, error) {
	b.last = q
	st := &picd.Status{Sessions: b.sessions, SessionCount: len(b.sessions)}
	return []servicesd.PICReply{{Slot: dataplane.Slot{FPC: 4}, Status: st}}, nil
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// The sessions of Junos' own sample output (a NAT64 ICMPv6 session on
// ms-4/0/0, Junos 17.1) and a TCP session.
var sampleSessions = []pic.SessionInfo{
	{ServiceSet: "ss1", Session: 67108866, Proto: pic.ProtoICMPv6, Side: "input", Timeout: 100, Idle: 3 * time.Second,
		Flows: [2]dataplane.FlowInfo{{Src: ap("[3001::1]:7"), Dst: ap("[1001::401:102]:7"), Packets: 29, Bytes: 3016},
			{Src: ap("[1001::401:102]:7"), Dst: ap("[3001::1]:7"), Packets: 28, Bytes: 2352}},
		Plugins: []dataplane.PluginInfo{{Plugin: "nat", Text: "no translation"}}},
	{ServiceSet: "ss1", Session: 5, Proto: pic.ProtoTCP, Side: "input", Timeout: 1800, TCP: "ESTABLISHED", Core: 1,
		Flows: [2]dataplane.FlowInfo{{Src: ap("10.0.0.1:40000"), Dst: ap("192.0.2.10:80"), Packets: 5, Bytes: 300},
			{Src: ap("192.0.2.10:80"), Dst: ap("203.0.113.1:20001"), Packets: 3, Bytes: 320}}},
}

func runSessions(t *testing.T, b *sessionBackend, args cli.Args) (string, string, error) {
	t.Helper()
	tab := cli.NewTable()
	Commands(tab, b, "")
	c := tab.ByRPC(SessionsRPC)
	e, err := c.Run(context.Background(), nil, args, nil, nil)
	if err != nil {
		return "", "", err
	}
	var text, x strings.Builder
	c.Text(&text, e)
	e.WriteXML(&x, "  ")
	return text.String(), x.String(), nil
}

// TestSessionsLayout: show services sessions in Junos' columns: the flow
// lines of Junos' sample output come out character for character, the
// header names service set and session, extensive adds byte counts and
// flow roles, terse keeps the flows only.
func TestSessionsLayout(t *testing.T) {
	b := &sessionBackend{sessions: sampleSessions}
	junosV6 := "ICMPV6          3001::1        ->   1001::401:102        Forward  I              29\n"
	tcp := "TCP            10.0.0.1:40000  ->      192.0.2.10:80     Forward  I               5\n" +
		"TCP          192.0.2.10:80     ->     203.0.113.1:20001  Forward  O               3\n"
	for _, tc := range []struct {
		name       string
		args       cli.Args
		want, lack []string
	}{
		{"brief", cli.Args{}, []string{"ms-4/0/0\n",
			"Service Set: ss1, Session: 67108866, ALG: none, Flags: 0x0, IP Action: no, Offload: no, Asymmetric: no\n" + junosV6,
			"Service Set: ss1, Session: 5, ALG: none, Flags: 0x0, IP Action: no, Offload: no, Asymmetric: no\n" + tcp},
			[]string{"Byte count", "Plugin Data"}},
		{"extensive", cli.Args{"extensive": ""}, []string{
			"Asymmetric: no, Session timeout: 100\n  Data core: 0, Idle: 3 seconds\nNAT Plugin Data:\n  nat: no translation\n" + junosV6 +
				"  Byte count: 3016\n  Flow role: Initiator, Timeout: 100\n",
			"  Data core: 1, State: ESTABLISHED, Idle: 0 seconds\n",
			"O               3\n  Byte count: 320\n  Flow role: Responder, Timeout: 1800\n"}, nil},
		{"terse", cli.Args{"terse": ""}, []string{"ms-4/0/0\n" + tcp + junosV6}, []string{"Service Set:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, x, err := runSessions(t, b, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("got\n%s\nwant it to contain\n%s", text, w)
				}
			}
			for _, l := range tc.lack {
				if strings.Contains(text, l) {
					t.Errorf("got\n%s\nwant no %q", text, l)
				}
			}
			if !strings.Contains(x, `<msp-session-table junos:style="`+tc.name+`">`) ||
				!strings.Contains(x, "<session-id>67108866</session-id>") || !strings.Contains(x, "<source-port>40000</source-port>") {
				t.Errorf("xml: got\n%s", x)
			}
		})
	}
	_, x, err := runSessions(t, b, cli.Args{"count": "", "service-set": "ss1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<service-msp-sess-count>\n    <interface-name>ms-4/0/0</interface-name>\n    <service-set-name>ss1</service-set-name>\n    <sess-count>2</sess-count>"; !strings.Contains(x, want) {
		t.Errorf("count xml: got\n%s\nwant\n%s", x, want)
	}
}

// TestSessionFilters: protocol (names and numbers), source-port and
// destination-port reach the PIC's query; bad values are errors that
// name the argument.
func TestSessionFilters(t *testing.T) {
	b := &sessionBackend{}
	if _, _, err := runSessions(t, b, cli.Args{"protocol": "gre", "source-port": "0", "destination-port": "53"}); err != nil {
		t.Fatal(err)
	}
	if q := b.last; q.Proto != 47 || q.SrcPort == nil || *q.SrcPort != 0 || q.DstPort == nil || *q.DstPort != 53 {
		t.Errorf("query: got proto %d ports %v %v, want 47, 0, 53", q.Proto, q.SrcPort, q.DstPort)
	}
	if _, _, err := runSessions(t, b, cli.Args{"protocol": "17"}); err != nil || b.last.Proto != 17 || b.last.SrcPort != nil {
		t.Errorf("protocol 17: got %v, proto %d, source port %v", err, b.last.Proto, b.last.SrcPort)
	}
	for args, want := range map[string]cli.Args{
		`invalid value for source-port: "65536"`:    {"source-port": "65536"},
		`invalid value for destination-port: "x"`:   {"destination-port": "x"},
		`invalid value for protocol: "256"`:         {"protocol": "256"},
		"syntax error, expecting tcp, udp, icmp or": {"application-protocol": "17"},
	} {
		if _, _, err := runSessions(t, b, want); err == nil || !strings.Contains(err.Error(), args) {
			t.Errorf("%v: got %v, want an error with %q", want, err, args)
		}
	}
}
