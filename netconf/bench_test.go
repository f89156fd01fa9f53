package netconf_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

const smallGet = `<get-configuration database="committed"><configuration><system><host-name/></system></configuration></get-configuration>`

// BenchmarkGetConfiguration: small get-configuration RPCs on one session,
// over SSH with base:1.1 framing (target: ≥ 1,000 RPCs/s).
func BenchmarkGetConfiguration(b *testing.B) {
	n, _ := startNode(b)
	c := dial(b, n, "admin", true)
	b.ResetTimer()
	for b.Loop() {
		r := c.rpc(smallGet)
		if r.Child("configuration") == nil {
			b.Fatal("no configuration in reply")
		}
	}
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "rpcs/s")
	b.Logf("one session: %.0f get-configuration RPCs/s (target ≥ 1,000)", rate)
}

// BenchmarkGetConfiguration100Sessions: the same RPC from 100 concurrent
// sessions (each its own SSH connection); b.N RPCs in all, at least one
// per session.
func BenchmarkGetConfiguration100Sessions(b *testing.B) {
	n, _ := startNode(b)
	sessions := benchSessions
	cs := make([]*client, sessions)
	for i := range cs {
		cs[i] = dial(b, n, "admin", true)
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	total := max(b.N, sessions) // every session sends at least one RPC
	for i, c := range cs {
		count := total / sessions
		if i < total%sessions {
			count++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range count {
				r, err := c.try(smallGet)
				if err != nil || r.Child("configuration") == nil {
					errs <- fmt.Errorf("rpc: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	rate := float64(total) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "rpcs/s")
	b.ReportMetric(float64(sessions), "sessions")
	b.Logf("%d concurrent sessions: %.0f RPCs/s in all (target: 100 sessions)", sessions, rate)
}

var benchSessions = 100

// BenchmarkEditConfig: an edit-config of 5,000 logical units (a
// description each) merged into the candidate, then discarded, over SSH.
func BenchmarkEditConfig(b *testing.B) {
	n, _ := startNode(b)
	c := dial(b, n, "admin", true)
	var cfg strings.Builder
	cfg.WriteString("<interfaces><interface><name>ge-0/0/0</name><mtu>1500</mtu>")
	for i := range 5000 {
		fmt.Fprintf(&cfg, "<unit><name>%d</name><description>bench</description></unit>", i)
	}
	cfg.WriteString("</interface></interfaces>")
	edit := editRPC("", cfg.String())
	b.ResetTimer()
	for b.Loop() {
		ok(b, c.rpc(edit))
		b.StopTimer()
		ok(b, c.rpc(`<discard-changes/>`))
		b.StartTimer()
	}
}
