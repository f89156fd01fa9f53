package lab

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// A stream is a bulk transfer whose every byte is checked: the server
// sends Size bytes of a seeded pseudo-random sequence and keeps the
// connection open until the client closes it (so the session is still
// there to be shown once the bytes are in), and the client reads them
// through a Reader that sums them and measures the longest pause
// between two reads. A failover that loses, reorders or duplicates a
// byte changes the sum; one that resets the connection ends the read
// with an error before Size.

// StreamServer serves streams on a TCP port inside a namespace and
// records the address each connection came from (the client's public
// address and port, as the far side sees it behind NAT).
type StreamServer struct {
	*tcpServer
	mu    sync.Mutex
	peers []string
}

// ServeStream starts a StreamServer in namespace ns on port.
func ServeStream(ns string, port int, size int64, seed uint64) (*StreamServer, error) {
	s := &StreamServer{}
	var err error
	s.tcpServer, err = serveTCP(ns, port, func(c net.Conn) {
		s.mu.Lock()
		s.peers = append(s.peers, c.RemoteAddr().String())
		s.mu.Unlock()
	}, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		if _, err := io.CopyN(c, streamSource(seed), size); err != nil {
			return
		}
		io.Copy(io.Discard, c) // until the client closes
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Peers lists the remote addresses of the connections accepted so far.
func (s *StreamServer) Peers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.peers...)
}

// StreamSum is the SHA-256 of the first size bytes of seed's stream.
func StreamSum(size int64, seed uint64) [32]byte {
	h := sha256.New()
	io.CopyN(h, streamSource(seed), size)
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// streamSource is the stream's byte sequence.
func streamSource(seed uint64) io.Reader {
	return rand.NewChaCha8([32]byte{0: byte(seed), 1: byte(seed >> 8), 2: byte(seed >> 16), 3: byte(seed >> 24)})
}

// Reader reads a stream on a connection: bytes so far, their SHA-256,
// and the longest pause between two reads since Mark.
type Reader struct {
	C        net.Conn
	N        int64
	MaxPause time.Duration // since Mark
	PauseAt  int64         // bytes read when that pause ended
	h        interface {
		io.Writer
		Sum([]byte) []byte
	}
	last time.Time
	buf  []byte
}

// DialStream connects from namespace ns to addr.
func DialStream(ns, addr string, timeout time.Duration) (*Reader, error) {
	var c net.Conn
	if err := In(ns, func() error {
		var err error
		c, err = net.DialTimeout("tcp", addr, timeout)
		return err
	}); err != nil {
		return nil, err
	}
	return &Reader{C: c, h: sha256.New(), buf: make([]byte, 64<<10), last: time.Now()}, nil
}

// Mark starts measuring pauses afresh (after a pause the test made).
func (r *Reader) Mark() { r.MaxPause, r.PauseAt, r.last = 0, r.N, time.Now() }

// ReadTo reads until n bytes in all have been read or timeout passes
// without a byte; an error says how far it got.
func (r *Reader) ReadTo(n int64, timeout time.Duration) error {
	for r.N < n {
		r.C.SetReadDeadline(time.Now().Add(timeout))
		k, err := r.C.Read(r.buf[:min(int64(len(r.buf)), n-r.N)])
		if k > 0 {
			now := time.Now()
			if p := now.Sub(r.last); p > r.MaxPause {
				r.MaxPause, r.PauseAt = p, r.N
			}
			r.last = now
			r.h.Write(r.buf[:k])
			r.N += int64(k)
		}
		if err != nil {
			return fmt.Errorf("lab: stream read: %d of %d bytes: %w", r.N, n, err)
		}
	}
	return nil
}

// Sum is the SHA-256 of what was read.
func (r *Reader) Sum() [32]byte {
	var sum [32]byte
	copy(sum[:], r.h.Sum(nil))
	return sum
}
