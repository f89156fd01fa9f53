package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindLive(t *testing.T) {
	root := t.TempDir()
	write := func(path, text string) {
		t.Helper()
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pic/x_test.go", "package pic\n\nfunc BenchmarkDataPath(b *testing.B) {}\n")
	if got := findLive(root); got != "" {
		t.Errorf("no live benchmark: got %q, want \"\"", got)
	}
	write(".hidden/live_test.go", "package x\n\nfunc BenchmarkLive(b *testing.B) {}\n")
	write("lab/testdata/live_test.go", "package x\n\nfunc BenchmarkLive(b *testing.B) {}\n")
	if got := findLive(root); got != "" {
		t.Errorf("hidden and testdata folders: got %q, want \"\"", got)
	}
	write("lab/live_test.go", "package lab\n\n// BenchmarkLive forwards.\nfunc BenchmarkLive(b *testing.B) {}\n")
	if got, want := findLive(root), "./lab"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestQuoteArgs(t *testing.T) {
	got := quoteArgs([]string{"test", "-run", "^$", "-bench", "^Benchmark(A|B)$", "-count", "5", "./configd"})
	if want := `test -run '^$' -bench '^Benchmark(A|B)$' -count 5 ./configd`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
