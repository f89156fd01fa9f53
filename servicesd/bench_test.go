package servicesd_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkOneLeafCommitToAck measures, on the 10,000-service-set
// performance configuration, a one-leaf change from the start of the
// commit to the PIC's acknowledgement of the new generation (SPEC.md
// target: 50 ms). It reports the median and the part spent in the commit
// call itself.
func BenchmarkOneLeafCommitToAck(b *testing.B) {
	h := start(b)
	h.loadCommit(h.shape(10000))
	h.waitAll(10000)
	var total, commit []time.Duration
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		h.set(fmt.Sprintf("set services service-set ss5000 max-flows %d", 1000+i))
		t0 := time.Now()
		if err := h.commit(false); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		s, _ := h.n.Services.SSRB("ss5000")
		if err := h.n.Services.WaitAck(ctx, slot00, s.ID, s.Gen); err != nil {
			b.Fatal(err)
		}
		total = append(total, time.Since(t0))
		commit = append(commit, t1.Sub(t0))
		if got := h.n.Services.LastCommitUpdates(); got != 1 {
			b.Fatalf("commit sent %d updates, want 1", got)
		}
	}
	b.ReportMetric(ms(median(total)), "median-ms/commit-to-ack")
	b.ReportMetric(ms(median(commit)), "median-ms/commit-call")
	b.ReportMetric(50, "target-ms")
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkLoadCommitToPICSynced measures loading and committing the
// 10,000-service-set configuration on an empty system until the PIC has
// acknowledged every SSRB (SPEC.md: load + commit ≤ 2 s, without the PIC).
func BenchmarkLoadCommitToPICSynced(b *testing.B) {
	var text string
	var commit, synced []time.Duration
	for b.Loop() {
		b.StopTimer()
		h := start(b)
		if text == "" {
			text = h.shape(10000)
		}
		b.StartTimer()
		t0 := time.Now()
		h.loadCommit(text)
		t1 := time.Now()
		h.waitAll(10000)
		commit = append(commit, t1.Sub(t0))
		synced = append(synced, time.Since(t0))
	}
	b.ReportMetric(ms(median(commit)), "median-ms/load+commit")
	b.ReportMetric(ms(median(synced)), "median-ms/to-PIC-synced")
}
