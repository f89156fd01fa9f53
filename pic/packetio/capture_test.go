package packetio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"reflect"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// ipPkt is a UDP datagram built by gopacket (IPv4 or IPv6).
func ipPkt(t testing.TB, v6 bool, n int) []byte {
	u := &layers.UDP{SrcPort: 4000, DstPort: 53}
	var ip gopacket.SerializableLayer
	if v6 {
		h := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP,
			SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
		_ = u.SetNetworkLayerForChecksum(h)
		ip = h
	} else {
		h := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP,
			SrcIP: net.IPv4(10, 0, 0, 1).To4(), DstIP: net.IPv4(192, 0, 2, 10).To4()}
		_ = u.SetNetworkLayerForChecksum(h)
		ip = h
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		ip, u, gopacket.Payload(bytes.Repeat([]byte{byte(n)}, 20+n))); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

var (
	macA = net.HardwareAddr{2, 0, 0, 0, 0, 1}
	macB = net.HardwareAddr{2, 0, 0, 0, 0, 2}
)

// ether frames pkt in Ethernet with the given 802.1Q/802.1ad tags
// (outermost first), by gopacket.
func ether(t testing.TB, pkt []byte, tags ...uint16) []byte {
	et := layers.EthernetTypeIPv4
	if pkt[0]>>4 == 6 {
		et = layers.EthernetTypeIPv6
	}
	ls := []gopacket.SerializableLayer{}
	first := et
	if len(tags) > 0 {
		first = layers.EthernetTypeQinQ
		if len(tags) == 1 {
			first = layers.EthernetTypeDot1Q
		}
	}
	ls = append(ls, &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: first})
	for i, vid := range tags {
		next := et
		if i+1 < len(tags) {
			next = layers.EthernetTypeDot1Q
		}
		ls = append(ls, &layers.Dot1Q{VLANIdentifier: vid, Type: next})
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, append(ls, gopacket.Payload(pkt))...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// sll is a Linux cooked (v1) header as tcpdump -i any writes it: packet
// type, ARPHRD_ETHER, address length and address, protocol.
func sll(pkt []byte, proto uint16) []byte {
	h := make([]byte, 16)
	binary.BigEndian.PutUint16(h[0:], 0) // to us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6)
	copy(h[6:], macA)
	binary.BigEndian.PutUint16(h[14:], proto)
	return append(h, pkt...)
}

// sll2 is a Linux cooked v2 header: protocol, reserved, interface index,
// ARPHRD type, packet type, address length, address.
func sll2(pkt []byte, proto uint16) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], proto)
	binary.BigEndian.PutUint32(h[4:], 3) // ifindex
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10], h[11] = 4, 6                  // outgoing, address length
	copy(h[12:], macA)
	return append(h, pkt...)
}

type frame struct {
	link layers.LinkType
	data []byte
	cut  int // captured bytes when cut by the snap length (0: whole)
}

// writeNg writes frames as pcapng, one interface per link type in the
// order first met.
func writeNg(t testing.TB, frames []frame) []byte {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&buf, pcapgo.NgInterface{LinkType: frames[0].link, SnapLength: 65535}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[layers.LinkType]int{frames[0].link: 0}
	for i, f := range frames {
		id, ok := ids[f.link]
		if !ok {
			if id, err = w.AddInterface(pcapgo.NgInterface{LinkType: f.link, SnapLength: 65535}); err != nil {
				t.Fatal(err)
			}
			ids[f.link] = id
		}
		data := f.data
		if f.cut > 0 {
			data = data[:f.cut]
		}
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(data), Length: len(f.data), InterfaceIndex: id}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writePcap writes frames of one link type as classic pcap.
func writePcap(t testing.TB, link layers.LinkType, frames [][]byte) []byte {
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, link); err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(f), Length: len(f)}, f); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func readAll(t *testing.T, b []byte) ([][]byte, []Skip) {
	t.Helper()
	c, err := NewCaptureReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for {
		p, err := c.Next()
		if err == io.EOF {
			return out, c.Skipped()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), p...))
	}
}

// TestCaptureLinkTypes: each link type real captures use, in pcap and in
// pcapng, yields exactly the IP packets its frames carry.
func TestCaptureLinkTypes(t *testing.T) {
	p4, p6 := ipPkt(t, false, 1), ipPkt(t, true, 2)
	small := ipPkt(t, false, -16) // 32 bytes, padded to Ethernet's 60 bytes below
	tests := []struct {
		name   string
		link   layers.LinkType
		frames [][]byte
	}{
		{"ethernet", layers.LinkTypeEthernet, [][]byte{ether(t, p4), ether(t, p6)}},
		{"ethernet padded", layers.LinkTypeEthernet, [][]byte{ether(t, small)}}, // gopacket pads to 60 bytes
		{"802.1Q", layers.LinkTypeEthernet, [][]byte{ether(t, p4, 100), ether(t, p6, 200)}},
		{"802.1ad stacked", layers.LinkTypeEthernet, [][]byte{ether(t, p4, 10, 100), ether(t, p6, 20, 200)}},
		{"linux cooked", layers.LinkTypeLinuxSLL, [][]byte{sll(p4, 0x0800), sll(p6, 0x86dd)}},
		{"linux cooked v2", layers.LinkTypeLinuxSLL2, [][]byte{sll2(p4, 0x0800), sll2(p6, 0x86dd)}},
		{"raw", layers.LinkTypeRaw, [][]byte{p4, p6}},
		{"ipv4", layers.LinkTypeIPv4, [][]byte{p4}},
		{"bsd loopback", layers.LinkTypeNull, [][]byte{append([]byte{2, 0, 0, 0}, p4...), append([]byte{30, 0, 0, 0}, p6...)}},
	}
	for _, tc := range tests {
		want := [][]byte{p4, p6}
		switch tc.name {
		case "ipv4":
			want = want[:1]
		case "ethernet padded":
			want = [][]byte{append(append([]byte(nil), small...), make([]byte, 60-14-len(small))...)} // the data path trims to the IP length
		}
		var ng []frame
		for _, f := range tc.frames {
			ng = append(ng, frame{link: tc.link, data: f})
		}
		for format, b := range map[string][]byte{"pcap": writePcap(t, tc.link, tc.frames), "pcapng": writeNg(t, ng)} {
			got, skips := readAll(t, b)
			if !reflect.DeepEqual(got, want) || len(skips) != 0 {
				t.Errorf("%s %s: got %d packets (skipped %v), want %d", tc.name, format, len(got), skips, len(want))
			}
		}
	}
}

