package servicesd_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

var slot10 = dataplane.Slot{FPC: 1, PIC: 0}

// rspConf: two PICs, rsp0 over them, ss1 (sfw → napt-44) on rsp0.
const rspConf = `
chassis {
    fpc 0 { pic 0 { adaptive-services { service-package { extension-provider {
        data-cores 2; object-cache-size 64; policy-db-size 16;
        package stateful-firewall; package nat;
    } } } } }
    fpc 1 { pic 0 { adaptive-services { service-package { extension-provider {
        data-cores 2; object-cache-size 64; policy-db-size 16;
        package stateful-firewall; package nat;
    } } } } }
}
interfaces {
    rsp0 { redundancy-options { primary ms-0/0/0; secondary ms-1/0/0; hot-standby; } }
}
services {
    service-set ss1 {
        stateful-firewall-rules fw;
        nat-rules nr;
        interface-service { service-interface rsp0; }
    }
    stateful-firewall {
        rule fw { match-direction input; term web { from { applications junos-http; } then accept; } }
    }
    nat {
        pool p1 { address 203.0.113.1/32; }
        rule nr {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { napt-44; } } }
            }
        }
    }
}
`

// waitOn waits until ss1's current SSRB is on slot and acknowledged there.
func (h *harness) waitOn(slot dataplane.Slot) *dataplane.SSRB {
	h.t.Helper()
	var b *dataplane.SSRB
	testkit.Until(h.t, fmt.Sprintf("ss1 on %s", slot), func() bool {
		b, _ = h.n.Services.SSRB("ss1")
		return b != nil && b.FPC == slot.FPC && b.PIC == slot.PIC
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.n.Services.WaitAck(ctx, slot, b.ID, b.Gen); err != nil {
		h.t.Fatal(err)
	}
	return b
}

func (h *harness) pic(slot dataplane.Slot) *picd.Daemon {
	h.t.Helper()
	var d *picd.Daemon
	testkit.Until(h.t, "picd "+slot.String(), func() bool { d = h.n.PICs.Daemon(slot); return d != nil && d.Runtime() != nil })
	return d
}

// tcp builds a TCP packet from 10.0.0.i:40000 to 192.0.2.10:80.
func tcp(t *testing.T, i int, flags uint8) []byte {
	t.Helper()
	var p pic.Packet
	if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), Dst: netip.MustParseAddr("192.0.2.10"),
		Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: flags}); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), p.Data...)
}

// send runs packets through ss1 on d's data plane and returns the source
// address:port of what left (the NAT mapping), in order.
func send(t *testing.T, d *picd.Daemon, id uint32, raw ...[]byte) []string {
	t.Helper()
	rt := d.Runtime()
	rt.Port.Arm(0)
	rt.Port.Inject(id, pic.Input, raw...)
	rt.DP.Sync()
	var out []string
	for _, c := range rt.Port.Take() {
		var p pic.Packet
		p.SetData(c.Data)
		if err := p.Parse(); err != nil {
			t.Fatal(err)
		}
		k := p.Key()
		out = append(out, fmt.Sprintf("%v:%d", netip.AddrFrom4([4]byte(k.Src[12:16])), k.SPort))
	}
	return out
}

func sessionCount(d *picd.Daemon) int { return int(d.Runtime().DP.Stats().Sessions) }

