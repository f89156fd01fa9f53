// Package testtree is the test support of configd's packages: the test
// YANG module (configd/validate/testdata/gnos-test.yang) compiled once,
// configuration trees built from set lines, and helpers on trees.
package testtree

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/yang"
)

var (
	schemaOnce sync.Once
	testSch    *schema.Schema
	schemaErr  error
)

// Schema compiles the test module.
func Schema(t testing.TB) *schema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		_, here, _, _ := runtime.Caller(0)
		src, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "validate", "testdata", "gnos-test.yang"))
		if err != nil {
			schemaErr = err
			return
		}
		testSch, schemaErr = schema.Compile([]yang.Module{{Name: "gnos-test", Source: string(src)}})
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return testSch
}

// Load builds a tree from set commands, one a line ("set" optional;
// "deactivate PATH" marks a statement inactive).
func Load(t testing.TB, s *schema.Schema, lines string) *tree.Node {
	t.Helper()
	e := tree.NewEditor(tree.New(s.Root))
	for _, line := range strings.Split(lines, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		mode, op := tree.ForSet, f[0]
		switch op {
		case "set":
			f = f[1:]
		case "deactivate":
			mode, f = tree.ForRef, f[1:]
		case "raw":
			if err := e.Set(RawPath(t, s.Root, f[1:])); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			continue
		default:
			op = "set"
		}
		ps, err := tree.ParseTokens(s.Root, f, mode)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		for _, p := range ps {
			if op == "deactivate" {
				err = e.SetInactive(p, true)
			} else {
				err = e.Set(p)
			}
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
		}
	}
	return e.Freeze()
}

// At returns the ancestor chain of the node at the set-style path toks.
func At(t testing.TB, root *tree.Node, toks string) []*tree.Node {
	t.Helper()
	out := []*tree.Node{root}
	if toks == "" {
		return out
	}
	ps, err := tree.ParseTokens(root.S, strings.Fields(toks), tree.ForRef)
	if err != nil {
		t.Fatalf("%s: %v", toks, err)
	}
	n := root
	for _, st := range ps[0] {
		if n = n.Child(st.S, st.ID()); n == nil {
			t.Fatalf("%s: no such node", toks)
		}
		out = append(out, n)
	}
	return out
}

// RawPath builds a path from tokens without checking values, to make
// configurations that only validation rejects (as a load from another
// format or an older schema could).
func RawPath(t testing.TB, root *schema.Node, toks []string) tree.Path {
	t.Helper()
	var p tree.Path
	cur := root
	for i := 0; i < len(toks); i++ {
		c := cur.Child(toks[i])
		if c == nil {
			t.Fatalf("raw %v: no %q under %q", toks, toks[i], cur.Path())
		}
		st := tree.Step{S: c}
		switch c.Kind {
		case schema.List:
			st.Key = strings.Join(toks[i+1:i+1+len(c.Keys)], " ")
			i += len(c.Keys)
		case schema.Leaf, schema.LeafList:
			if i+1 < len(toks) {
				st.Value = toks[i+1]
				i++
			}
		}
		p = append(p, st)
		cur = c
	}
	return p
}

// WithoutComments returns a copy of n without annotations (what a format
// that cannot carry them gives back).
func WithoutComments(n *tree.Node) *tree.Node {
	c := *n
	c.Comment = ""
	kids := make([]*tree.Node, n.NumKids())
	for i, k := range n.Kids() {
		kids[i] = WithoutComments(k)
	}
	c.SetKids(kids)
	return &c
}
