package db

import (
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/internal/errkind"
)

// verify checks a store at open so that damage is found at start-up, not
// at the first `show system commit`: bbolt's own consistency check of
// every page, then a strict decode of every record the history and the
// candidate need (each revision's meta and undo delta, each candidate
// chunk). It returns ErrCorrupt naming what is wrong.
func verify(bdb *bolt.DB) error {
	return bdb.View(func(tx *bolt.Tx) error {
		var problems []string
		for err := range tx.Check() {
			if len(problems) < 5 {
				problems = append(problems, err.Error())
			}
		}
		if len(problems) > 0 {
			return errkind.Errorf(errkind.Corrupt, "page structure: %s", strings.Join(problems, "; "))
		}
		if err := verifySums(tx); err != nil {
			return err
		}
		revs, err := bucket(tx, bucketRevisions)
		if err != nil {
			return err
		}
		undo, err := bucket(tx, bucketUndo)
		if err != nil {
			return err
		}
		cand, err := bucket(tx, bucketCandidate)
		if err != nil {
			return err
		}
		if err := revs.ForEach(func(k, v []byte) error {
			m, err := decodeMeta(v)
			if err != nil {
				return fmt.Errorf("revision %x: %w", k, err)
			}
			if seq, err := parseU64("revision key", k); err != nil {
				return err
			} else if m.Seq != seq {
				return errkind.Errorf(errkind.Corrupt, "revision key %x holds the meta of revision %d", k, m.Seq)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := undo.ForEach(func(k, v []byte) error {
			if _, err := decodeDelta(v); err != nil {
				return fmt.Errorf("undo record %x: %w", k, err)
			}
			return nil
		}); err != nil {
			return err
		}
		return cand.ForEach(func(k, v []byte) error {
			if _, err := decodeCandidate(v); err != nil {
				return fmt.Errorf("candidate chunk %q: %w", k, err)
			}
			return nil
		})
	})
}

// errEmptyFile is the refusal of a store file of 0 bytes. Store files are
// created whole (create links a complete file into place), so an empty one
// was truncated: starting from it would start a factory-empty system.
var errEmptyFile = errors.New("the file is empty (0 bytes), so it was truncated; refusing to start with no configuration, users or history: restore it from a backup, or remove it to start a factory-default system")
