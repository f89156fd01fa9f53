package all_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

func replSave(t *testing.T, r *rig, mode dataplane.ReplMode, minAge time.Duration) dataplane.Saved {
	t.Helper()
	s, err := r.DP.SaveSessions(context.Background(), dataplane.SaveOptions{Replication: mode, MinAge: minAge})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func apply(t *testing.T, h *dataplane.HeldReplica, s dataplane.Saved, at time.Time) {
	t.Helper()
	if err := h.Apply(dataplane.ReplicaUpdate{Records: s.Records, Sets: s.Sets, Delta: s.Delta, Full: s.Full, Gone: s.Gone, Seq: s.Seq}, at); err != nil {
		t.Fatal(err)
	}
}

// udp opens (or refreshes) the UDP DNS flow from source port p.
func udp(r *rig, p uint16) {
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: p, DPort: 53, Payload: 10})
	r.Take()
}

// TestDeltaReplication: after a full replication save, a delta carries
// only the sessions new or with a packet since (and those crossing the
// replication threshold since), plus the identifiers of the sessions
// closed since; a standby applying the full then the delta holds
// exactly the primary's live sessions, and restores them with their
// identifiers and NAT mappings. A snapshot's save between two rounds
// does not disturb the base.
func TestDeltaReplication(t *testing.T) {
	for _, cores := range []int{1, 3} {
		t.Run(map[int]string{1: "one core", 3: "three cores"}[cores], func(t *testing.T) {
			a := newRig(t, cores, 16<<20)
			for p := uint16(1000); p < 1020; p++ {
				udp(a, p)
			}
			a.Clock.Advance(time.Second)
			var held dataplane.HeldReplica
			full := replSave(t, a, dataplane.ReplFull, time.Second)
			if full.Delta || full.Sessions != 20 || full.Seq == 0 {
				t.Fatalf("full save: got delta %v, %d sessions, seq %d; want a full one of 20", full.Delta, full.Sessions, full.Seq)
			}
			apply(t, &held, full, a.Clock.Now())

			a.Clock.Advance(time.Second)
			udp(a, 1003)                                                                                               // a packet on one flow
			udp(a, 2000)                                                                                               // a new flow, under the 1 s threshold
			a.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 1007, DPort: 5000}) // refused by the firewall: no session
			a.Take()
			if _, err := a.DP.SaveSessions(context.Background(), dataplane.SaveOptions{}); err != nil { // a snapshot meanwhile
				t.Fatal(err)
			}
			d := replSave(t, a, dataplane.ReplDelta, time.Second)
			if !d.Delta || d.Full != 0 || d.Sessions != 1 || d.Skipped != 1 || d.Unchanged != 19 || len(d.Gone) != 0 || d.Seq != full.Seq+1 {
				t.Fatalf("delta: got %+v (records omitted); want 1000+3 alone, 2000 too young, 19 unchanged", deltaOf(d))
			}
			apply(t, &held, d, a.Clock.Now())

			// 2000 crosses the threshold without a packet; the other
			// flows but 1003 expire (junos-dns-udp: 10 s).
			a.Clock.Advance(9 * time.Second)
			a.DP.Sync()
			udp(a, 1003)
			d = replSave(t, a, dataplane.ReplDelta, time.Second)
			live := sessionIDs(a)
			if len(live) != 2 || d.Sessions != 2 || len(d.Gone) != 19 {
				t.Fatalf("delta after the expiry: got %+v, %d live; want 1003 and 2000 sent, 19 gone", deltaOf(d), len(live))
			}
			apply(t, &held, d, a.Clock.Now())
			if held.Sessions() != 2 {
				t.Fatalf("the standby holds %d sessions, want the primary's 2", held.Sessions())
			}

			b := newRig(t, cores, 16<<20)
			b.Clock.Advance(11 * time.Second)
			st, err := b.DP.RestoreSessions(context.Background(), held.Records(a.Clock.Now()), held.Sets(), 0)
			if err != nil || st.Restored != 2 {
				t.Fatalf("restore of the held replica: %+v, %v; want 2 restored", st, err)
			}
			if got := sessionIDs(b); !maps.Equal(got, live) {
				t.Errorf("restored identifiers: got %v, want the primary's %v", got, live)
			}
		})
	}
}

// TestDeltaFallsBackToFull: a core that never made a replication save
// (or whose log of closed sessions overflowed) answers its part of a
// delta in full, and says so; the standby then replaces what it held of
// that core (here: the sessions of a primary before its restart, which a
// delta alone would leave behind).
func TestDeltaFallsBackToFull(t *testing.T) {
	a := newRig(t, 1, 16<<20)
	udp(a, 1000)
	udp(a, 1001)
	var held dataplane.HeldReplica
	apply(t, &held, replSave(t, a, dataplane.ReplFull, 0), a.Clock.Now())

	c := newRig(t, 1, 16<<20) // the primary restarted, one session since
	udp(c, 3000)
	d := replSave(t, c, dataplane.ReplDelta, 0)
	if !d.Delta || d.Full != 1 || d.Sessions != 1 {
		t.Fatalf("first delta: got %+v; want core 0 answered in full", deltaOf(d))
	}
	apply(t, &held, d, c.Clock.Now())
	if held.Sessions() != 1 {
		t.Errorf("the standby holds %d sessions, want the restarted primary's 1", held.Sessions())
	}
}

type deltaSum struct {
	Delta                                 bool
	Full                                  uint64
	Sessions, Skipped, Unchanged, GoneLen int
	Seq                                   uint64
}

func deltaOf(s dataplane.Saved) deltaSum {
	return deltaSum{s.Delta, s.Full, s.Sessions, s.Skipped, s.Unchanged, len(s.Gone), s.Seq}
}
