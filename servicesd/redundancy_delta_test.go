package servicesd_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// round runs one replication round and returns its figures.
func (h *harness) round() servicesd.ReplicationStats {
	h.t.Helper()
	before := replicas(h)
	h.clk.Advance(servicesd.ReplicationInterval)
	testkit.Until(h.t, "a replication round", func() bool { return replicas(h) > before })
	rs, _ := h.n.Services.Redundancy(context.Background())
	return rs[0].Replication
}

// establish opens flow i (tcp) through ss1 on d with a handshake (SYN,
// SYN-ACK back to its NAT address, ACK) and returns its mapping.
func establish(t *testing.T, d *picd.Daemon, id uint32, i int) string {
	t.Helper()
	m := send(t, d, id, tcp(t, i, pic.TCPSyn))
	if len(m) != 1 {
		t.Fatalf("flow %d: the SYN did not pass", i)
	}
	ap := netip.MustParseAddrPort(m[0])
	var p pic.Packet
	if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr("192.0.2.10"), Dst: ap.Addr(), Proto: pic.ProtoTCP,
		SPort: 80, DPort: ap.Port(), Flags: pic.TCPSyn | pic.TCPAck}); err != nil {
		t.Fatal(err)
	}
	rt := d.Runtime()
	rt.Port.Inject(id, pic.Output, append([]byte(nil), p.Data...))
	rt.DP.Sync()
	rt.Port.Take()
	send(t, d, id, tcp(t, i, pic.TCPAck))
	return m[0]
}

// TestRSPDeltaReplication: the first round to a standby sends the whole
// table; the next ones only what changed (nothing, then a packet on one
// flow and a new one, then a closed session's identifier), and the
// standby holds exactly the primary's sessions throughout; a failover
// restores them with their NAT mappings; the failed PIC back as the
// standby gets the whole table at its first round (its full state sync).
func TestRSPDeltaReplication(t *testing.T) {
	h := start(t)
	h.loadCommit(rspConf)
	b := h.waitOn(slot00)
	p0, p1 := h.pic(slot00), h.pic(slot10)
	ctx := context.Background()
	if err := h.n.Services.WaitSynced(ctx, slot10); err != nil {
		t.Fatal(err)
	}
	held := func(n int) {
		t.Helper()
		testkit.Eventually(t, fmt.Sprintf("the standby holding %d sessions", n), func() error {
			if r := p1.Status().Replica; r == nil || r.Sessions != n {
				return fmt.Errorf("it holds %+v", r)
			}
			return nil
		})
	}
	var mapped []string
	for i := 1; i <= 3; i++ {
		mapped = append(mapped, establish(t, p0, b.ID, i))
	}
	if r := h.round(); r.LastDelta || r.Sessions != 3 {
		t.Fatalf("first round: delta %v, %d sessions; want the whole table of 3", r.LastDelta, r.Sessions)
	}
	held(3)
	if r := h.round(); !r.LastDelta || r.Sessions != 0 || r.Unchanged != 3 || r.Gone != 0 || r.Bytes != 0 {
		t.Fatalf("an idle round: %+v; want a delta of nothing, 3 unchanged", r)
	}
	held(3)
	send(t, p0, b.ID, tcp(t, 1, pic.TCPAck))
	mapped = append(mapped, establish(t, p0, b.ID, 4))
	if r := h.round(); !r.LastDelta || r.Sessions != 2 || r.Unchanged != 2 {
		t.Fatalf("after a packet and a new flow: %+v; want a delta of 2, 2 unchanged", r)
	}
	held(4)
	send(t, p0, b.ID, tcp(t, 2, pic.TCPRst)) // closed: gone once it lingered
	gone := 0
	for i := 0; i < 5 && gone == 0; i++ {
		r := h.round()
		if !r.LastDelta {
			t.Fatalf("round %d after the RST: a whole table, want deltas", i)
		}
		gone = r.Gone
	}
	if gone != 1 {
		t.Fatalf("no delta carried the closed session")
	}
	held(3)
	out := h.cli("show services redundancy")
	for _, want := range []string{"Last replica: delta, 1 closed, 3 unchanged", "Standby holds: 3 sessions"} {
		if !strings.Contains(out, want) {
			t.Errorf("show services redundancy lacks %q:\n%s", want, out)
		}
	}

	h.n.PICs.Stop(slot00)
	b = h.waitOn(slot10)
	testkit.Eventually(t, "replicated sessions restored", func() error {
		if n := sessionCount(p1); n != 3 {
			return fmt.Errorf("%d sessions; replica status %+v %+v", n, p1.Status().Replica, p1.Status().Replica.Restored)
		}
		return nil
	})
	got := send(t, p1, b.ID, tcp(t, 1, pic.TCPAck), tcp(t, 3, pic.TCPAck), tcp(t, 4, pic.TCPAck))
	if want := []string{mapped[0], mapped[2], mapped[3]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the failover the flows left as %v, want %v", got, want)
	}

	h.n.PICs.Start(slot00)
	p0 = h.pic(slot00)
	if err := h.n.Services.WaitSynced(ctx, slot00); err != nil {
		t.Fatal(err)
	}
	if r := h.round(); r.LastDelta || r.Sessions != 3 {
		t.Fatalf("the first round to the rejoined standby: delta %v, %d sessions; want the whole table of 3", r.LastDelta, r.Sessions)
	}
	testkit.Until(t, "the rejoined standby holding 3", func() bool { r := p0.Status().Replica; return r != nil && r.Sessions == 3 })
	if r := h.round(); !r.LastDelta {
		t.Errorf("the round after: a whole table, want a delta")
	}
}

