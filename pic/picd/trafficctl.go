package picd

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
)

// Traffic from the CLI: `request services traffic …` reaches the PIC as a
// Query carrying a TrafficReq, answered on the control loop. Generators
// run in their own goroutines (injecting vectors like any packet source)
// until done or stopped, and report progress; a replay injects a capture
// file's packets and waits until the cores took them; a capture copies
// what leaves the data plane (the Port) until stopped.

// Traffic operations.
const (
	TrafficGenerate     = "generate"
	TrafficStop         = "stop"
	TrafficShow         = "show"
	TrafficReplay       = "replay"
	TrafficCaptureStart = "capture-start"
	TrafficCaptureStop  = "capture-stop"
)

// MaxGenerators bounds the generators a PIC runs (or keeps, finished) at once.
const MaxGenerators = 16

// TrafficReq is a traffic operation on a PIC. The target is a service-set
// (by id, with the side the packets meet) or a logical interface and a
// direction (steered like live packets).
type TrafficReq struct {
	Op         string   `json:"op"`
	ServiceSet uint32   `json:"service-set-id,omitempty"`
	Name       string   `json:"service-set,omitempty"`
	Interface  string   `json:"interface,omitempty"`
	Direction  string   `json:"direction,omitempty"` // input (default) | output
	Spec       *GenSpec `json:"spec,omitempty"`      // generate
	Packets    [][]byte `json:"packets,omitempty"`   // replay
	ID         int      `json:"id,omitempty"`        // stop: one generator (0: all)
	Limit      int      `json:"limit,omitempty"`     // capture-start: packets kept
}

// GenSpec is a TrafficSpec as it crosses the wire.
type GenSpec struct {
	Flows   int     `json:"flows"`
	Packets int     `json:"packets"`
	Src     string  `json:"source-prefix"`
	Dst     string  `json:"destination-prefix"`
	SPort   uint16  `json:"source-port,omitempty"`
	DPort   uint16  `json:"destination-port,omitempty"`
	Protos  []uint8 `json:"protocols,omitempty"`
	Payload int     `json:"payload,omitempty"`
	Rate    int     `json:"rate,omitempty"`
}

// TrafficStatus answers a TrafficReq.
type TrafficStatus struct {
	Error      string              `json:"error,omitempty"`
	Generators []GenInfo           `json:"generators,omitempty"`
	Serviced   int                 `json:"serviced,omitempty"` // replay: packets that met a service-set
	Injected   int                 `json:"injected,omitempty"` // replay: packets injected
	Left       uint64              `json:"left,omitempty"`     // replay: packets that left the data plane meanwhile
	Captured   []packetio.Captured `json:"captured,omitempty"` // capture-stop, replay: what left
	Missed     uint64              `json:"missed,omitempty"`   // left past the capture's limit
}

// GenInfo is one generator's progress.
type GenInfo struct {
	ID         int           `json:"id"`
	Target     string        `json:"target"`
	State      string        `json:"state"` // running | done | stopped | failed
	Sent       uint64        `json:"sent"`
	Total      uint64        `json:"total"`
	Flows      int           `json:"flows"`
	Rate       int           `json:"rate,omitempty"`
	Elapsed    time.Duration `json:"elapsed"`
	Error      string        `json:"error,omitempty"`
	ServiceSet string        `json:"service-set"`
}

// genRun is a generator the PIC runs.
type genRun struct {
	id     int
	target string
	set    string
	g      *packetio.Generator
	cancel context.CancelFunc
	start  time.Time

	mu    sync.Mutex
	state string
	err   string
	end   time.Time
}

func (gr *genRun) info(now time.Time) GenInfo {
	gr.mu.Lock()
	defer gr.mu.Unlock()
	end := gr.end
	if gr.state == "running" {
		end = now
	}
	return GenInfo{ID: gr.id, Target: gr.target, State: gr.state, Sent: gr.g.Sent(), Total: gr.g.Total(),
		Flows: gr.g.Spec.Flows, Rate: gr.g.Spec.Rate, Elapsed: end.Sub(gr.start), Error: gr.err, ServiceSet: gr.set}
}

// trafficState is a runtime's generators.
type trafficState struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	next int
	gens []*genRun
}

// target works out which service-set and side a request's packets meet.
func (r *Runtime) target(q *TrafficReq) (ss uint32, side pic.Side, desc string, err error) {
	dir := pic.Input
	switch q.Direction {
	case "", "input":
	case "output":
		dir = pic.Output
	default:
		return 0, 0, "", fmt.Errorf("direction must be input or output: %s", q.Direction)
	}
	if q.Interface != "" {
		ss, side, ok := r.DP.Steer(q.Interface, dir)
		if !ok {
			return 0, 0, "", fmt.Errorf("no service-set is applied to %s %s on this PIC", ifname.Logical(q.Interface), dir)
		}
		return ss, side, ifname.Logical(q.Interface) + " " + dir.String(), nil
	}
	if s := r.ssrbs[q.ServiceSet]; s == nil || q.ServiceSet == 0 {
		return 0, 0, "", fmt.Errorf("service-set %s is not on this PIC", q.Name)
	}
	return q.ServiceSet, dir, "service-set " + r.ssrbs[q.ServiceSet].Name + " " + dir.String(), nil
}

