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

// writes is Configd's state of deferred candidate writes (guarded by mu).
type writes struct {
	by      *Session   // the session deferring its writes, or nil
	durable *tree.Node // the candidate as the store holds it, while dirty
	dirty   bool       // the candidate has edits not written yet
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
	c.writes.by = nil
	return c.flushLocked()
}

// deferredLocked reports whether an edit of s from prev is to wait for
// Flush, and records what the store holds. c.mu is held.
func (c *Configd) deferredLocked(s *Session, prev *tree.Node) bool {
	if c.writes.by != s {
		return false
	}
	if !c.writes.dirty {
		c.writes.durable, c.writes.dirty = prev, true
	}
	return true
}

// flushLocked writes the deferred edits of the shared candidate, if any.
// c.mu is held.
func (c *Configd) flushLocked() error {
	if !c.writes.dirty {
		return nil
	}
	durable := c.writes.durable
	c.writes.durable, c.writes.dirty = nil, false
	if err := c.persistCandidate(durable, c.candidate); err != nil {
		c.candidate = durable
		return err
	}
	return nil
}
