package db

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/internal/errkind"
)

// Committed returns every chunk of the committed configuration (revision 0)
// and its meta. Before the first commit it returns no chunks and a zero meta.
func (s *Store) Committed() (map[string][]byte, RevisionMeta, error) {
	var (
		chunks map[string][]byte
		meta   RevisionMeta
	)
	err := s.view("committed", func(tx *bolt.Tx) error {
		revs, err := bucket(tx, bucketRevisions)
		if err != nil {
			return err
		}
		last, err := lastSeq(revs)
		if err != nil {
			return err
		}
		if last > 0 {
			if meta, err = revisionMeta(revs, last); err != nil {
				return err
			}
		}
		chunks, err = loadCommitted(tx)
		return err
	})
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	return chunks, meta, nil
}

// Commit makes delta the new committed configuration in one transaction:
// it assigns the next sequence number (returned, and stored in meta.Seq),
// records the reverse delta so the replaced revision can be rebuilt, applies
// delta to the committed chunks, stores meta, clears the shared candidate,
// writes the state keys (a nil value deletes one) and forgets the revision
// that falls out of rollback 0..49. An empty delta is a valid commit: it
// creates a revision, as "commit" with no change does in Junos. Chunks that
// delta sets to their current text are not recorded as changed.
//
// meta.Time is stored as given (the caller owns the clock). Commit keeps no
// reference to delta or state after it returns.
func (s *Store) Commit(delta Delta, meta RevisionMeta, state map[string][]byte) (uint64, error) {
	return s.CommitKeepingCandidate(delta, meta, state, nil)
}

