package dataplane

import (
	"bytes"
	"testing"
	"time"
)

// FuzzSessionRecords: records read back from a snapshot file or a
// replication stream never crash the decoder, and what decodes encodes
// to a well-formed record again.
func FuzzSessionRecords(f *testing.F) {
	k := FlowKey{SPort: 1, DPort: 2, Proto: ProtoTCP}
	c := &Core{dp: &Dataplane{}}
	s := &Session{Key: [2]FlowKey{k, k.Reverse()}, set: &setInfo{}, Timeout: 30, idle: 30, TCP: TCPEstablished}
	rec, _ := c.saveSession(s, nil)
	f.Add(rec)
	f.Add(append(rec, rec...))
	f.Add([]byte{0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		// A standby applies what decodes, and hands back records that
		// decode, as many as it holds.
		var h HeldReplica
		if err := h.Apply(ReplicaUpdate{Records: b, Delta: true, Full: 1, Gone: []uint32{1, 2}}, time.Time{}); err == nil {
			n := 0
			for rec := h.Records(time.Unix(5, 0)); len(rec) > 0; n++ {
				_, rest, err := nextRecord(rec)
				if err != nil {
					t.Fatalf("a held record does not decode: %v", err)
				}
				rec = rest
			}
			if n != h.Sessions() {
				t.Fatalf("%d records handed back, %d held", n, h.Sessions())
			}
		}
		for len(b) > 0 {
			r, rest, err := nextRecord(b)
			if err != nil {
				return
			}
			if len(rest) >= len(b) {
				t.Fatalf("decoder did not advance")
			}
			for i := 0; i < r.nblobs; i++ {
				if len(r.blobs[i].blob) > MaxStateBlob || !bytes.Contains(b, r.blobs[i].blob) {
					t.Fatalf("blob %d out of its record", i)
				}
			}
			b = rest
		}
	})
}

// TestRecordRoundTrip: a saved session decodes to what it was.
func TestRecordRoundTrip(t *testing.T) {
	k := FlowKey{SPort: 1234, DPort: 80, Proto: ProtoTCP}
	k.Src[15], k.Dst[15] = 1, 2
	c := &Core{dp: &Dataplane{}, now: 50e9}
	s := &Session{Key: [2]FlowKey{k, k.Reverse()}, set: &setInfo{id: 7}, Pkts: [2]uint64{3, 4}, Bytes: [2]uint64{300, 400},
		Timeout: 1800, idle: 1800, last: 45e9, startSec: 10, TCP: TCPEstablished, Side: Output, finSeen: 1}
	b, ok := c.saveSession(s, nil)
	if !ok {
		t.Fatal("saveSession refused")
	}
	r, rest, err := nextRecord(b)
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode: %v, %d bytes left", err, len(rest))
	}
	if r.ssid != 7 || r.key != s.Key || r.pkts != s.Pkts || r.bytes != s.Bytes || r.timeout != 1800 ||
		r.idleNs != 5e9 || r.ageSec != 40 || r.tcp != TCPEstablished || r.side != Output || r.finSeen != 1 || r.nblobs != 0 {
		t.Errorf("got %+v, want the session's fields back", r)
	}
}
