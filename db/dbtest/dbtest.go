// Package dbtest damages store files the way a failing disk would, for
// tests of how gnos reports corruption. It knows the record format of
// package db (db/record.go) and nothing else: it edits the file's bytes
// in place, so it works while a Store has the file open (bbolt reads
// through a shared mapping of the file, and db verifies checksums only at
// Open, so the damage is met by the next read of the record).
package dbtest

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"
)

// tagDelta is the first byte of a delta record (db/record.go).
const tagDelta = 0x02

// DamageUndo flips the tag byte of every undo record of the store file at
// path that changes exactly one chunk, key, and returns how many it
// damaged (failing tb when none). Such a record starts with the tag, an
// entry count of 1 and the key; a rollback past it then finds a record
// that is not a delta.
func DamageUndo(tb testing.TB, path, key string) int {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	head := binary.AppendUvarint([]byte{tagDelta, 1}, uint64(len(key)))
	head = append(head, key...)
	n := 0
	for off := 0; ; {
		i := bytes.Index(b[off:], head)
		if i < 0 {
			break
		}
		if _, err := f.WriteAt([]byte{^byte(tagDelta)}, int64(off+i)); err != nil {
			tb.Fatal(err)
		}
		n++
		off += i + len(head)
	}
	if n == 0 {
		tb.Fatalf("dbtest: no undo record of chunk %q in %s", key, path)
	}
	return n
}