// TestRSPStandbyPolicyDB: a commit after which the standby of rsp0
// could not hold rsp0's service-sets on a switchover (its policy-db-size
// too small for them) is refused, naming the standby PIC and the
// interface, and changes nothing; one that fits both PICs commits.
func TestRSPStandbyPolicyDB(t *testing.T) {
	h := start(t)
	var lines []string
	for _, f := range []string{"0", "1"} {
		p := "set chassis fpc " + f + " pic 0 adaptive-services service-package extension-provider "
		lines = append(lines, p+"package test-sized", p+"object-cache-size 64", p+"policy-db-size "+map[string]string{"0": "4", "1": "1"}[f])
	}
	lines = append(lines,
		"set interfaces rsp0 redundancy-options primary ms-0/0/0",
		"set interfaces rsp0 redundancy-options secondary ms-1/0/0",
		"set services service-set a extension-service test-sized",
		"set services service-set a service-order forward-flow test-sized",
		"set services service-set a interface-service service-interface rsp0",
		"set services service-set a max-flows 500000")
	h.set(lines...)
	if err := h.commit(false); err != nil {
		t.Fatalf("0.5 MB of policies on rsp0 over 4 MB and 1 MB PICs: %v", err)
	}
	h.waitSynced("a")
	h.set("set services service-set a max-flows 2000000")
	err := h.commit(false)
	if err == nil {
		t.Fatal("2 MB of policies on rsp0 whose standby has policy-db-size 1: committed, want refused")
	}
	t.Logf("refused: %v", err)
	for _, want := range []string{"chassis fpc 1 pic 0", "standby of rsp0 (ms-1/0/0)", "policy-db-size 1 MB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q: %v", want, err)
		}
	}
	if b, _ := h.n.Services.SSRB("a"); b == nil || b.FPC != 0 {
		t.Fatalf("ss a after the refused commit: %+v", b)
	}
	if err := h.s.Rollback(0); err != nil {
		t.Fatal(err)
	}
	h.set("set chassis fpc 1 pic 0 adaptive-services service-package extension-provider policy-db-size 4",
		"set services service-set a max-flows 2000000")
	if err := h.commit(false); err != nil {
		t.Fatalf("with a standby of 4 MB: %v", err)
	}
}

