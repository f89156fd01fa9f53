package picd

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

const snapConf = `
services {
    service-set edge { stateful-firewall-rules fw; nat-rules nr; }
    stateful-firewall {
        rule fw { match-direction input; term web { from { applications [ junos-http junos-dns-udp ]; } then accept; } }
    }
    nat {
        pool p1 { address 203.0.113.1/32; port { range { low 20000; high 20999; } } }
        rule nr {
            match-direction input;
            term t1 { from { source-address 10.0.0.0/8; } then { translated { source-pool p1; translation-type { napt-44; } } } }
        }
    }
}
`

// snapPIC is a picd driven message by message, as servicesd drives it,
// with a state directory and a fake clock.
type snapPIC struct {
	t *testing.T
	d *Daemon
}

func startSnapPIC(t *testing.T, dir string, clk *clock.Fake, name string) *snapPIC {
	t.Helper()
	p := &snapPIC{t: t, d: New(Options{Slot: dataplane.Slot{FPC: 0, PIC: 0}, Clock: clk, StateDir: dir,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})}
	in, err := pictest.Input(snapConf, "edge")
	if err != nil {
		t.Fatal(err)
	}
	in.Name = name
	s := &dataplane.SSRB{ID: 1, Name: name, Gen: 3, Forward: []string{sfw.Name, nat.Name}, Reverse: []string{nat.Name, sfw.Name}}
	for _, pl := range []string{sfw.Name, nat.Name} {
		b, _, err := pic.Lookup(pl).Compile(in)
		if err != nil {
			t.Fatal(err)
		}
		s.Policies = append(s.Policies, dataplane.Policy{Plugin: pl, Data: json.RawMessage(b)})
	}
	p.send(&ToPIC{Config: &Config{Configured: true, Online: true, DataCores: 2, ObjectCacheMB: 16, PolicyDBMB: 1,
		Packages: []string{sfw.Name, nat.Name}}})
	p.send(&ToPIC{Resync: &Resync{Begin: true}})
	p.send(&ToPIC{Update: &Update{Op: OpAdd, ID: 1, Name: name, Gen: 3, SSRB: s}})
	p.send(&ToPIC{Resync: &Resync{End: true}})
	t.Cleanup(p.crash)
	return p
}

func (p *snapPIC) send(m *ToPIC) {
	p.t.Helper()
	out, err := p.d.handle(context.Background(), m)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, r := range out {
		if r.Ack != nil && r.Ack.Error != "" || r.Fault != "" {
			p.t.Fatalf("PIC refused %+v: %+v", m, r)
		}
	}
}

// crash stops the picd as kill -9 would: no last snapshot, no lifecycle.
func (p *snapPIC) crash() {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if p.d.snapTimer != nil {
		p.d.snapTimer.Stop()
	}
	if p.d.rt != nil {
		p.d.rt.DP.Stop()
	}
}

func (p *snapPIC) inject(side pic.Side, s pic.PacketSpec) {
	p.t.Helper()
	pk := &pic.Packet{ServiceSet: 1, Side: side}
	if err := pk.Build(s); err != nil {
		p.t.Fatal(err)
	}
	dp := p.d.Runtime().DP
	dp.Inject([]*pic.Packet{pk})
	dp.Sync()
}

var (
	snapClient = netip.MustParseAddr("10.0.0.1")
	snapServer = netip.MustParseAddr("192.0.2.10")
	snapPublic = netip.MustParseAddr("203.0.113.1")
)

// publicPorts returns the NAT mappings' public sides, by protocol.
func publicPorts(dp *dataplane.Dataplane) map[uint8]netip.AddrPort {
	out := map[uint8]netip.AddrPort{}
	for _, s := range dp.Sessions(dataplane.SessionFilter{}) {
		out[s.Proto] = s.Flows[1].Dst
	}
	return out
}

