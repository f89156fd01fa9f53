package tree

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/schema"
)

// Chunks split a configuration for storage so that a commit rewrites only
// what it changed. A chunk is either the first entry of a system-ordered
// list met on the way down from the root through containers (one service
// set, one firewall rule, one interface), or, keyed by the top-level
// statement's name, everything of a top-level statement that is not in
// such an entry. Entries of ordered-by-user lists stay inside the chunk
// that holds them, so their order is kept.

// ChunkSep separates the components of a chunk key.
const ChunkSep = "\x00"

func isBoundary(p Path) bool {
	for i, st := range p {
		if st.S.Kind == schema.List {
			return i == len(p)-1 && !st.S.UserOrder
		}
		if st.S.Kind != schema.Container {
			return false
		}
	}
	return false
}

func chunkKey(p Path) string {
	var b strings.Builder
	for i, st := range p {
		if i > 0 {
			b.WriteString(ChunkSep)
		}
		b.WriteString(st.S.Name)
		if st.S.Kind == schema.List {
			b.WriteString(ChunkSep)
			b.WriteString(st.Key)
		}
	}
	return b.String()
}

// ChunkDelta returns the chunks that differ between a and b, encoded; a nil
// value means the chunk no longer exists. Unchanged subtrees (same pointer)
// are skipped.
func ChunkDelta(a, b *Node) map[string][]byte {
	out := map[string][]byte{}
	restDirty := map[string]bool{}
	var walk func(p Path, x, y *Node)
	walk = func(p Path, x, y *Node) {
		if x == y {
			return
		}
		if len(p) > 0 && isBoundary(p) {
			if y == nil {
				out[chunkKey(p)] = nil
			} else {
				out[chunkKey(p)] = encodeEntry(p, y)
			}
			return
		}
		if len(p) > 0 && (x == nil || y == nil || ownDiffers(x, y) || p[len(p)-1].S.Kind != schema.Container) {
			restDirty[p[0].S.Name] = true
			if x == nil || y == nil {
				// Whole subtree appears or disappears: visit its entries.
				n := x
				if n == nil {
					n = y
				}
				forBoundaries(p, n, func(bp Path, e *Node) {
					if y == nil {
						out[chunkKey(bp)] = nil
					} else {
						out[chunkKey(bp)] = encodeEntry(bp, e)
					}
				})
				return
			}
			if p[len(p)-1].S.Kind != schema.Container {
				return // a leaf or an unsorted list entry: part of the rest chunk
			}
		}
		var xk, yk []*Node
		if x != nil {
			xk = x.Kids
		}
		if y != nil {
			yk = y.Kids
		}
		if len(p) > 0 && userOrderChanged(xk, yk) {
			restDirty[p[0].S.Name] = true
		}
		pairKids(xk, yk, func(c1, c2 *Node) {
			c := c1
			if c == nil {
				c = c2
			}
			walk(p.Append(c.Step()), c1, c2)
		})
	}
	walk(nil, a, b)
	for top := range restDirty {
		t := b.ChildNamed(top, "")
		if t == nil {
			out[top] = nil
			continue
		}
		out[top] = encodeRest(t)
	}
	return out
}

// userOrderChanged reports whether entries common to xs and ys of an
// ordered-by-user list or leaf-list appear in a different order.
func userOrderChanged(xs, ys []*Node) bool {
	type id struct {
		s  *schema.Node
		id string
	}
	var inY map[id]bool
	for _, y := range ys {
		if y.S.UserOrder || y.S.Kind == schema.LeafList {
			if inY == nil {
				inY = map[id]bool{}
			}
			inY[id{y.S, y.ID()}] = true
		}
	}
	if inY == nil {
		return false
	}
	var order []id
	for _, x := range xs {
		if k := (id{x.S, x.ID()}); inY[k] {
			order = append(order, k)
		}
	}
	k := 0
	for _, y := range ys {
		if !(y.S.UserOrder || y.S.Kind == schema.LeafList) {
			continue
		}
		if k < len(order) && order[k] == (id{y.S, y.ID()}) {
			k++
			continue
		}
		if inXY(order[k:], id{y.S, y.ID()}) {
			return true
		}
	}
	return false
}

func inXY[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// pairKids calls fn for each child of xs and ys, pairing equal
// identities. Both are in tree order, so system-ordered spans merge by key
// without allocating; equal pointers are skipped (nothing changed there).
func pairKids(xs, ys []*Node, fn func(a, b *Node)) {
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		var s *schema.Node
		switch {
		case i >= len(xs):
			s = ys[j].S
		case j >= len(ys):
			s = xs[i].S
		case xs[i].S.Index <= ys[j].S.Index:
			s = xs[i].S
		default:
			s = ys[j].S
		}
		ai := i
		for ai < len(xs) && xs[ai].S == s {
			ai++
		}
		bj := j
		for bj < len(ys) && ys[bj].S == s {
			bj++
		}
		pairSpan(s, xs[i:ai], ys[j:bj], fn)
		i, j = ai, bj
	}
}

