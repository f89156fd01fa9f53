package all_test

import (
	"context"
	"maps"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

// established opens, through r, a TCP session to port 80 (handshake and
// a data segment), a UDP DNS exchange and an ICMP echo, all translated;
// it returns their public ports (TCP, UDP).
func established(t *testing.T, r *rig) (tcpPort, udpPort uint16) {
	t.Helper()
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn, Seq: 1})
	o := r.Take()
	if len(o) != 1 {
		t.Fatalf("got %d packets out for the SYN, want 1", len(o))
	}
	tcpPort = o[0].Packet.SPort
	r.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoTCP, SPort: 80, DPort: tcpPort, Flags: pic.TCPSyn | pic.TCPAck, Seq: 9, Ack: 2})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck, Seq: 2, Ack: 10, Payload: 100})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	o = r.Take()
	if len(o) != 3 {
		t.Fatalf("got %d packets out, want 3 (SYN-ACK, ACK, DNS)", len(o))
	}
	udpPort = o[2].Packet.SPort
	r.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoUDP, SPort: 53, DPort: udpPort, Payload: 60})
	r.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoICMP, SPort: 77, Seq: 1})
	if o = r.Take(); len(o) != 2 {
		t.Fatalf("got %d packets out, want 2 (DNS answer, echo)", len(o))
	}
	return tcpPort, udpPort
}

// poolInUse is the translations-in-use of the rig's NAT pool (show
// services nat pool).
func poolInUse(r *rig) string {
	for _, row := range r.Show("nat", nat.PoolRPC, "ss1") {
		return row.Field("translations-in-use")
	}
	return "no pool"
}

func save(t *testing.T, r *rig, o dataplane.SaveOptions) dataplane.Saved {
	t.Helper()
	s, err := r.DP.SaveSessions(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func restore(t *testing.T, r *rig, s dataplane.Saved, elapsed time.Duration) dataplane.RestoreStats {
	t.Helper()
	st, err := r.DP.RestoreSessions(context.Background(), s.Records, s.Sets, elapsed)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRestoreEstablished saves a PIC's established TCP, UDP and ICMP
// sessions and restores them into a new data plane (a picd after a
// crash): mid-stream packets of each pass both ways with the same public
// address and port, where a data plane without them drops the TCP
// segment (not a SYN) and translates the UDP flow anew.
func TestRestoreEstablished(t *testing.T) {
	for _, cores := range []int{1, 3} {
		t.Run(map[int]string{1: "one core", 3: "three cores"}[cores], func(t *testing.T) {
			a := newRig(t, cores, 16<<20)
			tcpPort, udpPort := established(t, a)
			s := save(t, a, dataplane.SaveOptions{})
			if s.Sessions != 3 || s.Skipped != 0 || s.Sets[1] != "ss1" {
				t.Fatalf("saved %d sessions (%d skipped), sets %v; want 3, 0, ss1", s.Sessions, s.Skipped, s.Sets)
			}
			b := newRig(t, cores, 16<<20)
			b.Clock.Advance(5 * time.Second)
			if st := restore(t, b, s, 5*time.Second); st != (dataplane.RestoreStats{Restored: 3}) {
				t.Fatalf("got %+v, want 3 restored", st)
			}
			if got := b.DP.Stats().Restored; got != 3 {
				t.Errorf("got sessions-restored %d, want 3", got)
			}
			b.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck, Seq: 102, Ack: 10, Payload: 100})
			b.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoTCP, SPort: 80, DPort: tcpPort, Flags: pic.TCPAck, Seq: 10, Ack: 202, Payload: 50})
			b.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
			b.Send(pic.Output, pic.PacketSpec{Src: server, Dst: public, Proto: pic.ProtoUDP, SPort: 53, DPort: udpPort, Payload: 60})
			o := b.Take()
			if len(o) != 4 {
				t.Fatalf("got %d packets out after the restore, want 4", len(o))
			}
			want := []netip.AddrPort{netip.AddrPortFrom(public, tcpPort), netip.AddrPortFrom(client, 40000),
				netip.AddrPortFrom(public, udpPort), netip.AddrPortFrom(client, 5353)}
			for i, x := range o {
				got := addrPort(x.Packet.Src, x.Packet.SPort)
				if i%2 == 1 {
					got = addrPort(x.Packet.Dst, x.Packet.DPort)
				}
				if got != want[i] || !checksumsOK(x.Packet) {
					t.Errorf("packet %d: got %v (checksums ok %v), want %v", i, got, checksumsOK(x.Packet), want[i])
				}
			}
			ss := b.DP.Sessions(dataplane.SessionFilter{Extensive: true})
			var tcpS *pic.SessionInfo
			for i := range ss {
				if ss[i].Proto == pic.ProtoTCP {
					tcpS = &ss[i]
				}
			}
			if tcpS == nil || tcpS.TCP != "ESTABLISHED" || tcpS.Flows[0].Packets != 3 || tcpS.Flows[1].Packets != 2 ||
				len(tcpS.Plugins) != 2 || !strings.Contains(tcpS.Plugins[0].Text, "rule fw term web") ||
				!strings.Contains(tcpS.Plugins[1].Text, "-> 203.0.113.1:") || tcpS.Idle != 0 {
				t.Errorf("got TCP session %+v, want ESTABLISHED, 3/2 packets, sfw and nat state", tcpS)
			}
			// The restored translations hold their ports: timeouts free them.
			if n := poolInUse(b); n != "3" {
				t.Errorf("got %s nat translations in use, want 3", n)
			}
			b.Clock.Advance(pic.TCPTimeout * time.Second)
			b.DP.Sync()
			for _, c := range b.Cache.Stats().Classes {
				if c.InUse != 0 {
					t.Errorf("after the timeouts the object cache still holds %+v", c)
				}
			}
			if n := poolInUse(b); n != "0" {
				t.Errorf("after the timeouts the pool has %s translations in use, want 0", n)
			}
		})
	}
}

