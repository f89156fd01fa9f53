package servicesd_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/servicesd"
)

// benchSessions opens n established sfw → nat sessions of ss1 on the
// primary (SYN, SYN-ACK to the NAT mapping, ACK: established sessions
// keep for 1800 s on the fake clock, where a SYN alone expires in 4 s).
func benchSessions(b *testing.B, h *harness, n int) *dataplane.SSRB {
	ssrb := h.waitOn(slot00)
	rt := h.pic(slot00).Runtime()
	build := func(spec pic.PacketSpec) []byte {
		var p pic.Packet
		if err := p.Build(spec); err != nil {
			b.Fatal(err)
		}
		return append([]byte(nil), p.Data...)
	}
	server := netip.MustParseAddr("192.0.2.10")
	for lo := 0; lo < n; lo += 4096 {
		hi := min(lo+4096, n)
		var syn, ack [][]byte
		for i := lo; i < hi; i++ {
			c := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			syn = append(syn, build(pic.PacketSpec{Src: c, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn}))
			ack = append(ack, build(pic.PacketSpec{Src: c, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck}))
		}
		rt.Port.Arm(len(syn))
		rt.Port.Inject(ssrb.ID, pic.Input, syn...)
		rt.DP.Sync()
		var synack [][]byte
		for _, c := range rt.Port.Take() {
			var p pic.Packet
			p.SetData(c.Data)
			if err := p.Parse(); err != nil {
				b.Fatal(err)
			}
			k := p.Key()
			synack = append(synack, build(pic.PacketSpec{Src: server, Dst: netip.AddrFrom4([4]byte(k.Src[12:16])), Proto: pic.ProtoTCP,
				SPort: 80, DPort: k.SPort, Flags: pic.TCPSyn | pic.TCPAck}))
		}
		rt.Port.Inject(ssrb.ID, pic.Output, synack...)
		rt.Port.Inject(ssrb.ID, pic.Input, ack...)
		rt.DP.Sync()
		rt.Port.Disarm()
	}
	if got := sessionCount(h.pic(slot00)); got != n {
		b.Fatalf("%d sessions open, want %d", got, n)
	}
	return ssrb
}

// BenchmarkReplication: one replication round of rsp0 (save on the
// primary, records over both PIC streams, held by the secondary) beside
// the primary's own save of the same sessions (the reference).
//
//	go test ./servicesd -run XXX -bench BenchmarkReplication -benchtime 5x
func BenchmarkReplication(b *testing.B) {
	const n = 20000
	h := start(b)
	h.loadCommit(rspConf)
	benchSessions(b, h, n)
	p0, p1 := h.pic(slot00), h.pic(slot10)
	ctx := context.Background()
	b.Run("save-only", func(b *testing.B) {
		for b.Loop() {
			if _, err := p0.Runtime().DP.SaveSessions(ctx, dataplane.SaveOptions{MaxBytes: servicesd.MaxReplicaBytes}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/session")
	})
	b.Run("replicate", func(b *testing.B) { // the whole table each round
		var bytes int
		for b.Loop() {
			before := replicas(h)
			h.n.Services.ForgetReplicationBases()
			h.clk.Advance(servicesd.ReplicationInterval)
			testkit.Until(b, "a replica held", func() bool {
				r := p1.Status().Replica
				return replicas(h) > before && r != nil && r.Sessions == n
			})
			bytes = p1.Status().Replica.Bytes
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/session")
		b.ReportMetric(float64(bytes)/n, "bytes/session")
	})
}

// BenchmarkReplicationDelta: delta rounds of rsp0 with 20,000 sfw → nat
// sessions of which 1% had a packet since the round before (and none
// closed), beside the whole-table round of the same table (the
// reference: what each round cost before deltas). Figures per round,
// and bytes per replicated session.
//
//	go test ./servicesd -run XXX -bench BenchmarkReplicationDelta -benchtime 5x
func BenchmarkReplicationDelta(b *testing.B) {
	const n, active = 20000, 200
	h := start(b)
	h.loadCommit(rspConf)
	ssrb := benchSessions(b, h, n)
	p0, p1 := h.pic(slot00), h.pic(slot10)
	acks := make([][]byte, 0, active)
	for i := 0; i < active; i++ { // every 100th session
		var p pic.Packet
		j := i * (n / active)
		if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, byte(j >> 16), byte(j >> 8), byte(j)}),
			Dst: netip.MustParseAddr("192.0.2.10"), Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck}); err != nil {
			b.Fatal(err)
		}
		acks = append(acks, append([]byte(nil), p.Data...))
	}
	round := func(b *testing.B, full bool) servicesd.ReplicationStats {
		before := replicas(h)
		if full {
			h.n.Services.ForgetReplicationBases()
		}
		h.clk.Advance(servicesd.ReplicationInterval)
		var r servicesd.ReplicationStats
		testkit.Eventually(b, "a replica held", func() error {
			rs, _ := h.n.Services.Redundancy(context.Background())
			r = rs[0].Replication
			if st := p1.Status().Replica; r.Replicas <= before || st == nil || st.Sessions != n || st.Replicas < r.Replicas {
				return fmt.Errorf("sent %+v, held %+v", r, st)
			}
			return nil
		})
		return r
	}
	round(b, true)
	for _, c := range []struct {
		name string
		full bool
	}{{"whole-table", true}, {"delta-1pct", false}} {
		b.Run(c.name, func(b *testing.B) {
			var bytes, sessions int
			for b.Loop() {
				b.StopTimer()
				p0.Runtime().Port.Inject(ssrb.ID, pic.Input, acks...)
				p0.Runtime().DP.Sync()
				b.StartTimer()
				r := round(b, c.full)
				bytes, sessions = r.Bytes+4*r.Gone, r.Sessions
			}
			if !c.full && sessions != active {
				b.Fatalf("a delta carried %d sessions, want the %d active", sessions, active)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/round")
			b.ReportMetric(float64(bytes), "bytes/round")
			b.ReportMetric(float64(bytes)/float64(sessions), "bytes/session")
		})
	}
}

func replicas(h *harness) uint64 {
	rs, _ := h.n.Services.Redundancy(context.Background())
	if len(rs) == 0 {
		return 0
	}
	return rs[0].Replication.Replicas
}

// BenchmarkFailover: from the kill of the active picd (its stream ends)
// to the standby holding ss1 with every replicated session restored, in
// wall time (the failover itself waits on no clock), beside a planned
// switchover of the same sessions.
//
//	go test ./servicesd -run XXX -bench BenchmarkFailover -benchtime 1x
func BenchmarkFailover(b *testing.B) {
	const n = 20000
	for b.Loop() {
		b.StopTimer()
		h := start(b)
		h.loadCommit(rspConf)
		benchSessions(b, h, n)
		p1 := h.pic(slot10)
		before := replicas(h)
		h.clk.Advance(servicesd.ReplicationInterval)
		testkit.Until(b, "a replica on the standby", func() bool {
			r := p1.Status().Replica
			return replicas(h) > before && r != nil && r.Sessions == n
		})
		b.StartTimer()
		t0 := time.Now()
		h.n.PICs.Stop(slot00)
		h.waitOn(slot10)
		testkit.Until(b, "sessions restored", func() bool { return sessionCount(p1) == n })
		b.ReportMetric(float64(time.Since(t0).Milliseconds()), "ms-to-restored")
	}
}
