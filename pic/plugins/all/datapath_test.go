package all_test

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

const conf = `
applications {
    application myudp { protocol udp; destination-port 5000; inactivity-timeout 10; }
}
services {
    service-set ss1 { stateful-firewall-rules fw; nat-rules nr; }
    stateful-firewall {
        rule fw {
            match-direction input;
            term web { from { applications [ junos-http junos-icmp-all junos-dns-udp ]; } then accept; }
            term telnet { from { applications junos-telnet; } then reject; }
            term u { from { applications myudp; } then reject; }
            term slow { from { destination-address 192.0.2.99/32; } then accept; }
        }
    }
    nat {
        pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20100; } } }
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

// rig is a data plane with stateful-firewall -> nat on service-set 1,
// policies compiled from conf and published by the plugins' own control
// handlers, on a fake clock, capturing what leaves.
type rig = pictest.Rig

func newRig(t testing.TB, cores int, cache int64) *rig {
	return newRigConf(t, cores, cache, conf, true)
}

// newRigConf builds a rig from a configuration; capture false discards
// what leaves (benchmarks).
func newRigConf(t testing.TB, cores int, cache int64, conf string, capture bool) *rig {
	t.Helper()
	return pictest.New(t, pictest.Options{Config: conf, Plugins: []string{sfw.Name, nat.Name},
		Cores: cores, Cache: cache, Discard: !capture})
}

var (
	client = netip.MustParseAddr("10.0.0.1")
	server = netip.MustParseAddr("192.0.2.10")
	public = netip.MustParseAddr("203.0.113.1")
)

func addrPort(a [16]byte, port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom16(a).Unmap(), port)
}

// checksumsOK recomputes every checksum from scratch.
func checksumsOK(p *pic.Packet) bool {
	d := p.Data
	if pic.Checksum(d[:20], 0) != 0 {
		return false
	}
	l4 := d[p.L4:]
	switch p.Proto {
	case pic.ProtoTCP, pic.ProtoUDP:
		var s uint32
		for i := 12; i < 20; i += 2 {
			s += uint32(binary.BigEndian.Uint16(d[i:]))
		}
		s += uint32(p.Proto) + uint32(len(l4))
		return pic.Checksum(l4, s) == 0
	case pic.ProtoICMP:
		return pic.Checksum(l4, 0) == 0
	}
	return true
}

func TestFirewallThenNAT(t *testing.T) {
	for _, cores := range []int{1, 3} {
		t.Run(map[int]string{1: "one core", 3: "three cores"}[cores], func(t *testing.T) {
			testFirewallThenNAT(t, newRig(t, cores, 16<<20))
		})
	}
}

func testFirewallThenNAT(t *testing.T, r *rig) {
	// A TCP handshake, data and teardown to port 80.
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn, Seq: 1})
	o := r.Take()
	if len(o) != 1 || o[0].Side != pic.Output {
		t.Fatalf("got %d packets out for the SYN, want 1 leaving by output", len(o))
	}
	syn := o[0].Packet
	src := addrPort(syn.Src, syn.SPort)
	if src.Addr() != public || src.Port() < 20000 || src.Port() > 20100 || addrPort(syn.Dst, syn.DPort) != netip.AddrPortFrom(server, 80) {
		t.Fatalf("got SYN %v -> %v, want from %v:20000-20100 to %v:80", src, addrPort(syn.Dst, syn.DPort), public, server)
	}
	if !checksumsOK(syn) {
		t.Errorf("translated SYN has bad checksums")
	}
	r.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoTCP, SPort: 80, DPort: src.Port(), Flags: pic.TCPSyn | pic.TCPAck, Seq: 9, Ack: 2})
	o = r.Take()
	if len(o) != 1 || o[0].Side != pic.Input {
		t.Fatalf("got %d packets out for the SYN-ACK, want 1 leaving by input", len(o))
	}
	if got := addrPort(o[0].Packet.Dst, o[0].Packet.DPort); got != netip.AddrPortFrom(client, 40000) || !checksumsOK(o[0].Packet) {
		t.Errorf("got SYN-ACK to %v (checksums ok %v), want to %v:40000 with valid checksums", got, checksumsOK(o[0].Packet), client)
	}
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck, Seq: 2, Ack: 10, Payload: 100})

	// UDP DNS and an ICMP echo pass and are translated; their answers come back.
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoICMP, SPort: 77, Seq: 1})
	o = r.Take()
	if len(o) != 3 {
		t.Fatalf("got %d packets out, want 3 (ACK, DNS, echo)", len(o))
	}
	for _, x := range o {
		if netip.AddrFrom16(x.Packet.Src).Unmap() != public || !checksumsOK(x.Packet) {
			t.Errorf("proto %d left from %v (checksums ok %v), want from %v", x.Packet.Proto, netip.AddrFrom16(x.Packet.Src).Unmap(), checksumsOK(x.Packet), public)
		}
	}
	dns, echo := o[1].Packet, o[2].Packet
	r.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoUDP, SPort: 53, DPort: dns.SPort, Payload: 60})
	r.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoICMP, SPort: echo.SPort, ICMPType: pic.EchoReply, Seq: 1})
	o = r.Take()
	if len(o) != 2 || addrPort(o[0].Packet.Dst, o[0].Packet.DPort) != netip.AddrPortFrom(client, 5353) ||
		netip.AddrFrom16(o[1].Packet.Dst).Unmap() != client || o[1].Packet.SPort != 77 || !checksumsOK(o[0].Packet) || !checksumsOK(o[1].Packet) {
		t.Fatalf("answers not translated back: %+v", o)
	}

	// Rejected TCP is answered with an RST, rejected UDP with ICMP unreachable;
	// a TCP session that does not start with SYN and unmatched traffic are discarded.
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40001, DPort: 23, Flags: pic.TCPSyn, Seq: 1000})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 40002, DPort: 5000})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40003, DPort: 80, Flags: pic.TCPAck})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 40004, DPort: 9999})
	o = r.Take()
	if len(o) != 2 {
		t.Fatalf("got %d packets out, want 2 (RST, ICMP unreachable)", len(o))
	}
	rst, unr := o[0].Packet, o[1].Packet
	if rst.Proto != pic.ProtoTCP || rst.TCPFlags != pic.TCPRst|pic.TCPAck || addrPort(rst.Src, rst.SPort) != netip.AddrPortFrom(server, 23) ||
		addrPort(rst.Dst, rst.DPort) != netip.AddrPortFrom(client, 40001) || o[0].Side != pic.Input || !checksumsOK(rst) ||
		binary.BigEndian.Uint32(rst.Data[rst.L4+8:]) != 1001 {
		t.Errorf("got %+v leaving %v, want an RST|ACK (ack 1001) from %v:23 to %v:40001 back to the input", rst.Key(), o[0].Side, server, client)
	}
	if unr.Proto != pic.ProtoICMP || unr.ICMPType != 3 || netip.AddrFrom16(unr.Dst).Unmap() != client || !checksumsOK(unr) {
		t.Errorf("got %+v type %d, want an ICMP unreachable to the client", unr.Key(), unr.ICMPType)
	}

	// show services sessions lists the three sessions, NAT in extensive.
	ss := r.DP.Sessions(dataplane.SessionFilter{Extensive: true})
	if len(ss) != 3 {
		t.Fatalf("got %d sessions, want 3: %+v", len(ss), ss)
	}
	var tcpS *pic.SessionInfo
	for i := range ss {
		if ss[i].Proto == pic.ProtoTCP {
			tcpS = &ss[i]
		}
	}
	if tcpS == nil || tcpS.TCP != "ESTABLISHED" || tcpS.Flows[0].Packets != 2 || tcpS.Flows[1].Packets != 1 ||
		len(tcpS.Plugins) != 2 || !strings.Contains(tcpS.Plugins[0].Text, "rule fw term web") ||
		!strings.Contains(tcpS.Plugins[1].Text, "napt-44 source 10.0.0.1:40000 -> 203.0.113.1:") {
		t.Errorf("got TCP session %+v, want ESTABLISHED, 2/1 packets, sfw and nat descriptions", tcpS)
	}
	if st := r.DP.Stats(); st.Rejects != 2 || st.DropPolicy != 4 {
		t.Errorf("got %d rejects, %d policy drops, want 2 and 4", st.Rejects, st.DropPolicy)
	}

	// Timeouts free the NAT ports: after the UDP/ICMP default and the TCP
	// timeout every session is gone and the pool is empty again.
	r.Clock.Advance(pic.TCPTimeout * time.Second)
	r.DP.Sync()
	if n := len(r.DP.Sessions(dataplane.SessionFilter{})); n != 0 {
		t.Errorf("got %d sessions after the timeouts, want 0", n)
	}
	for _, c := range r.Cache.Stats().Classes { // sessions and nat translations (the firewall keeps a word in the session)
		if c.InUse != 0 {
			t.Errorf("object cache still holds %+v", r.Cache.Stats().Classes)
		}
	}
}
