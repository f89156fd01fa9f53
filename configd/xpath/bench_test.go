package xpath

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// A typical must: a few steps and comparisons on one node.
func BenchmarkEvalMust(b *testing.B) {
	s := testSchema(b)
	root := load(b, s, testConfig)
	e := MustCompile("not(policy-db-size and object-cache-size) or policy-db-size < object-cache-size")
	ctx := Context{Path: at(b, root, "chassis fpc 0 pic 1 extension-provider")}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.EvalBool(ctx); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func bigApps(b *testing.B) *tree.Node {
	var sb strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "set applications application app%d protocol tcp\n", i)
	}
	return load(b, testSchema(b), sb.String())
}

// `list[key = E]` on 10,000 entries: a binary search …
func BenchmarkEvalKeyLookup(b *testing.B) {
	root := bigApps(b)
	e := MustCompile("/applications/application[name = 'app7777']/protocol = 'tcp'")
	ctx := Context{Path: []*tree.Node{root}}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.EvalBool(ctx); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// … where a predicate the lookup does not recognise scans them all.
func BenchmarkEvalScan(b *testing.B) {
	root := bigApps(b)
	e := MustCompile("/applications/application[protocol = 'tcp' and name = 'app7777']/protocol = 'tcp'")
	ctx := Context{Path: []*tree.Node{root}}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.EvalBool(ctx); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkCompileUncached(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compile("not(policy-db-size and object-cache-size) or policy-db-size < object-cache-size"); err != nil {
			b.Fatal(err)
		}
	}
}