func pairSpan(s *schema.Node, as, bs []*Node, fn func(a, b *Node)) {
	if sorted(s) || s.Kind == schema.Leaf || s.Kind == schema.Container {
		i, j := 0, 0
		for i < len(as) || j < len(bs) {
			switch {
			case j >= len(bs) || (i < len(as) && KeyLess(as[i].Key, bs[j].Key)):
				fn(as[i], nil)
				i++
			case i >= len(as) || KeyLess(bs[j].Key, as[i].Key):
				fn(nil, bs[j])
				j++
			default:
				if as[i] != bs[j] {
					fn(as[i], bs[j])
				}
				i++
				j++
			}
		}
		return
	}
	idx := make(map[string]*Node, len(as))
	for _, a := range as {
		idx[a.ID()] = a
	}
	seen := make(map[string]bool, len(bs))
	for _, b := range bs {
		seen[b.ID()] = true
		if a := idx[b.ID()]; a != b {
			fn(a, b)
		}
	}
	for _, a := range as {
		if !seen[a.ID()] {
			fn(a, nil)
		}
	}
}

// AllChunks encodes every chunk of root (a full save).
func AllChunks(root *Node) map[string][]byte {
	return ChunkDelta(New(root.S), root)
}

func forBoundaries(p Path, n *Node, fn func(Path, *Node)) {
	if isBoundary(p) {
		fn(p, n)
		return
	}
	if n.S.Kind != schema.Container && len(p) > 0 {
		return
	}
	for _, c := range n.Kids {
		forBoundaries(p.Append(c.Step()), c, fn)
	}
}

// Encoding: one line per node, "depth<TAB>flags<TAB>name<TAB>id<TAB>comment",
// with \, TAB and newline escaped. Flag w marks a wrapper (an ancestor of a
// chunk's entry: created if missing, its flags untouched); i marks inactive.

func encodeEntry(p Path, n *Node) []byte {
	var b bytes.Buffer
	for d, st := range p[:len(p)-1] {
		writeLine(&b, d, "w", st.S.Name, "", "")
	}
	encodeNode(&b, len(p)-1, n)
	return b.Bytes()
}

func encodeRest(top *Node) []byte {
	var b bytes.Buffer
	var rec func(d int, n *Node, inContainers bool)
	rec = func(d int, n *Node, inContainers bool) {
		writeNode(&b, d, n, "")
		for _, c := range n.Kids {
			if inContainers && c.S.Kind == schema.List && !c.S.UserOrder {
				continue
			}
			rec(d+1, c, inContainers && c.S.Kind == schema.Container)
		}
	}
	rec(0, top, true)
	return b.Bytes()
}

func encodeNode(b *bytes.Buffer, d int, n *Node) {
	writeNode(b, d, n, "")
	for _, c := range n.Kids {
		encodeNode(b, d+1, c)
	}
}

func writeNode(b *bytes.Buffer, d int, n *Node, flags string) {
	if n.Inactive {
		flags += "i"
	}
	id := n.Key
	if n.S.Kind == schema.Leaf || n.S.Kind == schema.LeafList {
		id = n.Value
	}
	writeLine(b, d, flags, n.S.Name, id, n.Comment)
}

var escaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`)
var unescaper = strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n")

func writeLine(b *bytes.Buffer, d int, flags, name, id, comment string) {
	b.WriteString(strconv.Itoa(d))
	b.WriteByte('\t')
	b.WriteString(flags)
	b.WriteByte('\t')
	b.WriteString(name)
	b.WriteByte('\t')
	b.WriteString(escaper.Replace(id))
	b.WriteByte('\t')
	b.WriteString(escaper.Replace(comment))
	b.WriteByte('\n')
}

// Assemble rebuilds a tree from chunks (as stored). Entry chunks are applied
// first and rest chunks last, so containers take their flags from the rest.
func Assemble(root *schema.Node, chunks map[string][]byte) (*Node, error) {
	e := NewEditor(New(root))
	var rests, entries []string
	for k := range chunks {
		if !strings.Contains(k, ChunkSep) {
			rests = append(rests, k)
		} else {
			entries = append(entries, k)
		}
	}
	// In natural key order each entry lands at the end of its list: no
	// insertion in the middle of a 10,000-entry slice.
	sort.Slice(entries, func(i, j int) bool { return KeyLess(entries[i], entries[j]) })
	for _, k := range entries {
		v := chunks[k]
		if err := e.decode(root, v); err != nil {
			return nil, fmt.Errorf("chunk %q: %w", strings.ReplaceAll(k, ChunkSep, " "), err)
		}
	}
	for _, k := range rests {
		if err := e.decode(root, chunks[k]); err != nil {
			return nil, fmt.Errorf("chunk %q: %w", k, err)
		}
	}
	return e.Freeze(), nil
}

// decode merges one encoded chunk into the edited tree.
func (e *Editor) decode(root *schema.Node, data []byte) error {
	e.root = e.own(e.root)
	stack := []*Node{e.root}
	var f [5][]byte
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if len(line) == 0 {
			continue
		}
		rest := line
		for k := 0; k < 4; k++ {
			i := bytes.IndexByte(rest, '\t')
			if i < 0 {
				return fmt.Errorf("malformed line %q", line)
			}
			f[k], rest = rest[:i], rest[i+1:]
		}
		f[4] = rest
		d, err := strconv.Atoi(string(f[0]))
		if err != nil || d < 0 || d+1 > len(stack) {
			return fmt.Errorf("bad depth in %q", line)
		}
		stack = stack[:d+1]
		parent := stack[d]
		s := parent.S.Child(string(f[2])) // no allocation: map lookup by converted key
		if s == nil {
			return fmt.Errorf("unknown statement %q under %q", f[2], parent.S.Path())
		}
		id := unescape(f[3])
		st := Step{S: s}
		switch s.Kind {
		case schema.List:
			st.Key = id
		case schema.Leaf, schema.LeafList:
			st.Value = id
		}
		i, ok := parent.find(s, st.id())
		var n *Node
		if ok {
			n = e.own(parent.Kids[i])
			parent.Kids[i] = n
		} else {
			n = &Node{S: s, Key: st.Key, Value: st.Value, owner: e.tok}
			if i == len(parent.Kids) {
				parent.Kids = append(parent.Kids, n)
			} else {
				parent.insertAt(i, n)
			}
		}
		if bytes.IndexByte(f[1], 'w') < 0 {
			if s.Kind == schema.Leaf {
				n.Value = st.Value
			}
			n.Inactive = bytes.IndexByte(f[1], 'i') >= 0
			n.Comment = unescape(f[4])
		}
		stack = append(stack, n)
	}
	return nil
}

// unescape reverses the encoding's escapes, allocating only the string.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	return unescaper.Replace(string(b))
}

// ApplyChunks returns base with the given chunks replaced (nil: removed),
// touching only those chunks: rebuilding a rollback from the committed tree
// and a store delta costs what the delta holds.
func ApplyChunks(base *Node, delta map[string][]byte) (*Node, error) {
	e := NewEditor(base)
	var rests []string
	for k := range delta {
		if !strings.Contains(k, ChunkSep) {
			rests = append(rests, k)
			continue
		}
		p, err := keyPath(base.S, k)
		if err != nil {
			return nil, err
		}
		if err := e.Delete(p); err != nil && err != ErrNotFound {
			return nil, err
		}
		if v := delta[k]; v != nil {
			if err := e.decode(base.S, v); err != nil {
				return nil, fmt.Errorf("chunk %q: %w", strings.ReplaceAll(k, ChunkSep, " "), err)
			}
		}
	}
	for _, k := range rests {
		s := base.S.Child(k)
		if s == nil {
			return nil, fmt.Errorf("chunk %q: unknown statement", k)
		}
		p := Path{{S: s}}
		// keep the top statement's entries (their own chunks), drop the rest
		if top := e.Root().Get(p); top != nil {
			if err := e.Put(p, entriesOnly(top)); err != nil {
				return nil, err
			}
			if entriesOnly(top).Empty() {
				_ = e.Delete(p)
			}
		}
		if v := delta[k]; v != nil {
			if err := e.decode(base.S, v); err != nil {
				return nil, fmt.Errorf("chunk %q: %w", k, err)
			}
		}
	}
	return e.Freeze(), nil
}

// entriesOnly returns container n keeping only the chunk-boundary entries
// below it (and the containers leading to them), without flags.
func entriesOnly(n *Node) *Node {
	out := &Node{S: n.S}
	for _, c := range n.Kids {
		switch {
		case c.S.Kind == schema.List && !c.S.UserOrder:
			out.Kids = append(out.Kids, c)
		case c.S.Kind == schema.Container:
			if k := entriesOnly(c); !k.Empty() {
				out.Kids = append(out.Kids, k)
			}
		}
	}
	return out
}

// keyPath turns an entry chunk key back into its path.
func keyPath(root *schema.Node, key string) (Path, error) {
	parts := strings.Split(key, ChunkSep)
	var p Path
	cur := root
	for i := 0; i < len(parts); i++ {
		s := cur.Child(parts[i])
		if s == nil {
			return nil, fmt.Errorf("chunk key %q: unknown statement %q", key, parts[i])
		}
		st := Step{S: s}
		if s.Kind == schema.List {
			if i+1 >= len(parts) {
				return nil, fmt.Errorf("chunk key %q: missing key", key)
			}
			i++
			st.Key = parts[i]
		}
		p = append(p, st)
		cur = s
	}
	return p, nil
}
