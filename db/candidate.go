package db

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/internal/errkind"
)

// Candidate returns the persisted shared candidate as a delta against the
// committed configuration: the chunks that differ, nil for a chunk the
// candidate deletes. It is empty when the candidate equals committed.
func (s *Store) Candidate() (Delta, error) {
	out := Delta{}
	err := s.view("candidate", func(tx *bolt.Tx) error {
		cand, err := bucket(tx, bucketCandidate)
		if err != nil {
			return err
		}
		return cand.ForEach(func(k, v []byte) error {
			val, err := decodeCandidate(v)
			if err != nil {
				return fmt.Errorf("chunk %q: %w", k, err)
			}
			out[string(k)] = val
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateCandidate changes the persisted candidate delta in one transaction:
// set holds chunks of the candidate that now differ from committed (nil =
// deleted in the candidate), reset the keys whose candidate chunk equals
// committed again. A key may not be in both. The store does not compare with
// committed: keeping set minimal is the caller's job.
func (s *Store) UpdateCandidate(set Delta, reset []string) error {
	if err := checkKeys("chunk", set); err != nil {
		return fmt.Errorf("db: update candidate: %w", err)
	}
	for _, k := range reset {
		if err := checkKey("chunk", k); err != nil {
			return fmt.Errorf("db: update candidate: %w", err)
		}
		if _, ok := set[k]; ok {
			return errkind.Errorf(errkind.Invalid, "db: update candidate: key %q both set and reset", k)
		}
	}
	return s.update("update candidate", func(tx *bolt.Tx) error {
		cand, err := bucket(tx, bucketCandidate)
		if err != nil {
			return err
		}
		for _, k := range sortedKeys(set) {
			if err := cand.Put([]byte(k), encodeCandidate(set[k])); err != nil {
				return fmt.Errorf("chunk %q: %w", k, err)
			}
		}
		for _, k := range reset {
			if err := cand.Delete([]byte(k)); err != nil {
				return fmt.Errorf("chunk %q: %w", k, err)
			}
		}
		return nil
	})
}

// ClearCandidate makes the candidate equal to committed again
// ("rollback 0" into the candidate, or the end of "configure exclusive"
// without commit).
func (s *Store) ClearCandidate() error {
	return s.update("clear candidate", func(tx *bolt.Tx) error {
		return clearBucket(tx, bucketCandidate)
	})
}

// State returns a copy of the named state blob, or nil, nil when absent.
func (s *Store) State(key string) ([]byte, error) {
	if err := checkKey("state", key); err != nil {
		return nil, fmt.Errorf("db: state: %w", err)
	}
	var out []byte
	err := s.view("state", func(tx *bolt.Tx) error {
		st, err := bucket(tx, bucketState)
		if err != nil {
			return err
		}
		out = bytes.Clone(st.Get([]byte(key)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutState sets the named state blob; a nil val deletes it.
func (s *Store) PutState(key string, val []byte) error {
	if err := checkKey("state", key); err != nil {
		return fmt.Errorf("db: put state: %w", err)
	}
	return s.update("put state", func(tx *bolt.Tx) error {
		return putState(tx, map[string][]byte{key: val})
	})
}

// NextCounter increments the named counter and returns its new value: 1 on
// the first call. Values never repeat, across restarts included.
func (s *Store) NextCounter(name string) (uint64, error) {
	if err := checkKey("counter", name); err != nil {
		return 0, fmt.Errorf("db: next counter: %w", err)
	}
	var next uint64
	err := s.update("next counter", func(tx *bolt.Tx) error {
		counters, err := bucket(tx, bucketCounters)
		if err != nil {
			return err
		}
		if raw := counters.Get([]byte(name)); raw != nil {
			cur, err := parseU64("counter "+name, raw)
			if err != nil {
				return err
			}
			next = cur
		}
		next++
		return counters.Put([]byte(name), u64Key(next))
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

// putState writes state keys; a nil value deletes.
func putState(tx *bolt.Tx, state map[string][]byte) error {
	if len(state) == 0 {
		return nil
	}
	st, err := bucket(tx, bucketState)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(state) {
		if v := state[k]; v == nil {
			err = st.Delete([]byte(k))
		} else {
			err = st.Put([]byte(k), v)
		}
		if err != nil {
			return fmt.Errorf("state %q: %w", k, err)
		}
	}
	return nil
}

// clearBucket empties a top-level bucket. Dropping and recreating it frees
// its pages in one step rather than deleting key by key.
func clearBucket(tx *bolt.Tx, name []byte) error {
	b, err := bucket(tx, name)
	if err != nil {
		return err
	}
	if k, _ := b.Cursor().First(); k == nil {
		return nil
	}
	if err := tx.DeleteBucket(name); err != nil {
		return err
	}
	_, err = tx.CreateBucket(name)
	return err
}
