package tree

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// items returns n distinct leaf-less nodes keyed 0..n-1 from base.
func items(base, n int) []*Node {
	out := make([]*Node, n)
	for i := range out {
		out[i] = &Node{Key: strconv.Itoa(base + i)}
	}
	return out
}

// edition copies n the way an Editor does for a new token.
func edition(n *Node) (*Node, *token) {
	tok := new(token)
	c := *n
	c.copyKids(tok)
	c.owner = tok
	return &c, tok
}

func checkSeq(t *testing.T, what string, n *Node, want []*Node) {
	t.Helper()
	if got := n.NumKids(); got != len(want) {
		t.Fatalf("%s: NumKids got %d, want %d", what, got, len(want))
	}
	for i, w := range want {
		if got := n.Kid(i); got != w {
			t.Fatalf("%s: Kid(%d) got %q, want %q", what, i, got.Key, w.Key)
		}
	}
	var seen []*Node
	for i, c := range n.Kids() {
		if i != len(seen) {
			t.Fatalf("%s: Kids position got %d, want %d", what, i, len(seen))
		}
		seen = append(seen, c)
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("%s: Kids iteration differs from the model", what)
	}
	if !slices.Equal(n.KidSlice(), want) {
		t.Fatalf("%s: KidSlice differs from the model", what)
	}
	if len(want) > 2 {
		lo, hi := len(want)/3, 2*len(want)/3
		var part []*Node
		for _, c := range n.KidRange(lo, hi) {
			part = append(part, c)
		}
		if !slices.Equal(part, want[lo:hi]) {
			t.Fatalf("%s: KidRange(%d, %d) differs from the model", what, lo, hi)
		}
		cu := newCursor(n, lo, hi)
		for i := lo; i < hi; i++ {
			if cu.done() || cu.node() != want[i] {
				t.Fatalf("%s: cursor at %d differs from the model", what, i)
			}
			cu.next()
		}
		if !cu.done() {
			t.Fatalf("%s: cursor not done at %d", what, hi)
		}
	}
}

// TestKidsAgainstSlice runs random inserts, removals and replacements on
// a child sequence, each edition copied from the last as an Editor does,
// and checks every edition against a plain slice: the latest after each
// step, the older ones at the end (persistence: later editions never
// change earlier ones).
func TestKidsAgainstSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := &Node{}
	var model []*Node
	type snap struct {
		n    *Node
		want []*Node
	}
	var snaps []snap
	next, chunked := 0, 0
	for round := range 60 {
		var tok *token
		n, tok = edition(n)
		for range rng.IntN(400) {
			switch op := rng.IntN(10); {
			case op < 7 || len(model) == 0: // insert
				i := rng.IntN(len(model) + 1)
				c := &Node{Key: strconv.Itoa(next)}
				next++
				n.insertKid(tok, i, c)
				model = slices.Insert(model, i, c)
			case op < 9: // remove a range
				i := rng.IntN(len(model))
				j := min(len(model), i+1+rng.IntN(2))
				n.removeKids(tok, i, j)
				model = slices.Delete(model, i, j)
			default: // replace
				i := rng.IntN(len(model))
				c := &Node{Key: strconv.Itoa(next)}
				next++
				n.setKid(tok, i, c)
				model[i] = c
			}
		}
		if round%15 == 14 { // most of it goes: back to a slice
			n.removeKids(tok, 5, len(model))
			model = slices.Delete(model, 5, len(model))
		}
		checkSeq(t, "round "+strconv.Itoa(round), n, model)
		if n.big != nil {
			chunked++
		}
		snaps = append(snaps, snap{n, slices.Clone(model)})
	}
	if chunked < 20 || chunked == len(snaps) {
		t.Fatalf("%d of %d editions were chunks: want both forms exercised", chunked, len(snaps))
	}
	for k, s := range snaps {
		checkSeq(t, "edition "+strconv.Itoa(k), s.n, s.want)
	}
}

