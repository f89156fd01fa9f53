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
	s := &Session{set: &setInfo{}, Timeout: 30, idle: 30, TCP: TCPEstablished}
	rk := k.Reverse()
	s.setKeys(&k, &rk)
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

// TestRecordRoundTrip: a saved session decodes to what it was, IPv4 (a
// translated one, its counters past their low words) and IPv6.
func TestRecordRoundTrip(t *testing.T) {
	v4 := FlowKey{SPort: 1234, DPort: 80, Proto: ProtoTCP}
	mapV4(&v4.Src, []byte{10, 0, 0, 1})
	mapV4(&v4.Dst, []byte{192, 0, 2, 2})
	v6 := FlowKey{SPort: 1234, DPort: 443, Proto: ProtoTCP, V6: true}
	v6.Src[0], v6.Src[15], v6.Dst[0], v6.Dst[15] = 0x20, 1, 0x20, 2
	for _, k := range []FlowKey{v4, v6} {
		c := &Core{dp: &Dataplane{}, now: 50e9}
		s := &Session{set: &setInfo{id: 7}, Timeout: 1800, idle: 1800, last: 45e9, startSec: 10,
			TCP: TCPEstablished, Side: Output, finSeen: 1}
		want := [2]FlowKey{k, k.Reverse()}
		s.setKeys(&want[Forward], &want[Reverse])
		if !k.V6 { // as napt-44 translates it
			want[Reverse].Dst[15], want[Reverse].DPort = 9, 20001
			s.storeKey(Reverse, &want[Reverse])
		}
		pkts, bytes := [2]uint64{3, 5 << 32}, [2]uint64{300, 7<<32 | 400}
		for d := range Dir(2) {
			s.setCounters(d, pkts[d], bytes[d])
		}
		b, ok := c.saveSession(s, nil)
		if !ok {
			t.Fatal("saveSession refused")
		}
		r, rest, err := nextRecord(b)
		if err != nil || len(rest) != 0 {
			t.Fatalf("decode: %v, %d bytes left", err, len(rest))
		}
		if r.ssid != 7 || r.key != want || r.pkts != pkts || r.bytes != bytes || r.timeout != 1800 ||
			r.idleNs != 5e9 || r.ageSec != 40 || r.tcp != TCPEstablished || r.side != Output || r.finSeen != 1 || r.nblobs != 0 {
			t.Errorf("got %+v, want the session's fields back (keys %v)", r, want)
		}
	}
}

// An IPv4 key without the IPv4-mapped prefix is no key gnos writes: a
// record holding one is refused, not restored as a session no packet
// would find.
func TestRecordRefusesUnmappedIPv4(t *testing.T) {
	k := FlowKey{SPort: 1234, DPort: 80, Proto: ProtoTCP}
	mapV4(&k.Src, []byte{10, 0, 0, 1})
	mapV4(&k.Dst, []byte{192, 0, 2, 2})
	rk := k.Reverse()
	s := &Session{set: &setInfo{id: 7}, Timeout: 30, idle: 30}
	s.setKeys(&k, &rk)
	b, _ := (&Core{dp: &Dataplane{}}).saveSession(s, nil)
	if _, _, err := nextRecord(b); err != nil {
		t.Fatalf("the record as saved: %v", err)
	}
	for _, at := range []int{2 + 8, 2 + 8 + 11, 2 + 8 + keyBytes + 16} { // forward source byte 0, its byte 11, reverse destination byte 0
		bad := append([]byte(nil), b...)
		bad[at] ^= 0x20
		if _, _, err := nextRecord(bad); err != ErrBadRecord {
			t.Errorf("byte %d changed: got %v, want ErrBadRecord", at, err)
		}
	}
}
