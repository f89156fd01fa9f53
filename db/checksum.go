package db

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"
)

// Every value of the buckets that hold the configuration and its history
// (committed chunks, revision metas, undo records) has a CRC-32C in a
// sibling bucket under the same key, written in the same transaction.
// bbolt checks its pages' structure but not the bytes of values, so
// without these a flipped byte in a chunk's text would start as a quietly
// different configuration; with them, Open refuses the store and names
// the damaged record (verify).
var (
	bucketCommittedSum = []byte("committed.sum")
	bucketRevisionsSum = []byte("revisions.sum")
	bucketUndoSum      = []byte("undo.sum")
)

// summedBuckets pairs each checked bucket with its checksums.
var summedBuckets = [][2][]byte{
	{bucketCommitted, bucketCommittedSum},
	{bucketRevisions, bucketRevisionsSum},
	{bucketUndo, bucketUndoSum},
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(v []byte) []byte {
	return binary.BigEndian.AppendUint32(nil, crc32.Checksum(v, castagnoli))
}

// summed is a bucket whose writes keep its checksum bucket in step.
type summed struct {
	*bolt.Bucket
	sums *bolt.Bucket
}

func summedBucket(tx *bolt.Tx, name, sumName []byte) (*summed, error) {
	b, err := bucket(tx, name)
	if err != nil {
		return nil, err
	}
	s, err := bucket(tx, sumName)
	if err != nil {
		return nil, err
	}
	return &summed{Bucket: b, sums: s}, nil
}

// Put stores v under k with its checksum.
func (s *summed) Put(k, v []byte) error {
	if err := s.Bucket.Put(k, v); err != nil {
		return err
	}
	return s.sums.Put(k, checksum(v))
}

// Delete removes k and its checksum.
func (s *summed) Delete(k []byte) error {
	if err := s.Bucket.Delete(k); err != nil {
		return err
	}
	return s.sums.Delete(k)
}

// migrateChecksums is version 1 -> 2: the checksum buckets, filled from
// what the file holds (trusted as it stands: nothing older checked it).
func migrateChecksums(tx *bolt.Tx) error {
	for _, p := range summedBuckets {
		sums, err := tx.CreateBucketIfNotExists(p[1])
		if err != nil {
			return fmt.Errorf("create bucket %s: %w", p[1], err)
		}
		b, err := bucket(tx, p[0])
		if err != nil {
			return err
		}
		if err := b.ForEach(func(k, v []byte) error { return sums.Put(k, checksum(v)) }); err != nil {
			return fmt.Errorf("checksums of %s: %w", p[0], err)
		}
	}
	return nil
}

// verifySums checks every value of the summed buckets against its
// checksum, and that no checksum lacks its value.
func verifySums(tx *bolt.Tx) error {
	for _, p := range summedBuckets {
		b, err := bucket(tx, p[0])
		if err != nil {
			return err
		}
		sums, err := bucket(tx, p[1])
		if err != nil {
			return err
		}
		what := describe(p[0])
		if err := b.ForEach(func(k, v []byte) error {
			want := sums.Get(k)
			if want == nil {
				return fmt.Errorf("%w: %s has no checksum", ErrCorrupt, what(k))
			}
			if got := checksum(v); string(got) != string(want) {
				return fmt.Errorf("%w: %s fails its checksum (stored %x, computed %x)", ErrCorrupt, what(k), want, got)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := sums.ForEach(func(k, _ []byte) error {
			if b.Get(k) == nil {
				return fmt.Errorf("%w: %s is missing (its checksum remains)", ErrCorrupt, what(k))
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// describe names a record of bucket name for an error message.
func describe(name []byte) func(k []byte) string {
	switch string(name) {
	case string(bucketRevisions):
		return func(k []byte) string { return fmt.Sprintf("the meta record of revision %d", beU64(k)) }
	case string(bucketUndo):
		return func(k []byte) string { return fmt.Sprintf("the undo record of revision %d", beU64(k)) }
	}
	return func(k []byte) string { return fmt.Sprintf("committed chunk %q", k) }
}
