package packetio

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/tun"
	"github.com/gnos/gnos/pic"
)

// datagram builds a UDP datagram of pay payload bytes with IP
// identification id, checksums complete.
func datagram(t *testing.T, src string, sport uint16, pay int, id uint16) *pic.Packet {
	t.Helper()
	p := new(pic.Packet)
	if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr("10.0.2.2"),
		Proto: pic.ProtoUDP, SPort: sport, DPort: 9, Payload: pay}); err != nil {
		t.Fatal(err)
	}
	for i := 28; i < len(p.Data); i++ {
		p.Data[i] = byte(i + int(id))
	}
	binary.BigEndian.PutUint16(p.Data[4:], id)
	p.Data[10], p.Data[11], p.Data[26], p.Data[27] = 0, 0, 0, 0
	binary.BigEndian.PutUint16(p.Data[10:], pic.Checksum(p.Data[:20], 0))
	binary.BigEndian.PutUint16(p.Data[26:], pic.Checksum(p.Data[20:], pseudoUDP4(p.Data)))
	if err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	return p
}

func pseudoUDP4(b []byte) uint32 { return sum16(b[12:20]) + pic.ProtoUDP + uint32(len(b)-20) }

// TestTxCoalesceUDP: neighbouring datagrams of one flow leave in one
// UDP super-packet that the kernel's segmentation (tun.Split, the same
// rules) turns back into exactly those datagrams; another flow, and a
// datagram longer than the first, start a new write.
func TestTxCoalesceUDP(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	picd := os.NewFile(uintptr(fds[0]), "picd")
	defer picd.Close()
	defer unix.Close(fds[1])
	q, err := newTxQueue(picd, true)
	if err != nil {
		t.Fatal(err)
	}
	run := []*pic.Packet{
		datagram(t, "10.0.1.2", 4000, 64, 100), datagram(t, "10.0.1.2", 4000, 64, 101),
		datagram(t, "10.0.1.2", 4000, 64, 102), datagram(t, "10.0.1.2", 4000, 30, 103), // short: ends the run
		datagram(t, "10.0.1.2", 4000, 64, 104), datagram(t, "10.0.1.3", 4000, 64, 105), // another flow
		datagram(t, "10.0.1.3", 4000, 64, 106),
	}
	want := make([][]byte, len(run))
	for i, p := range run {
		want[i] = append([]byte(nil), p.Data...)
	}
	if n := q.write(run); n != len(run) || q.coalesced != 6 {
		t.Fatalf("write: got %d written, %d coalesced; want %d, 6", n, q.coalesced, len(run))
	}
	var got [][]byte
	buf := make([]byte, 70000)
	for writes := 0; ; writes++ {
		n, err := unix.Read(fds[1], buf) // non-blocking: EAGAIN once every write is read
		if err != nil {
			if writes != 3 {
				t.Errorf("writes: got %d, want 3 (4 coalesced, 1 alone, 2 coalesced)", writes)
			}
			break
		}
		h, err := tun.ParseVnet(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		pkt := buf[tun.VnetHdrLen:n]
		segs, err := tun.Segments(pkt, h)
		if err != nil {
			t.Fatalf("write %d: %v (header %+v)", writes, err, h)
		}
		for i := 0; i < segs; i++ {
			seg := make([]byte, 2048)
			m, err := tun.Split(seg, pkt, h, i)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, seg[:m])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("datagrams: got %d, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("datagram %d: got\n% x\nwant\n% x", i, got[i], want[i])
		}
	}
}