// TestRestoreReconciles: sessions idle past their timeout by the restore
// are not restored; nor those of a service-set that is gone or is
// another one under the same id; nor those whose firewall rule went
// away (refused by the plugin, which frees what the chain took).
func TestRestoreReconciles(t *testing.T) {
	a := newRig(t, 1, 16<<20)
	established(t, a)
	s := save(t, a, dataplane.SaveOptions{})

	b := newRig(t, 1, 16<<20)
	if st := restore(t, b, s, 31*time.Second); st != (dataplane.RestoreStats{Restored: 1, Expired: 2}) {
		t.Errorf("31 s later: got %+v, want the TCP session restored and UDP and ICMP expired", st)
	}

	c := newRig(t, 1, 16<<20)
	other := dataplane.Saved{Records: s.Records, Sets: map[uint32]string{1: "gone"}}
	if st := restore(t, c, other, 0); st != (dataplane.RestoreStats{NoServiceSet: 3}) {
		t.Errorf("another service-set under id 1: got %+v, want 3 without a service-set", st)
	}

	renamed := strings.Replace(conf, "term web", "term www", 1)
	d := pictest.New(t, pictest.Options{Config: renamed, Plugins: []string{sfw.Name, nat.Name}})
	if st := restore(t, d, s, 0); st != (dataplane.RestoreStats{Refused: 3}) {
		t.Errorf("rule term renamed: got %+v, want 3 refused", st)
	}
	for _, cl := range d.Cache.Stats().Classes {
		if cl.Name != "session" && cl.InUse != 0 {
			t.Errorf("refused sessions left %+v in use", cl)
		}
	}
	if n := len(d.DP.Sessions(dataplane.SessionFilter{})); n != 0 {
		t.Errorf("got %d sessions after refusals, want 0", n)
	}

	// A second restore of the same records finds them there already.
	if st := restore(t, b, s, 31*time.Second); st != (dataplane.RestoreStats{Duplicate: 1, Expired: 2}) {
		t.Errorf("restored twice: got %+v, want 1 duplicate", st)
	}
}

// TestSaveBounded: a save keeps to its byte budget and counts what it
// left out; a record cut short stops the restore with an error.
func TestSaveBounded(t *testing.T) {
	a := newRig(t, 1, 16<<20)
	established(t, a)
	full := save(t, a, dataplane.SaveOptions{})
	per := len(full.Records) / 3
	s := save(t, a, dataplane.SaveOptions{MaxBytes: per*2 + per/2})
	if s.Sessions != 2 || s.Skipped != 1 || len(s.Records) > per*2+per/2 {
		t.Errorf("got %d saved, %d skipped in %d bytes, want 2 and 1 within %d", s.Sessions, s.Skipped, len(s.Records), per*2+per/2)
	}
	// MinAge (replication-threshold) leaves out the sessions younger than it.
	a.Clock.Advance(5 * time.Second)
	a.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 5354, DPort: 53, Payload: 30})
	if old := save(t, a, dataplane.SaveOptions{MinAge: 3 * time.Second}); old.Sessions != 3 || old.Skipped != 1 {
		t.Errorf("MinAge 3s: got %d saved, %d skipped; want the 3 sessions open 5 s, not the new one", old.Sessions, old.Skipped)
	}
	b := newRig(t, 1, 16<<20)
	st, err := b.DP.RestoreSessions(context.Background(), full.Records[:len(full.Records)-3], full.Sets, 0)
	if err == nil || st.Restored != 2 {
		t.Errorf("truncated records: got %+v, %v; want 2 restored and an error", st, err)
	}
}

// sessionIDs maps each session's forward source port to its identifier.
func sessionIDs(r *rig) map[uint16]uint32 {
	out := map[uint16]uint32{}
	for _, s := range r.DP.Sessions(dataplane.SessionFilter{}) {
		out[s.Flows[0].Src.Port()] = s.Session
	}
	return out
}

