package probe

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// TraceOptions shape a traceroute.
type TraceOptions struct {
	Target  netip.Addr
	MaxHops int           // hop limit of the last probes
	Probes  int           // probes per hop
	Wait    time.Duration // how long a probe waits for its answer
	Size    int           // UDP payload bytes
	Port    int           // destination port of the first probe (33434)
	Clock   Clock
}

// Hop is what one probe of one hop heard.
type Hop struct {
	TTL     int
	Probe   int // 0-based
	OK      bool
	From    netip.Addr
	RTT     time.Duration
	Reached bool   // the answer came from the target (port unreachable)
	Note    string // !H, !N, !P, !X: the answer was another unreachable
}

// Trace sends UDP probes with hop limits 1, 2, … and calls each for every
// probe, in order, until the target answers or MaxHops. It stops early,
// without error, when ctx ends.
func (c *Conn) Trace(ctx context.Context, o TraceOptions, each func(Hop)) error {
	clk := o.Clock
	if clk == nil {
		clk = realClock{}
	}
	if c.udp == nil {
		return fmt.Errorf("probe: not a traceroute socket")
	}
	buf := make([]byte, 65536)
	src := c.udp.LocalAddr().(*net.UDPAddr).Port
	port := o.Port
	for ttl := 1; ttl <= o.MaxHops && ctx.Err() == nil; ttl++ {
		if err := c.setHopLimit(ttl); err != nil {
			return err
		}
		done := false
		for n := 0; n < o.Probes && ctx.Err() == nil; n++ {
			dst := &net.UDPAddr{IP: o.Target.AsSlice(), Port: port, Zone: o.Target.Zone()}
			sent := clk.Now()
			if _, err := c.udp.WriteTo(make([]byte, o.Size), dst); err != nil {
				return fmt.Errorf("probe: %w", err)
			}
			h, err := c.awaitHop(ctx, clk, buf, src, port, sent, sent.Add(o.Wait), o.Target)
			if err != nil {
				return err
			}
			h.TTL, h.Probe = ttl, n
			each(h)
			done = done || h.Reached || h.Note != ""
			port++
		}
		if done {
			break
		}
	}
	return nil
}

func (c *Conn) setHopLimit(ttl int) error {
	var err error
	if c.s.V6 {
		err = ipv6.NewConn(c.udp).SetHopLimit(ttl)
	} else {
		err = ipv4.NewConn(c.udp).SetTTL(ttl)
	}
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	return nil
}

// awaitHop reads until an ICMP error quoting our probe (src, dport) or
// the deadline.
func (c *Conn) awaitHop(ctx context.Context, clk Clock, buf []byte, src, dport int, sent, deadline time.Time, target netip.Addr) (Hop, error) {
	for ctx.Err() == nil {
		d := earlier(deadline, clk.Now().Add(100*time.Millisecond))
		p, ok, err := c.read(buf, d, clk)
		if err != nil {
			return Hop{}, fmt.Errorf("probe: %w", err)
		}
		if !ok {
			if !clk.Now().Before(deadline) {
				break
			}
			continue
		}
		var quoted []byte
		switch body := p.msg.Body.(type) {
		case *icmp.TimeExceeded:
			quoted = body.Data
		case *icmp.DstUnreach:
			quoted = body.Data
		default:
			continue
		}
		if !quotesUDP(quoted, c.s.V6, src, dport) {
			continue
		}
		h := Hop{OK: true, From: p.from, RTT: p.at.Sub(sent)}
		if _, unreach := p.msg.Body.(*icmp.DstUnreach); unreach {
			if portUnreachable(p.msg) {
				h.Reached = true
			} else {
				h.Note = unreachNote(p.msg)
			}
		}
		h.Reached = h.Reached || p.from == target && h.Note == ""
		return h, nil
	}
	return Hop{}, nil
}

// quotesUDP reports whether an ICMP error quotes our UDP probe.
func quotesUDP(q []byte, v6 bool, src, dport int) bool {
	off := 40
	if !v6 {
		if len(q) < 1 {
			return false
		}
		off = int(q[0]&0x0f) * 4
	}
	if len(q) < off+4 {
		return false
	}
	return int(binary.BigEndian.Uint16(q[off:])) == src && int(binary.BigEndian.Uint16(q[off+2:])) == dport
}

func portUnreachable(m *icmp.Message) bool {
	if m.Type == ipv6.ICMPTypeDestinationUnreachable {
		return m.Code == 4
	}
	return m.Code == 3
}

// unreachNote is traceroute's mark for an unreachable other than the
// port: !N network, !H host, !P protocol, !X prohibited.
func unreachNote(m *icmp.Message) string {
	if m.Type == ipv6.ICMPTypeDestinationUnreachable {
		switch m.Code {
		case 0:
			return "!N"
		case 1:
			return "!X"
		case 3:
			return "!H"
		}
		return fmt.Sprintf("!<%d>", m.Code)
	}
	switch m.Code {
	case 0:
		return "!N"
	case 1:
		return "!H"
	case 2:
		return "!P"
	case 4:
		return "!F"
	case 9, 10, 13:
		return "!X"
	}
	return fmt.Sprintf("!<%d>", m.Code)
}
