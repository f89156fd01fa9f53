package format

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/yang"
)

var (
	testOnce   sync.Once
	testSchema *schema.Schema
	testErr    error
)

// testRoot compiles the small test model (testdata/fmt-test*.yang plus the
// gnos extensions module).
func testRoot(tb testing.TB) *schema.Node {
	tb.Helper()
	testOnce.Do(func() {
		var mods []yang.Module
		for _, m := range yang.Modules() {
			if m.Name == "gnos-extensions" {
				mods = append(mods, m)
			}
		}
		for _, name := range []string{"fmt-test", "fmt-test-aug"} {
			src, err := os.ReadFile(filepath.Join("testdata", name+".yang"))
			if err != nil {
				testErr = err
				return
			}
			mods = append(mods, yang.Module{Name: name, Source: string(src)})
		}
		testSchema, testErr = schema.Compile(mods)
	})
	if testErr != nil {
		tb.Fatalf("compile test schema: %v", testErr)
	}
	return testSchema.Root
}

func parseText(tb testing.TB, root *schema.Node, src string) *tree.Node {
	tb.Helper()
	t, _, err := ParseText(root, src)
	if err != nil {
		tb.Fatalf("ParseText: %v\n%s", err, src)
	}
	return t
}

// written returns what write writes, failing the test on an error.
func written(tb testing.TB, write func(io.Writer) error) string {
	tb.Helper()
	var b strings.Builder
	if err := write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func textOf(tb testing.TB, n *tree.Node) string {
	tb.Helper()
	return written(tb, func(w io.Writer) error { return WriteText(w, n) })
}

// checkParsed checks a parser's result: the tree, as text, and its
// directives, in order.
func checkParsed(t *testing.T, tr *tree.Node, dirs []Directive, err error, wantText string, wantDirs []string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got := textOf(t, tr); got != wantText {
		t.Errorf("tree: got:\n%s\nwant:\n%s", got, wantText)
	}
	var got []string
	for _, d := range dirs {
		got = append(got, d.String())
	}
	if strings.Join(got, "\n") != strings.Join(wantDirs, "\n") {
		t.Errorf("directives: got %q, want %q", got, wantDirs)
	}
}
