package lab

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DiscardPort is the UDP port Sink counts packets on.
const DiscardPort = 9

// Sink counts UDP datagrams arriving on DiscardPort in a namespace.
type Sink struct {
	pc net.PacketConn
	n  atomic.Uint64
	wg sync.WaitGroup
}

// NewSink starts a Sink in namespace ns.
func NewSink(ns string) (*Sink, error) {
	s := &Sink{}
	if err := In(ns, func() error {
		var err error
		s.pc, err = net.ListenPacket("udp4", fmt.Sprintf(":%d", DiscardPort))
		return err
	}); err != nil {
		return nil, err
	}
	if uc, ok := s.pc.(*net.UDPConn); ok {
		uc.SetReadBuffer(8 << 20)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 2048)
		for {
			if _, _, err := s.pc.ReadFrom(buf); err != nil {
				return
			}
			s.n.Add(1)
		}
	}()
	return s, nil
}

// Count is the number of datagrams received so far.
func (s *Sink) Count() uint64 { return s.n.Load() }

// Close stops the sink.
func (s *Sink) Close() {
	s.pc.Close()
	s.wg.Wait()
}

// MeasurePPS sends size-byte UDP datagrams from namespace ns to
// addr:DiscardPort as fast as flows senders can for d, and returns the
// packets per second the sink received.
func MeasurePPS(ns, addr string, sink *Sink, flows, size int, d time.Duration) (float64, error) {
	var wg sync.WaitGroup
	errs := make(chan error, flows)
	stop := make(chan struct{})
	msg := make([]byte, size)
	start := make(chan struct{})
	for i := 0; i < flows; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- In(ns, func() error {
				c, err := net.Dial("udp4", net.JoinHostPort(addr, strconv.Itoa(DiscardPort)))
				if err != nil {
					return err
				}
				defer c.Close()
				<-start
				for {
					select {
					case <-stop:
						return nil
					default:
					}
					for k := 0; k < 64; k++ {
						c.Write(msg) // a full queue drops: that is the measure
					}
				}
			})
		}()
	}
	before := sink.Count()
	t0 := time.Now()
	close(start)
	time.Sleep(d) // the measurement window
	close(stop)
	wg.Wait()
	// Let what is in flight land: wait until the count settles.
	for last := sink.Count(); ; {
		time.Sleep(50 * time.Millisecond)
		now := sink.Count()
		if now == last {
			break
		}
		last = now
	}
	el := time.Since(t0)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return float64(sink.Count()-before) / el.Seconds(), nil
}

// MeasureCPS opens TCP connections from namespace ns to addr (the lab
// server's line protocol: send a line, read the answer, close) from
// workers concurrent clients for d, and returns completed connections
// per second.
func MeasureCPS(ns, addr string, workers int, d time.Duration) (float64, error) {
	var done atomic.Uint64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	deadline := time.Now().Add(d)
	t0 := time.Now()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- In(ns, func() error {
				failures := 0
				for time.Now().Before(deadline) {
					if err := exchange(addr); err != nil {
						if failures++; failures > 100 {
							return err
						}
						continue
					}
					done.Add(1)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return float64(done.Load()) / el.Seconds(), nil
}

func exchange(addr string) error {
	c, err := net.DialTimeout("tcp4", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return err
	}
	_, err = bufio.NewReader(c).ReadString('\n')
	return err
}
