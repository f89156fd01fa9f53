package all_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// fragment splits a datagram built by gopacket into the fragments a host
// sends for a link of mtu bytes (IPv4: identification id, DF cleared;
// IPv6: a fragment header of identification id), in order.
func fragment(t testing.TB, dgram []byte, mtu int, id uint32) [][]byte {
	t.Helper()
	var out [][]byte
	if dgram[0]>>4 == 6 {
		pkt := gopacket.NewPacket(dgram, layers.LayerTypeIPv6, gopacket.Default)
		ip := pkt.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		data, per := ip.Payload, (mtu-48)&^7
		for off := 0; off < len(data); off += per {
			end := min(off+per, len(data))
			h := hdr6(netip.AddrFrom16([16]byte(ip.SrcIP)), netip.AddrFrom16([16]byte(ip.DstIP)), layers.IPProtocolIPv6Fragment)
			fh := &layers.IPv6Fragment{NextHeader: ip.NextHeader, FragmentOffset: uint16(off / 8), MoreFragments: end < len(data),
				Identification: id}
			out = append(out, ser(t, h, fh, gopacket.Payload(data[off:end])))
		}
		return out
	}
	pkt := gopacket.NewPacket(dgram, layers.LayerTypeIPv4, gopacket.Default)
	ip := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	data, per := ip.Payload, (mtu-20)&^7
	for off := 0; off < len(data); off += per {
		end := min(off+per, len(data))
		h := hdr4(netip.AddrFrom4([4]byte(ip.SrcIP)), netip.AddrFrom4([4]byte(ip.DstIP)), ip.Protocol, ip.TTL, uint16(id))
		h.Flags, h.FragOffset = 0, uint16(off/8)
		if end < len(data) {
			h.Flags = layers.IPv4MoreFragments
		}
		out = append(out, ser(t, h, gopacket.Payload(data[off:end])))
	}
	return out
}

// bigUDP is a 3,000-byte UDP datagram (header and payload) in three
// fragments for a 1500-byte MTU.
func bigUDP(t testing.TB, src, dst netip.Addr, sp, dp uint16, id uint32, seed byte) [][]byte {
	return fragment(t, udpPkt(t, src, dst, sp, dp, 64, payload(2992, seed)), 1500, id)
}

func pick(f [][]byte, order ...int) [][]byte {
	var out [][]byte
	for _, i := range order {
		out = append(out, f[i])
	}
	return out
}

// publicPort returns the port napt-44 gives first on a fresh rig of that
// many cores (its allocator is deterministic: it walks the pool from a
// per-core start, keeping ports that steer back to the session's core).
func publicPort(t *testing.T, cores int, first []byte) uint16 {
	r := newRig(t, cores, 16<<20)
	p := &pic.Packet{ServiceSet: 1, Side: pic.Input}
	p.SetData(first)
	r.Process(p)
	o := r.Take()
	if len(o) != 1 {
		t.Fatalf("probe: %d packets out, want 1", len(o))
	}
	return o[0].Packet.SPort
}

// TestFragmentsNAT replays fragmented UDP through stateful-firewall and
// napt-44: every fragment leaves translated (the first with its port and
// transport checksum, later ones with the address), in order or not,
// both ways; each output is exactly the fragment of the datagram as the
// translation would have it, built by gopacket.
func TestFragmentsNAT(t *testing.T) {
	in, out := pic.Input, pic.Output
	t.Run("in order, query and answer", func(t *testing.T) {
		gen := func(t testing.TB) [][]byte {
			return append(bigUDP(t, client, server, 6000, 53, 0x1111, 'a'), bigUDP(t, server, public, 53, pubUDP, 0x2222, 'b')...)
		}
		pkts := capture(t, "frag-v4-inorder.pcapng", gen)
		r := newRig(t, 1, 16<<20)
		q := bigUDP(t, public, server, pubUDP, 53, 0x1111, 'a')
		a := bigUDP(t, server, client, 53, 6000, 0x2222, 'b')
		replay(t, r, pkts, []sent{{in, q[0:1]}, {in, q[1:2]}, {in, q[2:3]}, {out, a[0:1]}, {out, a[1:2]}, {out, a[2:3]}})
		checkFragStats(t, r, 2, 0)
	})
	for _, cores := range []int{1, 3} {
		t.Run(fmt.Sprintf("out of order, %d cores", cores), func(t *testing.T) {
			gen := func(t testing.TB) [][]byte { return pick(bigUDP(t, client, server, 6001, 53, 0x3333, 'c'), 2, 1, 0) }
			pkts := capture(t, "frag-v4-reorder.pcapng", gen)
			pub := publicPort(t, cores, bigUDP(t, client, server, 6001, 53, 0x3333, 'c')[0])
			r := newRig(t, cores, 16<<20)
			q := bigUDP(t, public, server, pub, 53, 0x3333, 'c')
			replay(t, r, pkts, []sent{{in, nil}, {in, nil}, {in, pick(q, 0, 2, 1)}})
			checkFragStats(t, r, 1, 2)
		})
	}
}

