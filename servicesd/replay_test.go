package servicesd_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

const replayConf = `
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
        rule fw {
            match-direction input;
            term web { from { applications [ junos-http junos-dns-udp junos-icmp-all ]; } then accept; }
            term telnet { from { applications junos-telnet; } then reject; }
        }
    }
    nat {
        pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20100; } } }
        rule nr {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { KIND; } } }
            }
        }
    }
}
`

var (
	rClient = netip.MustParseAddr("10.0.0.1")
	rServer = netip.MustParseAddr("192.0.2.10")
	rPublic = netip.MustParseAddr("203.0.113.1")
	inside  = netip.MustParsePrefix("10.0.0.0/8")
)

// buildPcap is the test helper that writes a conversation as a pcap of raw
// IP packets: the inside packets come from the client, the outside ones
// from the server to the NAT's public address and the client's port (the
// replay puts in the port napt-44 chose, as the server would see it).
func buildPcap(t *testing.T, specs []pic.PacketSpec) []byte {
	t.Helper()
	var raw [][]byte
	for _, s := range specs {
		raw = append(raw, build(t, s))
	}
	var buf bytes.Buffer
	if err := packetio.WritePcap(&buf, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), raw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func build(t *testing.T, s pic.PacketSpec) []byte {
	t.Helper()
	var p pic.Packet
	if err := p.Build(s); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), p.Data...)
}

