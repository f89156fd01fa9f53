// Package testkit is what gnos' tests share: the fake epoch every test
// clock starts at, waiting for a condition, and golden files with one
// -update flag. It imports nothing of gnos, so any package's tests, internal
// ones included, may use it; starting a whole node is in testkit/nodekit,
// which imports the composition root.
//
// Waiting: tests never sleep to synchronise. What cannot be driven by a
// fake clock (another process, a kernel, a socket) is waited for with
// Eventually, which checks a condition a user could look at until it
// holds, with a generous deadline that only turns a hang into a failure.
package testkit

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// Update is the one -update flag: golden files are rewritten instead of
// compared (`go test ./cli -update`).
var Update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Epoch is the time every fake clock in the tests starts at.
var Epoch = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Clock returns a fake clock at Epoch.
func Clock() *clock.Fake { return clock.NewFake(Epoch) }

// Deadline bounds every Eventually: far beyond any healthy wait, so it
// only catches hangs.
const Deadline = 30 * time.Second

// Eventually waits until cond returns nil, checking it again at growing
// intervals (1 ms doubling to 50 ms); past Deadline the test fails with
// what it waited for and cond's last error.
func Eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	end := time.Now().Add(Deadline)
	wait := time.Millisecond
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s: %v", Deadline, what, err)
		}
		tm := time.NewTimer(wait)
		<-tm.C // the next check
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// Until is Eventually for a condition without an error to report.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	Eventually(t, what, func() error {
		if cond() {
			return nil
		}
		return fmt.Errorf("not yet")
	})
}

// Golden compares got with testdata/NAME (or rewrites it with -update).
// The Go version in got is replaced by goX.Y.Z, so golden files outlive a
// Go upgrade.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	got = strings.ReplaceAll(got, runtime.Version(), "goX.Y.Z")
	path := filepath.Join("testdata", name)
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s: output differs from the golden file (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}
