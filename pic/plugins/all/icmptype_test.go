package all_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

// icmpTypeConf accepts ICMPv6 echo requests (the predefined application
// the live fault was found with), ICMP timestamps of code 0 (a configured
// application with icmp-type and icmp-code), and nothing else.
const icmpTypeConf = `
applications {
    application ts { protocol icmp; icmp-type timestamp; icmp-code 0; }
}
services {
    service-set ss1 { stateful-firewall-rules fw; }
    stateful-firewall {
        rule fw {
            match-direction input;
            term ping6 { from { applications junos-icmp6-echo-request; } then accept; }
            term ts { from { applications ts; } then accept; }
        }
    }
}
`

var (
	linkLocal = netip.MustParseAddr("fe80::1")
	allNodes  = netip.MustParseAddr("ff02::1")
	mldRouter = netip.MustParseAddr("ff02::16")
)

// icmp6Msg is an ICMPv6 message of any type with body after its first
// word, at the given hop limit.
func icmp6Msg(t testing.TB, src, dst netip.Addr, hop, typ, code uint8, body []byte) []byte {
	ip := hdr6(src, dst, layers.IPProtocolICMPv6)
	ip.HopLimit = hop
	ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
	_ = ic.SetNetworkLayerForChecksum(ip)
	return ser(t, ip, ic, gopacket.Payload(body))
}

// echo6 is an ICMPv6 echo request (or reply) of identifier id.
func echo6(t testing.TB, src, dst netip.Addr, typ uint8, id uint16) []byte {
	return icmp6Msg(t, src, dst, 64, typ, 0, append([]byte{byte(id >> 8), byte(id), 0, 1}, payload(16, 'p')...))
}

// icmp4Msg is an ICMP message of type and code with identifier id.
func icmp4Msg(t testing.TB, src, dst netip.Addr, typ, code uint8, id uint16, body []byte) []byte {
	return ser(t, hdr4(src, dst, layers.IPProtocolICMPv4, 64, 0x0d0d),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: id, Seq: 1}, gopacket.Payload(body))
}

// icmpTypePackets is icmp-types.pcapng: what a dual-stack client side
// sends through a firewall that accepts only ICMPv6 echo requests and
// ICMP timestamps of code 0.
func icmpTypePackets(t testing.TB) [][]byte {
	ra := append([]byte{64, 0, 0x07, 0x08}, make([]byte, 8)...) // hop limit, flags, router lifetime 1800 s, timers
	ns := append(make([]byte, 4), server6.AsSlice()...)         // reserved, target
	mld := append([]byte{0, 0, 0, 1}, append([]byte{4, 0, 0, 0}, netip.MustParseAddr("ff02::1:ff00:2").AsSlice()...)...)
	ts := make([]byte, 12) // originate, receive, transmit timestamps
	return [][]byte{
		echo6(t, client6, server6, 128, 0x6001),                     // 0 accepted: opens a session
		echo6(t, server6, client6, 129, 0x6001),                     // 1 its reply, by the session
		icmp6Msg(t, client6, server6, 64, 1, 4, make([]byte, 4)),    // 2 a destination unreachable quoting nothing: never a session
		icmp6Msg(t, client6, server6, 64, 134, 0, ra),               // 3 a router advertisement routed on: not ND, refused
		icmp6Msg(t, client6, mldRouter, 1, 143, 0, mld),             // 4 an MLDv2 report: refused
		icmp6Msg(t, client6, server6, 64, 139, 0, make([]byte, 12)), // 5 a node information query: refused
		icmp6Msg(t, linkLocal, allNodes, 255, 134, 0, ra),           // 6 a router advertisement on the link: ND passes
		icmp6Msg(t, client6, server6, 255, 135, 0, ns),              // 7 a neighbor solicitation: ND passes
		icmp6Msg(t, client6, server6, 64, 135, 0, ns),               // 8 the same with hop limit 64: forged, refused
		echo6(t, client6, server6, 129, 0x6002),                     // 9 an echo reply nobody asked for: refused
		icmp4Msg(t, client, server, 13, 0, 0x4001, ts),              // 10 timestamp, code 0: accepted
		icmp4Msg(t, server, client, 14, 0, 0x4001, ts),              // 11 its reply, by the session
		icmp4Msg(t, client, server, 13, 1, 0x4001, ts),              // 12 timestamp, code 1: refused
		icmp4Msg(t, client, server, 9, 0, 0, make([]byte, 8)),       // 13 a router advertisement between the same hosts: refused, not the timestamp's session
		icmp4Msg(t, client, server, 8, 0, 0x4002, payload(8, 'e')),  // 14 an IPv4 echo request: ICMPv6 applications do not match it
	}
}

