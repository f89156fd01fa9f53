package lab

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// Server answers the lab's test traffic inside the server namespace:
// TCP on each port it was given answers a line with "seen ADDR" (the
// peer address it saw, so a test sees NAT), UDP port 7 echoes datagrams.
type Server struct {
	lns []net.Listener
	udp net.PacketConn
	wg  sync.WaitGroup

	mu      sync.Mutex
	udpPeer string // last UDP peer
}

// UDPPort is the lab server's UDP echo port.
const UDPPort = 7

// Serve starts a Server in namespace ns.
func Serve(ns string, tcpPorts ...int) (*Server, error) {
	s := &Server{}
	err := In(ns, func() error {
		for _, p := range tcpPorts {
			ln, err := net.Listen("tcp", fmt.Sprintf(":%d", p)) // IPv4 and IPv6
			if err != nil {
				return err
			}
			s.lns = append(s.lns, ln)
		}
		pc, err := net.ListenPacket("udp4", fmt.Sprintf(":%d", UDPPort))
		s.udp = pc
		return err
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	for _, ln := range s.lns {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go answer(c)
			}
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 2048)
		for {
			n, from, err := s.udp.ReadFrom(buf)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.udpPeer = from.(*net.UDPAddr).IP.String()
			s.mu.Unlock()
			s.udp.WriteTo(buf[:n], from)
		}
	}()
	return s, nil
}

// UDPPeer is the address the last UDP datagram came from.
func (s *Server) UDPPeer() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.udpPeer
}

// Close stops the server.
func (s *Server) Close() {
	for _, ln := range s.lns {
		ln.Close()
	}
	if s.udp != nil {
		s.udp.Close()
	}
	s.wg.Wait()
}

// TCPExchange connects from namespace ns to addr (host:port), sends a
// line and returns the address the server saw. A refused connection
// (RST) is an error satisfying IsRefused.
func TCPExchange(ns, addr string, timeout time.Duration) (seen string, err error) {
	var c net.Conn
	if err := In(ns, func() error {
		var err error
		c, err = net.DialTimeout("tcp", addr, timeout)
		return err
	}); err != nil {
		return "", err
	}
	defer c.Close()
	line, err := hello(c, timeout)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(strings.TrimSpace(line), "seen "), nil
}

// answer is the server's side of the line protocol: a line in, "seen
// ADDR" (the peer's address) out, close.
func answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		fmt.Fprintf(c, "seen %s\n", c.RemoteAddr().(*net.TCPAddr).IP)
	}
}

// hello is one exchange of the server's TCP line protocol on c: send a
// line, read the answer ("seen ADDR\n"), all within timeout.
func hello(c net.Conn, timeout time.Duration) (string, error) {
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

// IsRefused reports whether err is a connection refused (a TCP RST).
func IsRefused(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection refused")
}

// IsTimeout reports whether err is a timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// UDPExchange sends n datagrams of size bytes from namespace ns to addr,
// one at a time, and checks each comes back. It returns the local
// address used.
func UDPExchange(ns, addr string, n, size int, timeout time.Duration) (local string, err error) {
	var c net.Conn
	if err := In(ns, func() error {
		var err error
		c, err = net.Dial("udp4", addr)
		return err
	}); err != nil {
		return "", err
	}
	defer c.Close()
	msg := bytes.Repeat([]byte{'u'}, size)
	buf := make([]byte, 2048)
	for i := 0; i < n; i++ {
		msg[0] = byte('0' + i%10)
		if _, err := c.Write(msg); err != nil {
			return "", err
		}
		c.SetReadDeadline(time.Now().Add(timeout))
		k, err := c.Read(buf)
		if err != nil {
			return "", err
		}
		if !bytes.Equal(buf[:k], msg) {
			return "", fmt.Errorf("lab: udp echo: got %d bytes, want the %d sent", k, len(msg))
		}
	}
	return c.LocalAddr().String(), nil
}

// Ping sends one ICMP echo from namespace ns with the system's ping.
func Ping(ns, addr string) error {
	_, err := Exec(ns, "ping", "-n", "-c", "1", "-W", "1", addr)
	return err
}
