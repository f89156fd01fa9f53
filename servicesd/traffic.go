package servicesd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gnos/gnos/internal/atomicfile"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/packetio"
	"github.com/gnos/gnos/pic/picd"
)

// Traffic requests: the PICs' in-process packet sources. A generator
// starts on the PIC serving the target (a service-set, or an interface
// and direction, steered like live packets) and runs on; Traffic shows
// or stops generators; a replay injects a pcap or pcapng file and can
// capture what leaves into another; a capture records what leaves every
// PIC meanwhile. Files are absolute paths (the CLI resolves the user's
// names); their names as the user gave them appear in the messages.

// Replay bounds: what one replay sends a PIC in one message.
const (
	MaxReplayPackets = 200000
	MaxReplayBytes   = 32 << 20
)

// Target is where traffic enters: a service-set, or a logical interface
// and a direction (input, the default, or output).
type Target struct {
	ServiceSet string
	Interface  string
	Direction  string
}

// TrafficPIC is one PIC's answer to a traffic request.
type TrafficPIC struct {
	Slot   dataplane.Slot
	Status *picd.TrafficStatus
}

// ReplayReq replays File (Path) into Target; with CapturePath, what left
// the PIC meanwhile is written there.
type ReplayReq struct {
	Target      Target
	File, Path  string
	CaptureFile string
	CapturePath string
}

// ReplayResult is what a replay did.
type ReplayResult struct {
	Slot     dataplane.Slot
	Injected int    // packets replayed
	Left     uint64 // packets that left the PIC meanwhile
	Captured int    // packets written to the capture file
}

// CaptureResult is what a stopped capture wrote.
type CaptureResult struct {
	Packets int
	Missed  uint64 // left past the capture's limit
}

// TrafficGenerate starts a generator on the PIC serving t.
func (s *Servicesd) TrafficGenerate(ctx context.Context, t Target, spec picd.GenSpec) (*TrafficPIC, error) {
	q := &picd.TrafficReq{Op: picd.TrafficGenerate, Spec: &spec}
	slots, err := s.trafficTarget(t, q)
	if err != nil {
		return nil, err
	}
	slot, ts, err := s.trafficAsk(ctx, slots, q)
	if err != nil {
		return nil, err
	}
	return &TrafficPIC{Slot: slot, Status: ts}, nil
}

// Traffic sends q (show, or stop) to every connected PIC and returns
// their generators.
func (s *Servicesd) Traffic(ctx context.Context, q picd.TrafficReq) ([]TrafficPIC, error) {
	var out []TrafficPIC
	for _, slot := range s.Slots() {
		if st, err := s.PICQuery(ctx, slot, &picd.Query{Traffic: &q}); err == nil && st.Traffic != nil {
			out = append(out, TrafficPIC{Slot: slot, Status: st.Traffic})
		}
	}
	return out, nil
}

// trafficTarget finds the PIC a request goes to and fills in the target.
// An interface is asked of every PIC: the one steering it answers.
func (s *Servicesd) trafficTarget(t Target, q *picd.TrafficReq) ([]dataplane.Slot, error) {
	q.Interface, q.Direction = t.Interface, t.Direction
	switch {
	case t.ServiceSet != "" && t.Interface != "":
		return nil, errkind.Errorf(errkind.Invalid, "syntax error: give service-set or interface, not both")
	case t.ServiceSet != "":
		s.mu.Lock()
		st := s.sets[t.ServiceSet]
		s.mu.Unlock()
		if st == nil {
			return nil, errkind.Errorf(errkind.NotFound, "service-set %s is not configured", t.ServiceSet)
		}
		q.ServiceSet, q.Name = st.ssrb.ID, t.ServiceSet
		return []dataplane.Slot{{FPC: st.ssrb.FPC, PIC: st.ssrb.PIC}}, nil
	case t.Interface != "":
		return s.Slots(), nil
	}
	return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting service-set <name> or interface <name>")
}