// TestCaptureSkips: a pcapng mixing link types (a trunk port and a
// tcpdump -i any capture) replays every IP packet and says which frames
// it skipped and why.
func TestCaptureSkips(t *testing.T) {
	p4, p6 := ipPkt(t, false, 1), ipPkt(t, true, 2)
	arp := append(ether(t, p4)[:12], 0x08, 0x06)
	arp = append(arp, make([]byte, 28)...)
	frames := []frame{
		{link: layers.LinkTypeEthernet, data: ether(t, p4, 100)},                           // 1
		{link: layers.LinkTypeEthernet, data: arp},                                         // 2 ARP
		{link: layers.LinkTypeLinuxSLL2, data: sll2(p6, 0x86dd)},                           // 3
		{link: layers.LinkTypeEthernet, data: ether(t, p4), cut: 40},                       // 4 cut by the snap length
		{link: layers.LinkType(105), data: []byte{0x08, 0, 0, 0, 1, 2}},                    // 5 802.11: not supported
		{link: layers.LinkTypeLinuxSLL2, data: sll2(p4, 0x0806)},                           // 6 ARP again
		{link: layers.LinkTypeEthernet, data: ether(t, append(p4, make([]byte, 2100)...))}, // 7 too big
		{link: layers.LinkTypeLinuxSLL2, data: sll2(p4, 0x0800)},                           // 8
	}
	got, skips := readAll(t, writeNg(t, frames))
	if !reflect.DeepEqual(got, [][]byte{p4, p6, p4}) {
		t.Errorf("got %d packets, want 3 (frames 1, 3, 8)", len(got))
	}
	want := []Skip{
		{Reason: "Ethernet type 0x0806 is not IP", Count: 2, Frames: []int{2, 6}},
		{Reason: "cut to 40 of 63 bytes by the snap length", Count: 1, Frames: []int{4}},
		{Reason: "link type 105 (802.11) not supported", Count: 1, Frames: []int{5}},
		{Reason: "packet larger than 2048 bytes", Count: 1, Frames: []int{7}},
	}
	if !reflect.DeepEqual(skips, want) {
		t.Errorf("got skips %+v,\nwant %+v", skips, want)
	}
}

// lazyCapture generates a pcap stream of n raw IP packets as it is read,
// recording how many bytes were asked of it.
type lazyCapture struct {
	buf     bytes.Buffer
	pkt     []byte
	left    int
	read    int
	started bool
}

func (l *lazyCapture) Read(b []byte) (int, error) {
	if !l.started {
		l.started = true
		l.buf.Write(writePcap(nil, layers.LinkTypeRaw, nil))
	}
	for l.buf.Len() < len(b) && l.left > 0 {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(l.pkt)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(l.pkt)))
		l.buf.Write(rec)
		l.buf.Write(l.pkt)
		l.left--
	}
	n, err := l.buf.Read(b)
	l.read += n
	return n, err
}

// TestCaptureStreams: the reader hands out the first packet of a 200 MB
// capture having read a few buffers of it, and reads it all to the end
// frame by frame (the file is never held whole).
func TestCaptureStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200 MB")
	}
	l := &lazyCapture{pkt: ipPkt(t, false, 1000), left: 200 << 20 / 1100}
	total := l.left
	c, err := NewCaptureReader(l)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(); err != nil {
		t.Fatal(err)
	}
	if l.read > 256<<10 {
		t.Fatalf("read %d bytes before the first packet, want at most 256 KB", l.read)
	}
	n := 1
	for {
		_, err := c.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != total || c.Frames() != total {
		t.Errorf("got %d packets of %d frames, want %d", n, c.Frames(), total)
	}
}

// TestCaptureRoundTrip: WritePcap and WritePcapng (pcapgo) read back.
func TestCaptureRoundTrip(t *testing.T) {
	pkts := [][]byte{ipPkt(t, false, 3), ipPkt(t, true, 4)}
	for name, write := range map[string]func(io.Writer, time.Time, [][]byte) error{"pcap": WritePcap, "pcapng": WritePcapng} {
		var buf bytes.Buffer
		if err := write(&buf, time.Unix(1, 0), pkts); err != nil {
			t.Fatal(err)
		}
		got, err := ReadCapture(&buf)
		if err != nil || !reflect.DeepEqual(got, pkts) {
			t.Errorf("%s: got %d packets (%v), want 2", name, len(got), err)
		}
	}
}
