package all_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

// mssConf is the firewall-then-NAT configuration with tcp-mss 1360 on
// the service-set.
var mssConf = strings.Replace(conf, "service-set ss1 { stateful-firewall-rules fw; nat-rules nr; }",
	"service-set ss1 { stateful-firewall-rules fw; nat-rules nr; tcp-mss 1360; }", 1)

// synOpts is a TCP segment with options (SYN, SYN-ACK or a plain ACK),
// IPv4 or IPv6 from the addresses.
func synOpts(t testing.TB, src, dst netip.Addr, sp, dp uint16, syn, ack bool, opts []layers.TCPOption) []byte {
	tc := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: 7000, SYN: syn, ACK: ack,
		Window: 64240, Options: opts}
	if ack {
		tc.Ack = 9000
	}
	if src.Is6() {
		ip := hdr6(src, dst, layers.IPProtocolTCP)
		_ = tc.SetNetworkLayerForChecksum(ip)
		return ser(t, ip, tc)
	}
	ip := hdr4(src, dst, layers.IPProtocolTCP, 64, 0x2002)
	_ = tc.SetNetworkLayerForChecksum(ip)
	return ser(t, ip, tc)
}

func optMSS(v uint16) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{byte(v >> 8), byte(v)}}
}

var (
	optNOP  = layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1}
	optSACK = layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}
	optTS   = layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)}
	optWS   = layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}}
)

// linuxOpts are the options of a Linux SYN: MSS, SACK permitted,
// timestamps, no-op, window scale. oddOpts put the MSS after a lone
// no-op, across two checksum words.
func linuxOpts(mss uint16) []layers.TCPOption {
	return []layers.TCPOption{optMSS(mss), optSACK, optTS, optNOP, optWS}
}
func oddOpts(mss uint16) []layers.TCPOption {
	return []layers.TCPOption{optNOP, optMSS(mss), optNOP, optNOP, optNOP}
}

// mssPackets is tcp-mss.pcapng: handshakes over IPv4 (translated by
// napt-44) and IPv6, MSS above and below the service-set's tcp-mss.
func mssPackets(t testing.TB) [][]byte {
	return [][]byte{
		synOpts(t, client, server, 41000, 80, true, false, linuxOpts(1460)),                      // 0 SYN, MSS 1460
		synOpts(t, server, public, 80, 20000, true, true, linuxOpts(1460)),                       // 1 SYN-ACK, MSS 1460
		synOpts(t, client, server, 41000, 80, false, true, nil),                                  // 2 ACK: no option
		synOpts(t, client, server, 41001, 80, true, false, linuxOpts(1200)),                      // 3 SYN, MSS 1200: below
		synOpts(t, client6, server6, 41002, 80, true, false, oddOpts(1440)),                      // 4 IPv6 SYN, MSS 1440 after a no-op
		synOpts(t, server6, client6, 80, 41002, true, true, linuxOpts(8940)),                     // 5 IPv6 SYN-ACK, jumbo MSS
		synOpts(t, client6, server6, 41003, 80, true, false, []layers.TCPOption{optSACK, optWS}), // 6 SYN without MSS
	}
}

// TestTCPMSS replays tcp-mss.pcapng through stateful-firewall and napt-44
// with tcp-mss 1360: SYNs and SYN-ACKs announcing more leave with 1360,
// both directions and both families, translated where NAT applies; what
// announces less or nothing leaves as it would without tcp-mss; every
// output is the segment gopacket builds with those values, checksums
// verified by gopacket.
func TestTCPMSS(t *testing.T) {
	pkts := capture(t, "tcp-mss.pcapng", mssPackets)
	in, out := pic.Input, pic.Output
	plan := []sent{
		{in, [][]byte{synOpts(t, public, server, 20000, 80, true, false, linuxOpts(1360))}},
		{out, [][]byte{synOpts(t, server, client, 80, 41000, true, true, linuxOpts(1360))}},
		{in, [][]byte{synOpts(t, public, server, 20000, 80, false, true, nil)}},
		{in, [][]byte{synOpts(t, public, server, 20001, 80, true, false, linuxOpts(1200))}},
		{in, [][]byte{synOpts(t, client6, server6, 41002, 80, true, false, oddOpts(1360))}},
		{out, [][]byte{synOpts(t, server6, client6, 80, 41002, true, true, linuxOpts(1360))}},
		{in, pkts[6:7]},
	}
	r := pictest.New(t, pictest.Options{Config: mssConf, Plugins: []string{sfw.Name, nat.Name}})
	replay(t, r, pkts, plan)
	if got := r.DP.Stats().MSSClamped; got != 4 {
		t.Errorf("got %d segments clamped, want 4", got)
	}
	// Without tcp-mss the same SYN leaves with its MSS.
	r = newRig(t, 1, 16<<20)
	replay(t, r, pkts[:1], []sent{{in, [][]byte{synOpts(t, public, server, 20000, 80, true, false, linuxOpts(1460))}}})
}

