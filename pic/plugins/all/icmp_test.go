package all_test

import (
	"net/netip"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

var (
	routerOut = netip.MustParseAddr("198.51.100.1") // a router on the server's side
	routerIn  = netip.MustParseAddr("10.0.0.254")   // a router on the client's side
	client6   = netip.MustParseAddr("2001:db8:1::2")
	server6   = netip.MustParseAddr("2001:db8:2::2")
	router6   = netip.MustParseAddr("2001:db8:1::fe")
)

// ICMP types and codes used here.
const (
	unreach, portUnreach, fragNeeded = 3, 3, 4
	timeExceeded                     = 11
	unreach6, portUnreach6, tooBig6  = 1, 4, 2
)

// The public ports napt-44 gives the sessions on one data core, in the
// order they open: its allocator walks the pool from its start.
const pubUDP, pubTCP, pubEcho = 20000, 20001, 20002

// The conversation of icmp-errors-v4.pcapng, through stateful-firewall
// then napt-44 (conf): a DNS query answered by port unreachable; a SYN
// whose TTL runs out on the server's side; a full-size segment from the
// server that a client-side router cannot forward (fragmentation needed,
// the path-MTU discovery of the live fault); an echo request timing out
// (traceroute); then errors that belong to no session, and an error
// about an error.
func icmpV4Packets(t testing.TB) [][]byte {
	dnsOut := udpPkt(t, public, server, pubUDP, 53, 63, payload(40, 'q'))
	synOut := tcpPkt(t, public, server, pubTCP, 80, 1, true, false, nil)
	data := tcpPkt(t, server, public, 80, pubTCP, 60, false, true, payload(1360, 'd'))
	dataIn := tcpPkt(t, server, client, 80, 40000, 60, false, true, payload(1360, 'd'))
	echoOut := echoPkt(t, public, server, pubEcho, 1)
	return [][]byte{
		udpPkt(t, client, server, 5353, 53, 64, payload(40, 'q')),
		icmpErr4(t, server, public, unreach, portUnreach, 0, dnsOut),
		tcpPkt(t, client, server, 40000, 80, 64, true, false, nil),
		icmpErr4(t, routerOut, public, timeExceeded, 0, 0, synOut[:28]),
		data,
		icmpErr4(t, routerIn, server, unreach, fragNeeded, 1400, dataIn[:140]),
		echoPkt(t, client, server, 77, 64),
		icmpErr4(t, routerOut, public, timeExceeded, 0, 0, echoOut[:28]),
		// no session: a query the NAT never sent, an answer to a port no client used
		icmpErr4(t, server, public, unreach, portUnreach, 0, udpPkt(t, public, server, 20099, 53, 63, payload(8, 'x'))),
		icmpErr4(t, routerIn, server, unreach, fragNeeded, 1400, tcpPkt(t, server, client, 80, 40999, 60, false, true, nil)[:28]),
		// an error about an error is never related
		icmpErr4(t, server, public, unreach, portUnreach, 0, icmpErr4(t, public, server, unreach, portUnreach, 0, dnsOut[:28])[:28]),
	}
}

// TestICMPErrorsNAT replays icmp-errors-v4.pcapng: errors from the
// server's side reach the client with the quoted packet restored to what
// the client sent (byte for byte, its checksums too); the client-side
// router's fragmentation needed reaches the server from the public
// address, quoting the segment as the server sent it; unrelated errors
// are dropped and counted.
func TestICMPErrorsNAT(t *testing.T) {
	pkts := capture(t, "icmp-errors-v4.pcapng", icmpV4Packets)
	r := newRig(t, 1, 16<<20)
	in, out := pic.Input, pic.Output
	dns := udpPkt(t, client, server, 5353, 53, 64, payload(40, 'q'))
	syn := tcpPkt(t, client, server, 40000, 80, 64, true, false, nil)
	echo := echoPkt(t, client, server, 77, 64)
	plan := []sent{
		{in, [][]byte{udpPkt(t, public, server, pubUDP, 53, 64, payload(40, 'q'))}},
		{out, [][]byte{icmpErr4(t, server, client, unreach, portUnreach, 0, withTTL(t, dns, 63))}},
		{in, [][]byte{tcpPkt(t, public, server, pubTCP, 80, 64, true, false, nil)}},
		{out, [][]byte{icmpErr4(t, routerOut, client, timeExceeded, 0, 0, withTTL(t, syn, 1)[:28])}},
		{out, [][]byte{tcpPkt(t, server, client, 80, 40000, 60, false, true, payload(1360, 'd'))}},
		{in, [][]byte{icmpErr4(t, public, server, unreach, fragNeeded, 1400, pkts[4][:140])}},
		{in, [][]byte{echoPkt(t, public, server, pubEcho, 64)}},
		{out, [][]byte{icmpErr4(t, routerOut, client, timeExceeded, 0, 0, withTTL(t, echo, 1)[:28])}},
		{out, nil},
		{in, nil},
		{out, nil},
	}
	replay(t, r, pkts, plan)
	st := r.DP.Stats()
	if st.DropICMPUnrelated != 3 || st.Created != 3 {
		t.Errorf("got %d unrelated ICMP errors dropped and %d sessions created, want 3 and 3 (errors open none)",
			st.DropICMPUnrelated, st.Created)
	}
}

// The IPv6 conversation of icmp-errors-v6.pcapng, through the same
// service-set (the firewall serves IPv6, napt-44 leaves it alone): a DNS
// query answered by port unreachable, a packet too big from a
// client-side router about the answer, and an unrelated error.
func icmpV6Packets(t testing.TB) [][]byte {
	query := udpPkt(t, client6, server6, 5353, 53, 64, payload(40, 'q'))
	answer := udpPkt(t, server6, client6, 53, 5353, 64, payload(1400, 'a'))
	return [][]byte{
		query,
		icmpErr6(t, server6, client6, unreach6, portUnreach6, 0, query),
		answer,
		icmpErr6(t, router6, server6, tooBig6, 0, 1280, answer[:1280-48]),
		icmpErr6(t, server6, client6, unreach6, portUnreach6, 0, udpPkt(t, client6, server6, 5354, 53, 64, nil)),
	}
}

// TestICMPv6Errors replays icmp-errors-v6.pcapng on one and three data
// cores: the related errors pass unchanged, each on the core of the
// session whose packet it quotes; the unrelated one is dropped.
func TestICMPv6Errors(t *testing.T) {
	pkts := capture(t, "icmp-errors-v6.pcapng", icmpV6Packets)
	for _, cores := range []int{1, 3} {
		r := newRig(t, cores, 16<<20)
		in, out := pic.Input, pic.Output
		plan := []sent{{in, pkts[0:1]}, {out, pkts[1:2]}, {out, pkts[2:3]}, {in, pkts[3:4]}, {out, nil}}
		replay(t, r, pkts, plan)
		if st := r.DP.Stats(); st.DropICMPUnrelated != 1 || st.Created != 1 {
			t.Errorf("%d cores: got %d unrelated errors dropped, %d sessions, want 1 and 1", cores, st.DropICMPUnrelated, st.Created)
		}
	}
}

// TestICMPErrorDiscardedSession: an error about a packet the firewall
// refused finds no session and is dropped, even where the firewall
// accepts ICMP (junos-icmp-all): errors are never sessions of their own.
func TestICMPErrorDiscardedSession(t *testing.T) {
	r := pictest.New(t, pictest.Options{Config: conf, Plugins: []string{sfw.Name, nat.Name}})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 40004, DPort: 9999})
	quote := udpPkt(t, client, server, 40004, 9999, 63, nil)
	p := &pic.Packet{ServiceSet: 1, Side: pic.Output}
	p.SetData(icmpErr4(t, server, client, unreach, portUnreach, 0, quote))
	r.Process(p)
	if got := r.Take(); len(got) != 0 {
		t.Errorf("got %d packets out, want none", len(got))
	}
	if st := r.DP.Stats(); st.DropICMPUnrelated != 1 || st.Sessions != 0 {
		t.Errorf("got %d unrelated drops, %d sessions; want 1 and 0", st.DropICMPUnrelated, st.Sessions)
	}
	if n := len(r.DP.Sessions(dataplane.SessionFilter{})); n != 0 {
		t.Errorf("got %d sessions, want none", n)
	}
}

