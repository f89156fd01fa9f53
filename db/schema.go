package db

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/internal/errkind"
)

// A migration upgrades the file by one schema version inside the caller's
// transaction. It must not commit or roll back the transaction.
type migration struct {
	name string
	fn   func(tx *bolt.Tx) error
}

// migrations[i] upgrades schema version i to i+1, so the current version is
// len(migrations). Append only: never edit or reorder a migration that has
// shipped, because files in the field hold the versions they produced.
var migrations = []migration{
	{"create buckets", migrateCreateBuckets},
	{"checksums", migrateChecksums},
	{"junos shapes", migrateJunosShapes},
	{"value containers", migrateValueContainers},
}

// keySchema holds the schema version, 8 bytes big-endian, in bucketMeta.
var keySchema = []byte("schema")

// migrate brings the file to len(migs), running the missing migrations in
// order within tx, and returns the resulting version. A failing migration
// fails the whole transaction, so the file keeps its old version and data.
func migrate(tx *bolt.Tx, migs []migration) (int, error) {
	v, err := schemaVersion(tx)
	if err != nil {
		return 0, err
	}
	if v > len(migs) {
		return 0, fmt.Errorf("%w: file has schema version %d, this code knows up to %d", ErrSchema, v, len(migs))
	}
	for ; v < len(migs); v++ {
		if err := migs[v].fn(tx); err != nil {
			return 0, fmt.Errorf("migration %d to %d (%s): %w", v, v+1, migs[v].name, err)
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return 0, err
		}
		if err := meta.Put(keySchema, u64Key(uint64(v+1))); err != nil {
			return 0, err
		}
	}
	return v, nil
}

// schemaVersion reads the file's schema version: 0 for an empty file.
func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		// Version 0 is a fresh file. A file with buckets but no version is
		// not ours: refuse it rather than add our buckets beside its data.
		if k, _ := tx.Cursor().First(); k != nil {
			return 0, fmt.Errorf("%w: file holds bucket %q but no schema version", ErrSchema, k)
		}
		return 0, nil
	}
	raw := meta.Get(keySchema)
	if raw == nil {
		return 0, errkind.Errorf(errkind.Corrupt, "meta bucket without a schema version")
	}
	v, err := parseU64("schema version", raw)
	if err != nil {
		return 0, err
	}
	if v > 1<<20 {
		return 0, fmt.Errorf("%w: file has schema version %d", ErrSchema, v)
	}
	return int(v), nil
}

// migrateCreateBuckets is version 0 -> 1: the initial layout.
func migrateCreateBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{
		bucketMeta, bucketCommitted, bucketRevisions, bucketUndo,
		bucketCandidate, bucketState, bucketCounters,
	} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}
