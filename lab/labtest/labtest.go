// Package labtest builds a lab (package lab) for a test: skipped without
// root, named apart from the labs of other test processes, torn down
// when the test ends.
package labtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/gnos/gnos/lab"
)

// Up builds a lab named gnos-NAME<pid> and tears it down with tb. It
// skips tb without root.
func Up(tb testing.TB, name string) *lab.Lab {
	tb.Helper()
	if !lab.Permitted() {
		tb.Skip("needs root to build network namespaces")
	}
	l := lab.New(fmt.Sprintf("gnos-%s%d", name, os.Getpid()%100000))
	if err := l.Up(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Down() })
	return l
}