// TestFragmentsIPv6: IPv6 fragments (fragment header) follow their first
// fragment, out of order, on one and three cores; they pass unchanged.
func TestFragmentsIPv6(t *testing.T) {
	gen := func(t testing.TB) [][]byte {
		return pick(bigUDP(t, client6, server6, 6000, 53, 0x44444444, 'd'), 1, 0, 2)
	}
	pkts := capture(t, "frag-v6-reorder.pcapng", gen)
	for _, cores := range []int{1, 3} {
		r := newRig(t, cores, 16<<20)
		in := pic.Input
		replay(t, r, pkts, []sent{{in, nil}, {in, pick(pkts, 1, 0)}, {in, pkts[2:3]}})
		checkFragStats(t, r, 1, 1)
	}
}

// TestFragmentDrops: a fragment whose first fragment never comes is held
// for FragTimeout then dropped, its buffer back in the object cache; the
// later fragments of a datagram the firewall refused are dropped as
// fragments without a session. Both are counted.
func TestFragmentDrops(t *testing.T) {
	gen := func(t testing.TB) [][]byte {
		return append(bigUDP(t, client, server, 6002, 53, 0x5555, 'e')[1:2], bigUDP(t, client, server, 6003, 9999, 0x6666, 'f')...)
	}
	pkts := capture(t, "frag-v4-drops.pcapng", gen)
	r := newRig(t, 1, 16<<20)
	in := pic.Input
	replay(t, r, pkts, []sent{{in, nil}, {in, nil}, {in, nil}, {in, nil}})
	st := r.DP.Stats()
	if st.FragHeld != 1 || st.DropFragOrphan != 2 || st.DropPolicy != 1 || st.FragTracked != 1 || r.InUse("fragment-buffers") != 1 {
		t.Fatalf("got %d held, %d without session, %d policy drops, %d tracked, %d buffers; want 1, 2, 1, 1, 1",
			st.FragHeld, st.DropFragOrphan, st.DropPolicy, st.FragTracked, r.InUse("fragment-buffers"))
	}
	r.Clock.Advance(dataplane.FragTimeout - time.Millisecond)
	r.DP.Sync()
	if st := r.DP.Stats(); st.DropFragTimeout != 0 || st.FragTracked != 1 {
		t.Errorf("before the timeout: got %d timeouts, %d tracked; want 0 and 1", st.DropFragTimeout, st.FragTracked)
	}
	r.Clock.Advance(time.Millisecond)
	r.DP.Sync()
	if st := r.DP.Stats(); st.DropFragTimeout != 1 || st.FragTracked != 0 || r.InUse("fragment-buffers") != 0 || r.InUse("fragments") != 0 {
		t.Errorf("after the timeout: got %d timeouts, %d tracked, %d buffers, %d entries in use; want 1, 0, 0, 0",
			st.DropFragTimeout, st.FragTracked, r.InUse("fragment-buffers"), r.InUse("fragments"))
	}
}

// checkFragStats checks the tracker followed datagrams and held so many
// fragments, and let go of every datagram it completed.
func checkFragStats(t *testing.T, r *rig, datagrams, held uint64) {
	t.Helper()
	st := r.DP.Stats()
	if st.FragDatagrams != datagrams || st.FragHeld != held || st.FragTracked != 0 || r.InUse("fragments") != 0 ||
		r.InUse("fragment-buffers") != 0 || st.DropFragOrphan+st.DropFragTimeout+st.DropFragLimit+st.DropFragMemlimit != 0 {
		t.Errorf("got %+v, %d entries and %d buffers in use; want %d datagrams, %d held, none open, no drops",
			st, r.InUse("fragments"), r.InUse("fragment-buffers"), datagrams, held)
	}
}

// TestFragmentsInjectRunning: with the data plane running on three cores,
// two sources inject datagrams whose first fragment comes second, at the
// same time; every fragment leaves once, translated, and the tracker
// ends empty (run with -race).
func TestFragmentsInjectRunning(t *testing.T) {
	r := newRig(t, 3, 16<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.DP.Start(ctx)
	defer r.DP.Stop()
	const n = 20
	var batches [2][]*pic.Packet
	for i := range n {
		for _, f := range pick(bigUDP(t, client, server, uint16(7000+i), 53, uint32(0x100+i), byte(i)), 2, 0, 1) {
			p := &pic.Packet{ServiceSet: 1, Side: pic.Input}
			p.SetData(f)
			batches[i%2] = append(batches[i%2], p)
		}
	}
	var wg sync.WaitGroup
	for _, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.DP.Inject(b)
		}()
	}
	wg.Wait()
	r.DP.Sync()
	got := r.Take()
	perPort := map[uint16]int{}
	for _, o := range got {
		if netip.AddrFrom16(o.Packet.Src).Unmap() != public || o.Side != pic.Output {
			t.Errorf("a fragment left from %v by %v, want from %v by output", netip.AddrFrom16(o.Packet.Src).Unmap(), o.Side, public)
		}
		if o.Packet.L4 != 0 {
			perPort[o.Packet.SPort]++
		}
	}
	st := r.DP.Stats()
	if len(got) != 3*n || len(perPort) != n || st.FragTracked != 0 || st.FragHeld != n || st.Created != n {
		t.Errorf("got %d fragments out (%d first fragments with distinct ports), %+v; want %d, %d, none tracked, %d held, %d sessions",
			len(got), len(perPort), st, 3*n, n, n, n)
	}
}
