package db

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmark configuration: 10,000 chunks of about 1 KB, the size of the
// performance target (10,000 service-sets, ~300,000 lines), then 50
// one-chunk commits so that all of rollback 0..49 exists.
const benchChunks = 10_000

func benchKey(i int) string { return fmt.Sprintf("services\x00service-set\x00S%05d", i) }

func benchText(i, rev int) []byte {
	head := fmt.Sprintf("service-set S%05d { /* rev %d */\n", i, rev)
	return []byte(head + strings.Repeat("    stateful-firewall-rules R;\n", (1024-len(head))/30) + "}\n")
}

// benchStore builds the benchmark store at a new path and returns it open
// with the given sync mode.
func benchStore(b *testing.B, noSync bool) *Store {
	b.Helper()
	path := filepath.Join(b.TempDir(), "gnos.db")
	s := reopen(b, nil, path)
	load := Delta{}
	for i := range benchChunks {
		load[benchKey(i)] = benchText(i, 0)
	}
	mustCommit(b, s, load, RevisionMeta{User: "bench"})
	for rev := 1; rev <= MaxRollback+1; rev++ {
		i := rev * 197 % benchChunks
		mustCommit(b, s, Delta{benchKey(i): benchText(i, rev)}, RevisionMeta{User: "bench"})
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkCommit commits a one-chunk delta to the 10,000-chunk store, in
// steady state (each commit also drops the revision leaving the window).
// "fsync" is what configd pays; "nosync" is the CPU and write cost alone.
func BenchmarkCommit(b *testing.B) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"fsync", false}, {"nosync", true}} {
		b.Run(mode.name, func(b *testing.B) {
			s := benchStore(b, mode.noSync)
			// Prepare the deltas outside the timed loop.
			deltas := make([]Delta, 256)
			for j := range deltas {
				i := j * 7919 % benchChunks
				deltas[j] = Delta{benchKey(i): benchText(i, 1000+j)}
			}
			meta := RevisionMeta{User: "bench", Client: ClientCLI, Comment: "one leaf"}
			j := 0
			for b.Loop() {
				if _, err := s.Commit(deltas[j%len(deltas)], meta, nil); err != nil {
					b.Fatal(err)
				}
				j++
			}
		})
	}
}

// BenchmarkCommitted loads all 10,000 committed chunks.
func BenchmarkCommitted(b *testing.B) {
	s := benchStore(b, true)
	for b.Loop() {
		c, _, err := s.Committed()
		if err != nil || len(c) != benchChunks {
			b.Fatalf("got %d chunks, %v, want %d", len(c), err, benchChunks)
		}
	}
}

// BenchmarkRollback rebuilds revisions 1 and 49 in full, and as a delta
// against committed (what "rollback N" into the candidate needs).
func BenchmarkRollback(b *testing.B) {
	s := benchStore(b, true)
	for _, n := range []int{1, MaxRollback} {
		b.Run(fmt.Sprintf("full/%d", n), func(b *testing.B) {
			for b.Loop() {
				c, _, err := s.Rollback(n)
				if err != nil || len(c) != benchChunks {
					b.Fatalf("got %d chunks, %v, want %d", len(c), err, benchChunks)
				}
			}
		})
		b.Run(fmt.Sprintf("delta/%d", n), func(b *testing.B) {
			for b.Loop() {
				d, _, err := s.RollbackDelta(n)
				if err != nil || len(d) == 0 {
					b.Fatalf("got %d chunks, %v, want some", len(d), err)
				}
			}
		})
	}
}

// BenchmarkCommitReplaceAll commits a delta that rewrites all 10,000 chunks
// (a "load override" of the whole configuration), fsync on: the undo record
// then holds a full copy of the previous configuration.
func BenchmarkCommitReplaceAll(b *testing.B) {
	s := benchStore(b, false)
	deltas := make([]Delta, 2)
	for j := range deltas {
		deltas[j] = Delta{}
		for i := range benchChunks {
			deltas[j][benchKey(i)] = benchText(i, 2000+j)
		}
	}
	j := 0
	for b.Loop() {
		if _, err := s.Commit(deltas[j%2], RevisionMeta{User: "bench"}, nil); err != nil {
			b.Fatal(err)
		}
		j++
	}
}