// traffic answers a traffic request. Control loop.
func (r *Runtime) traffic(q *TrafficReq) *TrafficStatus {
	ts := &TrafficStatus{}
	fail := func(err error) *TrafficStatus { ts.Error = err.Error(); return ts }
	now := r.DP.Clock().Now()
	switch q.Op {
	case TrafficShow:
	case TrafficStop:
		r.tr.mu.Lock()
		for _, gr := range r.tr.gens {
			if q.ID == 0 || gr.id == q.ID {
				gr.cancel()
			}
		}
		r.tr.mu.Unlock()
	case TrafficGenerate:
		ss, side, desc, err := r.target(q)
		if err != nil {
			return fail(err)
		}
		spec, err := q.Spec.traffic(ss, side)
		if err != nil {
			return fail(err)
		}
		if err := r.startGenerator(spec, desc, r.ssrbs[ss].Name, now); err != nil {
			return fail(err)
		}
	case TrafficReplay:
		ss, side, _, err := r.target(q)
		if err != nil {
			return fail(err)
		}
		before := r.Port.Count()
		r.Port.Inject(ss, side, q.Packets...)
		r.DP.Sync()
		ts.Injected, ts.Serviced, ts.Left = len(q.Packets), len(q.Packets), r.Port.Count()-before
	case TrafficCaptureStart:
		r.Port.Arm(q.Limit)
	case TrafficCaptureStop:
		if !r.Port.Armed() {
			return fail(fmt.Errorf("no capture is running"))
		}
		r.DP.Sync()
		ts.Captured, ts.Missed = r.Port.Disarm()
	default:
		return fail(fmt.Errorf("unknown traffic operation %q", q.Op))
	}
	r.tr.mu.Lock()
	for _, gr := range r.tr.gens {
		ts.Generators = append(ts.Generators, gr.info(now))
	}
	r.tr.mu.Unlock()
	return ts
}

// traffic converts the wire spec, checking it.
func (g *GenSpec) traffic(ss uint32, side pic.Side) (packetio.TrafficSpec, error) {
	if g == nil {
		return packetio.TrafficSpec{}, fmt.Errorf("no traffic described")
	}
	src, err := netip.ParsePrefix(g.Src)
	if err != nil {
		return packetio.TrafficSpec{}, fmt.Errorf("source-prefix: %v", err)
	}
	dst, err := netip.ParsePrefix(g.Dst)
	if err != nil {
		return packetio.TrafficSpec{}, fmt.Errorf("destination-prefix: %v", err)
	}
	if src.Addr().Is4() != dst.Addr().Is4() {
		return packetio.TrafficSpec{}, fmt.Errorf("source and destination prefixes must be of one address family")
	}
	if g.Flows <= 0 || g.Packets <= 0 {
		return packetio.TrafficSpec{}, fmt.Errorf("flows and packets must be at least 1")
	}
	if g.Payload < 0 || g.Payload > pic.MaxPacket-60 {
		return packetio.TrafficSpec{}, fmt.Errorf("payload-size must be between 0 and %d", pic.MaxPacket-60)
	}
	return packetio.TrafficSpec{ServiceSet: ss, Side: side, Flows: g.Flows, Packets: g.Packets, Src: src.Masked(), Dst: dst.Masked(),
		SPort: g.SPort, DPort: g.DPort, Protos: g.Protos, Payload: g.Payload, Rate: g.Rate}, nil
}

// startGenerator runs a generator in its own goroutine.
func (r *Runtime) startGenerator(spec packetio.TrafficSpec, target, set string, now time.Time) error {
	r.tr.mu.Lock()
	defer r.tr.mu.Unlock()
	if len(r.tr.gens) >= MaxGenerators { // forget the oldest finished one
		i := slices.IndexFunc(r.tr.gens, func(gr *genRun) bool { return gr.info(now).State != "running" })
		if i < 0 {
			return fmt.Errorf("%d generators are running; stop one first", MaxGenerators)
		}
		r.tr.gens = slices.Delete(r.tr.gens, i, i+1)
	}
	r.tr.next++
	ctx, cancel := context.WithCancel(context.Background())
	gr := &genRun{id: r.tr.next, target: target, set: set, g: &packetio.Generator{Spec: spec, Clock: r.DP.Clock()},
		cancel: cancel, start: now, state: "running"}
	r.tr.gens = append(r.tr.gens, gr)
	r.tr.wg.Add(1)
	go func() {
		defer r.tr.wg.Done()
		err := gr.g.Run(ctx, r.Port)
		gr.mu.Lock()
		defer gr.mu.Unlock()
		gr.end = r.DP.Clock().Now()
		switch {
		case err == nil:
			gr.state = "done"
		case ctx.Err() != nil:
			gr.state = "stopped"
		default:
			gr.state, gr.err = "failed", err.Error()
		}
	}()
	return nil
}

// stopTraffic stops the runtime's generators and waits for them (the
// runtime is closing).
func (r *Runtime) stopTraffic() {
	r.tr.mu.Lock()
	for _, gr := range r.tr.gens {
		gr.cancel()
	}
	r.tr.mu.Unlock()
	r.tr.wg.Wait()
}