// TestRSPReplicatesOnlyItsServiceSets: the primary also runs ss2 on its
// own ms- interface; rsp0's replication and switchover carry ss1's
// sessions only, and ss2's stay where they are.
func TestRSPReplicatesOnlyItsServiceSets(t *testing.T) {
	h := start(t)
	h.loadCommit(strings.Replace(rspConf, "    stateful-firewall {", `    service-set ss2 {
        stateful-firewall-rules fw;
        interface-service { service-interface ms-0/0/0.5; }
    }
    stateful-firewall {`, 1))
	b := h.waitOn(slot00)
	h.waitSynced("ss2")
	b2, _ := h.n.Services.SSRB("ss2")
	p0, p1 := h.pic(slot00), h.pic(slot10)
	if err := h.n.Services.WaitSynced(context.Background(), slot10); err != nil {
		t.Fatal(err)
	}
	establish(t, p0, b.ID, 1)
	establish(t, p0, b.ID, 2)
	send(t, p0, b2.ID, tcp(t, 7, pic.TCPSyn), tcp(t, 8, pic.TCPSyn), tcp(t, 9, pic.TCPSyn))
	if n := sessionCount(p0); n != 5 {
		t.Fatalf("%d sessions on the primary, want 5", n)
	}
	if r := h.round(); r.Sessions != 2 {
		t.Fatalf("a round replicated %d sessions, want ss1's 2", r.Sessions)
	}
	testkit.Until(t, "the standby holding 2", func() bool { r := p1.Status().Replica; return r != nil && r.Sessions == 2 })
	if out := h.cli("request interface switchover rsp0"); !strings.Contains(out, "switched to ms-1/0/0") {
		t.Fatalf("switchover: %q", out)
	}
	h.waitOn(slot10)
	testkit.Eventually(t, "ss1's sessions on the secondary, ss2's on the primary", func() error {
		r := p1.Status().Replica
		if sessionCount(p1) != 2 || sessionCount(p0) != 3 || r == nil || r.Restored == nil || r.Restored.NoServiceSet != 0 {
			return fmt.Errorf("secondary %d, primary %d, restore %+v", sessionCount(p1), sessionCount(p0), r)
		}
		return nil
	})
}

// TestRSPTwoInterfacesOnePrimary: rsp0 and rsp1 over the same two PICs:
// each gets its own delta base on the primary, so both send deltas after
// their first whole table (sharing one base, every round of each would
// find the other's save in between and get a whole table).
func TestRSPTwoInterfacesOnePrimary(t *testing.T) {
	h := start(t)
	conf := strings.Replace(rspConf, "interfaces {\n", "interfaces {\n    rsp1 { redundancy-options { primary ms-0/0/0; secondary ms-1/0/0; hot-standby; } }\n", 1)
	conf = strings.Replace(conf, "    stateful-firewall {", `    service-set ss3 {
        stateful-firewall-rules fw;
        interface-service { service-interface rsp1; }
    }
    stateful-firewall {`, 1)
	h.loadCommit(conf)
	b := h.waitOn(slot00)
	h.waitSynced("ss3")
	b3, _ := h.n.Services.SSRB("ss3")
	p0 := h.pic(slot00)
	if err := h.n.Services.WaitSynced(context.Background(), slot10); err != nil {
		t.Fatal(err)
	}
	establish(t, p0, b.ID, 1)
	establish(t, p0, b3.ID, 2)
	for i := 0; i < 3; i++ {
		before := replicas(h)
		h.clk.Advance(servicesd.ReplicationInterval)
		var rs []servicesd.RedundancyInfo
		testkit.Until(t, "a round of both", func() bool {
			rs, _ = h.n.Services.Redundancy(context.Background())
			return len(rs) == 2 && rs[0].Replication.Replicas > before && rs[1].Replication.Replicas > before
		})
		for _, r := range rs {
			if r.Replication.LastDelta != (i > 0) {
				t.Errorf("round %d, %s: delta %v, want %v", i, r.Interface, r.Replication.LastDelta, i > 0)
			}
		}
	}
}
