package tree

// A node's children are a sequence in display order (schema order, then
// key order or the user's order inside a list). Short sequences, which is
// almost every node, are a plain slice. A long one (a 10,000-entry
// service-set list beside its siblings) is a persistent chunked tree, a
// B+-tree indexed by position: leaves hold up to leafMax children, inner
// chunks up to innerMax sub-chunks with the running count of children
// below each. Copy-on-write then copies the chunks on the path to the
// position it changes (one leaf and one inner chunk per level: about
// 1.5 kB at 10,000 entries, not the 80 kB of the whole slice), and two
// versions of a list share every chunk the edit did not touch, so Diff
// skips a shared chunk whole instead of comparing its entries.
//
// Chunks carry an owner token like nodes: the Editor that made a chunk
// mutates it in place, so a batch of edits (a 300,000-line load) copies a
// chunk once, not once per edit. Removal drops emptied chunks but does not
// rebalance the rest: chunks only shrink between edits that split them,
// and a sequence that shrinks to flatMin entries becomes a slice again.
//
// Which form a sequence takes is invisible to readers (NumKids, Kid, Kids,
// KidRange, KidSlice). A builder appends to plain slices (SetKids) and
// hands its finished tree to Settle, which turns the long ones into chunks
// nobody owns; a long slice Settle did not see is turned into chunks by
// the first copy-on-write edit.

import (
	"iter"
	"slices"
)

const (
	leafMax  = 64  // children in a leaf chunk
	innerMax = 64  // sub-chunks in an inner chunk
	fillTo   = 48  // chunks built from a slice are filled to this, leaving room
	flatMax  = 128 // an owned slice longer than this becomes chunks
	flatMin  = 32  // chunks holding this few children become a slice
)

// bnode is one chunk. A leaf has items; an inner chunk has sub and ends,
// ends[k] being the number of children in sub[0..k].
type bnode struct {
	owner *token
	items []*Node
	sub   []*bnode
	ends  []int
}

func (b *bnode) leaf() bool { return b.sub == nil }

func (b *bnode) size() int {
	if b.leaf() {
		return len(b.items)
	}
	return b.ends[len(b.ends)-1]
}

