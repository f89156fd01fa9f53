package packetio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/gnos/gnos/pic"
)

// Link types of the captures the data path reads and writes (LINKTYPE_*
// numbers of pcap and pcapng).
const (
	LinkNull     = 0 // BSD loopback: a 4-byte address family in host order
	LinkEthernet = 1
	LinkRaw      = 101 // raw IPv4/IPv6, what the data path carries
	LinkLoop     = 108 // OpenBSD loopback: the family in network order
	LinkSLL      = 113 // Linux cooked capture v1 (tcpdump -i any)
	LinkIPv4     = 228
	LinkIPv6     = 229
	LinkSLL2     = 276 // Linux cooked capture v2 (tcpdump -i any, libpcap ≥ 1.10)
)

// ErrCapture reports a capture file the data path cannot read.
var ErrCapture = errors.New("pic: bad capture file")

// Skip is why frames of a capture were not replayed: the reason, how
// many, and the first frames (numbered from 1, as Wireshark numbers
// them).
type Skip struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	Frames []int  `json:"frames"` // the first maxSkipFrames
}

// maxSkipFrames bounds the frame numbers a Skip lists.
const maxSkipFrames = 8

// CaptureReader streams the IP packets of a pcap or pcapng file (read by
// gopacket's pcapgo) without holding more than one frame: Ethernet with
// or without 802.1Q / 802.1ad tags, Linux cooked captures (v1 and v2),
// raw IP, and BSD loopback; pcapng files may mix interfaces of these
// link types. Frames that hold no whole IP packet (ARP, other link
// types, cut by the snap length, past MaxPacket) are skipped and
// counted by reason.
type CaptureReader struct {
	next  func() ([]byte, gopacket.CaptureInfo, error)
	link  func(ci *gopacket.CaptureInfo) layers.LinkType
	frame int
	skips []Skip
}

// NewCaptureReader reads the file header of a pcap or pcapng stream.
func NewCaptureReader(r io.Reader) (*CaptureReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: too short", ErrCapture)
	}
	c := &CaptureReader{}
	switch {
	case bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}):
		ng, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{SkipUnknownVersion: true, WantMixedLinkType: true})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCapture, err)
		}
		c.next = ng.ZeroCopyReadPacketData
		c.link = func(ci *gopacket.CaptureInfo) layers.LinkType {
			ifc, err := ng.Interface(ci.InterfaceIndex)
			if err != nil {
				return 0xffff
			}
			return ifc.LinkType
		}
	default:
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: not pcap or pcapng (%v)", ErrCapture, err)
		}
		lt := pr.LinkType()
		c.next = pr.ZeroCopyReadPacketData
		c.link = func(*gopacket.CaptureInfo) layers.LinkType { return lt }
	}
	return c, nil
}

// Next returns the next IP packet, valid until the following call, or
// io.EOF after the last.
func (c *CaptureReader) Next() ([]byte, error) {
	for {
		data, ci, err := c.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		c.frame++
		if err != nil {
			return nil, fmt.Errorf("%w: frame %d: %v", ErrCapture, c.frame, err)
		}
		if ci.CaptureLength < ci.Length {
			c.skip(fmt.Sprintf("cut to %d of %d bytes by the snap length", ci.CaptureLength, ci.Length))
			continue
		}
		p, why := ipOf(c.link(&ci), data)
		switch {
		case why != "":
			c.skip(why)
		case len(p) > pic.MaxPacket:
			c.skip(fmt.Sprintf("packet larger than %d bytes", pic.MaxPacket))
		default:
			return p, nil
		}
	}
}

// Frames returns the frames read so far, skipped or not.
func (c *CaptureReader) Frames() int { return c.frame }

// Skipped returns the skipped frames by reason, reasons in the order
// they were first met.
func (c *CaptureReader) Skipped() []Skip { return c.skips }

func (c *CaptureReader) skip(reason string) {
	for i := range c.skips {
		if s := &c.skips[i]; s.Reason == reason {
			s.Count++
			if len(s.Frames) < maxSkipFrames {
				s.Frames = append(s.Frames, c.frame)
			}
			return
		}
	}
	c.skips = append(c.skips, Skip{Reason: reason, Count: 1, Frames: []int{c.frame}})
}