// csum16 is the Internet checksum, written here independently of the
// data path's.
func csum16(b []byte, sum uint32) uint16 {
	for ; len(b) > 1; b = b[2:] {
		sum += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// validChecksums verifies an IPv4 packet's header checksum and its TCP,
// UDP or ICMP checksum twice: from scratch here, and with gopacket.
func validChecksums(b []byte) bool {
	return ownChecksums(b) && gopacketChecksums(b)
}

// gopacketChecksums decodes b with gopacket, serialises the decoded
// layers again with checksums computed by gopacket, and compares: equal
// bytes mean every checksum in b was right.
func gopacketChecksums(b []byte) bool {
	pkt := gopacket.NewPacket(b, layers.LayerTypeIPv4, gopacket.Default)
	if pkt.ErrorLayer() != nil {
		return false
	}
	ip, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if ip == nil {
		return false
	}
	var ls []gopacket.SerializableLayer
	ls = append(ls, ip)
	switch l4 := pkt.TransportLayer().(type) {
	case *layers.TCP:
		_ = l4.SetNetworkLayerForChecksum(ip)
		ls = append(ls, l4, gopacket.Payload(l4.Payload))
	case *layers.UDP:
		_ = l4.SetNetworkLayerForChecksum(ip)
		ls = append(ls, l4, gopacket.Payload(l4.Payload))
	default:
		ic, _ := pkt.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
		if ic == nil {
			return false
		}
		ls = append(ls, ic, gopacket.Payload(ic.Payload))
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, ls...); err != nil {
		return false
	}
	return bytes.Equal(buf.Bytes(), b)
}

// ownChecksums verifies the checksums from scratch, independently of
// both the data path and gopacket.
func ownChecksums(b []byte) bool {
	if len(b) < 20 || b[0]>>4 != 4 {
		return false
	}
	hl := int(b[0]&15) * 4
	if csum16(b[:hl], 0) != 0 || int(binary.BigEndian.Uint16(b[2:])) != len(b) {
		return false
	}
	l4 := b[hl:]
	switch b[9] {
	case pic.ProtoTCP, pic.ProtoUDP:
		var s uint32
		for i := 12; i < 20; i += 2 {
			s += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		s += uint32(b[9]) + uint32(len(l4))
		return csum16(l4, s) == 0
	case pic.ProtoICMP:
		return csum16(l4, 0) == 0
	}
	return false
}

// TestPcapReplay replays a pcap (TCP handshake, data and teardown, a TCP
// session left open, UDP, ICMP echo, and TCP to a rejected port) through a
// committed service-set with stateful-firewall then nat (basic-nat44, then
// napt-44), by the picd's port, and checks that exactly the expected
// packets leave, NAT rewritten both ways with valid checksums, the
// rejected SYN answered by an RST, and that show services sessions lists
// the sessions and their counters.
func TestPcapReplay(t *testing.T) {
	for _, kind := range []string{"basic-nat44", "napt-44"} {
		t.Run(kind, func(t *testing.T) { testPcapReplay(t, kind) })
	}
}

// setPort rewrites an IPv4 packet's TCP/UDP destination port (or ICMP echo
// identifier) and recomputes its checksum from scratch.
func setPort(b []byte, port uint16) {
	hl := int(b[0]&15) * 4
	l4 := b[hl:]
	switch b[9] {
	case pic.ProtoTCP, pic.ProtoUDP:
		binary.BigEndian.PutUint16(l4[2:], port)
		off := map[uint8]int{pic.ProtoTCP: 16, pic.ProtoUDP: 6}[b[9]]
		binary.BigEndian.PutUint16(l4[off:], 0)
		var s uint32
		for i := 12; i < 20; i += 2 {
			s += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		binary.BigEndian.PutUint16(l4[off:], csum16(l4, s+uint32(b[9])+uint32(len(l4))))
	case pic.ProtoICMP:
		binary.BigEndian.PutUint16(l4[4:], port)
		binary.BigEndian.PutUint16(l4[2:], 0)
		binary.BigEndian.PutUint16(l4[2:], csum16(l4, 0))
	}
}

func testPcapReplay(t *testing.T, kind string) {
	h := start(t)
	h.loadCommit(strings.Replace(replayConf, "KIND", kind, 1))
	h.waitSynced("ss1")
	ssrb, _ := h.n.Services.SSRB("ss1")
	rt := h.picd().Runtime()
	rt.Port.Arm(0) // capture what leaves
	napt := kind == "napt-44"

	tcp := func(src, dst netip.Addr, sp, dp uint16, flags uint8, seq, ack uint32, n int) pic.PacketSpec {
		return pic.PacketSpec{Src: src, Dst: dst, Proto: pic.ProtoTCP, SPort: sp, DPort: dp, Flags: flags, Seq: seq, Ack: ack, Payload: n}
	}
	const syn, ack, fin = pic.TCPSyn, pic.TCPAck, pic.TCPFin
	C, S, P := rClient, rServer, rPublic
	in := []pic.PacketSpec{
		// a TCP connection: handshake, data both ways, teardown
		tcp(C, S, 40000, 80, syn, 1, 0, 0), tcp(S, P, 80, 40000, syn|ack, 500, 2, 0), tcp(C, S, 40000, 80, ack, 2, 501, 0),
		tcp(C, S, 40000, 80, ack|pic.TCPPsh, 2, 501, 100), tcp(S, P, 80, 40000, ack|pic.TCPPsh, 501, 102, 200),
		tcp(C, S, 40000, 80, fin|ack, 102, 701, 0), tcp(S, P, 80, 40000, fin|ack, 701, 103, 0), tcp(C, S, 40000, 80, ack, 103, 702, 0),
		// a TCP connection left open
		tcp(C, S, 40010, 80, syn, 1, 0, 0), tcp(S, P, 80, 40010, syn|ack, 900, 2, 0), tcp(C, S, 40010, 80, ack, 2, 901, 0),
		// UDP (DNS) and its answer, an ICMP echo and its reply
		{Src: C, Dst: S, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30},
		{Src: S, Dst: P, Proto: pic.ProtoUDP, SPort: 53, DPort: 5353, Payload: 60},
		{Src: C, Dst: S, Proto: pic.ProtoICMP, SPort: 77, Seq: 1, Payload: 16},
		{Src: S, Dst: P, Proto: pic.ProtoICMP, SPort: 77, Seq: 1, ICMPType: pic.EchoReply, Payload: 16},
		// telnet is rejected
		tcp(C, S, 40001, 23, syn, 1000, 0, 0),
	}
	capture := buildPcap(t, in)
	pkts, err := packetio.ReadCapture(bytes.NewReader(capture))
	if err != nil || len(pkts) != len(in) {
		t.Fatalf("reading the pcap back: %d packets, %v", len(pkts), err)
	}

	// Replay one packet at a time (what leaves comes out in order). What
	// must leave: inside packets by output with the source translated,
	// outside packets by input with the destination restored, rebuilt here
	// from scratch (so their checksums too).
	type flow struct {
		proto uint8
		port  uint16
	}
	public := map[flow]uint16{} // client port -> public port
	var got []packetio.Captured
	for i, p := range pkts {
		s := in[i]
		side, f := pic.Output, flow{s.Proto, s.DPort}
		if inside.Contains(netip.AddrFrom4([4]byte(p[12:16]))) {
			side, f = pic.Input, flow{s.Proto, s.SPort}
		}
		if s.Proto == pic.ProtoICMP {
			f.port = s.SPort
		}
		if side == pic.Output && napt {
			pub, ok := public[f]
			if !ok {
				t.Fatalf("packet %d: no translation learned for %v", i, f)
			}
			setPort(p, pub)
		}
		rt.Port.Inject(ssrb.ID, side, p)
		rt.DP.Sync()
		o := rt.Port.Take()
		got = append(got, o...)
		if i == len(pkts)-1 {
			break // the rejected SYN: checked below
		}
		if len(o) != 1 {
			t.Fatalf("packet %d: got %d packets out, want 1", i, len(o))
		}
		w, wside := s, pic.Input
		if side == pic.Input {
			w.Src, wside = P, pic.Output
			if napt {
				var op pic.Packet
				op.SetData(o[0].Data)
				if err := op.Parse(); err != nil {
					t.Fatal(err)
				}
				if prev, ok := public[f]; ok && prev != op.SPort {
					t.Errorf("packet %d: translated to port %d, the session had %d", i, op.SPort, prev)
				}
				if op.SPort < 20000 || op.SPort > 20100 {
					t.Errorf("packet %d: translated to port %d, want 20000-20100", i, op.SPort)
				}
				public[f], w.SPort = op.SPort, op.SPort
			}
		} else {
			w.Dst = C
		}
		if g, wd := o[0], build(t, w); g.Side != wside || !bytes.Equal(g.Data, wd) || !validChecksums(g.Data) {
			t.Errorf("packet %d: got by %v\n%s\nwant by %v\n%s", i, g.Side, hex.Dump(g.Data), wside, hex.Dump(wd))
		}
	}
	if len(got) != len(in) {
		t.Fatalf("got %d packets out, want %d", len(got), len(in))
	}
	rst := got[len(got)-1]
	var rp pic.Packet
	rp.SetData(rst.Data)
	if err := rp.Parse(); err != nil {
		t.Fatal(err)
	}
	src, dst := netip.AddrPortFrom(netip.AddrFrom16(rp.Src).Unmap(), rp.SPort), netip.AddrPortFrom(netip.AddrFrom16(rp.Dst).Unmap(), rp.DPort)
	if rst.Side != pic.Input || rp.Proto != pic.ProtoTCP || rp.TCPFlags != pic.TCPRst|pic.TCPAck ||
		src != netip.AddrPortFrom(S, 23) || dst != netip.AddrPortFrom(C, 40001) ||
		binary.BigEndian.Uint32(rst.Data[rp.L4+8:]) != 1001 || !validChecksums(rst.Data) {
		t.Errorf("got %v -> %v flags %#x by %v (checksums ok %v), want an RST|ACK (ack 1001) from %v:23 to %v:40001 back by input",
			src, dst, rp.TCPFlags, rst.Side, validChecksums(rst.Data), S, C)
	}

	// The capture of what left is itself a valid pcap.
	var outRaw [][]byte
	for _, g := range got {
		outRaw = append(outRaw, g.Data)
	}
	var outBuf bytes.Buffer
	if err := packetio.WritePcap(&outBuf, time.Unix(0, 0), outRaw); err != nil {
		t.Fatal(err)
	}
	if back, err := packetio.ReadCapture(&outBuf); err != nil || len(back) != len(got) {
		t.Errorf("captured pcap reads back %d packets, %v", len(back), err)
	}

	pub := func(proto uint8, port uint16) string {
		if napt {
			port = public[flow{proto, port}]
		}
		return regexp.QuoteMeta(netip.AddrPortFrom(P, port).String())
	}
	natRe := `nat: basic-nat44 source 10\.0\.0\.1 -> 203\.0\.113\.1 \(pool p1\)`
	if napt {
		natRe = `nat: napt-44 source 10\.0\.0\.1:40010 -> ` + pub(pic.ProtoTCP, 40010) + ` \(pool p1\)`
	}
	// flowRe is one flow of show services sessions extensive: the flow
	// line in Junos' columns, then its byte count and role.
	flowRe := func(proto, src, dst, dir, pkts, bytes string) string {
		return proto + `\s+` + src + `\s+->\s+` + dst + `\s+Forward\s+` + dir + `\s+` + pkts +
			`\n  Byte count: ` + bytes + `\n  Flow role: \w+, Timeout: \d+\n`
	}
	pubAddr := regexp.QuoteMeta(P.String())
	plugins := `(.* Plugin Data:\n  .*\n)*` // between a session's header and its flows
	out := h.cli("show services sessions extensive")
	for _, re := range []string{
		`State: CLOSED.*\n` + plugins + flowRe("TCP", `10\.0\.0\.1:40000`, `192\.0\.2\.10:80`, "I", "5", "300") +
			flowRe("TCP", `192\.0\.2\.10:80`, pub(pic.ProtoTCP, 40000), "O", "3", "320"),
		`State: ESTABLISHED.*\n` + plugins + flowRe("TCP", `10\.0\.0\.1:40010`, `192\.0\.2\.10:80`, "I", "2", "80") +
			flowRe("TCP", `192\.0\.2\.10:80`, pub(pic.ProtoTCP, 40010), "O", "1", "40"),
		flowRe("UDP", `10\.0\.0\.1:5353`, `192\.0\.2\.10:53`, "I", "1", "58") +
			flowRe("UDP", `192\.0\.2\.10:53`, pub(pic.ProtoUDP, 5353), "O", "1", "88"),
		flowRe("ICMP", `10\.0\.0\.1`, `192\.0\.2\.10`, "I", "1", "44") + flowRe("ICMP", `192\.0\.2\.10`, pubAddr, "O", "1", "44"),
		natRe,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("show services sessions extensive lacks %s:\n%s", re, out)
		}
	}
	if out := h.cli("show services sessions count"); !regexp.MustCompile(`Number of sessions: 4\n`).MatchString(out) {
		t.Errorf("got %q, want 4 sessions (the rejected one never opened)", out)
	}
	if out := h.cli("show services stateful-firewall statistics"); !regexp.MustCompile(`Rule Accepts: 4, Rule Discards: \d+, Rule Rejects: 1\n`).MatchString(out) {
		t.Errorf("got\n%s\nwant 4 sessions accepted, 1 rejected", out)
	} else if strings.Contains(out, "TCP Errors:") {
		t.Errorf("brief statistics show extensive's TCP errors:\n%s", out)
	}
	if out := h.cli("show services stateful-firewall statistics extensive"); !strings.Contains(out, "    TCP Errors:\n      Non-SYN first packet: 0\n") {
		t.Errorf("statistics extensive: got\n%s\nwant the TCP errors", out)
	}
	if out := h.cli("show services stateful-firewall statistics extensive | display xml"); !strings.Contains(out, `<service-sfw-statistics-information junos:style="extensive">`) {
		t.Errorf("statistics extensive xml: got\n%s", out)
	}
}
