package servicesd_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/servicesd"
)

// benchSessions opens n sfw → nat sessions of ss1 on the primary.
func benchSessions(b *testing.B, h *harness, n int) *dataplane.SSRB {
	ssrb := h.waitOn(slot00)
	rt := h.pic(slot00).Runtime()
	raw := make([][]byte, 0, 4096)
	for i := 0; i < n; i++ {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
			Dst: netip.MustParseAddr("192.0.2.10"), Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn}); err != nil {
			b.Fatal(err)
		}
		raw = append(raw, append([]byte(nil), p.Data...))
		if len(raw) == cap(raw) || i == n-1 {
			rt.Port.Inject(ssrb.ID, pic.Input, raw...)
			rt.DP.Sync()
			raw = raw[:0]
		}
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
	b.Run("replicate", func(b *testing.B) {
		var bytes int
		for b.Loop() {
			before := replicas(h)
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
