package probe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// PingOptions shape a ping.
type PingOptions struct {
	Target   netip.Addr
	Count    int           // probes to send (> 0)
	Interval time.Duration // between probes (0: back to back)
	Wait     time.Duration // how long a probe waits for its reply
	Size     int           // data bytes after the ICMP header
	Clock    Clock         // nil: the real clock
}

// Echo is what became of one probe.
type Echo struct {
	Seq   int
	OK    bool       // an echo reply came back
	From  netip.Addr // who answered (the target, or a router's error)
	TTL   int        // of the reply
	Bytes int        // ICMP bytes of the reply
	RTT   time.Duration
	Error string // an ICMP error instead of a reply ("Destination Host Unreachable")
}

// Ping sends o.Count echo requests and calls each with the fate of each,
// in order. It stops early, without error, when ctx ends (the probes
// sent so far have been reported).
func (c *Conn) Ping(ctx context.Context, o PingOptions, each func(Echo)) error {
	clk := o.Clock
	if clk == nil {
		clk = realClock{}
	}
	id := nextID()
	buf := make([]byte, 65536)
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if c.s.V6 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	dst := &net.IPAddr{IP: o.Target.AsSlice(), Zone: o.Target.Zone()}
	for seq := 0; seq < o.Count && ctx.Err() == nil; seq++ {
		data := make([]byte, o.Size)
		for i := range data {
			data[i] = byte(i)
		}
		sent := clk.Now()
		if len(data) >= 8 {
			binary.BigEndian.PutUint64(data, uint64(sent.UnixNano()))
		}
		m := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: data}}
		b, err := m.Marshal(nil) // the kernel computes ICMPv6 checksums
		if err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		if _, err := c.ip.WriteTo(b, dst); err != nil {
			// no route, message too long (do-not-fragment): this probe
			// fails, as BSD ping reports sendto errors and goes on
			each(Echo{Seq: seq, Error: sendError(err)})
		} else {
			e, err := c.awaitEcho(ctx, clk, buf, id, seq, sent, sent.Add(o.Wait))
			if err != nil {
				return err
			}
			each(e)
		}
		if seq+1 < o.Count && !waitUntil(ctx, clk, sent.Add(o.Interval)) {
			break
		}
	}
	return nil
}

// awaitEcho reads until the reply to (id, seq), an ICMP error about it,
// or the deadline.
func (c *Conn) awaitEcho(ctx context.Context, clk Clock, buf []byte, id, seq int, sent, deadline time.Time) (Echo, error) {
	for ctx.Err() == nil {
		// wake up at least every 100ms to notice ctx
		d := earlier(deadline, clk.Now().Add(100*time.Millisecond))
		p, ok, err := c.read(buf, d, clk)
		if err != nil {
			return Echo{}, fmt.Errorf("probe: %w", err)
		}
		if !ok {
			if !clk.Now().Before(deadline) {
				break
			}
			continue
		}
		switch body := p.msg.Body.(type) {
		case *icmp.Echo:
			if (p.msg.Type == ipv4.ICMPTypeEchoReply || p.msg.Type == ipv6.ICMPTypeEchoReply) && body.ID == id && body.Seq == seq {
				return Echo{Seq: seq, OK: true, From: p.from, TTL: p.ttl, Bytes: p.size, RTT: p.at.Sub(sent)}, nil
			}
		case *icmp.DstUnreach:
			if quotesEcho(body.Data, c.s.V6, id, seq) {
				return Echo{Seq: seq, From: p.from, Error: unreachText(p.msg)}, nil
			}
		case *icmp.TimeExceeded:
			if quotesEcho(body.Data, c.s.V6, id, seq) {
				return Echo{Seq: seq, From: p.from, Error: "Time to live exceeded"}, nil
			}
		}
	}
	return Echo{Seq: seq}, nil
}

// quotesEcho reports whether the datagram quoted in an ICMP error is our
// echo request (id, seq).
func quotesEcho(q []byte, v6 bool, id, seq int) bool {
	off := 40
	if !v6 {
		if len(q) < 1 {
			return false
		}
		off = int(q[0]&0x0f) * 4
	}
	if len(q) < off+8 {
		return false
	}
	return int(binary.BigEndian.Uint16(q[off+4:])) == id && int(binary.BigEndian.Uint16(q[off+6:])) == seq
}

func unreachText(m *icmp.Message) string {
	if m.Type == ipv6.ICMPTypeDestinationUnreachable {
		switch m.Code {
		case 0:
			return "No Route to Destination"
		case 1:
			return "Administratively Prohibited"
		case 3:
			return "Destination Host Unreachable"
		case 4:
			return "Destination Port Unreachable"
		}
		return "Destination Unreachable"
	}
	switch m.Code {
	case 0:
		return "Destination Net Unreachable"
	case 1:
		return "Destination Host Unreachable"
	case 3:
		return "Destination Port Unreachable"
	case 4:
		return "Frag needed and DF set"
	case 13:
		return "Communication prohibited by filter"
	}
	return fmt.Sprintf("Destination Unreachable (code %d)", m.Code)
}

// sendError is a failed send in ping's words.
func sendError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return "sendto: " + errno.Error()
	}
	return "sendto: " + err.Error()
}