// TestSnapshotRestoreAfterCrash: a picd with established TCP and UDP
// sessions writes its snapshot on the clock; killed and started again, it
// restores both at the end of its first resync, and mid-stream packets
// of each pass with the same public address and port (without the
// restore the firewall drops the TCP segment, which is not a SYN).
func TestSnapshotRestoreAfterCrash(t *testing.T) {
	dir, clk := t.TempDir(), testkit.Clock()
	a := startSnapPIC(t, dir, clk, "edge")
	a.inject(pic.Input, pic.PacketSpec{Src: snapClient, Dst: snapServer, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn, Seq: 1})
	pub := publicPorts(a.d.Runtime().DP)[pic.ProtoTCP]
	a.inject(pic.Output, pic.PacketSpec{Src: snapServer, Dst: snapPublic, Proto: pic.ProtoTCP, SPort: 80, DPort: pub.Port(), Flags: pic.TCPSyn | pic.TCPAck, Seq: 9, Ack: 2})
	a.inject(pic.Input, pic.PacketSpec{Src: snapClient, Dst: snapServer, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck, Seq: 2, Ack: 10, Payload: 100})
	a.inject(pic.Input, pic.PacketSpec{Src: snapClient, Dst: snapServer, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	before := publicPorts(a.d.Runtime().DP)
	if len(before) != 2 || before[pic.ProtoTCP].Addr() != snapPublic {
		t.Fatalf("got sessions %v, want TCP and UDP translated to %v", before, snapPublic)
	}
	if _, err := os.Stat(a.d.snapshotPath()); err == nil {
		t.Fatalf("a snapshot was written before its interval")
	}
	clk.Advance(SnapshotInterval)
	if st := a.d.Status().Snapshot; st == nil || st.Sessions != 2 || st.Error != "" || !st.Written.Equal(clk.Now()) {
		t.Fatalf("got snapshot status %+v, want 2 sessions written now", st)
	}
	a.crash()
	clk.Advance(3 * time.Second) // down for 3 s

	b := startSnapPIC(t, dir, clk, "edge")
	st := b.d.Status().Snapshot
	if st == nil || st.Restored == nil || *st.Restored != (dataplane.RestoreStats{Restored: 2}) || st.Age != 3*time.Second {
		t.Fatalf("got snapshot status %+v, want 2 sessions restored from a snapshot 3s old", st)
	}
	if after := publicPorts(b.d.Runtime().DP); after[pic.ProtoTCP] != before[pic.ProtoTCP] || after[pic.ProtoUDP] != before[pic.ProtoUDP] {
		t.Errorf("got mappings %v after the restore, want %v", after, before)
	}
	dp := b.d.Runtime().DP
	b.inject(pic.Input, pic.PacketSpec{Src: snapClient, Dst: snapServer, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPAck, Seq: 102, Ack: 10, Payload: 100})
	b.inject(pic.Output, pic.PacketSpec{Src: snapServer, Dst: snapPublic, Proto: pic.ProtoUDP, SPort: 53, DPort: before[pic.ProtoUDP].Port(), Payload: 60})
	if s := dp.Stats(); s.Tx != 2 || s.DropPolicy != 0 || s.Created != 0 || s.Restored != 2 {
		t.Errorf("got tx %d, policy drops %d, created %d, restored %d; want 2, 0, 0, 2", s.Tx, s.DropPolicy, s.Created, s.Restored)
	}
	if ev := b.d.Status().LastEvent; !strings.Contains(ev, "restored 2 sessions") {
		t.Errorf("got last event %q, want the restore", ev)
	}
	// The new picd writes its own snapshots from now on.
	clk.Advance(SnapshotInterval)
	if st := b.d.Status().Snapshot; st.Sessions != 2 || !st.Written.Equal(clk.Now()) {
		t.Errorf("got snapshot status %+v after the restore, want 2 sessions written now", st)
	}
}

// TestSnapshotReconciles: a snapshot restored into a PIC whose
// service-set under that id is another one (the old one was deleted)
// restores nothing of it; sessions idle past their timeout by the
// restore are dropped; a PIC taken offline removes its snapshot; a
// damaged snapshot restores nothing.
func TestSnapshotReconciles(t *testing.T) {
	dir, clk := t.TempDir(), testkit.Clock()
	a := startSnapPIC(t, dir, clk, "edge")
	a.inject(pic.Input, pic.PacketSpec{Src: snapClient, Dst: snapServer, Proto: pic.ProtoUDP, SPort: 5353, DPort: 53, Payload: 30})
	clk.Advance(SnapshotInterval)
	a.crash()

	b := startSnapPIC(t, dir, clk, "other")
	if st := b.d.Status().Snapshot; st.Restored == nil || *st.Restored != (dataplane.RestoreStats{NoServiceSet: 1}) {
		t.Errorf("another service-set: got %+v, want 1 without its service-set", st)
	}
	b.crash()

	clk.Advance(10 * time.Second) // junos-dns-udp's inactivity-timeout passes
	c := startSnapPIC(t, dir, clk, "edge")
	if st := c.d.Status().Snapshot; st.Restored == nil || *st.Restored != (dataplane.RestoreStats{Expired: 1}) {
		t.Errorf("after the timeout: got %+v, want 1 expired", st)
	}
	c.crash()

	raw, err := os.ReadFile(c.d.snapshotPath())
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	if err := os.WriteFile(c.d.snapshotPath(), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	d := startSnapPIC(t, dir, clk, "edge")
	if st := d.d.Status().Snapshot; st.Restored != nil || !strings.Contains(st.Error, "damaged") {
		t.Errorf("damaged snapshot: got %+v, want nothing restored and the error", st)
	}
	d.send(&ToPIC{Config: &Config{Configured: true, Online: false}})
	if _, err := os.Stat(d.d.snapshotPath()); !os.IsNotExist(err) {
		t.Errorf("offline PIC: snapshot still there (%v)", err)
	}
}

// FuzzReadSnapshot: a snapshot file, whatever its bytes, never crashes
// the reader; what it accepts it reads back the same after writing.
func FuzzReadSnapshot(f *testing.F) {
	path := f.TempDir() + "/s"
	at := testkit.Epoch
	if err := writeSnapshot(path, at, []ctlBlob{{"p", []byte("x")}}, dataplane.Saved{Sets: map[uint32]string{1: "edge"}, Records: []byte{1, 2}}); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add([]byte(snapshotMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		when, blobs, s, err := readSnapshot(b)
		if err != nil {
			return
		}
		p := t.TempDir() + "/s"
		if err := writeSnapshot(p, when, blobs, s); err != nil {
			t.Fatal(err)
		}
		again, _ := os.ReadFile(p)
		if _, _, s2, err := readSnapshot(again); err != nil || string(s2.Records) != string(s.Records) || len(s2.Sets) != len(s.Sets) {
			t.Fatalf("rewritten snapshot reads %v, %v", s2, err)
		}
	})
}
