package tree_test

import (
	"fmt"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// TestLongListEdits: on a 1,000-entry list (kept in chunks), edits in the
// middle and at both ends, an insert and a delete give the diff a user
// expects (exactly those entries), and storage round trips keep the list:
// the chunks of a delta rebuild the edited tree from the old one, and all
// chunks assemble into it.
func TestLongListEdits(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	for i := range 1000 {
		set(t, e, fmt.Sprintf("services service-set ss%d interface-service service-interface ms-0/0/0", i))
	}
	a := e.Freeze()
	e = tree.NewEditor(a)
	set(t, e, "services service-set ss500 max-flows 7")
	set(t, e, "services service-set ss0 max-flows 7")
	set(t, e, "services service-set ss999 max-flows 7")
	set(t, e, "services service-set ss5000 max-flows 7") // between ss499 and ss500 in key order
	if err := e.Delete(ref(t, r, "services service-set ss250")); err != nil {
		t.Fatal(err)
	}
	b := e.Freeze()

	want := map[string]bool{
		"services service-set ss500 max-flows 7": true,
		"services service-set ss0 max-flows 7":   true,
		"services service-set ss999 max-flows 7": true,
		"services service-set ss5000":            true,
		"services service-set ss250":             true,
	}
	got := map[string]bool{}
	for _, ch := range tree.Diff(a, b) {
		got[ch.Path.String()] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("diff: missing %q", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("diff: unexpected %q", k)
		}
	}
	ss := b.ChildNamed("services", "")
	list := ss.AllNamed("service-set")
	if len(list) != 1000 {
		t.Fatalf("service-sets: got %d, want 1000", len(list))
	}
	for i := 1; i < len(list); i++ {
		if !tree.KeyLess(list[i-1].Key, list[i].Key) {
			t.Fatalf("order: %s before %s", list[i-1].Key, list[i].Key)
		}
	}
	if tree.Equal(a, b) {
		t.Error("Equal: the edited tree equals the old one")
	}
	back, err := tree.ApplyChunks(a, tree.ChunkDelta(a, b))
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(back, b) {
		t.Error("ApplyChunks(a, delta a→b): got a tree that differs from b")
	}
	whole, err := tree.Assemble(r, tree.AllChunks(b))
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(whole, b) {
		t.Error("Assemble(all chunks of b): got a tree that differs from b")
	}
	if d := tree.Diff(whole, b); len(d) != 0 {
		t.Errorf("Diff(assembled, b): got %d changes, want none", len(d))
	}
}
