package servicesd_test

import (
	"bytes"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
)

// trafficConf is sessionsConf's service-set applied interface-style to
// ge-0/0/0.0 in both directions.
const trafficConf = sessionsConf + `
interfaces {
    ge-0/0/0 { unit 0 { family inet { service { input { service-set ss1; } output { service-set ss1; } } address 10.0.0.254/24; } } }
}
`

// TestTrafficCommands drives the PIC's packet sources from the CLI the way
// an operator does: a generator into an interface (steered to its
// service-set) runs to completion with its progress shown, a rate-limited
// one is stopped, a pcap replayed into the interface comes out NATed in
// the capture file, a capture records generated traffic, sessions filter
// by interface, cpu-usage lists the service-set; bad requests get clear
// errors.
func TestTrafficCommands(t *testing.T) {
	h := start(t)
	h.loadCommit(trafficConf)
	h.waitSynced("ss1")

	// A generator into ge-0/0/0.0 input: 50 TCP flows of 4 packets.
	out := h.cli("request services traffic generate interface ge-0/0/0.0 flows 50 packets 4 source-prefix 10.1.0.0/24 destination-prefix 192.0.2.10 destination-port 80")
	if !strings.Contains(out, "ge-0/0/0.0 input") {
		t.Fatalf("generate: got\n%s\nwant the generator's target", out)
	}
	testkit.Until(t, "the generator to finish", func() bool { return strings.Contains(h.cli("show services traffic"), "done") })
	if out := h.cli("show services traffic"); !strings.Contains(out, "200/200 (100%)") {
		t.Errorf("show services traffic: got\n%s\nwant 200/200 packets sent", out)
	}
	for ifname, want := range map[string]int{"ge-0/0/0.0": 50, "ge-0/0/0": 50, "ms-0/0/0": 50, "ge-0/0/9.0": 0} {
		if out := h.cli("show services sessions interface " + ifname + " count"); !strings.Contains(out, "Number of sessions: "+strconv.Itoa(want)) {
			t.Errorf("sessions on %s: got %q, want %d", ifname, out, want)
		}
	}

	// A rate-limited generator waits on the (fake) clock until stopped.
	h.cli("request services traffic generate service-set ss1 flows 10 packets 1000 rate 10 protocol udp")
	if out := h.cli("show services traffic"); !strings.Contains(out, "running") {
		t.Fatalf("got\n%s\nwant a running generator", out)
	}
	if out := h.cli("request services traffic stop id 2"); !strings.Contains(out, "\n  2 ") {
		t.Errorf("stop id 2: got\n%s\nwant generator 2 listed", out)
	}
	testkit.Until(t, "the generator to stop", func() bool { return strings.Contains(h.cli("show services traffic"), "stopped") })

	// Replay a pcap into the interface, capturing what leaves: the web
	// SYN leaves translated to the pool address, the telnet SYN does not
	// leave (no rule accepts it).
	me, err := user.Current() // the management socket's user: files are in their home
	if err != nil {
		t.Fatal(err)
	}
	files := h.n.CLI.HomeDir(me.Username)
	if err := os.MkdirAll(files, 0o700); err != nil {
		t.Fatal(err)
	}
	var in [][]byte
	for _, dport := range []uint16{80, 23} {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr("10.0.0.7"), Dst: netip.MustParseAddr("192.0.2.10"),
			Proto: pic.ProtoTCP, SPort: 33000, DPort: dport, Flags: pic.TCPSyn}); err != nil {
			t.Fatal(err)
		}
		in = append(in, append([]byte(nil), p.Data...))
	}
	var buf bytes.Buffer
	if err := packetio.WritePcap(&buf, h.clk.Now(), in); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(files, "in.pcap"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out = h.cli("request services traffic replay file in.pcap interface ge-0/0/0.0 capture-file out.pcap")
	if !strings.Contains(out, "Replayed 2 packets from in.pcap on ms-0/0/0; 1 packets left the PIC") ||
		!strings.Contains(out, "Wrote 1 packets to out.pcap") {
		t.Errorf("replay: got\n%s", out)
	}
	f, err := os.Open(filepath.Join(files, "out.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := packetio.ReadCapture(f)
	f.Close()
	if err != nil || len(got) != 1 {
		t.Fatalf("out.pcap: %d packets (%v), want 1", len(got), err)
	}
	var p pic.Packet
	p.SetData(got[0])
	if err := p.Parse(); err != nil || netip.AddrFrom16(p.Src).Unmap() != netip.MustParseAddr("203.0.113.1") || p.DPort != 80 {
		t.Errorf("captured packet: src %v dport %d (%v), want 203.0.113.1 to port 80", netip.AddrFrom16(p.Src).Unmap(), p.DPort, err)
	}

	// A capture records what generated traffic leaves.
	h.cli("request services traffic capture start packets 3")
	h.cli("request services traffic generate service-set ss1 flows 5 packets 1 source-prefix 10.2.0.0/24")
	testkit.Until(t, "the third generator to finish", func() bool { return strings.Count(h.cli("show services traffic"), "done") == 2 })
	out = h.cli("request services traffic capture stop file cap.pcap")
	if !strings.Contains(out, "Capture stopped: 3 packets written to cap.pcap (2 more left past the limit)") {
		t.Errorf("capture stop: got %q", out)
	}

	if out := h.cli("show services service-sets cpu-usage"); !strings.Contains(out, "ss1") || !strings.Contains(out, "Idle") ||
		!strings.Contains(out, "System") {
		t.Errorf("cpu-usage: got\n%s", out)
	}

	// Bad requests: clear errors, nothing started.
	for cmd, want := range map[string]string{
		"request services traffic generate interface ge-0/0/7.0":                        "no service-set is applied to ge-0/0/7.0 input",
		"request services traffic generate service-set nope":                            "service-set nope is not configured",
		"request services traffic generate service-set ss1 flows many":                  `invalid value for flows: "many"`,
		"request services traffic generate service-set ss1 protocol gre":                `invalid value for protocol: "gre"`,
		"request services traffic generate service-set ss1 direction sideways":          "direction must be input or output",
		"request services traffic replay file ../../../gnos.db service-set ss1":         "outside the file area",
		"request services traffic replay file missing.pcap service-set ss1":             "could not read missing.pcap",
		"request services traffic replay file cap.pcap":                                 "expecting service-set <name> or interface <name>",
		"request services traffic capture stop file x.pcap":                             "no capture is running",
		"request services traffic generate service-set ss1 source-prefix 2001:db8::/64": "one address family",
	} {
		if out := h.cli(cmd); !strings.Contains(out, want) {
			t.Errorf("%s: got %q, want %q", cmd, out, want)
		}
	}
	if n := strings.Count(h.cli("show services traffic"), "\n  "); n != 4 { // header + 3 generators
		t.Errorf("show services traffic has %d lines, want a header and 3 generators", n)
	}
}
