package servicesd

import (
	"bytes"
	"context"
	"fmt"
	"io"
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

// Replay bounds: what a replay sends a PIC in one message (a capture
// larger than that goes in several).
const (
	MaxReplayPackets = 50000
	MaxReplayBytes   = 16 << 20
)

// replayBatch is the packets per message (MaxReplayPackets; tests lower
// it to see a capture cross several messages).
var replayBatch = MaxReplayPackets

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
	Injected int             // packets replayed
	Left     uint64          // packets that left the PIC meanwhile
	Captured int             // packets written to the capture file
	Frames   int             // frames the capture held
	Skipped  []packetio.Skip // frames not replayed, by reason
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

// TrafficReplay replays a capture file into the target's PIC, streamed:
// the file is read frame by frame and sent in messages of at most
// MaxReplayPackets packets or MaxReplayBytes, so a capture of any size
// replays without being held. Frames that hold no IP packet are skipped
// and reported by reason.
func (s *Servicesd) TrafficReplay(ctx context.Context, r ReplayReq) (*ReplayResult, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", r.File, err)
	}
	defer f.Close()
	cr, err := packetio.NewCaptureReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.File, err)
	}
	probe := &picd.TrafficReq{Op: picd.TrafficReplay}
	slots, err := s.trafficTarget(r.Target, probe)
	if err != nil {
		return nil, err
	}
	capture := r.CapturePath != ""
	if capture { // capture on the PIC that will answer: arm where the target is
		for _, slot := range slots {
			_, _ = s.PICQuery(ctx, slot, &picd.Query{Traffic: &picd.TrafficReq{Op: picd.TrafficCaptureStart}})
		}
	}
	res, err := s.replayStream(ctx, r.File, cr, slots, probe)
	var captured []packetio.Captured
	if capture {
		for _, sl := range slots {
			if st, qerr := s.PICQuery(ctx, sl, &picd.Query{Traffic: &picd.TrafficReq{Op: picd.TrafficCaptureStop}}); qerr == nil &&
				st.Traffic != nil && (err != nil || sl == res.Slot) {
				captured = st.Traffic.Captured
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if capture {
		if err := writeCapture(r.CapturePath, s.o.Clock.Now(), captured); err != nil {
			return nil, fmt.Errorf("could not write %s: %w", r.CaptureFile, err)
		}
		res.Captured = len(captured)
	}
	return res, nil
}

// replayStream sends the capture's packets in messages to the first PIC
// of slots that takes them (later messages go to that one).
func (s *Servicesd) replayStream(ctx context.Context, file string, cr *packetio.CaptureReader, slots []dataplane.Slot,
	probe *picd.TrafficReq) (*ReplayResult, error) {
	res := &ReplayResult{}
	answered := false
	var batch [][]byte
	size := 0
	send := func() error {
		q := *probe
		q.Packets = batch
		slot, ts, err := s.trafficAsk(ctx, slots, &q)
		if err != nil {
			return err
		}
		if !answered { // the PIC steering the target: the rest goes there
			answered, slots, res.Slot = true, []dataplane.Slot{slot}, slot
		}
		res.Injected += ts.Injected
		res.Left += ts.Left
		batch, size = batch[:0], 0
		return nil
	}
	for {
		p, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(batch) == replayBatch || size+len(p) > MaxReplayBytes {
			if err := send(); err != nil {
				return nil, err
			}
		}
		batch = append(batch, append([]byte(nil), p...))
		size += len(p)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(batch) > 0 || !answered {
		if err := send(); err != nil {
			return nil, err
		}
	}
	res.Frames, res.Skipped = cr.Frames(), cr.Skipped()
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

// writeCapture writes captured packets as a pcap file, or pcapng when
// the file's name ends in .pcapng.
func writeCapture(path string, t0 time.Time, c []packetio.Captured) error {
	raw := make([][]byte, len(c))
	for i := range c {
		raw[i] = c[i].Data
	}
	write := packetio.WritePcap
	if strings.HasSuffix(path, ".pcapng") {
		write = packetio.WritePcapng
	}
	var buf bytes.Buffer
	if err := write(&buf, t0, raw); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