// TestFragmentedICMPError: an error too big for one packet (quoting a
// 1,400-byte datagram, sent over a 1,000-byte MTU) is related by its first
// fragment; its later fragment follows it to the session, and both leave
// translated: reassembled, they are the error as the client must see it.
func TestFragmentedICMPError(t *testing.T) {
	gen := func(t testing.TB) [][]byte {
		query := udpPkt(t, client, server, 5353, 53, 64, payload(1372, 'q'))
		quote := udpPkt(t, public, server, pubUDP, 53, 63, payload(1372, 'q'))
		return append([][]byte{query}, fragment(t, icmpErr4(t, server, public, unreach, portUnreach, 0, quote), 1000, 0x0bad)...)
	}
	pkts := capture(t, "icmp-error-fragmented.pcapng", gen)
	r := newRig(t, 1, 16<<20)
	query := udpPkt(t, client, server, 5353, 53, 64, payload(1372, 'q'))
	want := fragment(t, icmpErr4(t, server, client, unreach, portUnreach, 0, withTTL(t, query, 63)), 1000, 0x0bad)
	replay(t, r, pkts, []sent{{pic.Input, [][]byte{udpPkt(t, public, server, pubUDP, 53, 64, payload(1372, 'q'))}},
		{pic.Output, want[0:1]}, {pic.Output, want[1:2]}})
	if st := r.DP.Stats(); st.DropICMPUnrelated+st.DropFragOrphan != 0 || st.FragTracked != 0 {
		t.Errorf("got %+v, want no drops, nothing left tracked", st)
	}
}
