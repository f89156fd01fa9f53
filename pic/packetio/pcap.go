package packetio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gnos/gnos/pic"
)

// Link types of the captures the data path reads and writes.
const (
	LinkEthernet = 1
	LinkRaw      = 101 // raw IPv4/IPv6, what the data path carries
	LinkIPv4     = 228
	LinkIPv6     = 229
)

// WritePcap writes packets as a classic pcap file of raw IP packets,
// timestamped from t0 one microsecond apart.
func WritePcap(w io.Writer, t0 time.Time, pkts [][]byte) error {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], pic.MaxPacket)
	binary.LittleEndian.PutUint32(h[20:], LinkRaw)
	if _, err := w.Write(h); err != nil {
		return err
	}
	for i, p := range pkts {
		ts := t0.Add(time.Duration(i) * time.Microsecond)
		r := make([]byte, 16, 16+len(p))
		binary.LittleEndian.PutUint32(r[0:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(r[4:], uint32(ts.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(r[8:], uint32(len(p)))
		binary.LittleEndian.PutUint32(r[12:], uint32(len(p)))
		if _, err := w.Write(append(r, p...)); err != nil {
			return err
		}
	}
	return nil
}

// ErrCapture reports a capture file the data path cannot read.
var ErrCapture = errors.New("pic: bad capture file")

// ReadCapture reads a pcap or pcapng file and returns its packets as raw
// IP (Ethernet frames are stripped of their header; other frames are
// skipped). Sizes are bounded by MaxPacket.
func ReadCapture(r io.Reader) ([][]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return nil, err
	}
	if len(b) < 24 {
		return nil, fmt.Errorf("%w: too short", ErrCapture)
	}
	if binary.LittleEndian.Uint32(b) == 0x0a0d0d0a {
		return readPcapng(b)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch bo.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: not pcap or pcapng", ErrCapture)
	}
	link := bo.Uint32(b[20:]) & 0xffff
	var out [][]byte
	for off := 24; off < len(b); {
		if off+16 > len(b) {
			return nil, fmt.Errorf("%w: truncated record at %d", ErrCapture, off)
		}
		n := int(bo.Uint32(b[off+8:]))
		if n > len(b)-off-16 || n > 1<<16 {
			return nil, fmt.Errorf("%w: bad record length %d at %d", ErrCapture, n, off)
		}
		if p := frame(link, b[off+16:off+16+n]); p != nil {
			out = append(out, p)
		}
		off += 16 + n
	}
	return out, nil
}

func readPcapng(b []byte) ([][]byte, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	var links []uint32
	var out [][]byte
	for off := 0; off+12 <= len(b); {
		typ := bo.Uint32(b[off:])
		if typ == 0x0a0d0d0a { // section header: learn the byte order
			if bo.Uint32(b[off+8:]) != 0x1a2b3c4d {
				bo = binary.BigEndian
			}
			links = nil
		}
		n := int(bo.Uint32(b[off+4:]))
		if n < 12 || n%4 != 0 || n > len(b)-off {
			return nil, fmt.Errorf("%w: bad block length %d at %d", ErrCapture, n, off)
		}
		blk := b[off : off+n]
		switch typ {
		case 1: // interface description
			if n >= 20 {
				links = append(links, uint32(bo.Uint16(blk[8:])))
			}
		case 6: // enhanced packet
			if n < 32 {
				return nil, fmt.Errorf("%w: short packet block at %d", ErrCapture, off)
			}
			ifc, cl := int(bo.Uint32(blk[8:])), int(bo.Uint32(blk[20:]))
			if ifc >= len(links) || cl > n-32 {
				return nil, fmt.Errorf("%w: bad packet block at %d", ErrCapture, off)
			}
			if p := frame(links[ifc], blk[28:28+cl]); p != nil {
				out = append(out, p)
			}
		}
		off += n
	}
	return out, nil
}

// frame returns the IP packet of a captured frame, or nil.
func frame(link uint32, f []byte) []byte {
	switch link {
	case LinkRaw, LinkIPv4, LinkIPv6:
	case LinkEthernet:
		if len(f) < 14 {
			return nil
		}
		et := binary.BigEndian.Uint16(f[12:])
		if et != 0x0800 && et != 0x86dd {
			return nil
		}
		f = f[14:]
	default:
		return nil
	}
	if len(f) == 0 || len(f) > pic.MaxPacket {
		return nil
	}
	return append([]byte(nil), f...)
}
