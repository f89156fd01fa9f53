package db

import (
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestMetaRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		meta RevisionMeta
	}{
		{name: "zero", meta: RevisionMeta{}},
		{name: "plain commit", meta: RevisionMeta{
			Seq: 7, Time: time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC),
			User: "lab", Client: ClientCLI, Comment: "add S1",
		}},
		{name: "commit confirmed", meta: RevisionMeta{
			Seq: 1 << 40, Time: time.Unix(1, 999999999).UTC(), User: "automation",
			Client: ClientNETCONF, ConfirmDeadline: time.Date(2025, 3, 4, 5, 16, 0, 0, time.UTC),
		}},
		{name: "before 1970", meta: RevisionMeta{Seq: 1, Time: time.Date(1900, 1, 1, 0, 0, 0, 1, time.UTC)}},
		{name: "after 2262", meta: RevisionMeta{Seq: 1, Time: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{name: "unicode and nul", meta: RevisionMeta{Seq: 2, User: "ü\x00x", Client: ClientSystem, Comment: "«é»\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeMeta(encodeMeta(nil, tt.meta))
			if err != nil {
				t.Fatalf("decodeMeta: got error %v, want nil", err)
			}
			if !metaEqual(got, tt.meta) {
				t.Errorf("got %+v, want %+v", got, tt.meta)
			}
		})
	}
}

func TestMetaTimeIsUTC(t *testing.T) {
	local := time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	got, err := decodeMeta(encodeMeta(nil, RevisionMeta{Time: local}))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Time.Equal(local) || got.Time.Location() != time.UTC {
		t.Errorf("got %v, want %v in UTC", got.Time, local.UTC())
	}
}

func TestDeltaRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		delta Delta
	}{
		{name: "empty", delta: Delta{}},
		{name: "deleted chunk", delta: Delta{"a": nil}},
		{name: "empty text is not deleted", delta: Delta{"a": {}}},
		{name: "mixed", delta: Delta{
			"services\x00service-set\x00S1": []byte("service-set S1 {\n}\n"),
			"services\x00service-set\x00S2": nil,
			"system":                        []byte("host-name r1;\n"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeDelta(encodeDelta(nil, tt.delta))
			if err != nil {
				t.Fatalf("decodeDelta: got error %v, want nil", err)
			}
			if !reflect.DeepEqual(got, tt.delta) {
				t.Errorf("got %q, want %q", got, tt.delta)
			}
		})
	}
}

func TestDecodeCorrupt(t *testing.T) {
	meta := encodeMeta(nil, RevisionMeta{Seq: 3, User: "u", Time: time.Unix(5, 0)})
	delta := encodeDelta(nil, Delta{"a": []byte("x"), "b": nil})
	tests := []struct {
		name   string
		decode func([]byte) error
		rec    []byte
	}{
		{"meta empty", decodeMetaErr, nil},
		{"meta wrong tag", decodeMetaErr, delta},
		{"meta truncated", decodeMetaErr, meta[:len(meta)-1]},
		{"meta trailing byte", decodeMetaErr, append(clone(meta), 0)},
		{"meta bad time flag", decodeMetaErr, []byte{tagMeta, 1, 7, 0, 0, 0, 0}},
		{"meta nanoseconds out of range", decodeMetaErr, append(binary.AppendUvarint([]byte{tagMeta, 1, 1, 0}, 1e9), 0, 0, 0, 0)},
		{"meta string longer than record", decodeMetaErr, []byte{tagMeta, 1, 0, 9, 'a'}},
		{"delta empty", decodeDeltaErr, nil},
		{"delta wrong tag", decodeDeltaErr, meta},
		{"delta truncated", decodeDeltaErr, delta[:len(delta)-1]},
		{"delta trailing byte", decodeDeltaErr, append(clone(delta), 0)},
		{"delta count too large", decodeDeltaErr, []byte{tagDelta, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 'a', 0}},
		{"delta empty key", decodeDeltaErr, []byte{tagDelta, 1, 0, 0}},
		{"delta keys out of order", decodeDeltaErr, []byte{tagDelta, 2, 1, 'b', 0, 1, 'a', 0}},
		{"delta duplicate key", decodeDeltaErr, []byte{tagDelta, 2, 1, 'a', 0, 1, 'a', 0}},
		{"delta value longer than record", decodeDeltaErr, []byte{tagDelta, 1, 1, 'a', 5, 'x'}},
		{"candidate empty", decodeCandidateErr, nil},
		{"candidate bad flag", decodeCandidateErr, []byte{2, 'x'}},
		{"candidate deleted with text", decodeCandidateErr, []byte{0, 'x'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.decode(tt.rec); !errors.Is(err, ErrCorrupt) {
				t.Errorf("got error %v, want ErrCorrupt", err)
			}
		})
	}
}

