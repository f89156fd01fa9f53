package lab

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DelayProxy is a TCP relay inside the PIC namespace that holds every
// chunk of a connection for a settable delay in each direction before
// passing it on: the latency of a longer path where the kernel has no tc
// netem (sch_netem). It delays bytes, not packets (it cannot reorder or
// lose them: Hosts.Loss does that below it, on the link); what it shows is
// what the PIC protocol sees of latency: heartbeats, acknowledgements and
// deadlines over a path with that round-trip time. The delay is the
// fault being emulated, so it waits on the wall clock by design.
type DelayProxy struct {
	ln    net.Listener
	delay atomic.Int64 // nanoseconds, one way
	wg    sync.WaitGroup

	mu    sync.Mutex // guards conns
	conns []net.Conn
}

// NewDelayProxy listens on 127.0.0.1 in the PIC namespace and relays
// each connection to upstream, dialled from the PIC namespace.
func (h *Hosts) NewDelayProxy(upstream string) (*DelayProxy, error) {
	p := &DelayProxy{}
	err := In(h.PIC, func() error {
		var err error
		p.ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	})
	if err != nil {
		return nil, err
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := p.ln.Accept()
			if err != nil {
				return
			}
			up, err := h.DialFromPIC(context.Background(), upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.track(c, up)
			p.wg.Add(2)
			go func() { defer p.wg.Done(); p.pipe(up, c) }()
			go func() { defer p.wg.Done(); p.pipe(c, up) }()
		}
	}()
	return p, nil
}

// Addr is where to dial the proxy (from the PIC namespace).
func (p *DelayProxy) Addr() string { return p.ln.Addr().String() }

// SetDelay sets the one-way delay of every chunk read from now on.
func (p *DelayProxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

func (p *DelayProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, cs...)
}

type chunk struct {
	due time.Time
	b   []byte
}

// pipe copies src to dst, each chunk after the delay in force when read.
func (p *DelayProxy) pipe(dst, src net.Conn) {
	q := make(chan chunk, 4096)
	go func() {
		defer close(q)
		for {
			b := make([]byte, 32<<10)
			n, err := src.Read(b)
			if n > 0 {
				q <- chunk{due: time.Now().Add(time.Duration(p.delay.Load())), b: b[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.due)) // the emulated path's latency
		if _, err := dst.Write(c.b); err != nil {
			src.Close() // the reader ends and closes q
			dst.Close()
			for range q {
			}
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		dst.Close()
	}
}

// Close stops the proxy and its connections.
func (p *DelayProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
