package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/testconfig"
)

// perfSession returns a CLI session in configuration mode on the
// performance configuration (10,000 service-sets, 50,000 terms).
func perfSession(b *testing.B) *cli.Session {
	b.Helper()
	st, err := db.Open(filepath.Join(b.TempDir(), "gnos.db"), db.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	c, err := configd.New(context.Background(), configd.Options{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	var text bytes.Buffer
	if err := testconfig.WriteText(&text, testconfig.Performance); err != nil {
		b.Fatal(err)
	}
	cs, _ := c.Open("bench", "cli", configd.Shared)
	if err := cs.Load(configd.LoadOverride, configd.FormatText, text.String()); err != nil {
		b.Fatal(err)
	}
	if _, err := cs.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		b.Fatal(err)
	}
	cs.Close()
	ops := cli.NewTable()
	cli.BaseCommands(ops)
	s := (&cli.Engine{Configd: c, Ops: ops}).NewSession("bench", "cli")
	if r := s.Exec(context.Background(), "configure"); r.Failed {
		b.Fatal(r.Output)
	}
	return s
}

// BenchmarkCompletePerf measures TAB / ? completion on the performance
// configuration (target ≤ 10 ms), for a keyword, for the keys of a
// 10,000-entry list, and deep in a rule.
func BenchmarkCompletePerf(b *testing.B) {
	s := perfSession(b)
	for _, tc := range []struct{ name, line string }{
		{"keyword", "set services serv"},
		{"service-set keys", "set services service-set ss99"},
		{"all service-set keys", "set services service-set "},
		{"deep", "set services stateful-firewall rule r5000 term t1 from "},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if len(s.Complete(tc.line)) == 0 {
					b.Fatalf("no completions for %q", tc.line)
				}
			}
		})
	}
}
