package all_test

import (
	"net/netip"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// relatedPath drives the data path's fragment and ICMP error handling
// on one core the way a packet source does (Route, then the core), with
// an established UDP/53 session of benchConf (stateful-firewall then
// napt-44): per round, a 3,000-byte datagram of the session in three
// fragments, in order or not, or a fragmentation needed from a
// client-side router about the session's answer.
type relatedPath struct {
	r     *rig
	core  *dataplane.Core
	frags [][]byte // in the order sent
	icmp  []byte
	pk    []*pic.Packet
	vecs  [][]*pic.Packet
}

func newRelatedPath(t testing.TB, order ...int) *relatedPath {
	s := flowSpec(0)
	srv, cl := netip.MustParseAddr("192.0.2.53"), s.Src
	all := bigUDP(t, cl, srv, s.SPort, 53, 0x7777, 'z')
	answer := udpPkt(t, srv, cl, 53, s.SPort, 60, payload(1400, 'y'))
	rp := &relatedPath{r: newRigConf(t, 1, 64<<20, benchConf, false), frags: pick(all, order...),
		icmp: icmpErr4(t, routerIn, srv, unreach, fragNeeded, 1400, answer[:576-28]), vecs: make([][]*pic.Packet, 1)}
	rp.core = rp.r.DP.Core(0)
	rp.vecs[0] = make([]*pic.Packet, 0, 8)
	for range 3 {
		rp.pk = append(rp.pk, &pic.Packet{})
	}
	rp.r.DB.Online(0)
	rp.fragments() // opens the session
	if st := rp.r.DP.Stats(); st.Created != 1 || st.Tx != 3 {
		t.Fatalf("setup: %+v, want one session and the three fragments through", st)
	}
	return rp
}

// fragments sends the datagram's fragments.
func (rp *relatedPath) fragments() {
	for i, f := range rp.frags {
		rp.pk[i].SetData(f)
		rp.pk[i].ServiceSet, rp.pk[i].Side = 1, pic.Input
	}
	rp.send(rp.pk[:len(rp.frags)])
}

// icmpError sends the fragmentation needed.
func (rp *relatedPath) icmpError() {
	p := rp.pk[0]
	p.SetData(rp.icmp)
	p.ServiceSet, p.Side = 1, pic.Input
	rp.send(rp.pk[:1])
}

func (rp *relatedPath) send(pkts []*pic.Packet) {
	rp.vecs[0] = rp.vecs[0][:0]
	rp.r.DP.Route(pkts, rp.vecs)
	if len(rp.vecs[0]) > 0 {
		rp.core.Process(rp.vecs[0])
	}
	rp.r.DB.Quiesce(0)
}

// TestRelatedPathAllocs: fragments (in order) and ICMP errors of a
// session allocate nothing once warm.
func TestRelatedPathAllocs(t *testing.T) {
	rp := newRelatedPath(t, 0, 1, 2)
	if n := testing.AllocsPerRun(200, rp.fragments); n != 0 {
		t.Errorf("fragments in order: %v allocations per datagram, want 0", n)
	}
	if n := testing.AllocsPerRun(200, rp.icmpError); n != 0 {
		t.Errorf("ICMP error: %v allocations per error, want 0", n)
	}
	if st := rp.r.DP.Stats(); st.Created != 1 || st.Tx != 3+3*201+201 || st.FragTracked != 0 {
		t.Errorf("got %+v, want every fragment and error through one session, nothing left tracked", st)
	}
}

// BenchmarkDataPathFragments: datagrams of three fragments of an
// established session through Route and the core (sfw -> napt-44), in
// order and with the first fragment last (two held, then released).
func BenchmarkDataPathFragments(b *testing.B) {
	for _, c := range []struct {
		name  string
		order []int
	}{{"in-order", []int{0, 1, 2}}, {"first-last", []int{2, 1, 0}}} {
		b.Run(c.name, func(b *testing.B) {
			rp := newRelatedPath(b, c.order...)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rp.fragments()
			}
			b.StopTimer()
			b.ReportMetric(3e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "Mpps")
		})
	}
}

// BenchmarkDataPathICMPError: fragmentation needed about an established
// session's answer, matched by its quote and translated (outer source,
// quoted destination and port, three checksums).
func BenchmarkDataPathICMPError(b *testing.B) {
	rp := newRelatedPath(b, 0, 1, 2)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rp.icmpError()
	}
	b.StopTimer()
	b.ReportMetric(1e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "Mpps")
}