// TestICMPTypes replays icmp-types.pcapng through a stateful firewall
// that accepts junos-icmp6-echo-request and an icmp-type/icmp-code
// application: only the packets those applications name (and their
// answers) open sessions; every other ICMP and ICMPv6 type is refused,
// even between hosts that already have an ICMP session; neighbor
// discovery on the link passes without a session, as Junos passes NDP;
// what passes leaves unchanged.
func TestICMPTypes(t *testing.T) {
	pkts := capture(t, "icmp-types.pcapng", icmpTypePackets)
	in, out := pic.Input, pic.Output
	plan := []sent{{in, pkts[0:1]}, {out, pkts[1:2]}, {in, nil}, {in, nil}, {in, nil}, {in, nil},
		{in, pkts[6:7]}, {in, pkts[7:8]}, {in, nil}, {in, nil},
		{in, pkts[10:11]}, {out, pkts[11:12]}, {in, nil}, {in, nil}, {in, nil}}
	for _, cores := range []int{1, 3} {
		r := pictest.New(t, pictest.Options{Config: icmpTypeConf, Plugins: []string{sfw.Name}, Cores: cores})
		replay(t, r, pkts, plan)
		st := r.DP.Stats()
		if st.Created != 2 || st.NDPassed != 2 || st.DropICMPUnrelated != 1 || st.DropPolicy != 8 {
			t.Errorf("%d cores: got %d sessions, %d ND passed, %d unrelated errors, %d policy drops; want 2, 2, 1, 8",
				cores, st.Created, st.NDPassed, st.DropICMPUnrelated, st.DropPolicy)
		}
	}
}

// TestICMPApplicationFamilies: icmp applications match ICMP over IPv4
// only and icmp6 ones ICMPv6 only, types and codes exactly, for the
// predefined junos-* applications too.
func TestICMPApplicationFamilies(t *testing.T) {
	tests := []struct {
		name, app string
		pkt       func(testing.TB) []byte
		accept    bool
	}{
		{"icmp-all takes IPv4 ICMP", "junos-icmp-all", func(t testing.TB) []byte { return echoPkt(t, client, server, 1, 64) }, true},
		{"icmp-all refuses ICMPv6", "junos-icmp-all", func(t testing.TB) []byte { return echo6(t, client6, server6, 128, 1) }, false},
		{"icmp6-all takes ICMPv6", "junos-icmp6-all", func(t testing.TB) []byte { return echo6(t, client6, server6, 128, 1) }, true},
		{"icmp6-all refuses IPv4 ICMP", "junos-icmp6-all", func(t testing.TB) []byte { return echoPkt(t, client, server, 1, 64) }, false},
		{"icmp-ping takes echo requests", "junos-icmp-ping", func(t testing.TB) []byte { return echoPkt(t, client, server, 1, 64) }, true},
		{"icmp-ping refuses timestamps", "junos-icmp-ping", func(t testing.TB) []byte { return icmp4Msg(t, client, server, 13, 0, 1, make([]byte, 12)) }, false},
		{"icmp6-echo-reply takes replies", "junos-icmp6-echo-reply", func(t testing.TB) []byte { return echo6(t, client6, server6, 129, 1) }, true},
		{"icmp6-echo-request refuses MLD", "junos-icmp6-echo-request", func(t testing.TB) []byte {
			return icmp6Msg(t, client6, mldRouter, 1, 131, 0, make([]byte, 20))
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conf := `services { service-set ss1 { stateful-firewall-rules fw; }
                stateful-firewall { rule fw { match-direction input;
                    term t { from { applications ` + tc.app + `; } then accept; } } } }`
			r := pictest.New(t, pictest.Options{Config: conf, Plugins: []string{sfw.Name}})
			p := &pic.Packet{ServiceSet: 1, Side: pic.Input}
			p.SetData(tc.pkt(t))
			r.Process(p)
			if got := len(r.Take()) == 1; got != tc.accept {
				t.Errorf("%s: forwarded %v, want %v", tc.app, got, tc.accept)
			}
		})
	}
}

// TestICMPCodeNameChecked: an application's icmp-code given by name is
// checked against its icmp-type by the plugin's Check, which servicesd
// runs in the commit, so a name of another type fails the commit instead
// of reaching the PIC; a name of the right type passes.
func TestICMPCodeNameChecked(t *testing.T) {
	for _, tc := range []struct{ name, app, want string }{
		{"code of the type", "icmp-type unreachable; icmp-code fragmentation-needed;", ""},
		{"code of another type", "icmp-type echo-request; icmp-code fragmentation-needed;",
			"fragmentation-needed is a code of type unreachable (3), which is not matched here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := `applications { application a { protocol icmp; ` + tc.app + ` } }
                services { service-set ss1 { stateful-firewall-rules fw; }
                stateful-firewall { rule fw { match-direction input;
                    term t { from { applications a; } then accept; } } } }`
			in, err := pictest.Input(conf, "ss1")
			if err != nil {
				t.Fatal(err)
			}
			p := pic.Lookup(sfw.Name)
			policy, _, err := p.Compile(in)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Check(policy)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want the policy accepted", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
