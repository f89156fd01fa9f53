package lab

import (
	"fmt"
	"net"
	"strconv"
	"strings"
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

// MeasurePPS sends size-byte UDP datagrams to addr:DiscardPort from
// namespace ns, as fast as flows senders can for d, and returns the
// packets per second the sink received. The senders run in their own
// process (procs.go).
func MeasurePPS(ns, addr string, sink *Sink, flows, size int, d time.Duration) (float64, error) {
	cmd, err := roleCommand(ns, floodEnv, fmt.Sprintf("%s %d %d %s", addr, flows, size, d))
	if err != nil {
		return 0, err
	}
	before := sink.Count()
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("lab: flood: %v: %s", err, out)
	}
	// Let what is in flight land: wait until the count settles.
	for last := sink.Count(); ; last = sink.Count() {
		time.Sleep(50 * time.Millisecond) // polling a counter: nothing signals its end
		if sink.Count() == last {
			break
		}
	}
	return float64(sink.Count()-before) / time.Since(t0).Seconds(), nil
}

// floodRole is MeasurePPS's sender process (RoleIfAsked).
func floodRole(v string) error {
	f := strings.Fields(v)
	var flows, size int
	var d time.Duration
	var err error
	if len(f) == 4 {
		flows, _ = strconv.Atoi(f[1])
		size, _ = strconv.Atoi(f[2])
		d, err = time.ParseDuration(f[3])
	}
	if len(f) != 4 || err != nil || flows <= 0 {
		return fmt.Errorf("flood: bad %s=%q", floodEnv, v)
	}
	if err := flood(f[0], flows, size, d); err != nil {
		return fmt.Errorf("flood: %w", err)
	}
	return nil
}

// flood sends from flows sockets for d.
func flood(addr string, flows, size int, d time.Duration) error {
	var wg sync.WaitGroup
	errs := make(chan error, flows)
	deadline := time.Now().Add(d)
	msg := make([]byte, size)
	for i := 0; i < flows; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("udp4", net.JoinHostPort(addr, strconv.Itoa(DiscardPort)))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for time.Now().Before(deadline) {
				for k := 0; k < 64; k++ {
					c.Write(msg) // a full queue drops: that is the measure
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func exchange(addr string) error {
	c, err := net.DialTimeout("tcp4", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = hello(c, 2*time.Second)
	return err
}
