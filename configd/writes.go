package configd

import "github.com/gnos/gnos/configd/tree"

// Grouped candidate writes. Every edit of the shared candidate is written
// to the store (one bbolt transaction, fsync) before the edit returns, so
// an acknowledged edit survives a crash. Written one by one, 10,000 pasted
// `set` lines cost 10,000 transactions. A session that runs a batch of
// lines (the CLI engine's ExecBatch, for lines a front end already has in
// hand) defers its writes instead: its edits change the candidate in
// memory, and Flush writes them all in one transaction, the chunks that
// differ from what was last written. The front end gets the batch's
// replies only after Flush, so nothing is acknowledged before it is
// durable; nothing is dropped either: any other writer of the candidate
// (another session's edit, a commit, the end of an exclusive session)
// flushes first, and a failed Flush puts the candidate back to what the
// store holds, so memory never claims more than the disk.

//
// Within a batch, consecutive `set`s of the deferring session also share
// one tree.Editor (setInPlaceLocked): the nodes it created for the batch
// are edited in place, so the thousandth route of a pasted list costs a
// path, not a copy of the 999 routes' slice. That is safe only while
// nobody else holds the tree being edited: the editor is dropped (the
// tree frozen) whenever the candidate is handed out (candidateLocked), is
// replaced by another edit or a commit, and at Flush; it is not used when
// the candidate has conflicts to resolve or protected statements (whose
// checks compare the trees before and after an edit), and the tree the
// store holds (durable) is never among the nodes it edits.

// writes is Configd's state of deferred candidate writes (guarded by mu).
type writes struct {
	by      *Session     // the session deferring its writes, or nil
	durable *tree.Node   // the candidate as the store holds it while edits wait to be written; nil: none wait
	ed      *tree.Editor // the batch's editor of the candidate (nil: none)
}

// DeferWrites makes this session's edits of the shared candidate wait for
// Flush (a private session's candidate is not stored: nothing changes).
// Another session deferring before flushes its edits first.
func (s *Session) DeferWrites() error {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes.by != nil && c.writes.by != s {
		if err := c.flushLocked(); err != nil {
			return err
		}
	}
	c.writes.by = s
	return nil
}

// Flush writes the edits this session deferred, in one transaction, and
// stops deferring. On failure the candidate is what the store holds (the
// deferred edits are undone) and the error says why.
func (s *Session) Flush() error {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes.by != s {
		return nil
	}
	c.writes.by, c.writes.ed = nil, nil
	return c.flushLocked()
}

// setInPlaceLocked applies `set` of paths (none with an All step: Set
// cannot fail) for the deferring session s through the batch's editor,
// and reports false when the conditions above do not hold (the caller
// edits the usual way). c.mu is held.
//
// Protection is checked when the editor is made: a tree without protected
// statements gets none from `set`.
func (c *Configd) setInPlaceLocked(s *Session, paths []tree.Path) (bool, error) {
	if c.writes.by != s || s.mode == Private || len(c.conflicts) > 0 || (c.exclusive != nil && c.exclusive != s) {
		return false, nil
	}
	for _, p := range paths {
		for _, st := range p {
			if st.All {
				return false, nil
			}
		}
	}
	e := c.writes.ed
	if e == nil || e.Root() != c.candidate {
		if hasProtected(c.candidate) {
			return false, nil
		}
		e = tree.NewEditor(c.candidate) // the published tree is copied on the way, never edited
		c.writes.ed = e
	}
	if c.writes.durable == nil {
		c.writes.durable = c.candidate
	}
	for _, p := range paths {
		if err := e.Set(p); err != nil { // not without All steps; if ever, drop the batch's unwritten edits
			c.dropDeferredLocked()
			return true, err
		}
	}
	c.candidate, c.changed = e.Root(), c.clock.Now()
	return true, nil
}

// hasProtected reports whether any statement of n is protected.
func hasProtected(n *tree.Node) bool {
	found := false
	n.Walk(func(_ tree.Path, k *tree.Node) bool {
		if k.Protected {
			found = true
		}
		return !found
	})
	return found
}

// deferredLocked reports whether an edit of s from prev is to wait for
// Flush, and records what the store holds. c.mu is held.
func (c *Configd) deferredLocked(s *Session, prev *tree.Node) bool {
	if c.writes.by != s {
		return false
	}
	if c.writes.durable == nil {
		c.writes.durable = prev
	}
	return true
}

// flushLocked writes the deferred edits of the shared candidate, if any.
// c.mu is held.
func (c *Configd) flushLocked() error {
	durable := c.writes.durable
	if durable == nil {
		return nil
	}
	if err := c.persistCandidate(durable, c.candidate); err != nil {
		c.dropDeferredLocked()
		return err
	}
	c.writes.durable, c.writes.ed = nil, nil
	return nil
}

// dropDeferredLocked undoes the edits waiting to be written: the
// candidate is what the store holds. c.mu is held.
func (c *Configd) dropDeferredLocked() {
	c.candidate = c.writes.durable
	c.writes.durable, c.writes.ed = nil, nil
}
