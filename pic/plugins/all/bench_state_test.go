package all_test

import (
	"context"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// openSessions opens n sfw -> nat sessions (benchConf) on core 0 of r.
func openSessions(b *testing.B, r *rig, n int) {
	g := newFlowGen(b)
	core := r.DP.Core(0)
	vec := make([]*pic.Packet, dataplane.BatchSize)
	for i := range vec {
		vec[i] = g.packet()
	}
	r.DB.Online(0)
	for i := 0; i < n; i += dataplane.BatchSize {
		k := min(dataplane.BatchSize, n-i)
		for j := range k {
			g.fill(vec[j], i+j)
		}
		core.Process(vec[:k])
		r.DB.Quiesce(0)
	}
	if st := r.DP.Stats(); st.Sessions != int64(n) {
		b.Fatalf("got %d sessions, want %d", st.Sessions, n)
	}
}

// BenchmarkSessionState measures saving (snapshot, replication) and
// restoring sessions of sfw -> nat at 100 K sessions, per session, beside
// two references of the same run: a filtered session count (the walk a
// save makes, without encoding) and opening the same sessions by their
// first packets (what a restore replaces).
func BenchmarkSessionState(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	perSession := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/session")
	}
	b.Run("walk-reference", func(b *testing.B) {
		r := newRigConf(b, 1, 64<<20, benchConf, false)
		openSessions(b, r, n)
		b.ResetTimer()
		for range b.N {
			if c, err := r.DP.CountSessions(ctx, dataplane.SessionFilter{Proto: pic.ProtoUDP}); err != nil || c != n {
				b.Fatal(c, err)
			}
		}
		perSession(b)
	})
	b.Run("save", func(b *testing.B) {
		r := newRigConf(b, 1, 64<<20, benchConf, false)
		openSessions(b, r, n)
		b.ResetTimer()
		var s dataplane.Saved
		for range b.N {
			var err error
			if s, err = r.DP.SaveSessions(ctx, dataplane.SaveOptions{}); err != nil || s.Sessions != n {
				b.Fatal(s.Sessions, err)
			}
		}
		perSession(b)
		b.ReportMetric(float64(len(s.Records))/n, "B/session")
	})
	b.Run("open-reference", func(b *testing.B) {
		r := newRigConf(b, 1, 64<<20, benchConf, false)
		b.ResetTimer()
		for range b.N {
			openSessions(b, r, n)
			b.StopTimer()
			r.DP.ClearSessions(0, true)
			b.StartTimer()
		}
		perSession(b)
	})
	b.Run("restore", func(b *testing.B) {
		a := newRigConf(b, 1, 64<<20, benchConf, false)
		openSessions(b, a, n)
		s, err := a.DP.SaveSessions(ctx, dataplane.SaveOptions{})
		if err != nil {
			b.Fatal(err)
		}
		r := newRigConf(b, 1, 64<<20, benchConf, false)
		b.ResetTimer()
		for range b.N {
			if st, err := r.DP.RestoreSessions(ctx, s.Records, s.Sets, 0); err != nil || st.Restored != n {
				b.Fatal(st, err)
			}
			b.StopTimer()
			r.DP.ClearSessions(0, true)
			b.StartTimer()
		}
		perSession(b)
	})
}