// TestRSPSwitchoverAndFailover: a service-set on rsp0 runs on the primary;
// request interface switchover moves it with its sessions (the next
// packet of each established flow passes the secondary's firewall and
// keeps its NAT address and port); back again; then, with hot-standby,
// the sessions are replicated to the standby every second, and killing
// the active picd makes the standby active at once, its sessions intact.
func TestRSPSwitchoverAndFailover(t *testing.T) {
	h := start(t)
	h.loadCommit(rspConf)
	b := h.waitOn(slot00)
	p0, p1 := h.pic(slot00), h.pic(slot10)
	ctx := context.Background()
	if err := h.n.Services.WaitSynced(ctx, slot10); err != nil {
		t.Fatal(err)
	}
	out := h.cli("show interfaces redundancy")
	if !strings.Contains(out, "Interface  State          Last change  Primary     Secondary   Current status\n") ||
		!strings.Contains(out, "rsp0       On primary     00:00:00     ms-0/0/0    ms-1/0/0    both up\n") {
		t.Fatalf("show interfaces redundancy:\n%s", out)
	}
	syn := [][]byte{tcp(t, 1, pic.TCPSyn), tcp(t, 2, pic.TCPSyn), tcp(t, 3, pic.TCPSyn)}
	mapped := send(t, p0, b.ID, syn...)
	if len(mapped) != 3 {
		t.Fatalf("got %d packets out of the primary, want 3", len(mapped))
	}
	// An ACK without a session is dropped by the firewall: what shows a
	// session moved is that the ACK passes.
	if got := send(t, p1, b.ID, tcp(t, 1, pic.TCPAck)); len(got) != 0 {
		t.Fatalf("the secondary passed a packet of a session it has not got: %v", got)
	}

	if out := h.cli("request interface switchover rsp0"); !strings.Contains(out, "rsp0: switched to ms-1/0/0 (On secondary)") {
		t.Fatalf("request interface switchover: %q", out)
	}
	b = h.waitOn(slot10)
	testkit.Until(t, "ss1 gone from the primary", func() bool { return len(p0.Status().SSRBs) == 0 })
	testkit.Eventually(t, "sessions restored on the secondary", func() error {
		if n := sessionCount(p1); n != 3 {
			return fmt.Errorf("%d sessions, replica status %+v", n, p1.Status().Replica)
		}
		return nil
	})
	acks := [][]byte{tcp(t, 1, pic.TCPAck), tcp(t, 2, pic.TCPAck), tcp(t, 3, pic.TCPAck)}
	if got := send(t, p1, b.ID, acks...); fmt.Sprint(got) != fmt.Sprint(mapped) {
		t.Fatalf("after the switchover the flows left as %v, want their NAT mappings %v", got, mapped)
	}
	if n := sessionCount(p1); n != 3 {
		t.Fatalf("%d sessions on the secondary after the ACKs, want the same 3", n)
	}
	out = h.cli("show interfaces redundancy")
	if !strings.Contains(out, "rsp0       On secondary   00:00:00     ms-0/0/0    ms-1/0/0    both up\n") {
		t.Fatalf("show interfaces redundancy after the switchover:\n%s", out)
	}

	// And back: the primary gets them again.
	h.cli("request interface switchover rsp0")
	b = h.waitOn(slot00)
	testkit.Until(t, "sessions back on the primary", func() bool { return sessionCount(p0) == 3 })
	if got := send(t, p0, b.ID, acks...); fmt.Sprint(got) != fmt.Sprint(mapped) {
		t.Fatalf("after switching back the flows left as %v, want %v", got, mapped)
	}

	// Replication: a replica reaches the standby within a replication
	// interval.
	testkit.Eventually(t, "a replica on the standby", func() error {
		if r := p1.Status().Replica; r == nil || r.Sessions != 3 || r.Replicas == 0 {
			h.clk.Advance(servicesd.ReplicationInterval)
			return fmt.Errorf("standby holds %+v; servicesd: %s", r, h.replication())
		}
		return nil
	})
	out = h.cli("show services redundancy")
	// "Replicated in all", not the last replica's count: the clock
	// advances above may have sent a second replica by now, a delta of
	// nothing changed.
	for _, want := range []string{"Interface: rsp0, Active: ms-0/0/0, Standby mode: hot standby", "Replicated in all: 3 sessions"} {
		if !strings.Contains(out, want) {
			t.Errorf("show services redundancy lacks %q:\n%s", want, out)
		}
	}

	// kill the active picd: the standby takes over on the disconnection,
	// with no clock advance.
	h.n.PICs.Stop(slot00)
	b = h.waitOn(slot10)
	testkit.Until(t, "replicated sessions restored", func() bool { return sessionCount(p1) == 3 })
	if got := send(t, p1, b.ID, acks...); fmt.Sprint(got) != fmt.Sprint(mapped) {
		t.Fatalf("after the failover the flows left as %v, want %v", got, mapped)
	}
	if r := p1.Status().Replica; r == nil || r.Takeovers == 0 || r.Restored == nil || r.Restored.Restored != 3 {
		t.Fatalf("standby's replica status after the failover: %+v", r)
	}
	out = h.cli("show interfaces redundancy")
	if !strings.Contains(out, "rsp0       On secondary   00:00:00     ms-0/0/0    ms-1/0/0    primary down\n") {
		t.Fatalf("show interfaces redundancy after the failover:\n%s", out)
	}

	// The failed PIC, restarted, rejoins as the standby (rsp0 stays on the
	// secondary) and gets the whole table at the next round.
	h.n.PICs.Start(slot00)
	p0 = h.pic(slot00)
	if err := h.n.Services.WaitSynced(ctx, slot00); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "a full replica on the restarted PIC", func() error {
		if r := p0.Status().Replica; r == nil || r.Sessions != 3 {
			h.clk.Advance(servicesd.ReplicationInterval)
			return fmt.Errorf("it holds %+v; servicesd: %s", r, h.replication())
		}
		return nil
	})
	if len(p0.Status().SSRBs) != 0 {
		t.Fatalf("the restarted PIC holds %+v, want nothing: it is the standby", p0.Status().SSRBs)
	}
	if out := h.cli("show interfaces redundancy"); !strings.Contains(out, "rsp0       On secondary   ") || !strings.Contains(out, "ms-0/0/0    ms-1/0/0    both up\n") {
		t.Fatalf("show interfaces redundancy after the rejoin:\n%s", out)
	}
}