// slot returns the sub-chunk holding position i (ends[k] > i) and the
// position of its first child.
func (b *bnode) slot(i int) (k, base int) {
	lo, hi := 0, len(b.ends)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b.ends[m] > i {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo > 0 {
		base = b.ends[lo-1]
	}
	return lo, base
}

func (b *bnode) at(i int) *Node {
	for !b.leaf() {
		k, base := b.slot(i)
		b, i = b.sub[k], i-base
	}
	return b.items[i]
}

// own returns b itself when tok made it, else a copy that tok owns.
func (b *bnode) own(tok *token) *bnode {
	if b.owner == tok {
		return b
	}
	c := &bnode{owner: tok}
	if b.leaf() {
		c.items = append(make([]*Node, 0, leafMax+1), b.items...)
	} else {
		c.sub = append(make([]*bnode, 0, innerMax+1), b.sub...)
		c.ends = append(make([]int, 0, innerMax+1), b.ends...)
	}
	return c
}

func (b *bnode) set(tok *token, i int, c *Node) *bnode {
	b = b.own(tok)
	if b.leaf() {
		b.items[i] = c
		return b
	}
	k, base := b.slot(i)
	b.sub[k] = b.sub[k].set(tok, i-base, c)
	return b
}

// insert puts c at position i (0 ≤ i ≤ size) and returns the chunk and,
// when it split, its new right half.
func (b *bnode) insert(tok *token, i int, c *Node) (*bnode, *bnode) {
	b = b.own(tok)
	if b.leaf() {
		b.items = slices.Insert(b.items, i, c)
		if len(b.items) <= leafMax {
			return b, nil
		}
		h := len(b.items) / 2
		r := &bnode{owner: tok, items: append(make([]*Node, 0, leafMax+1), b.items[h:]...)}
		clear(b.items[h:])
		b.items = b.items[:h]
		return b, r
	}
	// the sub-chunk that ends at or after i takes it (the last one at the end)
	k := 0
	for k < len(b.ends)-1 && b.ends[k] < i {
		k++
	}
	base := 0
	if k > 0 {
		base = b.ends[k-1]
	}
	sk, r := b.sub[k].insert(tok, i-base, c)
	b.sub[k] = sk
	for j := k; j < len(b.ends); j++ {
		b.ends[j]++
	}
	if r != nil {
		b.sub = slices.Insert(b.sub, k+1, r)
		b.ends = slices.Insert(b.ends, k, base+sk.size())
	}
	if len(b.sub) <= innerMax {
		return b, nil
	}
	h := len(b.sub) / 2
	rn := &bnode{owner: tok,
		sub:  append(make([]*bnode, 0, innerMax+1), b.sub[h:]...),
		ends: make([]int, 0, innerMax+1)}
	left := b.ends[h-1]
	for _, e := range b.ends[h:] {
		rn.ends = append(rn.ends, e-left)
	}
	clear(b.sub[h:])
	b.sub, b.ends = b.sub[:h], b.ends[:h]
	return b, rn
}

// remove deletes position i; the result may be empty (the caller drops it).
func (b *bnode) remove(tok *token, i int) *bnode {
	b = b.own(tok)
	if b.leaf() {
		b.items = slices.Delete(b.items, i, i+1)
		return b
	}
	k, base := b.slot(i)
	sk := b.sub[k].remove(tok, i-base)
	for j := k; j < len(b.ends); j++ {
		b.ends[j]--
	}
	if sk.size() == 0 {
		b.sub = slices.Delete(b.sub, k, k+1)
		b.ends = slices.Delete(b.ends, k, k+1)
		if len(b.sub) == 0 {
			b.sub, b.ends = nil, nil // an empty leaf: size 0
		}
	} else {
		b.sub[k] = sk
	}
	return b
}

// each calls fn for positions lo ≤ i < hi below b (offset: b's first
// position) until fn returns false.
func (b *bnode) each(offset, lo, hi int, fn func(int, *Node) bool) bool {
	if b.leaf() {
		for i := max(lo-offset, 0); i < len(b.items) && offset+i < hi; i++ {
			if !fn(offset+i, b.items[i]) {
				return false
			}
		}
		return true
	}
	start := 0
	if lo > offset {
		start, _ = b.slot(lo - offset)
	}
	for k := start; k < len(b.sub); k++ {
		base := offset
		if k > 0 {
			base += b.ends[k-1]
		}
		if base >= hi {
			break
		}
		if !b.sub[k].each(base, lo, hi, fn) {
			return false
		}
	}
	return true
}

// build makes chunks owned by tok from items, filled to fillTo.
func build(tok *token, items []*Node) *bnode {
	level := make([]*bnode, 0, (len(items)+fillTo-1)/fillTo)
	for i := 0; i < len(items); i += fillTo {
		j := min(i+fillTo, len(items))
		level = append(level, &bnode{owner: tok, items: append(make([]*Node, 0, leafMax+1), items[i:j]...)})
	}
	for len(level) > 1 {
		next := make([]*bnode, 0, (len(level)+fillTo-1)/fillTo)
		for i := 0; i < len(level); i += fillTo {
			j := min(i+fillTo, len(level))
			in := &bnode{owner: tok, sub: append(make([]*bnode, 0, innerMax+1), level[i:j]...), ends: make([]int, 0, innerMax+1)}
			n := 0
			for _, s := range in.sub {
				n += s.size()
				in.ends = append(in.ends, n)
			}
			next = append(next, in)
		}
		level = next
	}
	return level[0]
}

// NumKids returns the number of n's children.
func (n *Node) NumKids() int {
	if n.big != nil {
		return n.big.size()
	}
	return len(n.flat)
}

// Kid returns n's child at position i (0 ≤ i < NumKids): O(1) for a short
// sequence, O(log n) for a long one.
func (n *Node) Kid(i int) *Node {
	if n.big != nil {
		return n.big.at(i)
	}
	return n.flat[i]
}

// Kids iterates over n's children with their positions, in display order.
func (n *Node) Kids() iter.Seq2[int, *Node] { return n.KidRange(0, n.NumKids()) }

// KidRange iterates over n's children at positions lo ≤ i < hi.
func (n *Node) KidRange(lo, hi int) iter.Seq2[int, *Node] {
	return func(yield func(int, *Node) bool) {
		if n.big != nil {
			n.big.each(0, lo, hi, yield)
			return
		}
		for i := lo; i < hi; i++ {
			if !yield(i, n.flat[i]) {
				return
			}
		}
	}
}

// KidSlice returns n's children as a slice, which the caller must not
// modify: the node's own slice when short (no copy), a fresh one when long.
// Code on a commit's path iterates instead (Kids, KidRange, Kid).
func (n *Node) KidSlice() []*Node {
	if n.big == nil {
		return n.flat
	}
	out := make([]*Node, 0, n.big.size())
	n.big.each(0, 0, n.big.size(), func(_ int, c *Node) bool {
		out = append(out, c)
		return true
	})
	return out
}

// SetKids makes kids (in display order) the children of n, which the
// caller built and has not published; n takes kids over. Builders (the
// parsers, group expansion, NETCONF filters) use it.
func (n *Node) SetKids(kids []*Node) {
	n.flat, n.big = kids, nil
}

// Settle turns every child slice longer than flatMax in the freshly built
// tree below n into chunks, so the tree's first edit copies a path of
// chunks, not a whole long list; the parsers call it on what they return.
// The chunks have no owner: every Editor copies before it writes.
func Settle(n *Node) {
	if n.big != nil {
		return
	}
	for _, c := range n.flat {
		Settle(c)
	}
	if len(n.flat) > flatMax {
		n.big, n.flat = build(nil, n.flat), nil
	}
}

// WithKidsOf returns a copy of n (its statement, value, flags and
// annotation) holding the children of from, shared: what replaying a
// change of a statement's own attributes onto another tree needs. from is
// replaced by the result (an Editor may reuse its storage).
func WithKidsOf(n, from *Node) *Node {
	c := *n
	c.owner = nil
	c.flat, c.big = from.flat, from.big
	return &c
}

// AppendKid adds c after n's last child; n is a node the caller built
// and has not published (as for SetKids).
func (n *Node) AppendKid(c *Node) {
	n.SetKids(append(n.KidSlice(), c))
}

// sameKids reports whether a and b hold the very same sequence storage
// (so the same children): a pointer comparison.
func sameKids(a, b *Node) bool {
	if a.big != nil || b.big != nil {
		return a.big == b.big
	}
	return len(a.flat) == len(b.flat) && (len(a.flat) == 0 || &a.flat[0] == &b.flat[0])
}

// copyKids gives n (a fresh copy owned by tok) its own sequence: a slice
// is copied (a long one becomes chunks: this copy is the last that costs
// its length); chunks stay shared until an edit copies the path it takes.
func (n *Node) copyKids(tok *token) {
	if n.big != nil {
		return
	}
	if len(n.flat) > leafMax {
		n.big, n.flat = build(tok, n.flat), nil
		return
	}
	n.flat = append(make([]*Node, 0, len(n.flat)+1), n.flat...)
}

// detachKids gives n (a copy nobody owns) a sequence that shares nothing
// an Editor could still change in place.
func (n *Node) detachKids() {
	if n.big != nil {
		n.flat, n.big = n.KidSlice(), nil
		return
	}
	n.flat = slices.Clone(n.flat)
}

// setKid replaces the child at i of n, which tok owns.
func (n *Node) setKid(tok *token, i int, c *Node) {
	if n.big != nil {
		n.big = n.big.set(tok, i, c)
		return
	}
	n.flat[i] = c
}

// insertKid puts c at position i of n, which tok owns.
func (n *Node) insertKid(tok *token, i int, c *Node) {
	if n.big == nil {
		n.flat = slices.Insert(n.flat, i, c)
		if len(n.flat) > flatMax {
			n.big, n.flat = build(tok, n.flat), nil
		}
		return
	}
	b, r := n.big.insert(tok, i, c)
	if r != nil {
		b = &bnode{owner: tok, sub: append(make([]*bnode, 0, innerMax+1), b, r),
			ends: append(make([]int, 0, innerMax+1), b.size(), b.size()+r.size())}
	}
	n.big = b
}

// removeKids deletes positions i ≤ k < j of n, which tok owns.
func (n *Node) removeKids(tok *token, i, j int) {
	if n.big == nil {
		n.flat = slices.Delete(n.flat, i, j)
		return
	}
	for k := i; k < j; k++ {
		n.big = n.big.remove(tok, i)
	}
	for !n.big.leaf() && len(n.big.sub) == 1 {
		n.big = n.big.sub[0]
	}
	if n.big.size() <= flatMin {
		n.flat, n.big = n.KidSlice(), nil
	}
}

// filterKids keeps the children of n (which tok owns) for which keep
// returns true, and reports whether any went.
func (n *Node) filterKids(tok *token, keep func(*Node) bool) bool {
	var drop []int
	for i, c := range n.Kids() {
		if !keep(c) {
			drop = append(drop, i)
		}
	}
	for k := len(drop) - 1; k >= 0; k-- {
		n.removeKids(tok, drop[k], drop[k]+1)
	}
	return len(drop) > 0
}

// cursor walks the positions lo ≤ pos < hi of a node's children in order;
// over chunks it keeps the path from the root chunk to the current leaf,
// so a step costs O(1) amortised and a shared chunk can be stepped over
// whole (skipShared).
type cursor struct {
	flat    []*Node
	pos, hi int
	path    []frame // chunks: root first; k is the sub-chunk or item index
}

type frame struct {
	b *bnode
	k int
}

// newCursor returns a cursor at lo (a value: kept on the caller's stack;
// only chunks allocate, for the path).
func newCursor(n *Node, lo, hi int) cursor {
	c := cursor{flat: n.flat, pos: lo, hi: hi}
	if n.big == nil || lo >= hi {
		return c
	}
	b, i := n.big, lo
	for !b.leaf() {
		k, base := b.slot(i)
		c.path = append(c.path, frame{b, k})
		b, i = b.sub[k], i-base
	}
	c.path = append(c.path, frame{b, i})
	return c
}

func (c *cursor) done() bool { return c.pos >= c.hi }

func (c *cursor) node() *Node {
	if c.path == nil {
		return c.flat[c.pos]
	}
	f := c.path[len(c.path)-1]
	return f.b.items[f.k]
}

func (c *cursor) next() {
	c.pos++
	if c.path == nil || c.pos >= c.hi {
		return
	}
	l := len(c.path) - 1
	if c.path[l].k++; c.path[l].k < len(c.path[l].b.items) {
		return
	}
	c.past(l)
}

// past moves to the first leaf after the chunk at level l of the path.
func (c *cursor) past(l int) {
	for {
		if l--; l < 0 {
			return // the end (only reached when done)
		}
		if c.path[l].k++; c.path[l].k < len(c.path[l].b.sub) {
			break
		}
	}
	c.path = c.path[:l+1]
	b := c.path[l].b.sub[c.path[l].k]
	for {
		c.path = append(c.path, frame{b, 0})
		if b.leaf() {
			return
		}
		b = b.sub[0]
	}
}

// skipShared steps c and o together over the largest chunk that both
// start at their current positions (the same pointer: the same children)
// and that ends within both ranges, and reports whether it did.
func (c *cursor) skipShared(o *cursor) bool {
	if c.path == nil || o.path == nil || c.path[len(c.path)-1].k != 0 || o.path[len(o.path)-1].k != 0 {
		return false
	}
	for l := 0; l < len(c.path); l++ {
		if !c.startsAt(l) {
			continue
		}
		x := c.path[l].b
		for m := 0; m < len(o.path); m++ {
			if o.path[m].b != x || !o.startsAt(m) {
				continue
			}
			sz := x.size()
			if c.pos+sz > c.hi || o.pos+sz > o.hi {
				break
			}
			c.pos += sz
			o.pos += sz
			if !c.done() {
				c.past(l)
			}
			if !o.done() {
				o.past(m)
			}
			return true
		}
	}
	return false
}

// startsAt reports whether the chunk at level l begins at the current
// position: every frame below it is at its first entry.
func (c *cursor) startsAt(l int) bool {
	for j := l; j < len(c.path); j++ {
		if c.path[j].k != 0 {
			return false
		}
	}
	return true
}

// EachUnshared calls fn(i, c) for each child c of b (at position i) that
// is not the very child a holds at the corresponding place: a run of
// chunks b shares with a (b derived from a by editing) is stepped over
// whole, so a 10,000-entry list with one changed entry costs a leaf, not
// the list. The correspondence is kept by pointer and, after a child fn
// was called for, by finding its counterpart in a (Index): a child that
// merely moved may be reported, an unchanged one in place never is.
func EachUnshared(a, b *Node, fn func(i int, c *Node)) {
	na := a.NumKids()
	ca, cb := newCursor(a, 0, na), newCursor(b, 0, b.NumKids())
	for !cb.done() {
		if !ca.done() {
			if ca.skipShared(&cb) {
				continue
			}
			if ca.node() == cb.node() {
				ca.next()
				cb.next()
				continue
			}
		}
		c := cb.node()
		fn(cb.pos, c)
		if j, ok := a.Index(c.S, c.ID()); ok && j >= ca.pos {
			ca = newCursor(a, j+1, na)
		}
		cb.next()
	}
}

// WithKidsReplaced returns a copy of n (nobody's to edit in place) whose
// children at positions pos (ascending) are kids; the others stay shared
// with n, chunks included, so the copy costs one path of chunks a
// replacement.
func (n *Node) WithKidsReplaced(pos []int, kids []*Node) *Node {
	c := *n
	c.owner = nil
	if c.big == nil {
		c.flat = slices.Clone(n.flat)
		for k, i := range pos {
			c.flat[i] = kids[k]
		}
		return &c
	}
	tok := new(token) // dropped at return: the chunks it made are frozen
	for k, i := range pos {
		c.big = c.big.set(tok, i, kids[k])
	}
	return &c
}

// searchKids returns the first position of n's children for which pred
// holds, pred being false then true along the whole sequence (schema
// order, then key order: what finding a child needs). Over chunks it
// descends once, choosing each sub-chunk by its first child, instead of
// a binary search whose every probe walks down from the root.
func (n *Node) searchKids(pred func(*Node) bool) int {
	if n.big == nil {
		lo, hi := 0, len(n.flat)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if pred(n.flat[m]) {
				hi = m
			} else {
				lo = m + 1
			}
		}
		return lo
	}
	b, pos := n.big, 0
	for !b.leaf() {
		lo, hi := 1, len(b.sub)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if pred(b.sub[m].first()) {
				hi = m
			} else {
				lo = m + 1
			}
		}
		k := lo - 1
		if k > 0 {
			pos += b.ends[k-1]
		}
		b = b.sub[k]
	}
	lo, hi := 0, len(b.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if pred(b.items[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return pos + lo
}

func (b *bnode) first() *Node {
	for !b.leaf() {
		b = b.sub[0]
	}
	return b.items[0]
}
