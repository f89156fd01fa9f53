package tree

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// BenchmarkKids compares a long child sequence in the chunked form with
// the plain slice it replaced, at 100 and 10,000 children: a full
// iteration, access by position, a binary search by key (what finding a
// list entry does: sort.Search on the slice, the chunks' own descent) and the copy-on-write edit of one child (what each
// edit does to every node on its path). Run with -benchmem: the edit's
// B/op is the figure the chunks are for.
func BenchmarkKids(b *testing.B) {
	for _, n := range []int{100, 10000} {
		kids := make([]*Node, n)
		for i := range kids {
			kids[i] = &Node{Key: "ss" + strconv.Itoa(i)}
		}
		slices.SortFunc(kids, func(x, y *Node) int { return keyCmp(x.Key, y.Key) })
		tok := new(token)
		chunked := &Node{big: build(tok, kids)}
		keys := make([]string, 1024)
		for i := range keys {
			keys[i] = kids[(i*7919)%n].Key
		}
		b.Run(fmt.Sprintf("n=%d/iterate/slice", n), func(b *testing.B) {
			for b.Loop() {
				c := 0
				for _, k := range kids {
					c += len(k.Key)
				}
				sink = c
			}
		})
		b.Run(fmt.Sprintf("n=%d/iterate/chunks", n), func(b *testing.B) {
			for b.Loop() {
				c := 0
				for _, k := range chunked.Kids() {
					c += len(k.Key)
				}
				sink = c
			}
		})
		b.Run(fmt.Sprintf("n=%d/at/slice", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				i = (i + 7919) % n
				sink = len(kids[i].Key)
			}
		})
		b.Run(fmt.Sprintf("n=%d/at/chunks", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				i = (i + 7919) % n
				sink = len(chunked.Kid(i).Key)
			}
		})
		b.Run(fmt.Sprintf("n=%d/search/slice", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				k := keys[i%len(keys)]
				i++
				sink = sort.Search(n, func(j int) bool { return !KeyLess(kids[j].Key, k) })
			}
		})
		b.Run(fmt.Sprintf("n=%d/search/chunks", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				k := keys[i%len(keys)]
				i++
				sink = chunked.searchKids(func(c *Node) bool { return !KeyLess(c.Key, k) }) // as find does
			}
		})
		x := &Node{Key: "x"}
		b.Run(fmt.Sprintf("n=%d/edit-one/slice", n), func(b *testing.B) {
			for b.Loop() {
				c := append(make([]*Node, 0, n+1), kids...) // Editor.own before
				c[n/2] = x
				sinkNodes = c
			}
		})
		b.Run(fmt.Sprintf("n=%d/edit-one/chunks", n), func(b *testing.B) {
			for b.Loop() {
				e, t := *chunked, new(token) // another Editor's copy
				e.copyKids(t)
				e.setKid(t, n/2, x)
				sinkNode = &e
			}
		})
	}
}

var (
	sink      int
	sinkNode  *Node
	sinkNodes []*Node
)