// chunks collects the chunks of a sequence.
func chunks(b *bnode, into map[*bnode]bool) {
	if b == nil {
		return
	}
	into[b] = true
	for _, s := range b.sub {
		chunks(s, into)
	}
}

// TestEditCopiesOnePath: replacing, inserting and removing one child of a
// 10,000-entry sequence copies only the chunks on the path to it (one per
// level), and the rest stays shared with the previous edition.
func TestEditCopiesOnePath(t *testing.T) {
	base := &Node{}
	base.SetKids(items(0, 10000))
	a, _ := edition(base) // the copy that turns the slice into chunks
	if a.big == nil {
		t.Fatal("a 10,000-entry sequence was not turned into chunks by its first copy")
	}
	depth := 0
	for b := a.big; b != nil; depth++ {
		if b.leaf() {
			break
		}
		b = b.sub[0]
	}
	depth++
	for _, tc := range []struct {
		name string
		edit func(n *Node, tok *token)
	}{
		{"replace", func(n *Node, tok *token) { n.setKid(tok, 5000, &Node{Key: "x"}) }},
		{"insert", func(n *Node, tok *token) { n.insertKid(tok, 5000, &Node{Key: "x"}) }},
		{"remove", func(n *Node, tok *token) { n.removeKids(tok, 5000, 5001) }},
	} {
		b, tok := edition(a)
		tc.edit(b, tok)
		old, now := map[*bnode]bool{}, map[*bnode]bool{}
		chunks(a.big, old)
		chunks(b.big, now)
		fresh := 0
		for c := range now {
			if !old[c] {
				fresh++
			}
		}
		// an insert may split a leaf: one more chunk
		if fresh > depth+1 {
			t.Errorf("%s: got %d new chunks, want at most %d (the path)", tc.name, fresh, depth+1)
		}
	}
}

// TestCursorSkipsSharedChunks: walking two editions of a long sequence
// that differ in one child steps over the shared chunks whole: far fewer
// children are looked at than the sequence holds, and the walk still
// meets the changed child.
func TestCursorSkipsSharedChunks(t *testing.T) {
	base := &Node{}
	base.SetKids(items(0, 10000))
	a, _ := edition(base)
	b, tok := edition(a)
	x := &Node{Key: "x"}
	b.setKid(tok, 7000, x)
	ca, cb := newCursor(a, 0, a.NumKids()), newCursor(b, 0, b.NumKids())
	looked, met := 0, false
	for !ca.done() {
		if ca.skipShared(&cb) {
			continue
		}
		looked++
		if cb.node() == x {
			met = true
		}
		ca.next()
		cb.next()
	}
	if !cb.done() {
		t.Fatal("cursors out of step")
	}
	if !met {
		t.Error("the walk never met the changed child")
	}
	if looked > 2*leafMax {
		t.Errorf("looked at %d children, want at most %d (one leaf)", looked, 2*leafMax)
	}
}

// TestKidsGrowAndShrink inserts 10,000 children at random positions (so
// inner chunks split too) and removes them again in random order,
// checking against a slice on the way.
func TestKidsGrowAndShrink(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, tok := edition(&Node{})
	var model []*Node
	for k := range 10000 {
		i := rng.IntN(len(model) + 1)
		c := &Node{Key: strconv.Itoa(k)}
		n.insertKid(tok, i, c)
		model = slices.Insert(model, i, c)
		if k%2500 == 0 {
			checkSeq(t, "growing", n, model)
		}
	}
	if n.big == nil || n.big.leaf() || n.big.sub[0].leaf() {
		t.Fatal("10,000 children: want chunks three levels deep")
	}
	checkSeq(t, "grown", n, model)
	frozen, want := n, slices.Clone(model)
	n, tok = edition(n)
	for k := 0; len(model) > 0; k++ {
		i := rng.IntN(len(model))
		n.removeKids(tok, i, i+1)
		model = slices.Delete(model, i, i+1)
		if k%2000 == 0 || len(model) < 40 {
			checkSeq(t, "shrinking", n, model)
		}
	}
	checkSeq(t, "the earlier edition", frozen, want)
}
