// Package probe sends the probes of ping (ICMP echo) and traceroute (UDP
// with increasing hop limits) and reads what comes back, on raw sockets.
//
// Sockets belong to the network namespace of the thread that creates
// them, so the caller opens them where they must live (in live mode, on
// the interface manager's thread inside the router's namespace) and the
// probing then runs on any goroutine. A raw ICMP socket sees every ICMP
// packet of its namespace: replies are told apart by the echo identifier
// (ping) or by the UDP ports quoted in the ICMP error (traceroute), so
// several probes may run at once.
//
// Probing is sequential: each probe waits for its answer or its timeout
// before the next goes out, then the rest of the interval. Time comes
// from a Clock (the real one unless a test injects another); round-trip
// times are measured on it too.
package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Clock is the time source of probing.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Socket options common to ping and traceroute.
type Socket struct {
	V6           bool
	Source       netip.Addr // invalid: the kernel picks
	Device       string     // Linux link (or VRF) to bind to; "" for none
	DontFragment bool
	TTL          int // 0: the kernel's default
}

// Conn is a raw ICMP socket (ping), with a UDP socket for traceroute.
type Conn struct {
	s   Socket
	ip  *net.IPConn
	p4  *ipv4.PacketConn
	p6  *ipv6.PacketConn
	udp *net.UDPConn // traceroute only
}

// Listen opens a raw ICMP socket in the calling thread's namespace.
func Listen(s Socket) (*Conn, error) {
	network, laddr := "ip4:icmp", "0.0.0.0"
	if s.V6 {
		network, laddr = "ip6:ipv6-icmp", "::"
	}
	if s.Source.IsValid() {
		laddr = s.Source.String()
	}
	c, err := net.ListenPacket(network, laddr)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	conn := &Conn{s: s, ip: c.(*net.IPConn)}
	if err := conn.setup(conn.ip); err != nil {
		c.Close()
		return nil, err
	}
	if s.V6 {
		conn.p6 = ipv6.NewPacketConn(c)
		err = conn.p6.SetControlMessage(ipv6.FlagHopLimit|ipv6.FlagSrc, true)
		if err == nil && s.TTL > 0 {
			err = conn.p6.SetHopLimit(s.TTL)
		}
	} else {
		conn.p4 = ipv4.NewPacketConn(c)
		err = conn.p4.SetControlMessage(ipv4.FlagTTL|ipv4.FlagSrc, true)
		if err == nil && s.TTL > 0 {
			err = conn.p4.SetTTL(s.TTL)
		}
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("probe: %w", err)
	}
	return conn, nil
}

// ListenTrace opens the sockets of traceroute: the raw ICMP socket that
// hears the routers' errors and a UDP socket to send from.
func ListenTrace(s Socket) (*Conn, error) {
	s.TTL = 0
	c, err := Listen(s)
	if err != nil {
		return nil, err
	}
	network, laddr := "udp4", "0.0.0.0:0"
	if s.V6 {
		network, laddr = "udp6", "[::]:0"
	}
	if s.Source.IsValid() {
		laddr = netip.AddrPortFrom(s.Source, 0).String()
	}
	u, err := net.ListenPacket(network, laddr)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("probe: %w", err)
	}
	c.udp = u.(*net.UDPConn)
	if err := c.setup(c.udp); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// setup applies the device binding and don't-fragment to a socket.
func (c *Conn) setup(sc syscall.Conn) error {
	raw, err := sc.SyscallConn()
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		if c.s.Device != "" {
			if serr = unix.BindToDevice(int(fd), c.s.Device); serr != nil {
				serr = fmt.Errorf("interface %s: %w", c.s.Device, serr)
				return
			}
		}
		if c.s.DontFragment {
			if c.s.V6 {
				serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_DONTFRAG, 1)
			} else {
				serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_DO)
			}
		}
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	return nil
}

// Close closes the sockets.
func (c *Conn) Close() error {
	if c.udp != nil {
		c.udp.Close()
	}
	return c.ip.Close()
}

// packet is one ICMP message read from the socket.
type packet struct {
	msg  *icmp.Message
	from netip.Addr
	ttl  int
	size int // ICMP bytes
	at   time.Time
}

// read reads one ICMP message before deadline; ok is false on timeout.
func (c *Conn) read(buf []byte, deadline time.Time, clk Clock) (packet, bool, error) {
	if err := c.ip.SetReadDeadline(deadline); err != nil {
		return packet{}, false, err
	}
	var (
		n    int
		from net.Addr
		ttl  int
		err  error
	)
	if c.p6 != nil {
		var cm *ipv6.ControlMessage
		n, cm, from, err = c.p6.ReadFrom(buf)
		if cm != nil {
			ttl = cm.HopLimit
		}
	} else {
		var cm *ipv4.ControlMessage
		n, cm, from, err = c.p4.ReadFrom(buf)
		if cm != nil {
			ttl = cm.TTL
		}
	}
	at := clk.Now()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return packet{}, false, nil
		}
		return packet{}, false, err
	}
	proto := 1
	if c.p6 != nil {
		proto = 58
	}
	m, err := icmp.ParseMessage(proto, buf[:n])
	if err != nil {
		return packet{}, true, nil // not ICMP we can read: skip
	}
	var addr netip.Addr
	if ipa, ok := from.(*net.IPAddr); ok {
		addr, _ = netip.AddrFromSlice(ipa.IP)
		addr = addr.Unmap()
	}
	return packet{msg: m, from: addr, ttl: ttl, size: n, at: at}, true, nil
}

// waitUntil blocks until t or ctx's end; it reports whether t came.
func waitUntil(ctx context.Context, clk Clock, t time.Time) bool {
	d := t.Sub(clk.Now())
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var echoIDs atomic.Uint32

// nextID is a fresh echo identifier for this process.
func nextID() int {
	return (os.Getpid()*31 + int(echoIDs.Add(1))) & 0xffff
}

// earlier is the earlier of a and b.
func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
