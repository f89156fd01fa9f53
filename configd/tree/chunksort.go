package tree

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SortChunkEntries rewrites one encoded chunk so that the entries of the
// lists named by paths (statement names from the top, keys left out:
// "services/nat/pool/address") are in key order, with their subtrees, as
// the tree keeps a system-ordered list. A store migration uses it when a
// leaf-list kept in configured order becomes such a list: the encoding of
// an entry and of a leaf-list value is the same line, only the order
// changes. It returns data itself when nothing moves.
func SortChunkEntries(data []byte, paths []string) ([]byte, error) {
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	type line struct {
		depth int
		name  string
		id    string
		text  []byte // the whole line with its newline
		kids  []*line
	}
	root := &line{depth: -1}
	stack := []*line{root}
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		var raw []byte
		if i < 0 {
			raw, rest = append(slices.Clip(rest), '\n'), nil
		} else {
			raw, rest = rest[:i+1], rest[i+1:]
		}
		f := strings.SplitN(string(raw[:len(raw)-1]), "\t", 5)
		if len(f) < 5 {
			if len(raw) == 1 {
				continue
			}
			return nil, fmt.Errorf("malformed line %q", raw)
		}
		d, err := strconv.Atoi(f[0])
		if err != nil || d < 0 || d > len(stack)-1 {
			return nil, fmt.Errorf("bad depth in %q", raw)
		}
		stack = stack[:d+1]
		n := &line{depth: d, name: f[2], id: unescape([]byte(f[3])), text: raw}
		parent := stack[d]
		parent.kids = append(parent.kids, n)
		stack = append(stack, n)
	}
	moved := false
	var sortKids func(n *line, path string)
	sortKids = func(n *line, path string) {
		for i := 0; i < len(n.kids); {
			j := i + 1
			for j < len(n.kids) && n.kids[j].name == n.kids[i].name {
				j++
			}
			if p := path + n.kids[i].name; want[p] && j-i > 1 {
				run := n.kids[i:j]
				if !slices.IsSortedFunc(run, func(a, b *line) int { return keyCmp(a.id, b.id) }) {
					slices.SortStableFunc(run, func(a, b *line) int { return keyCmp(a.id, b.id) })
					moved = true
				}
			}
			i = j
		}
		for _, k := range n.kids {
			sortKids(k, path+k.name+"/")
		}
	}
	sortKids(root, "")
	if !moved {
		return data, nil
	}
	var out bytes.Buffer
	out.Grow(len(data) + 1)
	var write func(n *line)
	write = func(n *line) {
		out.Write(n.text)
		for _, k := range n.kids {
			write(k)
		}
	}
	for _, k := range root.kids {
		write(k)
	}
	return out.Bytes(), nil
}

func keyCmp(a, b string) int {
	switch {
	case KeyLess(a, b):
		return -1
	case KeyLess(b, a):
		return 1
	}
	return 0
}
