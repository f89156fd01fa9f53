package tree_test

import (
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// TestChunksGroupsAndProtect: groups, a top-level leaf-list
// (apply-groups, whose order matters) and protection survive storage in
// chunks: a full save, and deltas that change, reorder and remove them.
func TestChunksGroupsAndProtect(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	set(t, e, "groups g system domain-name example.net")
	set(t, e, "groups h system time-zone UTC")
	set(t, e, "apply-groups g")
	set(t, e, "apply-groups h")
	set(t, e, "system host-name r1")
	if err := e.SetProtected(ref(t, r, "system"), true); err != nil {
		t.Fatal(err)
	}
	a := e.Freeze()
	back, err := tree.Assemble(r, tree.AllChunks(a))
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(back, a) {
		t.Fatalf("full save: got %v, want the same tree", back.KidSlice())
	}
	e = tree.NewEditor(a)
	if err := e.Delete(ref(t, r, "apply-groups g")); err != nil {
		t.Fatal(err)
	}
	set(t, e, "apply-groups g") // now after h
	if err := e.SetProtected(ref(t, r, "system"), false); err != nil {
		t.Fatal(err)
	}
	b := e.Freeze()
	for _, tc := range []struct {
		name     string
		from, to *tree.Node
	}{{"reorder and unprotect", a, b}, {"back", b, a}, {"remove all", a, tree.New(r)}, {"from nothing", tree.New(r), b}} {
		got, err := tree.ApplyChunks(tc.from, tree.ChunkDelta(tc.from, tc.to))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !tree.Equal(got, tc.to) {
			t.Errorf("%s: got %v, want %v", tc.name, got.KidSlice(), tc.to.KidSlice())
		}
	}
}