// TestRestoreKeepsSessionIDs: restored sessions keep the identifiers
// they had where they were saved (show services sessions after a
// failover shows the same Session numbers), identifiers stay unique on
// the PIC when the data plane restoring already has sessions of its own
// (one of them under a saved identifier: that restored session gets a
// new one), and sessions opened after the restore never reuse a restored
// identifier.
func TestRestoreKeepsSessionIDs(t *testing.T) {
	for _, cores := range []int{1, 3} {
		t.Run(map[int]string{1: "one core", 3: "three cores"}[cores], func(t *testing.T) {
			a := newRig(t, cores, 16<<20)
			// Sessions whose identifiers are far along the sequence.
			for p := uint16(1000); p < 1040; p++ {
				a.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: p, DPort: 53, Payload: 10})
			}
			a.Take()
			established(t, a)
			saved := sessionIDs(a)
			s := save(t, a, dataplane.SaveOptions{})

			t.Run("into an empty data plane", func(t *testing.T) {
				b := newRig(t, cores, 16<<20)
				if st := restore(t, b, s, 0); st.Restored != len(saved) {
					t.Fatalf("got %+v, want %d restored", st, len(saved))
				}
				if got := sessionIDs(b); !maps.Equal(got, saved) {
					t.Errorf("identifiers after the restore: got %v, want %v", got, saved)
				}
				b.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 9999, DPort: 53, Payload: 10})
				b.Take()
				uniqueIDs(t, b, len(saved)+1)
			})
			t.Run("beside sessions of its own", func(t *testing.T) {
				b := newRig(t, cores, 16<<20)
				// Not translated (outside the NAT rule): it takes no pool port.
				b.Send(pic.Input, pic.PacketSpec{Src: netip.MustParseAddr("198.51.100.7"), Dst: server, Proto: pic.ProtoUDP, SPort: 7000, DPort: 53, Payload: 10})
				b.Take()
				own := sessionIDs(b)[7000]
				if st := restore(t, b, s, 0); st.Restored != len(saved) {
					t.Fatalf("got %+v, want %d restored", st, len(saved))
				}
				got := sessionIDs(b)
				if got[7000] != own {
					t.Errorf("the data plane's own session changed identifier: %d, was %d", got[7000], own)
				}
				kept := 0
				for p, id := range saved {
					if got[p] == id {
						kept++
					}
				}
				if kept < len(saved)-1 { // at most the one identifier the own session holds is renumbered
					t.Errorf("%d of %d restored sessions kept their identifier, want at least %d", kept, len(saved), len(saved)-1)
				}
				for p := uint16(8000); p < 8050; p++ {
					b.Send(pic.Input, pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: p, DPort: 53, Payload: 10})
				}
				b.Take()
				uniqueIDs(t, b, len(saved)+51)
			})
		})
	}
}

// uniqueIDs checks that r's n sessions have n distinct non-zero identifiers.
func uniqueIDs(t *testing.T, r *rig, n int) {
	t.Helper()
	seen := map[uint32]bool{}
	for _, s := range r.DP.Sessions(dataplane.SessionFilter{}) {
		if s.Session == 0 || seen[s.Session] {
			t.Errorf("session %+v: identifier %d zero or taken twice", s.Flows[0], s.Session)
		}
		seen[s.Session] = true
	}
	if len(seen) != n {
		t.Errorf("got %d sessions, want %d", len(seen), n)
	}
}

// TestRestoreIPv6: an IPv6 session (its addresses in an object of their
// own in the object cache) saves and restores with its addresses, its
// answers find it on the new data plane, and its expiry gives every
// object back.
func TestRestoreIPv6(t *testing.T) {
	a := newRig(t, 1, 16<<20)
	a.Send(pic.Input, pic.PacketSpec{Src: client6, Dst: server6, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	if o := a.Take(); len(o) != 1 {
		t.Fatalf("got %d packets out for the query, want 1", len(o))
	}
	s := save(t, a, dataplane.SaveOptions{})
	if s.Sessions != 1 {
		t.Fatalf("saved %d sessions, want 1", s.Sessions)
	}
	b := newRig(t, 1, 16<<20)
	if st := restore(t, b, s, 0); st != (dataplane.RestoreStats{Restored: 1}) {
		t.Fatalf("got %+v, want 1 restored", st)
	}
	b.Send(pic.Output, pic.PacketSpec{Src: server6, Dst: client6, Proto: pic.ProtoUDP, SPort: 53, DPort: 5353, Payload: 60})
	if o := b.Take(); len(o) != 1 {
		t.Fatalf("got %d packets out for the answer after the restore, want 1", len(o))
	}
	ss := b.DP.Sessions(dataplane.SessionFilter{})
	if len(ss) != 1 || ss[0].Flows[0].Src != netip.AddrPortFrom(client6, 5353) || ss[0].Flows[0].Dst != netip.AddrPortFrom(server6, 53) ||
		ss[0].Flows[1].Src != netip.AddrPortFrom(server6, 53) || ss[0].Flows[1].Packets != 1 {
		t.Fatalf("got %+v, want the restored session %v -> %v with its answer counted", ss, client6, server6)
	}
	b.Clock.Advance(time.Hour)
	b.DP.Sync()
	for _, c := range b.Cache.Stats().Classes {
		if c.InUse != 0 {
			t.Errorf("after the timeout the object cache still holds %+v", c)
		}
	}
}
