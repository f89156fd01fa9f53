package configd_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testconfig"
)

func perfText(b *testing.B) string {
	b.Helper()
	var buf bytes.Buffer
	if err := testconfig.WriteText(&buf, testconfig.Performance); err != nil {
		b.Fatal(err)
	}
	return buf.String()
}

func benchConfigd(b *testing.B) (*configd.Configd, *db.Store) {
	b.Helper()
	st, err := db.Open(filepath.Join(b.TempDir(), "gnos.db"), db.Options{NoSync: os.Getenv("GNOS_BENCH_NOSYNC") != ""})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	c, err := configd.New(context.Background(), configd.Options{Store: st, Clock: clock.NewFake(t0),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return c, st
}

// BenchmarkLoadCommitPerf: `load override` of the performance
// configuration (10,000 service-sets, 50,000 terms) and its commit.
func BenchmarkLoadCommitPerf(b *testing.B) {
	text := perfText(b)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c, _ := benchConfigd(b)
		s, _ := c.Open("bench", "cli", configd.Shared)
		b.StartTimer()
		if err := s.Load(configd.LoadOverride, configd.FormatText, text); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func loadedPerf(b *testing.B) (*configd.Configd, *configd.Session) {
	b.Helper()
	c, _ := benchConfigd(b)
	s, _ := c.Open("bench", "cli", configd.Shared)
	if err := s.Load(configd.LoadOverride, configd.FormatText, perfText(b)); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		b.Fatal(err)
	}
	return c, s
}

// BenchmarkOneLeafCommitPerf: set one leaf and commit, on the
// performance configuration (fsync included).
func BenchmarkOneLeafCommitPerf(b *testing.B) {
	c, s := loadedPerf(b)
	oneLeafCommits(b, c, s)
}

// BenchmarkOneLeafCommitPerfGroups is BenchmarkOneLeafCommitPerf with a
// group applied at the top level: every commit expands the configuration
// (a walk of the whole tree, copies only where the group adds).
func BenchmarkOneLeafCommitPerfGroups(b *testing.B) {
	c, s := loadedPerf(b)
	if err := s.Load(configd.LoadSet, configd.FormatSet,
		"set groups common system domain-name example.net\nset apply-groups common\n"); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		b.Fatal(err)
	}
	oneLeafCommits(b, c, s)
}

func oneLeafCommits(b *testing.B, c *configd.Configd, s *configd.Session) {
	vals := []string{"input", "output"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ps, err := tree.ParseTokens(c.Schema().Root,
			strings.Fields("services stateful-firewall rule r5000 match-direction "+vals[i%2]), tree.ForSet)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Set(ps...); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComparePerf: `show | compare` of a one-leaf change on the
// performance configuration.
func BenchmarkComparePerf(b *testing.B) {
	c, s := loadedPerf(b)
	ps, _ := tree.ParseTokens(c.Schema().Root,
		strings.Fields("services stateful-firewall rule r5000 term t1 then discard"), tree.ForSet)
	if err := s.Set(ps...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out bytes.Buffer
		if err := format.WriteCompare(&out, c.Committed(), s.Candidate()); err != nil {
			b.Fatal(err)
		}
		if out.Len() == 0 {
			b.Fatal("empty compare")
		}
	}
}