// Ethernet types ipOf reads.
const (
	etherIPv4  = 0x0800
	etherIPv6  = 0x86dd
	ether8021Q = 0x8100
	etherQinQ  = 0x88a8
	etherQinQ1 = 0x9100 // pre-standard stacked tags
)

// ipOf returns the IP packet a frame of a link type carries, or why it
// carries none.
func ipOf(link layers.LinkType, f []byte) ([]byte, string) {
	switch link {
	case LinkRaw, LinkIPv4, LinkIPv6:
	case LinkEthernet:
		if len(f) < 14 {
			return nil, "Ethernet header truncated"
		}
		return etherPayload(f[14:], binary.BigEndian.Uint16(f[12:]))
	case LinkSLL:
		if len(f) < 16 {
			return nil, "Linux cooked header truncated"
		}
		return etherPayload(f[16:], binary.BigEndian.Uint16(f[14:]))
	case LinkSLL2:
		if len(f) < 20 {
			return nil, "Linux cooked v2 header truncated"
		}
		return etherPayload(f[20:], binary.BigEndian.Uint16(f[0:]))
	case LinkNull, LinkLoop:
		if len(f) < 4 {
			return nil, "loopback header truncated"
		}
		fam := binary.BigEndian.Uint32(f)
		if link == LinkNull && fam > 0xffff { // written in the capturing host's (little-endian) order
			fam = binary.LittleEndian.Uint32(f)
		}
		switch fam {
		case 2, 24, 28, 30: // AF_INET; AF_INET6 of NetBSD/OpenBSD, FreeBSD, Darwin
			f = f[4:]
		default:
			return nil, fmt.Sprintf("loopback address family %d is not IP", fam)
		}
	default:
		return nil, fmt.Sprintf("link type %d (%s) not supported", link, link)
	}
	if len(f) == 0 || (f[0]>>4 != 4 && f[0]>>4 != 6) {
		return nil, "not an IPv4 or IPv6 packet"
	}
	return f, ""
}

// etherPayload follows 802.1Q and 802.1ad tags (up to three) to the IP
// packet an Ethernet type announces.
func etherPayload(f []byte, et uint16) ([]byte, string) {
	for tags := 0; et == ether8021Q || et == etherQinQ || et == etherQinQ1; tags++ {
		if tags == 3 || len(f) < 4 {
			return nil, "VLAN tags truncated or nested too deep"
		}
		et, f = binary.BigEndian.Uint16(f[2:]), f[4:]
	}
	if et != etherIPv4 && et != etherIPv6 {
		return nil, fmt.Sprintf("Ethernet type 0x%04x is not IP", et)
	}
	if len(f) == 0 || (f[0]>>4 != 4 && f[0]>>4 != 6) {
		return nil, "not an IPv4 or IPv6 packet"
	}
	return f, ""
}

// ReadCapture reads a whole pcap or pcapng file and returns its IP
// packets (copies); CaptureReader streams the same without holding the
// file. It reads at most 1 GB.
func ReadCapture(r io.Reader) ([][]byte, error) {
	c, err := NewCaptureReader(io.LimitReader(r, 1<<30))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for {
		p, err := c.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, append([]byte(nil), p...))
	}
}

// WritePcap writes packets as a classic pcap file of raw IP packets
// (pcapgo), timestamped from t0 one microsecond apart.
func WritePcap(w io.Writer, t0 time.Time, pkts [][]byte) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(pic.MaxPacket, layers.LinkTypeRaw); err != nil {
		return err
	}
	for i, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Microsecond), CaptureLength: len(p), Length: len(p)}
		if err := pw.WritePacket(ci, p); err != nil {
			return err
		}
	}
	return nil
}

// WritePcapng writes packets as a pcapng file of raw IP packets (one
// interface), timestamped from t0 one microsecond apart.
func WritePcapng(w io.Writer, t0 time.Time, pkts [][]byte) error {
	nw, err := pcapgo.NewNgWriter(w, layers.LinkTypeRaw)
	if err != nil {
		return err
	}
	for i, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Microsecond), CaptureLength: len(p), Length: len(p)}
		if err := nw.WritePacket(ci, p); err != nil {
			return err
		}
	}
	return nw.Flush()
}