// FuzzClampMSS: clamping never panics on any TCP options, lowers only an
// MSS above the limit, and always leaves a valid checksum (summed from
// scratch over the pseudo-header and segment: the incremental update
// must agree with it wherever the option sits).
func FuzzClampMSS(f *testing.F) {
	f.Add([]byte{2, 4, 0x05, 0xb4, 1, 1, 1, 0}, uint16(1360))
	f.Add([]byte{1, 2, 4, 0x23, 0x28, 1, 1, 1}, uint16(536))
	f.Add([]byte{2, 4, 0, 0, 3, 3, 7, 0}, uint16(1000))
	f.Fuzz(func(t *testing.T, opts []byte, mss uint16) {
		if len(opts) > 40 {
			opts = opts[:40]
		}
		opts = append(opts, make([]byte, (4-len(opts)%4)%4)...)
		tc := &layers.TCP{SrcPort: 1, DstPort: 2, SYN: true, Window: 1, DataOffset: uint8(5 + len(opts)/4)}
		ip := hdr4(client, server, layers.IPProtocolTCP, 64, 1)
		_ = tc.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tc, gopacket.Payload(nil)); err != nil {
			t.Skip()
		}
		raw := append([]byte(nil), buf.Bytes()...)
		raw = append(raw[:40], append(opts, raw[40:]...)...) // options after the fixed header
		raw[32] = byte(5+len(opts)/4) << 4
		raw[3] = byte(len(raw))
		raw[10], raw[11] = 0, 0
		c := pic.Checksum(raw[:20], 0)
		raw[10], raw[11] = byte(c>>8), byte(c)
		raw[36], raw[37] = 0, 0
		c = tcpSum(raw)
		raw[36], raw[37] = byte(c>>8), byte(c)
		p := &pic.Packet{}
		p.SetData(raw)
		if p.Parse() != nil {
			return
		}
		old, had := p.MSS()
		changed := p.ClampMSS(max(mss, 1))
		if tcpSum(p.Data) != 0 {
			t.Fatalf("bad checksum after clamping:\n%s", dump(p.Data))
		}
		if now, _ := p.MSS(); changed != (had && old > max(mss, 1)) || (changed && now != max(mss, 1)) {
			t.Fatalf("MSS %d (present %v) clamped to %d: changed %v, now %d", old, had, max(mss, 1), changed, now)
		}
	})
}

// tcpSum is the Internet checksum of an IPv4 TCP segment with its
// pseudo-header, summed from scratch: 0 for a segment whose checksum is
// right.
func tcpSum(raw []byte) uint16 {
	s := uint32(0)
	for i := 12; i < 20; i += 2 {
		s += uint32(raw[i])<<8 | uint32(raw[i+1])
	}
	s += 6 + uint32(len(raw)-20)
	return pic.Checksum(raw[20:], s)
}

// TestMSSClampAllocs: a SYN retransmitted into its session (sfw ->
// napt-44, tcp-mss) is clamped and translated without allocating, and
// so is an IPv6 neighbor solicitation passed without a session.
func TestMSSClampAllocs(t *testing.T) {
	r := newRigConf(t, 1, 16<<20, mssConf, false)
	core := r.DP.Core(0)
	syn := synOpts(t, client, server, 41000, 80, true, false, linuxOpts(1460))
	ns := append(make([]byte, 4), server6.AsSlice()...)
	nd := icmp6Msg(t, client6, server6, 255, 135, 0, ns)
	p := &pic.Packet{}
	vec, vecs := []*pic.Packet{p}, make([][]*pic.Packet, 1)
	send := func(b []byte) func() {
		return func() {
			p.SetData(b)
			p.ServiceSet, p.Side = 1, pic.Input
			vecs[0] = vecs[0][:0]
			r.DP.Route(vec, vecs)
			core.Process(vecs[0])
			r.DB.Quiesce(0)
		}
	}
	r.DB.Online(0)
	send(syn)()
	if n := testing.AllocsPerRun(200, send(syn)); n != 0 {
		t.Errorf("SYN clamped: %v allocations per packet, want 0", n)
	}
	if n := testing.AllocsPerRun(200, send(nd)); n != 0 {
		t.Errorf("neighbor solicitation: %v allocations per packet, want 0", n)
	}
	if st := r.DP.Stats(); st.Created != 1 || st.MSSClamped != 202 || st.NDPassed != 201 {
		t.Errorf("got %d sessions, %d clamped, %d ND passed; want 1, 202, 201", st.Created, st.MSSClamped, st.NDPassed)
	}
}
