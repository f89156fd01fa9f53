package configd_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

// BenchmarkSetLinesCommit is configd's share of lab's
// BenchmarkSetLinesToKernel: 10,000 `set routing-options static route`
// lines run in batches of 1,024 as the CLI's script front end sends them
// (DeferWrites, one Set a line, Flush: one fsynced transaction a batch),
// then commit, on a fresh store each iteration. No kernel: what the
// configuration side costs.
func BenchmarkSetLinesCommit(b *testing.B) {
	const routes, batch = 10_000, 1024
	lines := make([][]string, routes)
	for i := range lines {
		lines[i] = strings.Fields(fmt.Sprintf("routing-options static route 10.%d.%d.0/24 next-hop 10.0.2.2", 100+i/256, i%256))
	}
	for b.Loop() {
		b.StopTimer()
		c, _ := benchConfigd(b)
		s, _ := c.Open("bench", "cli", configd.Shared)
		b.StartTimer()
		for i := 0; i < routes; i += batch {
			if err := s.DeferWrites(); err != nil {
				b.Fatal(err)
			}
			for _, l := range lines[i:min(i+batch, routes)] {
				ps, err := tree.ParseTokens(c.Schema().Root, l, tree.ForSet)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Set(ps...); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
