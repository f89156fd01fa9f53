package lab_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/lab"
)

// BenchmarkRemoteCommitToAck measures a one-leaf change on the
// 10,000-service-set performance configuration from the start of the
// commit to the PIC's acknowledgement of the new generation, with the PIC
// on another host (its namespace, over the veth, TCP and mutual TLS),
// beside the same measured in the same run with the PIC embedded (its
// stream on the Unix socket). Both use the real clock. Root only.
func BenchmarkRemoteCommitToAck(b *testing.B) {
	if !lab.Permitted() {
		b.Skip("needs root to build network namespaces")
	}
	b.Run("pic=local", func(b *testing.B) {
		n, err := compose.Start(context.Background(), compose.Options{DataDir: b.TempDir(), NoSync: true,
			Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			b.Fatal(err)
		}
		defer n.Close()
		s, err := n.Configd.Open("root", "cli", configd.Shared)
		if err != nil {
			b.Fatal(err)
		}
		r := &remote{t: b, n: n, s: s}
		commitToAck(b, r, nil)
	})
	b.Run("pic=veth-tls", func(b *testing.B) {
		r := startRemote(b, false)
		commitToAck(b, r, func() {
			if p := r.info().peer; p == "" {
				b.Fatal("the PIC is not the remote one")
			}
		})
	})
}

func commitToAck(b *testing.B, r *remote, check func()) {
	r.load(shape(b, 10000)[0])
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := r.n.Services.WaitSynced(ctx, slot00); err != nil {
		b.Fatal(err)
	}
	if check != nil {
		check()
	}
	var total []time.Duration
	i := 0
	for b.Loop() {
		i++
		if err := r.s.Load(configd.LoadSet, configd.FormatSet, fmt.Sprintf("set services service-set ss5000 max-flows %d\n", 1000+i)); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if _, err := r.s.Commit(ctx, configd.CommitOptions{}); err != nil {
			b.Fatal(err)
		}
		s, _ := r.n.Services.SSRB("ss5000")
		if err := r.n.Services.WaitAck(ctx, slot00, s.ID, s.Gen); err != nil {
			b.Fatal(err)
		}
		total = append(total, time.Since(t0))
	}
	sort.Slice(total, func(i, j int) bool { return total[i] < total[j] })
	b.ReportMetric(float64(total[len(total)/2])/float64(time.Millisecond), "median-ms/commit-to-ack")
	b.ReportMetric(float64(total[len(total)*9/10])/float64(time.Millisecond), "p90-ms/commit-to-ack")
}
