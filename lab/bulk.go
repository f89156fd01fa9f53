package lab

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// tcpServer accepts TCP connections on a port inside a namespace and
// handles each in a goroutine of its own (BulkServer, StreamServer);
// Close stops it and waits for the connections.
type tcpServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

// serveTCP starts a tcpServer in namespace ns on port (IPv4 and IPv6);
// accepted is called on the accepting goroutine, handle then on the
// connection's own, which closes it when handle returns.
func serveTCP(ns string, port int, accepted, handle func(net.Conn)) (*tcpServer, error) {
	s := &tcpServer{}
	if err := In(ns, func() error {
		var err error
		s.ln, err = net.Listen("tcp", fmt.Sprintf(":%d", port))
		return err
	}); err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			if accepted != nil {
				accepted(c)
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return s, nil
}

// Close stops the server and waits for its connections.
func (s *tcpServer) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// BulkServer serves one body on a TCP port inside a namespace: every
// connection gets the whole body, then the server closes it (a download,
// as an HTTP server would send it, without the HTTP).
type BulkServer struct{ *tcpServer }

// ServeBulk starts a BulkServer in namespace ns on port (IPv4 and IPv6).
func ServeBulk(ns string, port int, body []byte) (*BulkServer, error) {
	s, err := serveTCP(ns, port, nil, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(time.Minute))
		c.Write(body)
	})
	if err != nil {
		return nil, err
	}
	return &BulkServer{s}, nil
}

// Download connects from namespace ns to addr, reads until the server
// closes, and returns the bytes read, their SHA-256 and how long it
// took. An error says how far it got.
func Download(ns, addr string, timeout time.Duration) (n int64, sum [32]byte, took time.Duration, err error) {
	var c net.Conn
	if err := In(ns, func() error {
		var err error
		c, err = net.DialTimeout("tcp", addr, timeout)
		return err
	}); err != nil {
		return 0, sum, 0, err
	}
	defer c.Close()
	t0 := time.Now()
	c.SetDeadline(t0.Add(timeout))
	h := sha256.New()
	n, err = io.Copy(h, c)
	took = time.Since(t0)
	copy(sum[:], h.Sum(nil))
	if err != nil {
		return n, sum, took, fmt.Errorf("lab: download from %s: %d bytes in %v: %w", addr, n, took.Round(time.Millisecond), err)
	}
	return n, sum, took, nil
}