// trafficAsk sends a request to the target's PICs and returns the first
// answer without an error (or the last error).
func (s *Servicesd) trafficAsk(ctx context.Context, slots []dataplane.Slot, q *picd.TrafficReq) (dataplane.Slot, *picd.TrafficStatus, error) {
	err := fmt.Errorf("no services PIC is connected")
	for _, slot := range slots {
		st, qerr := s.PICQuery(ctx, slot, &picd.Query{Traffic: q})
		switch {
		case qerr != nil:
			err = qerr
		case st.Traffic == nil:
			err = fmt.Errorf("%s does not support traffic requests", slot)
		case st.Traffic.Error != "":
			err = fmt.Errorf("%s: %s", ifname.Service(slot.FPC, slot.PIC), st.Traffic.Error)
		default:
			return slot, st.Traffic, nil
		}
	}
	return dataplane.Slot{}, nil, err
}

// TrafficReplay replays a capture file into the target's PIC.
func (s *Servicesd) TrafficReplay(ctx context.Context, r ReplayReq) (*ReplayResult, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", r.File, err)
	}
	pkts, err := packetio.ReadCapture(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.File, err)
	}
	size := 0
	for _, p := range pkts {
		size += len(p)
	}
	if len(pkts) > MaxReplayPackets || size > MaxReplayBytes {
		return nil, errkind.Errorf(errkind.Limit, "%s: %d packets, %d bytes: more than a replay takes (%d packets, %d bytes)",
			r.File, len(pkts), size, MaxReplayPackets, MaxReplayBytes)
	}
	q := &picd.TrafficReq{Op: picd.TrafficReplay, Packets: pkts}
	slots, err := s.trafficTarget(r.Target, q)
	if err != nil {
		return nil, err
	}
	capture := r.CapturePath != ""
	if capture { // capture on the PIC that will answer: arm where the target is
		for _, slot := range slots {
			_, _ = s.PICQuery(ctx, slot, &picd.Query{Traffic: &picd.TrafficReq{Op: picd.TrafficCaptureStart}})
		}
	}
	slot, ts, err := s.trafficAsk(ctx, slots, q)
	var captured []packetio.Captured
	if capture {
		for _, sl := range slots {
			if st, qerr := s.PICQuery(ctx, sl, &picd.Query{Traffic: &picd.TrafficReq{Op: picd.TrafficCaptureStop}}); qerr == nil &&
				st.Traffic != nil && sl == slot {
				captured = st.Traffic.Captured
			}
		}
	}
	if err != nil {
		return nil, err
	}
	res := &ReplayResult{Slot: slot, Injected: ts.Injected, Left: ts.Left}
	if capture {
		if err := writeCapture(r.CapturePath, s.o.Clock.Now(), captured); err != nil {
			return nil, fmt.Errorf("could not write %s: %w", r.CaptureFile, err)
		}
		res.Captured = len(captured)
	}
	return res, nil
}

// CaptureStart starts capturing what leaves every connected PIC (limit:
// packets kept per PIC, 0 for the PIC's default) and says how many PICs
// capture.
func (s *Servicesd) CaptureStart(ctx context.Context, limit int) (int, error) {
	q := &picd.TrafficReq{Op: picd.TrafficCaptureStart, Limit: limit}
	n := 0
	for _, slot := range s.Slots() {
		if _, err := s.PICQuery(ctx, slot, &picd.Query{Traffic: q}); err == nil {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("no services PIC is connected")
	}
	return n, nil
}

// CaptureStop stops capturing on every PIC and writes what they captured
// to path (file: its name as the user gave it).
func (s *Servicesd) CaptureStop(ctx context.Context, file, path string) (*CaptureResult, error) {
	var all []packetio.Captured
	var missed uint64
	var errs []string
	for _, slot := range s.Slots() {
		_, ts, err := s.trafficAsk(ctx, []dataplane.Slot{slot}, &picd.TrafficReq{Op: picd.TrafficCaptureStop})
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		all, missed = append(all, ts.Captured...), missed+ts.Missed
	}
	if len(errs) > 0 && len(all) == 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	if err := writeCapture(path, s.o.Clock.Now(), all); err != nil {
		return nil, fmt.Errorf("could not write %s: %w", file, err)
	}
	return &CaptureResult{Packets: len(all), Missed: missed}, nil
}

// writeCapture writes captured packets as a pcap file.
func writeCapture(path string, t0 time.Time, c []packetio.Captured) error {
	raw := make([][]byte, len(c))
	for i := range c {
		raw[i] = c[i].Data
	}
	var buf bytes.Buffer
	if err := packetio.WritePcap(&buf, t0, raw); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
