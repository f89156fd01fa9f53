package packetio

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// Port is an in-process packet port on a data plane, in the spirit of a
// channel link endpoint: Inject puts raw IP packets in (steered to their
// data cores), and what leaves the data plane is counted and, while a
// capture is armed, copied with the side it leaves by. A zero Port is
// armed with the default limit (tests read what left with Take); a PIC's
// runtime disarms its port until `request services traffic capture` or a
// replay asks. Give Port.Tx to DataplaneOptions.Tx, then Attach the data
// plane. Safe for concurrent use.
type Port struct {
	dp       *dataplane.Dataplane
	captured atomic.Uint64
	off      atomic.Bool // capture disarmed

	mu      sync.Mutex // guards the fields below
	limit   int
	cap     []Captured
	dropped uint64 // left while armed but past the limit
}

// DefaultCaptureLimit is the number of packets a capture keeps unless told.
const DefaultCaptureLimit = 1 << 16

// Captured is a packet that left the data plane.
type Captured struct {
	Side pic.Side
	Data []byte
}

// Attach connects the port to its data plane.
func (pt *Port) Attach(dp *dataplane.Dataplane) { pt.dp = dp }

// Arm starts a new capture keeping up to limit packets (0: the default),
// forgetting what an earlier one kept.
func (pt *Port) Arm(limit int) {
	pt.mu.Lock()
	pt.limit, pt.cap, pt.dropped = limit, nil, 0
	pt.mu.Unlock()
	pt.off.Store(false)
}

// Disarm stops capturing and returns what the capture kept, and how many
// more packets left past its limit.
func (pt *Port) Disarm() ([]Captured, uint64) {
	pt.off.Store(true)
	pt.mu.Lock()
	defer pt.mu.Unlock()
	c, d := pt.cap, pt.dropped
	pt.cap, pt.dropped = nil, 0
	return c, d
}

// Armed reports whether a capture is running.
func (pt *Port) Armed() bool { return !pt.off.Load() }

