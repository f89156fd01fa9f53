package db

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/internal/errkind"
)

// Every value of the buckets that hold the configuration and its history
// (committed chunks, revision metas, undo records) has a CRC-32C in the
// sums bucket, under its key prefixed with a byte naming the bucket,
// written in the same transaction (one bucket for all three: a commit
// dirties one more bucket's pages, not three).
// bbolt checks its pages' structure but not the bytes of values, so
// without these a flipped byte in a chunk's text would start as a quietly
// different configuration; with them, Open refuses the store and names
// the damaged record (verify).
var bucketSums = []byte("sums")

// summedBuckets are the checked buckets with their key prefixes in sums.
var summedBuckets = []struct {
	name   []byte
	prefix byte
}{
	{bucketCommitted, 'c'},
	{bucketRevisions, 'r'},
	{bucketUndo, 'u'},
}

// maxSummedKey is the longest key the summed buckets take: bbolt's limit
// less the prefix byte.
const maxSummedKey = bolt.MaxKeySize - 1

func sumKey(prefix byte, k []byte) []byte { return append([]byte{prefix}, k...) }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(v []byte) []byte {
	return binary.BigEndian.AppendUint32(nil, crc32.Checksum(v, castagnoli))
}

// summed is a bucket whose writes keep its checksums in step.
type summed struct {
	*bolt.Bucket
	sums   *bolt.Bucket
	prefix byte
}

func summedBucket(tx *bolt.Tx, name []byte) (*summed, error) {
	b, err := bucket(tx, name)
	if err != nil {
		return nil, err
	}
	s, err := bucket(tx, bucketSums)
	if err != nil {
		return nil, err
	}
	for _, sb := range summedBuckets {
		if string(sb.name) == string(name) {
			return &summed{Bucket: b, sums: s, prefix: sb.prefix}, nil
		}
	}
	return nil, errkind.Errorf(errkind.Invalid, "bucket %s has no checksums", name)
}

// Put stores v under k with its checksum.
func (s *summed) Put(k, v []byte) error {
	if err := s.Bucket.Put(k, v); err != nil {
		return err
	}
	return s.sums.Put(sumKey(s.prefix, k), checksum(v))
}

// Delete removes k and its checksum.
func (s *summed) Delete(k []byte) error {
	if err := s.Bucket.Delete(k); err != nil {
		return err
	}
	return s.sums.Delete(sumKey(s.prefix, k))
}

// migrateChecksums is version 1 -> 2: the checksum buckets, filled from
// what the file holds (trusted as it stands: nothing older checked it).
func migrateChecksums(tx *bolt.Tx) error {
	sums, err := tx.CreateBucketIfNotExists(bucketSums)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketSums, err)
	}
	for _, sb := range summedBuckets {
		b, err := bucket(tx, sb.name)
		if err != nil {
			return err
		}
		if err := b.ForEach(func(k, v []byte) error { return sums.Put(sumKey(sb.prefix, k), checksum(v)) }); err != nil {
			return fmt.Errorf("checksums of %s: %w", sb.name, err)
		}
	}
	return nil
}

// verifySums checks every value of the summed buckets against its
// checksum, and that no checksum lacks its value.
func verifySums(tx *bolt.Tx) error {
	sums, err := bucket(tx, bucketSums)
	if err != nil {
		return err
	}
	for _, sb := range summedBuckets {
		b, err := bucket(tx, sb.name)
		if err != nil {
			return err
		}
		what := describe(sb.name)
		if err := b.ForEach(func(k, v []byte) error {
			want := sums.Get(sumKey(sb.prefix, k))
			if want == nil {
				return errkind.Errorf(errkind.Corrupt, "%s has no checksum", what(k))
			}
			if got := checksum(v); string(got) != string(want) {
				return errkind.Errorf(errkind.Corrupt, "%s fails its checksum (stored %x, computed %x)", what(k), want, got)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return sums.ForEach(func(k, _ []byte) error {
		for _, sb := range summedBuckets {
			if len(k) > 0 && k[0] == sb.prefix {
				b, err := bucket(tx, sb.name)
				if err != nil {
					return err
				}
				if b.Get(k[1:]) == nil {
					return errkind.Errorf(errkind.Corrupt, "%s is missing (its checksum remains)", describe(sb.name)(k[1:]))
				}
				return nil
			}
		}
		return errkind.Errorf(errkind.Corrupt, "checksum %q of no known bucket", k)
	})
}

// describe names a record of bucket name for an error message.
func describe(name []byte) func(k []byte) string {
	switch string(name) {
	case string(bucketRevisions):
		return func(k []byte) string { return "the meta record of revision " + revisionName(k) }
	case string(bucketUndo):
		return func(k []byte) string { return "the undo record of revision " + revisionName(k) }
	}
	return func(k []byte) string { return fmt.Sprintf("committed chunk %q", k) }
}

// revisionName is a revision key as a number, or in hex when damaged.
func revisionName(k []byte) string {
	if seq, err := parseU64("revision key", k); err == nil {
		return fmt.Sprint(seq)
	}
	return fmt.Sprintf("key %x", k)
}
