package all_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

// TestSessionShowers: the plugins' session commands run on the data cores
// with each plugin's own session state: the firewall lists the flows of
// accepted sessions, NAT the translations; rejected traffic lists nowhere.
func TestSessionShowers(t *testing.T) {
	r := newRig(t, 3, 16<<20)
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn, Seq: 1})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40001, DPort: 23, Flags: pic.TCPSyn, Seq: 1})
	o := r.Take()
	if len(o) != 3 {
		t.Fatalf("got %d packets out, want 3", len(o))
	}
	flows, _, _, err := r.DP.PluginRows(context.Background(), pic.Lookup(sfw.Name).Slot(), sfw.FlowsRPC, dataplane.Cursor{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(flows) != 4 {
		t.Fatalf("got %d flows, want 4 (two sessions, two directions): %v", len(flows), flows)
	}
	var buf bytes.Buffer
	sfw.TextFlows(&buf, "ms-0/0/0", flows)
	for _, re := range []string{`Interface: ms-0/0/0, Service set: ss1\n`,
		`\nTCP\s+10\.0\.0\.1:40000 -> 192\.0\.2\.10:80\s+Forward\s+I\s+1\n`,
		`\nTCP\s+192\.0\.2\.10:80 -> 203\.0\.113\.1:200\d\d\s+Forward\s+O\s+0\n`,
		`\nUDP\s+10\.0\.0\.1:5353 -> 192\.0\.2\.10:53\s+Forward\s+I\s+1\n`,
		`\nUDP\s+192\.0\.2\.10:53 -> 203\.0\.113\.1:200\d\d\s+Forward\s+O\s+0\n`} {
		if !regexp.MustCompile(re).MatchString(buf.String()) {
			t.Errorf("flows lack %s:\n%s", re, buf.String())
		}
	}
	if got, _, _, _ := r.DP.PluginRows(context.Background(), pic.Lookup(sfw.Name).Slot(), "no-such-command", dataplane.Cursor{}, 0); len(got) != 0 {
		t.Errorf("an unknown command got %v", got)
	}

	maps, _, _, err := r.DP.PluginRows(context.Background(), pic.Lookup(nat.Name).Slot(), nat.MappingsRPC, dataplane.Cursor{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 2 {
		t.Fatalf("got %d mappings, want 2: %v", len(maps), maps)
	}
	for _, m := range maps {
		if m.Field("pool-name") != "p1" || m.Field("translation-type") != "napt-44" ||
			!strings.HasPrefix(m.Field("public-address"), "203.0.113.1:200") || !strings.HasPrefix(m.Field("private-address"), "10.0.0.1:") {
			t.Errorf("got mapping %v", m)
		}
	}
	buf.Reset()
	nat.TextMappings(&buf, "ms-0/0/0", maps)
	if s := buf.String(); !strings.Contains(s, "NAT pool: p1\n") || strings.Count(s, "Mapping          : 10.0.0.1:") != 2 {
		t.Errorf("mappings text:\n%s", s)
	}

	r.DP.ClearSessions(1, false)
	if rows, _, _, _ := r.DP.PluginRows(context.Background(), pic.Lookup(sfw.Name).Slot(), sfw.FlowsRPC, dataplane.Cursor{}, 0); len(rows) != 0 {
		n := len(rows)
		t.Errorf("got %d flows after clearing, want 0", n)
	}
}
