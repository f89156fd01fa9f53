package configd_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
)

// TestLoadSizeLimit: a load over Options.MaxLoad fails with ErrLimit, in
// every format, naming the limit, and the candidate is unchanged; a load
// at the limit goes through.
func TestLoadSizeLimit(t *testing.T) {
	st, err := db.Open(filepath.Join(t.TempDir(), "gnos.db"), db.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const limit = 4096
	c, err := configd.New(context.Background(), configd.Options{Store: st, Clock: clock.NewFake(t0), MaxLoad: limit,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Open("alice", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	pad := func(text string, n int) string { return text + strings.Repeat(" ", n-len(text)) }
	for _, tc := range []struct {
		name   string
		action configd.LoadAction
		f      configd.Format
		text   string
	}{
		{"text", configd.LoadMerge, configd.FormatText, "system { host-name big; }\n"},
		{"set", configd.LoadSet, configd.FormatSet, "set system host-name big\n"},
		{"xml", configd.LoadMerge, configd.FormatXML, "<configuration><system><host-name>big</host-name></system></configuration>"},
		{"json", configd.LoadOverride, configd.FormatJSON, `{"configuration":{"system":{"host-name":"big"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Load(tc.action, tc.f, pad(tc.text, limit+1))
			if !errors.Is(err, configd.ErrLimit) || !strings.Contains(err.Error(), "limit of 4096 bytes") {
				t.Fatalf("over the limit: got %v, want ErrLimit naming 4096 bytes", err)
			}
			if s.Modified() {
				t.Fatal("the candidate changed after a refused load")
			}
			if err := s.Load(tc.action, tc.f, pad(tc.text, limit)); err != nil {
				t.Fatalf("at the limit: %v", err)
			}
			if !s.Modified() {
				t.Fatal("a load at the limit changed nothing")
			}
			if err := s.Rollback(0); err != nil {
				t.Fatal(err)
			}
		})
	}
}
