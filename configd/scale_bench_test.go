package configd_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testconfig"
)

// BenchmarkOneLeafCommitScale measures a one-leaf set + commit on a
// configuration of 1,000 service-sets and on one of 10,000 side by side:
// each iteration commits once on each, alternately, so both sizes see the
// same load of a shared machine (issue 22: at 10× the configuration a
// one-leaf commit should cost ≤ 1.5×, work following the change). Both
// stores fsync. "groups" first applies a group at the top level, so every
// commit also expands the configuration. Reported: the median of each
// size (median-ms/1000, median-ms/10000) and their ratio.
func BenchmarkOneLeafCommitScale(b *testing.B) {
	for _, variant := range []string{"plain", "groups"} {
		b.Run(variant, func(b *testing.B) {
			sizes := []int{1000, 10000}
			type side struct {
				c     *configd.Configd
				s     *configd.Session
				rule  string
				times []time.Duration
			}
			sides := make([]*side, len(sizes))
			for i, n := range sizes {
				var buf bytes.Buffer
				if err := testconfig.WriteText(&buf, testconfig.Shape{ServiceSets: n, TermsPerRule: 5}); err != nil {
					b.Fatal(err)
				}
				c, _ := benchConfigd(b)
				s, _ := c.Open("bench", "cli", configd.Shared)
				loadCommit(b, s, buf.String())
				if variant == "groups" {
					if err := s.Load(configd.LoadSet, configd.FormatSet,
						"set groups common system domain-name example.net\nset apply-groups common\n"); err != nil {
						b.Fatal(err)
					}
					if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				sides[i] = &side{c: c, s: s, rule: fmt.Sprintf("r%d", n/2)}
			}
			vals := []string{"input", "output"}
			i := 0
			for b.Loop() {
				i++
				for _, sd := range sides {
					start := time.Now()
					ps, err := tree.ParseTokens(sd.c.Schema().Root,
						strings.Fields("services stateful-firewall rule "+sd.rule+" match-direction "+vals[i%2]), tree.ForSet)
					if err != nil {
						b.Fatal(err)
					}
					if err := sd.s.Set(ps...); err != nil {
						b.Fatal(err)
					}
					if _, err := sd.s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
						b.Fatal(err)
					}
					sd.times = append(sd.times, time.Since(start))
				}
			}
			med := make([]float64, len(sides))
			for k, sd := range sides {
				med[k] = median(sd.times)
				b.ReportMetric(med[k], fmt.Sprintf("median-ms/%d", sizes[k]))
			}
			b.ReportMetric(med[1]/med[0], "ratio")
		})
	}
}

func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Millisecond)
}
