package servicesd_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
	"github.com/gnos/gnos/servicesd"
)

// sll2Frame is a Linux cooked v2 frame (tcpdump -i any) of protocol
// proto around pkt.
func sll2Frame(pkt []byte, proto uint16) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], proto)
	binary.BigEndian.PutUint32(h[4:], 2)
	binary.BigEndian.PutUint16(h[8:], 1)
	h[11] = 6
	return append(h, pkt...)
}

// TestReplayCookedCapture replays a capture as `tcpdump -i any` writes it
// (pcapng, Linux cooked v2, ARP among the IP packets) through the CLI,
// in messages of two packets: every SYN is serviced, what leaves is
// captured into a pcapng, and the ARP frames are reported as skipped.
func TestReplayCookedCapture(t *testing.T) {
	defer servicesd.SetReplayBatch(2)()
	h := start(t)
	h.loadCommit(trafficConf)
	h.waitSynced("ss1")
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	files := h.n.CLI.HomeDir(me.Username)
	if err := os.MkdirAll(files, 0o700); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeLinuxSLL2)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	write := func(f []byte) {
		n++
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(n), 0), CaptureLength: len(f), Length: len(f)}
		if err := w.WritePacket(ci, f); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr("10.0.0.7"), Dst: netip.MustParseAddr("192.0.2.10"),
			Proto: pic.ProtoTCP, SPort: uint16(33000 + i), DPort: 80, Flags: pic.TCPSyn}); err != nil {
			t.Fatal(err)
		}
		write(sll2Frame(p.Data, 0x0800))
		if i%2 == 0 {
			write(sll2Frame(make([]byte, 28), 0x0806)) // ARP: frames 2, 5, 8
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(files, "any.pcapng"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out := h.cli("request services traffic replay file any.pcapng interface ge-0/0/0.0 capture-file out.pcapng")
	for _, want := range []string{"Replayed 5 packets from any.pcapng on ms-0/0/0; 5 packets left the PIC",
		"Wrote 5 packets to out.pcapng", "Skipped 3 frames: Ethernet type 0x0806 is not IP (frames 2, 5, 8)"} {
		if !strings.Contains(out, want) {
			t.Errorf("replay: got\n%s\nwant %q", out, want)
		}
	}
	f, err := os.Open(filepath.Join(files, "out.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if magic := make([]byte, 4); func() bool { _, err := f.ReadAt(magic, 0); return err != nil || magic[0] != 0x0a }() {
		t.Errorf("out.pcapng is not pcapng")
	}
	got, err := packetio.ReadCapture(f)
	if err != nil || len(got) != 5 {
		t.Fatalf("out.pcapng: %d packets (%v), want 5", len(got), err)
	}
}