func decodeMetaErr(b []byte) error      { _, err := decodeMeta(b); return err }
func decodeDeltaErr(b []byte) error     { _, err := decodeDelta(b); return err }
func decodeCandidateErr(b []byte) error { _, err := decodeCandidate(b); return err }

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func metaEqual(a, b RevisionMeta) bool {
	return a.Seq == b.Seq && a.Time.Equal(b.Time) && a.User == b.User && a.Client == b.Client &&
		a.Comment == b.Comment && a.ConfirmDeadline.Equal(b.ConfirmDeadline)
}

// FuzzDecodeMeta checks that any input either fails with ErrCorrupt or
// decodes to a meta that survives another encode/decode unchanged.
func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(nil, RevisionMeta{}))
	f.Add(encodeMeta(nil, RevisionMeta{Seq: 9, Time: time.Unix(1700000000, 5), User: "u",
		Client: ClientNETCONF, Comment: "c", ConfirmDeadline: time.Unix(1700000600, 0)}))
	f.Add([]byte{tagMeta, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeta(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got error %v, want ErrCorrupt", err)
			}
			return
		}
		again, err := decodeMeta(encodeMeta(nil, m))
		if err != nil {
			t.Fatalf("re-decode: got error %v, want nil", err)
		}
		if !metaEqual(again, m) {
			t.Fatalf("round trip: got %+v, want %+v", again, m)
		}
	})
}

// FuzzDecodeDelta checks the delta decoder the same way, and that the map
// and streaming decoders agree.
func FuzzDecodeDelta(f *testing.F) {
	f.Add(encodeDelta(nil, Delta{}))
	f.Add(encodeDelta(nil, Delta{"a": []byte("text"), "b": nil, "c": {}}))
	f.Add([]byte{tagDelta, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDelta(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got error %v, want ErrCorrupt", err)
			}
			return
		}
		n := 0
		if err := eachDeltaEntry(b, func(key, val []byte) error {
			n++
			if want, ok := d[string(key)]; !ok || !sameChunk(val, want) {
				t.Fatalf("entry %q: got %q, want %q (present %v)", key, val, want, ok)
			}
			return nil
		}); err != nil || n != len(d) {
			t.Fatalf("eachDeltaEntry: got %d entries, error %v, want %d, nil", n, err, len(d))
		}
		again, err := decodeDelta(encodeDelta(nil, d))
		if err != nil {
			t.Fatalf("re-decode: got error %v, want nil", err)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("round trip: got %q, want %q", again, d)
		}
	})
}

// FuzzDecodeCandidate checks the candidate chunk decoder.
func FuzzDecodeCandidate(f *testing.F) {
	f.Add(encodeCandidate(nil))
	f.Add(encodeCandidate([]byte{}))
	f.Add(encodeCandidate([]byte("x")))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decodeCandidate(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got error %v, want ErrCorrupt", err)
			}
			return
		}
		if again, err := decodeCandidate(encodeCandidate(v)); err != nil || !sameChunk(again, v) {
			t.Fatalf("round trip: got %q, %v, want %q, nil", again, err, v)
		}
	})
}
