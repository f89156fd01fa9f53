package tree

import (
	"fmt"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/internal/errkind"
)

// ErrNotFound is returned when an edit names a statement that is not
// there. It is of gnos's kind NotFound (package errkind).
var ErrNotFound = errkind.Errorf(errkind.NotFound, "statement not found")

type token struct{ _ byte }

// Editor applies edits to a tree by path copying. Nodes the Editor created
// are mutated in place by later edits of the same Editor, so a batch of
// edits costs one copy per touched node. Root returns the current tree;
// Freeze publishes it (later edits copy again).
//
// An Editor is not safe for concurrent use.
type Editor struct {
	root *Node
	tok  *token
}

// NewEditor starts editing root (which is never modified).
func NewEditor(root *Node) *Editor { return &Editor{root: root, tok: new(token)} }

// Root returns the edited tree. It may still change under later edits of
// this Editor; call Freeze to get a tree that will not.
func (e *Editor) Root() *Node { return e.root }

// Freeze returns the edited tree and makes it immutable: later edits copy.
func (e *Editor) Freeze() *Node {
	e.tok = new(token)
	return e.root
}

func (e *Editor) own(n *Node) *Node {
	if n.owner == e.tok {
		return n
	}
	c := *n
	c.copyKids(e.tok)
	c.owner = e.tok
	return &c
}

// chain returns owned nodes from the root to the end of p. With create,
// missing nodes are created; otherwise a missing step yields ErrNotFound.
func (e *Editor) chain(p Path, create bool) ([]*Node, error) {
	e.root = e.own(e.root)
	nodes := []*Node{e.root}
	cur := e.root
	for _, st := range p {
		if st.All {
			return nil, fmt.Errorf("%s: a single entry is needed", st.S.Name)
		}
		i, ok := cur.find(st.S, st.id())
		var c *Node
		if ok {
			old := cur.Kid(i)
			if c = e.own(old); c != old {
				cur.setKid(e.tok, i, c)
			}
		} else {
			if !create {
				return nil, ErrNotFound
			}
			c = &Node{S: st.S, Key: st.Key, Value: st.Value, owner: e.tok}
			if st.S.Kind == schema.Leaf || st.S.Kind == schema.LeafList {
				c.Value = st.Value
			}
			e.clearOtherCases(cur, st.S)
			i, _ = cur.find(st.S, st.id()) // clearing cases may shift indexes
			cur.insertKid(e.tok, i, c)
		}
		nodes = append(nodes, c)
		cur = c
	}
	return nodes, nil
}

// clearOtherCases removes the children of parent that belong to another
// case of the choice s is in: `set then accept` replaces `then discard`.
func (e *Editor) clearOtherCases(parent *Node, s *schema.Node) {
	if s.Case == nil {
		return
	}
	parent.filterKids(e.tok, func(k *Node) bool {
		c := k.S.Case
		return c == nil || c.Choice != s.Case.Choice || c.Name == s.Case.Name
	})
}

// Set creates the statement at p (and its ancestors); for a leaf it sets the
// value.
func (e *Editor) Set(p Path) error {
	nodes, err := e.chain(p, true)
	if err != nil {
		return err
	}
	if len(p) > 0 {
		last := p[len(p)-1]
		if last.S.Kind == schema.Leaf {
			nodes[len(nodes)-1].Value = last.Value
		}
	}
	return nil
}

// Delete removes the statement at p, or every entry when the last step is
// All. Containers left empty (and not presence containers) are removed as
// Junos does.
func (e *Editor) Delete(p Path) error {
	if len(p) == 0 {
		e.root = &Node{S: e.root.S, owner: e.tok}
		return nil
	}
	if e.root.Get(p.Parent()) == nil {
		return ErrNotFound
	}
	nodes, err := e.chain(p.Parent(), false)
	if err != nil {
		return err
	}
	parent := nodes[len(nodes)-1]
	last := p[len(p)-1]
	if last.All {
		lo, hi := parent.span(last.S)
		if lo == hi {
			return ErrNotFound
		}
		parent.removeKids(e.tok, lo, hi)
	} else {
		i, ok := parent.find(last.S, last.id())
		if !ok {
			return ErrNotFound
		}
		parent.removeKids(e.tok, i, i+1)
	}
	e.prune(nodes)
	return nil
}

// prune removes empty non-presence containers at the end of a chain.
func (e *Editor) prune(nodes []*Node) {
	for i := len(nodes) - 1; i > 0; i-- {
		n := nodes[i]
		if n.S.Kind != schema.Container || n.S.Presence || n.NumKids() > 0 || n.Inactive || n.Protected || n.Comment != "" {
			return
		}
		parent := nodes[i-1]
		if j, ok := parent.find(n.S, ""); ok {
			parent.removeKids(e.tok, j, j+1)
		}
	}
}

// SetInactive marks the statement at p inactive (deactivate) or active.
func (e *Editor) SetInactive(p Path, inactive bool) error {
	if len(p) == 0 || e.root.Get(p) == nil {
		return ErrNotFound
	}
	nodes, err := e.chain(p, false)
	if err != nil {
		return err
	}
	nodes[len(nodes)-1].Inactive = inactive
	return nil
}

// SetProtected marks the statement at p protected (protect) or not
// (unprotect). A statement that is not there is ErrNotFound (Junos'
// "warning: statement not found").
func (e *Editor) SetProtected(p Path, protected bool) error {
	if len(p) == 0 || e.root.Get(p) == nil {
		return ErrNotFound
	}
	nodes, err := e.chain(p, false)
	if err != nil {
		return err
	}
	nodes[len(nodes)-1].Protected = protected
	return nil
}

