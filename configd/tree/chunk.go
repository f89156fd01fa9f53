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
func ChunkDelta(a, b *Node) map[string][]byte { return ChangedChunks(b, Diff(a, b)) }

// ChangedChunks returns the chunks of b touched by changes (b's diff from
// some earlier tree), encoded; nil values are chunks that no longer exist.
// The commit path already has the diff, so storage costs no second walk.
func ChangedChunks(b *Node, changes []Change) map[string][]byte {
	out := map[string][]byte{}
	restDirty := map[string]bool{}
	for _, ch := range changes {
		if k := boundaryLen(ch.Path); k > 0 { // inside (or at) one entry: that chunk
			bp := ch.Path[:k]
			if e := b.Get(bp); e != nil {
				out[chunkKey(bp)] = encodeEntry(bp, e)
			} else {
				out[chunkKey(bp)] = nil
			}
			continue
		}
		// Above the entries: the top statement's rest chunk, plus every entry
		// of a subtree that appeared or disappeared as a whole.
		restDirty[ch.Path[0].S.Name] = true
		if ch.Old == nil || ch.New == nil {
			n := ch.New
			if n == nil {
				n = ch.Old
			}
			forBoundaries(ch.Path, n, func(bp Path, e *Node) {
				if ch.New == nil {
					out[chunkKey(bp)] = nil
				} else {
					out[chunkKey(bp)] = encodeEntry(bp, e)
				}
			})
		}
	}
	for top := range restDirty {
		if s := b.S.Child(top); s != nil && s.Kind == schema.LeafList {
			// a top-level leaf-list (apply-groups): its items, in order, are one chunk
			out[top] = nil
			if items := b.All(s); len(items) > 0 {
				var buf bytes.Buffer
				for _, it := range items {
					encodeNode(&buf, 0, it)
				}
				out[top] = buf.Bytes()
			}
			continue
		}
		if t := b.ChildNamed(top, ""); t != nil {
			out[top] = encodeRest(t)
		} else {
			out[top] = nil
		}
	}
	return out
}

// boundaryLen returns the length of the prefix of p that names a chunk
// entry, or 0 when p does not reach one.
func boundaryLen(p Path) int {
	for i := range p {
		if isBoundary(p[:i+1]) {
			return i + 1
		}
		if p[i].S.Kind != schema.Container {
			return 0
		}
	}
	return 0
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
	for _, c := range n.Kids() {
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
		for _, c := range n.Kids() {
			if inContainers && c.S.KeyOrdered() {
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
	for _, c := range n.Kids() {
		encodeNode(b, d+1, c)
	}
}

func writeNode(b *bytes.Buffer, d int, n *Node, flags string) {
	if n.Inactive {
		flags += "i"
	}
	if n.Protected {
		flags += "p"
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
			old := parent.Kid(i)
			if n = e.own(old); n != old {
				parent.setKid(e.tok, i, n)
			}
		} else {
			n = &Node{S: s, Key: st.Key, Value: st.Value, owner: e.tok}
			parent.insertKid(e.tok, i, n)
		}
		if bytes.IndexByte(f[1], 'w') < 0 {
			if s.Kind == schema.Leaf {
				n.Value = st.Value
			}
			n.Inactive = bytes.IndexByte(f[1], 'i') >= 0
			n.Protected = bytes.IndexByte(f[1], 'p') >= 0
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
		if s.Kind == schema.LeafList { // replaced as a whole
			var vals []string
			for _, it := range e.Root().All(s) {
				vals = append(vals, it.Value)
			}
			for _, v := range vals {
				if err := e.Delete(Path{{S: s, Value: v}}); err != nil && err != ErrNotFound {
					return nil, err
				}
			}
		} else if top := e.Root().Get(p); top != nil {
			// keep the top statement's entries (their own chunks), drop the rest
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
	var kids []*Node
	for _, c := range n.Kids() {
		switch {
		case c.S.KeyOrdered():
			kids = append(kids, c)
		case c.S.Kind == schema.Container:
			if k := entriesOnly(c); !k.Empty() {
				kids = append(kids, k)
			}
		}
	}
	out.SetKids(kids)
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