// TestRSPHeartbeatFailover: the active PIC stops answering (a picd that
// holds the slot and then says nothing); when servicesd declares it dead
// after the missed heartbeats, the standby is active in the same event:
// no extra time passes between the drop and the switch.
func TestRSPHeartbeatFailover(t *testing.T) {
	h := start(t)
	h.loadCommit(rspConf)
	h.waitOn(slot00)
	h.pic(slot10)
	cc, err := ipc.DialUnix(servicesd.SocketPath(h.n.Opts.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot00, PID: 1 << 30}}); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "the embedded picd to stand down", func() bool { return h.n.PICs.Daemon(slot00) == nil })
	go func() { // read what servicesd sends; answer nothing
		for {
			if _, err := st.Recv(); err != nil {
				return
			}
		}
	}()
	var dropped time.Time
	testkit.Eventually(t, "servicesd to drop the silent picd", func() error {
		as, _ := h.n.Services.Alarms(context.Background())
		if len(as) == 0 {
			h.clk.Advance(picd.HeartbeatInterval)
			return errors.New("no alarm yet")
		}
		dropped = as[0].Time
		return nil
	})
	h.waitOn(slot10)
	rs, _ := h.n.Services.Redundancy(context.Background())
	if len(rs) != 1 || rs[0].State != "On secondary" {
		t.Fatalf("redundancy: %+v", rs)
	}
	if d := rs[0].LastChange.Sub(dropped); d < 0 || d > time.Second {
		t.Fatalf("switched %v after the PIC was declared dead, want within 1s", d)
	}
	if !strings.Contains(h.log.String(), "rsp0: switched from ms-0/0/0 to ms-1/0/0 (failover: heartbeat timed out)") {
		t.Errorf("no failover line in the log:\n%s", h.log.String())
	}
}

