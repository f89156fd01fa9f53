package configd_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testconfig"
)

// BenchmarkCommitSize measures the commit path against the size of the
// configuration (1,000 to 10,000 service-sets of 5 terms each), for
// docs/perf/commit-vs-size.svg: load override + commit should grow with
// the size, a one-leaf change should not (SPEC.md: work proportional to
// what changed). Each set-up is a fresh store with fsync, as in
// BenchmarkLoadCommitPerf.
func BenchmarkCommitSize(b *testing.B) {
	for _, n := range []int{1000, 2500, 5000, 10000} {
		var buf bytes.Buffer
		if err := testconfig.WriteText(&buf, testconfig.Shape{ServiceSets: n, TermsPerRule: 5}); err != nil {
			b.Fatal(err)
		}
		text := buf.String()
		b.Run(fmt.Sprintf("service-sets=%d", n), func(b *testing.B) {
			b.Run("load+commit", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					b.StopTimer()
					c, _ := benchConfigd(b)
					s, _ := c.Open("bench", "cli", configd.Shared)
					b.StartTimer()
					loadCommit(b, s, text)
				}
			})
			b.Run("one-leaf", func(b *testing.B) {
				c, _ := benchConfigd(b)
				s, _ := c.Open("bench", "cli", configd.Shared)
				loadCommit(b, s, text)
				vals := []string{"input", "output"}
				rule := fmt.Sprintf("r%d", n/2)
				i := 0
				// the label lets `make bench PROFILE=1` keep this loop's
				// samples and drop the set-up's (pprof -tagfocus)
				labels := pprof.Labels("gnos-bench", "one-leaf")
				for b.Loop() {
					i++
					pprof.Do(context.Background(), labels, func(ctx context.Context) {
						ps, err := tree.ParseTokens(c.Schema().Root,
							strings.Fields("services stateful-firewall rule "+rule+" match-direction "+vals[i%2]), tree.ForSet)
						if err != nil {
							b.Fatal(err)
						}
						if err := s.Set(ps...); err != nil {
							b.Fatal(err)
						}
						if _, err := s.Commit(ctx, configd.CommitOptions{}); err != nil {
							b.Fatal(err)
						}
					})
				}
			})
		})
	}
}

func loadCommit(b *testing.B, s *configd.Session, text string) {
	b.Helper()
	if err := s.Load(configd.LoadOverride, configd.FormatText, text); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		b.Fatal(err)
	}
}