// CommitKeepingCandidate is Commit for a commit that is not of the shared
// candidate (a private session's, an automatic rollback): in the same
// transaction the candidate becomes candidate, its delta against the new
// committed configuration, instead of empty.
func (s *Store) CommitKeepingCandidate(delta Delta, meta RevisionMeta, state map[string][]byte, candidate Delta) (uint64, error) {
	if err := checkKeys("chunk", candidate); err != nil {
		return 0, fmt.Errorf("db: commit: candidate: %w", err)
	}
	if err := checkKeys("chunk", delta); err != nil {
		return 0, fmt.Errorf("db: commit: %w", err)
	}
	if err := checkKeys("state", state); err != nil {
		return 0, fmt.Errorf("db: commit: %w", err)
	}
	var seq uint64
	err := s.update("commit", func(tx *bolt.Tx) error {
		var err error
		if seq, err = commitTx(tx, delta, meta, state); err != nil {
			return err
		}
		if len(candidate) == 0 {
			return nil
		}
		cand, err := bucket(tx, bucketCandidate)
		if err != nil {
			return err
		}
		for _, k := range sortedKeys(candidate) {
			if err := cand.Put([]byte(k), encodeCandidate(candidate[k])); err != nil {
				return fmt.Errorf("candidate chunk %q: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return seq, nil
}

func commitTx(tx *bolt.Tx, delta Delta, meta RevisionMeta, state map[string][]byte) (uint64, error) {
	committed, err := summedBucket(tx, bucketCommitted)
	if err != nil {
		return 0, err
	}
	revs, err := summedBucket(tx, bucketRevisions)
	if err != nil {
		return 0, err
	}
	undo, err := summedBucket(tx, bucketUndo)
	if err != nil {
		return 0, err
	}
	last, err := lastSeq(revs.Bucket)
	if err != nil {
		return 0, err
	}
	meta.Seq = last + 1
	rec, err := applyDelta(committed, delta)
	if err != nil {
		return 0, err
	}
	if err := addRevision(revs, undo, meta, rec); err != nil {
		return 0, err
	}
	if err := clearBucket(tx, bucketCandidate); err != nil {
		return 0, err
	}
	return meta.Seq, putState(tx, state)
}

// addRevision stores the meta and undo record of revision meta.Seq, and
// drops what no longer falls in rollback 0..49: it keeps the meta of
// seq-49..seq and the undo records that rebuild them, seq-48..seq.
func addRevision(revs, undo *summed, meta RevisionMeta, rec []byte) error {
	seq := meta.Seq
	if err := revs.Put(u64Key(seq), encodeMeta(nil, meta)); err != nil {
		return err
	}
	// The first commit's undo record would rebuild the empty configuration
	// from before the history began, which is no revision.
	if seq > 1 {
		if err := undo.Put(u64Key(seq), rec); err != nil {
			return err
		}
	}
	if err := deleteUpTo(revs, seq, MaxRollback+1); err != nil {
		return err
	}
	return deleteUpTo(undo, seq, MaxRollback)
}

// applyDelta writes delta to the committed bucket in key order and returns
// the encoded reverse delta: the previous text of each chunk that changed.
func applyDelta(committed *summed, delta Delta) ([]byte, error) {
	type change struct {
		k             string
		key, val, old []byte
	}
	// Read every previous text before the first write: until then the
	// slices bbolt returns point into pages no write has moved, and the
	// record can be sized exactly.
	changes := make([]change, 0, len(delta))
	size := 1 + binary.MaxVarintLen64
	for _, k := range sortedKeys(delta) {
		c := change{k: k, key: []byte(k), val: delta[k]}
		c.old = committed.Get(c.key)
		if sameChunk(c.old, c.val) {
			continue
		}
		changes = append(changes, c)
		size += 2*binary.MaxVarintLen64 + len(c.key) + len(c.old)
	}
	rec := make([]byte, 0, size)
	rec = append(rec, tagDelta)
	rec = binary.AppendUvarint(rec, uint64(len(changes)))
	for _, c := range changes {
		rec = appendString(rec, c.k)
		rec = appendValue(rec, c.old)
	}
	for _, c := range changes {
		var err error
		if c.val == nil {
			err = committed.Delete(c.key)
		} else {
			err = committed.Put(c.key, c.val)
		}
		if err != nil {
			return nil, fmt.Errorf("chunk %q: %w", c.k, err)
		}
	}
	return rec, nil
}

// Rollback returns every chunk of revision n (0 = committed, up to 49) and
// its meta. It returns ErrNotFound when n is out of range or older than the
// kept history.
func (s *Store) Rollback(n int) (map[string][]byte, RevisionMeta, error) {
	var (
		chunks map[string][]byte
		meta   RevisionMeta
	)
	err := s.view(fmt.Sprintf("rollback %d", n), func(tx *bolt.Tx) error {
		overlay, m, err := rollbackOverlay(tx, n)
		if err != nil {
			return err
		}
		meta = m
		if chunks, err = loadCommitted(tx); err != nil {
			return err
		}
		for k, v := range overlay {
			if v == nil {
				delete(chunks, k)
			} else {
				chunks[k] = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	return chunks, meta, nil
}

// RollbackDelta returns revision n as a delta against the committed
// configuration, holding only the chunks that differ (nil = absent in
// revision n), and its meta. It reads no more than the changes since
// revision n, which suits "rollback N" into the candidate and
// "show | compare rollback N". Errors are those of Rollback.
func (s *Store) RollbackDelta(n int) (Delta, RevisionMeta, error) {
	var (
		delta Delta
		meta  RevisionMeta
	)
	err := s.view(fmt.Sprintf("rollback %d", n), func(tx *bolt.Tx) error {
		overlay, m, err := rollbackOverlay(tx, n)
		if err != nil {
			return err
		}
		committed, err := bucket(tx, bucketCommitted)
		if err != nil {
			return err
		}
		for k, v := range overlay {
			if sameChunk(committed.Get([]byte(k)), v) {
				delete(overlay, k)
			}
		}
		delta, meta = overlay, m
		return nil
	})
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	return delta, meta, nil
}

// History returns the meta of the kept revisions, newest first: index i is
// rollback i. It is empty before the first commit.
func (s *Store) History() ([]RevisionMeta, error) {
	var out []RevisionMeta
	err := s.view("history", func(tx *bolt.Tx) error {
		revs, err := bucket(tx, bucketRevisions)
		if err != nil {
			return err
		}
		c := revs.Cursor()
		for k, v := c.Last(); k != nil && len(out) <= MaxRollback; k, v = c.Prev() {
			m, err := decodeRevision(k, v)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// rollbackOverlay returns, for revision n, the text in revision n of every
// chunk changed since (copies; nil = absent), and revision n's meta. Some
// entries may equal the committed text when a later commit changed a chunk
// back.
func rollbackOverlay(tx *bolt.Tx, n int) (Delta, RevisionMeta, error) {
	if n < 0 || n > MaxRollback {
		return nil, RevisionMeta{}, errkind.Errorf(errkind.NotFound, "the rollback range is 0..%d", MaxRollback)
	}
	revs, err := bucket(tx, bucketRevisions)
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	undo, err := bucket(tx, bucketUndo)
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	last, err := lastSeq(revs)
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	if uint64(n) >= last {
		return nil, RevisionMeta{}, errkind.Errorf(errkind.NotFound, "the history holds %d revisions", min(last, MaxRollback+1))
	}
	target := last - uint64(n)
	meta, err := revisionMeta(revs, target)
	if err != nil {
		return nil, RevisionMeta{}, err
	}
	// Undo record s turns revision seq s back into seq s-1. Walk them oldest
	// first: the first record to mention a chunk holds its text in target.
	overlay := Delta{}
	c := undo.Cursor()
	want := target + 1
	for k, v := c.Seek(u64Key(want)); want <= last; k, v = c.Next() {
		if got, err := parseU64("undo key", k); k == nil || err != nil || got != want {
			return nil, RevisionMeta{}, errkind.Errorf(errkind.Corrupt, "undo record %d missing", want)
		}
		err := eachDeltaEntry(v, func(key, val []byte) error {
			if _, ok := overlay[string(key)]; !ok {
				overlay[string(key)] = bytes.Clone(val)
			}
			return nil
		})
		if err != nil {
			return nil, RevisionMeta{}, fmt.Errorf("undo %d: %w", want, err)
		}
		want++
	}
	return overlay, meta, nil
}

// loadCommitted copies every committed chunk. Values share a few large
// allocations (capacity-capped, so an append by the caller reallocates).
func loadCommitted(tx *bolt.Tx) (map[string][]byte, error) {
	committed, err := bucket(tx, bucketCommitted)
	if err != nil {
		return nil, err
	}
	chunks := make(map[string][]byte)
	var a arena
	err = committed.ForEach(func(k, v []byte) error {
		chunks[string(k)] = a.copy(v)
		return nil
	})
	return chunks, err
}

// lastSeq is the sequence number of revision 0, or 0 before any commit.
func lastSeq(revs *bolt.Bucket) (uint64, error) {
	k, _ := revs.Cursor().Last()
	if k == nil {
		return 0, nil
	}
	return parseU64("revision key", k)
}

func revisionMeta(revs *bolt.Bucket, seq uint64) (RevisionMeta, error) {
	k := u64Key(seq)
	v := revs.Get(k)
	if v == nil {
		return RevisionMeta{}, errkind.Errorf(errkind.Corrupt, "meta of revision %d missing", seq)
	}
	return decodeRevision(k, v)
}

// decodeRevision decodes a revisions entry, checking that the record's
// sequence matches its key.
func decodeRevision(k, v []byte) (RevisionMeta, error) {
	seq, err := parseU64("revision key", k)
	if err != nil {
		return RevisionMeta{}, err
	}
	m, err := decodeMeta(v)
	if err != nil {
		return RevisionMeta{}, fmt.Errorf("revision %d: %w", seq, err)
	}
	if m.Seq != seq {
		return RevisionMeta{}, errkind.Errorf(errkind.Corrupt, "revision %d holds the meta of %d", seq, m.Seq)
	}
	return m, nil
}

// deleteUpTo deletes the entries of a sequence-keyed bucket that are more
// than keep behind seq. Commit drops one per call; the loop also mends a
// file that kept more.
func deleteUpTo(b *summed, seq, keep uint64) error {
	if seq <= keep {
		return nil
	}
	limit := u64Key(seq - keep)
	var old [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, limit) <= 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// sameChunk reports whether two chunk values are equal, nil (absent)
// differing from empty text.
func sameChunk(a, b []byte) bool {
	return (a == nil) == (b == nil) && bytes.Equal(a, b)
}

// arena hands out copies carved from shared 1 MiB blocks, so loading 10,000
// chunks costs a handful of allocations instead of 10,000.
type arena struct{ buf []byte }

const (
	arenaBlock = 1 << 20
	arenaLarge = 64 << 10 // values above this get their own allocation
)

func (a *arena) copy(v []byte) []byte {
	switch {
	case len(v) == 0:
		return []byte{}
	case len(v) > arenaLarge:
		return bytes.Clone(v)
	case len(v) > cap(a.buf)-len(a.buf):
		a.buf = make([]byte, 0, arenaBlock)
	}
	start := len(a.buf)
	a.buf = append(a.buf, v...)
	return a.buf[start:len(a.buf):len(a.buf)]
}