// TestRSPConfigErrors: what an rsp interface cannot do is refused by the
// commit with its path.
func TestRSPConfigErrors(t *testing.T) {
	h := start(t)
	h.loadCommit(rspConf)
	h.waitOn(slot00)
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{"delete interfaces rsp0 redundancy-options"}, "rsp0: interfaces rsp0 has no redundancy-options primary and secondary"},
		{[]string{"set interfaces rsp0 redundancy-options secondary ms-2/0/0"}, "ms-2/0/0: no services PIC at fpc 2 pic 0"},
		{[]string{"set interfaces rsp0 redundancy-options secondary ms-0/0/0"}, "primary and secondary must be different services PICs"},
		{[]string{"set interfaces ms-0/0/0 redundancy-options primary ms-0/0/0"}, "redundancy-options is for redundant services PIC interfaces"},
		{[]string{"delete interfaces rsp0 redundancy-options secondary"}, "redundancy-options needs primary and secondary"},
	} {
		h.set(c.lines...)
		err := h.commit(true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.lines, err, c.want)
		}
		if err := h.s.Rollback(0); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRSPReplicationThreshold: with replication-threshold, a session is
// replicated only once it has been open that long.
func TestRSPReplicationThreshold(t *testing.T) {
	h := start(t)
	h.loadCommit(strings.Replace(rspConf, "hot-standby;", "hot-standby; replication-threshold 3;", 1))
	b := h.waitOn(slot00)
	p0, p1 := h.pic(slot00), h.pic(slot10)
	if err := h.n.Services.WaitSynced(context.Background(), slot10); err != nil {
		t.Fatal(err)
	}
	send(t, p0, b.ID, tcp(t, 1, pic.TCPSyn), tcp(t, 2, pic.TCPSyn))
	round := func() servicesd.ReplicationStats {
		before := replicas(h)
		h.clk.Advance(servicesd.ReplicationInterval)
		testkit.Until(t, "a replication round", func() bool { return replicas(h) > before })
		rs, _ := h.n.Services.Redundancy(context.Background())
		return rs[0].Replication
	}
	if r := round(); r.Sessions != 0 || r.Skipped != 2 {
		t.Fatalf("1 s after opening: %d sessions replicated, %d skipped; want 0 and 2 (threshold 3 s)", r.Sessions, r.Skipped)
	}
	var r servicesd.ReplicationStats
	for i := 0; i < 6 && r.Sessions == 0; i++ {
		r = round()
	}
	if r.Sessions != 2 {
		t.Fatalf("past the threshold: %d sessions replicated, want 2", r.Sessions)
	}
	testkit.Until(t, "the replica held", func() bool { rp := p1.Status().Replica; return rp != nil && rp.Sessions == 2 })

}

// TestRSPOfflineFailover: request chassis pic … offline on the active
// member switches rsp0 to the other one.
func TestRSPOfflineFailover(t *testing.T) {
	h := start(t)
	h.loadCommit(rspConf)
	h.waitOn(slot00)
	h.pic(slot10)
	if err := h.n.Services.WaitSynced(context.Background(), slot10); err != nil {
		t.Fatal(err)
	}
	h.cli("request chassis pic fpc-slot 0 pic-slot 0 offline")
	h.waitOn(slot10)
	if out := h.cli("show interfaces redundancy"); !strings.Contains(out, "rsp0       On secondary   00:00:00     ms-0/0/0    ms-1/0/0    primary down\n") {
		t.Fatalf("show interfaces redundancy:\n%s", out)
	}
	if out := h.cli("request interface switchover rsp0"); !strings.Contains(out, "ms-0/0/0 (fpc 0 pic 0) is not online: no switchover") {
		t.Fatalf("switchover to an offline PIC: %q", out)
	}
}

// replication is servicesd's view of rsp0's replication (rounds,
// failures, the last error), for a wait's failure message.
func (h *harness) replication() string {
	infos, err := h.n.Services.Redundancy(context.Background())
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, in := range infos {
		fmt.Fprintf(&b, "%s %s, active %s, %s, replication %+v; ", in.Interface, in.State, in.Active, in.Status, in.Replication)
	}
	return b.String()
}