// Tx is the data plane's output: it counts what leaves and copies it
// while a capture is armed.
func (pt *Port) Tx(_ int, pkts []*pic.Packet) {
	pt.captured.Add(uint64(len(pkts)))
	if pt.off.Load() {
		return
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	limit := pt.limit
	if limit == 0 {
		limit = DefaultCaptureLimit
	}
	for _, p := range pkts {
		if len(pt.cap) < limit {
			pt.cap = append(pt.cap, Captured{Side: p.Out, Data: append([]byte(nil), p.Data...)})
		} else {
			pt.dropped++
		}
	}
}

// Inject sends raw packets into service-set ss from side, and waits until
// the data cores took them.
func (pt *Port) Inject(ss uint32, side pic.Side, raw ...[]byte) {
	pkts := make([]*pic.Packet, len(raw))
	for i, b := range raw {
		p := &pic.Packet{ServiceSet: ss, Side: side}
		p.SetData(b)
		pkts[i] = p
	}
	pt.dp.Inject(pkts)
}

// InjectOn sends raw packets met on a logical interface (dir: arriving on
// it, or about to leave by it) into the service-set applied there
// (Dataplane.Steer), and waits until the data cores took them. Packets no
// service-set serves cross unserviced: they are captured as they are.
// It returns how many were serviced.
func (pt *Port) InjectOn(ifname string, dir pic.Side, raw ...[]byte) int {
	ss, side, ok := pt.dp.Steer(ifname, dir)
	if !ok {
		pkts := make([]*pic.Packet, len(raw))
		for i, b := range raw {
			pkts[i] = &pic.Packet{Out: dir}
			pkts[i].SetData(b)
		}
		pt.Tx(-1, pkts)
		return 0
	}
	pt.Inject(ss, side, raw...)
	return len(raw)
}

// Take returns and forgets what was captured.
func (pt *Port) Take() []Captured {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	c := pt.cap
	pt.cap = nil
	return c
}

// Count is the number of packets that left so far.
func (pt *Port) Count() uint64 { return pt.captured.Load() }

// TrafficSpec describes generated traffic: Flows flows of Packets packets
// each, 5-tuples from patterns (addresses walk their prefixes, the source
// port counts up per flow), protocols mixed flow by flow.
type TrafficSpec struct {
	ServiceSet uint32
	Side       pic.Side
	Flows      int
	Packets    int // per flow
	Src, Dst   netip.Prefix
	SPort      uint16 // first source port (default 1024)
	DPort      uint16
	Protos     []uint8 // default TCP
	Payload    int
	Rate       int // packets per second; 0: as fast as possible
}

// FlowSpec returns the PacketSpec of flow i's packet j: TCP flows start
// with a SYN, carry ACKs and end with a FIN.
func (s *TrafficSpec) FlowSpec(i, j int) pic.PacketSpec {
	proto := uint8(pic.ProtoTCP)
	if len(s.Protos) > 0 {
		proto = s.Protos[i%len(s.Protos)]
	}
	sport := s.SPort
	if sport == 0 {
		sport = 1024
	}
	ps := pic.PacketSpec{Src: nth(s.Src, i), Dst: nth(s.Dst, i), Proto: proto, SPort: sport + uint16(i%(65536-int(sport))),
		DPort: s.DPort, Seq: uint32(j), Payload: s.Payload}
	if proto == pic.ProtoTCP {
		switch {
		case j == 0:
			ps.Flags, ps.Payload = pic.TCPSyn, 0
		case j == s.Packets-1 && j > 1:
			ps.Flags = pic.TCPFin | pic.TCPAck
		default:
			ps.Flags = pic.TCPAck
		}
	}
	return ps
}

// nth returns the i-th address of p, wrapping.
func nth(p netip.Prefix, i int) netip.Addr {
	a := p.Addr()
	bits := a.BitLen() - p.Bits()
	if bits > 24 {
		bits = 24
	}
	n := i % (1 << bits)
	b := a.As16()
	for k := 15; k >= 0 && n > 0; k-- {
		v := int(b[k]) + n&0xff
		b[k], n = byte(v), n>>8+v>>8
	}
	if a.Is4() {
		return netip.AddrFrom16(b).Unmap()
	}
	return netip.AddrFrom16(b)
}

// Generator runs a TrafficSpec through a port; Sent shows progress.
type Generator struct {
	Spec  TrafficSpec
	Clock clock.Clock
	sent  atomic.Uint64
}

// Sent is the number of packets injected so far.
func (g *Generator) Sent() uint64 { return g.sent.Load() }

// Total is the number of packets the spec asks for.
func (g *Generator) Total() uint64 { return uint64(g.Spec.Flows * g.Spec.Packets) }

// Run injects the traffic, packet j of every flow before packet j+1 of
// any, paced by Rate on the clock, until done or ctx ends.
func (g *Generator) Run(ctx context.Context, pt *Port) error {
	s := &g.Spec
	if s.Flows <= 0 || s.Packets <= 0 || !s.Src.IsValid() || !s.Dst.IsValid() {
		return errors.New("pic: traffic: flows, packets, source and destination are required")
	}
	clk := g.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	start := clk.Now()
	batch := make([]*pic.Packet, 0, dataplane.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if s.Rate > 0 { // this vector's turn comes when the ones before it had their time
			due := start.Add(time.Duration(float64(g.sent.Load()) / float64(s.Rate) * float64(time.Second)))
			if d := due.Sub(clk.Now()); d > 0 {
				wake := make(chan struct{})
				t := clk.AfterFunc(d, func() { close(wake) })
				select {
				case <-wake:
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				}
			}
		}
		pt.dp.Inject(batch)
		g.sent.Add(uint64(len(batch)))
		batch = make([]*pic.Packet, 0, dataplane.BatchSize) // the data plane owns the last vector now
		return ctx.Err()
	}
	for j := 0; j < s.Packets; j++ {
		for i := 0; i < s.Flows; i++ {
			p := &pic.Packet{ServiceSet: s.ServiceSet, Side: s.Side}
			if err := p.Build(s.FlowSpec(i, j)); err != nil {
				return err
			}
			if batch = append(batch, p); len(batch) == dataplane.BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
