package lab

import (
	"fmt"
	"net"
	"os"
	"os/exec"
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

// floodEnv carries a flood's parameters to the sender process.
const floodEnv = "GNOS_LAB_FLOOD"

// MeasurePPS sends size-byte UDP datagrams to addr:DiscardPort from
// namespace ns, as fast as flows senders can for d, and returns the
// packets per second the sink received. The senders run in their own
// process (this executable again, which must call FloodIfAsked first
// thing, as lab's TestMain does): in the measuring process they would
// take the Go scheduler from whatever they measure.
func MeasurePPS(ns, addr string, sink *Sink, flows, size int, d time.Duration) (float64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command("ip", "netns", "exec", ns, self, "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d %s", floodEnv, addr, flows, size, d))
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

// FloodIfAsked is the sender process of MeasurePPS: when this process was
// started as one, it floods and exits.
func FloodIfAsked() {
	v := os.Getenv(floodEnv)
	if v == "" {
		return
	}
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
		fmt.Fprintf(os.Stderr, "lab: flood: bad %s=%q\n", floodEnv, v)
		os.Exit(2)
	}
	addr := f[0]
	if err := flood(addr, flows, size, d); err != nil {
		fmt.Fprintln(os.Stderr, "lab: flood:", err)
		os.Exit(1)
	}
	os.Exit(0)
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
	_, err = hello(c, 2*time.Second)
	return err
}
