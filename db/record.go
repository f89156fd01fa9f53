package db

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gnos/gnos/internal/errkind"
)

// Record formats. Each record starts with a one-byte tag naming its format,
// so a value stored in the wrong bucket or a future format is caught instead
// of being misread. Integers are encoding/binary uvarints (varints where
// signed); strings and byte strings are a uvarint length followed by the
// bytes. Decoders are strict: a truncated record, trailing bytes, an
// out-of-range field or (in a delta) keys out of order are ErrCorrupt.
//
//	meta  = 0x01 seq:uvarint time user:str client:str comment:str deadline:time
//	time  = 0x00                                  (zero time.Time)
//	      | 0x01 unix-seconds:varint nanoseconds:uvarint
//	delta = 0x02 count:uvarint { key:str value }* (keys strictly increasing)
//	value = 0x00                                  (chunk absent)
//	      | len+1:uvarint bytes                   (chunk text, possibly empty)
//
// The candidate bucket stores each chunk as one byte (0 deleted, 1 present)
// followed by the text; counters and the schema version are 8-byte
// big-endian integers, as are revision keys so they sort by sequence.
const (
	tagMeta  = 0x01
	tagDelta = 0x02
)

// errTruncated is what every decoder reports for a short record.
var errTruncated = errors.New("truncated")

// encodeMeta appends the meta record of m to b.
func encodeMeta(b []byte, m RevisionMeta) []byte {
	b = append(b, tagMeta)
	b = binary.AppendUvarint(b, m.Seq)
	b = appendTime(b, m.Time)
	b = appendString(b, m.User)
	b = appendString(b, string(m.Client))
	b = appendString(b, m.Comment)
	b = appendTime(b, m.ConfirmDeadline)
	return b
}

// decodeMeta decodes a meta record. The strings it returns are copies.
func decodeMeta(b []byte) (RevisionMeta, error) {
	var m RevisionMeta
	d := decoder{b: b}
	if tag := d.byte(); d.err == nil && tag != tagMeta {
		return m, errkind.Errorf(errkind.Corrupt, "meta record has tag %#x", tag)
	}
	m.Seq = d.uvarint()
	m.Time = d.time()
	m.User = string(d.bytes())
	m.Client = Client(d.bytes())
	m.Comment = string(d.bytes())
	m.ConfirmDeadline = d.time()
	if err := d.finish(); err != nil {
		return RevisionMeta{}, errkind.Errorf(errkind.Corrupt, "meta record: %w", err)
	}
	return m, nil
}

// encodeDelta appends the delta record of d to b, keys in increasing order.
func encodeDelta(b []byte, d Delta) []byte {
	b = append(b, tagDelta)
	b = binary.AppendUvarint(b, uint64(len(d)))
	for _, k := range sortedKeys(d) {
		b = appendString(b, k)
		b = appendValue(b, d[k])
	}
	return b
}

// eachDeltaEntry decodes a delta record and calls fn for each entry in key
// order; val is nil for an absent chunk. key and val alias b: fn copies what
// it keeps. An error from fn stops the walk and is returned as is.
func eachDeltaEntry(b []byte, fn func(key, val []byte) error) error {
	d := decoder{b: b}
	if tag := d.byte(); d.err == nil && tag != tagDelta {
		return errkind.Errorf(errkind.Corrupt, "delta record has tag %#x", tag)
	}
	n := d.uvarint()
	// Each entry takes at least two bytes; refuse counts the record cannot
	// hold before anything trusts them.
	if d.err == nil && n > uint64(len(d.b))/2 {
		return errkind.Errorf(errkind.Corrupt, "delta record: %d entries in %d bytes", n, len(d.b))
	}
	var prev []byte
	for i := uint64(0); i < n && d.err == nil; i++ {
		key := d.bytes()
		val := d.value()
		if d.err != nil {
			break
		}
		if len(key) == 0 {
			return errkind.Errorf(errkind.Corrupt, "delta record: entry %d has an empty key", i)
		}
		if i > 0 && string(key) <= string(prev) {
			return errkind.Errorf(errkind.Corrupt, "delta record: key %q out of order", key)
		}
		prev = key
		if err := fn(key, val); err != nil {
			return err
		}
	}
	if err := d.finish(); err != nil {
		return errkind.Errorf(errkind.Corrupt, "delta record: %w", err)
	}
	return nil
}

// decodeDelta decodes a delta record into a map of copies.
func decodeDelta(b []byte) (Delta, error) {
	out := Delta{}
	err := eachDeltaEntry(b, func(key, val []byte) error {
		out[string(key)] = bytes.Clone(val)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// encodeCandidate encodes one chunk of the candidate delta.
func encodeCandidate(val []byte) []byte {
	if val == nil {
		return []byte{0}
	}
	b := make([]byte, 1+len(val))
	b[0] = 1
	copy(b[1:], val)
	return b
}

// decodeCandidate decodes one chunk of the candidate delta into a copy.
func decodeCandidate(b []byte) ([]byte, error) {
	switch {
	case len(b) == 1 && b[0] == 0:
		return nil, nil
	case len(b) >= 1 && b[0] == 1:
		return bytes.Clone(b[1:]), nil
	}
	return nil, errkind.Errorf(errkind.Corrupt, "candidate chunk of %d bytes", len(b))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendValue(b, v []byte) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(v))+1)
	return append(b, v...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// decoder reads fields from a record; the first error sticks and makes every
// later read return a zero value, so callers check once at the end.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail(errTruncated)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a length-prefixed byte string aliasing the record.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errTruncated)
	}
	if d.err != nil {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

// value reads a delta value: nil for an absent chunk, else a non-nil slice
// aliasing the record.
func (d *decoder) value() []byte {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n-1 > uint64(len(d.b)) {
		d.fail(errTruncated)
		return nil
	}
	v := d.b[: n-1 : n-1]
	d.b = d.b[n-1:]
	return v
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		sec := d.varint()
		nsec := d.uvarint()
		if nsec >= 1e9 {
			d.fail(fmt.Errorf("nanoseconds %d out of range", nsec))
		}
		if d.err != nil {
			return time.Time{}
		}
		t := time.Unix(sec, int64(nsec)).UTC()
		if t.IsZero() {
			// Only the 0x00 form may encode the zero time.
			d.fail(errors.New("zero time in the non-zero form"))
		}
		return t
	default:
		d.fail(errors.New("bad time flag"))
		return time.Time{}
	}
}

func (d *decoder) finish() error {
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%d trailing bytes", len(d.b))
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