// Annotate sets (or with "" removes) the comment of the statement at p.
func (e *Editor) Annotate(p Path, comment string) error {
	if len(p) == 0 || e.root.Get(p) == nil {
		return ErrNotFound
	}
	nodes, err := e.chain(p, false)
	if err != nil {
		return err
	}
	nodes[len(nodes)-1].Comment = comment
	return nil
}

// Put places subtree n at p, replacing what was there (n's schema must be
// p's last step). The subtree is shared, not copied.
func (e *Editor) Put(p Path, n *Node) error {
	if len(p) == 0 {
		e.root = n
		return nil
	}
	nodes, err := e.chain(p.Parent(), true)
	if err != nil {
		return err
	}
	parent := nodes[len(nodes)-1]
	last := p[len(p)-1]
	i, ok := parent.find(last.S, last.id())
	if ok {
		parent.setKid(e.tok, i, n)
	} else {
		e.clearOtherCases(parent, last.S)
		i, _ = parent.find(last.S, last.id())
		parent.insertKid(e.tok, i, n)
	}
	return nil
}

// Rename changes the key of the list entry (or the value of the leaf-list
// item) at p to id. The target must not exist.
func (e *Editor) Rename(p Path, id string) error {
	to, c, err := e.withNewID(p, id, true)
	if err != nil {
		return err
	}
	last := p[len(p)-1]
	pos := -1
	if !last.S.KeyOrdered() {
		parent := e.root.Get(p.Parent())
		pos, _ = parent.find(last.S, last.id())
	}
	if err := e.Delete(p); err != nil {
		return err
	}
	if err := e.Put(to, c); err != nil {
		return err
	}
	if pos >= 0 {
		return e.moveTo(to, pos)
	}
	return nil
}

// withNewID returns the path of the list entry at p under the new key id
// (or, with leafList, of the leaf-list item at p under the new value id) and
// a copy of the entry to put there. The entry must exist and the target
// must not.
func (e *Editor) withNewID(p Path, id string, leafList bool) (Path, *Node, error) {
	n := e.root.Get(p)
	if n == nil {
		return nil, nil, ErrNotFound
	}
	last := p[len(p)-1]
	if last.S.Kind != schema.List && !(leafList && last.S.Kind == schema.LeafList) {
		return nil, nil, fmt.Errorf("%s is not a list entry", last.S.Name)
	}
	st, c := last, *n
	if last.S.Kind == schema.List {
		st.Key, c.Key = id, id // key leaves are not kids: the key is all there is to change
	} else {
		st.Value, c.Value = id, id
	}
	to := p.Parent().Append(st)
	if e.root.Get(to) != nil {
		return nil, nil, fmt.Errorf("%s already exists", Path{st}.String())
	}
	c.owner = nil
	c.detachKids() // n may still be edited in place: share no storage
	return to, &c, nil
}

// Copy duplicates the list entry at p under the new key id.
func (e *Editor) Copy(p Path, id string) error {
	to, c, err := e.withNewID(p, id, false)
	if err != nil {
		return err
	}
	return e.Put(to, c)
}

// Insert moves the entry at p of an ordered-by-user list or leaf-list
// before or after the sibling ref (same list).
func (e *Editor) Insert(p Path, before bool, ref string) error {
	last := p[len(p)-1]
	if !last.S.UserOrder {
		return fmt.Errorf("%s is not an ordered-by-user list", last.S.Name)
	}
	parent := e.root.Get(p.Parent())
	if parent == nil {
		return ErrNotFound
	}
	if _, ok := parent.find(last.S, ref); !ok {
		return fmt.Errorf("%s %s: %w", last.S.Name, ref, ErrNotFound)
	}
	if parent.Child(last.S, last.id()) == nil {
		if err := e.Set(p); err != nil { // insert creates the entry, as in Junos
			return err
		}
	}
	parent = e.root.Get(p.Parent())
	i, _ := parent.find(last.S, last.id())
	ri, _ := parent.find(last.S, ref) // again: Set may have moved it
	pos := ri
	if !before {
		pos = ri + 1
	}
	if i < pos {
		pos--
	}
	return e.moveTo(p, pos)
}

// moveTo moves the (unsorted) child at p to index pos among its parent's kids.
func (e *Editor) moveTo(p Path, pos int) error {
	nodes, err := e.chain(p.Parent(), false)
	if err != nil {
		return err
	}
	parent := nodes[len(nodes)-1]
	last := p[len(p)-1]
	i, ok := parent.find(last.S, last.id())
	if !ok {
		return ErrNotFound
	}
	n := parent.Kid(i)
	parent.removeKids(e.tok, i, i+1)
	parent.insertKid(e.tok, pos, n)
	return nil
}

// Merge merges src (a tree with the same root schema) into the edited tree:
// leaves of src replace those of the tree, lists and containers merge
// recursively, flags and comments of src win when set.
func (e *Editor) Merge(src *Node) {
	e.root = e.merge(e.root, src)
}

func (e *Editor) merge(dst, src *Node) *Node {
	if dst == nil {
		return src
	}
	d := e.own(dst)
	if src.S.Kind == schema.Leaf {
		d.Value = src.Value
	}
	if src.Inactive {
		d.Inactive = true
	}
	if src.Protected {
		d.Protected = true
	}
	if src.Comment != "" {
		d.Comment = src.Comment
	}
	for _, sk := range src.Kids() {
		i, ok := d.find(sk.S, sk.ID())
		if ok {
			if old := d.Kid(i); old != sk {
				d.setKid(e.tok, i, e.merge(old, sk))
			}
			continue
		}
		e.clearOtherCases(d, sk.S)
		i, _ = d.find(sk.S, sk.ID())
		d.insertKid(e.tok, i, sk)
	}
	return d
}
