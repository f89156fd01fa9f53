package testkit

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestEventuallyWaitsForTheCondition(t *testing.T) {
	n := 0
	Eventually(t, "the third check", func() error {
		if n++; n < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if n != 3 {
		t.Fatalf("checked %d times, want 3", n)
	}
}

func TestGoldenComparesAndRewrites(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	*Update = true
	Golden(t, "x.txt", "hello\n")
	*Update = false
	if b, _ := os.ReadFile(filepath.Join("testdata", "x.txt")); string(b) != "hello\n" {
		t.Fatalf("rewritten file: %q", b)
	}
	Golden(t, "x.txt", "hello\n") // equal: passes
	ft := &fakeT{TB: t}
	func() {
		defer func() { recover() }()
		Golden(ft, "x.txt", "changed\n")
	}()
	if !ft.failed {
		t.Fatal("a differing output passed")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
