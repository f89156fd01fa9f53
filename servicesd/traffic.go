package servicesd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/packetio"
	"github.com/gnos/gnos/pic/picd"
)

// Traffic commands: the PICs' in-process packet sources driven from the
// CLI. `request services traffic generate` starts a generator on the PIC
// serving the target (a service-set, or an interface and direction,
// steered like live packets) and returns at once; `show services traffic`
// shows progress; `… stop` stops. `… replay` injects a pcap or pcapng file
// from the file area and can capture what leaves into another; `… capture
// start|stop` captures what leaves every PIC meanwhile.

// Replay bounds: what one replay sends a PIC in one message.
const (
	MaxReplayPackets = 200000
	MaxReplayBytes   = 32 << 20
)

func (s *Servicesd) trafficCommands(t *cli.Table) {
	t.Describe("request services", "Services requests")
	t.Describe("request services traffic", "Generate, replay and capture traffic on the services PICs")
	target := []cli.Arg{{Name: "service-set", Value: true, Help: "Name of service set the packets enter"},
		{Name: "interface", Value: true, Help: "Logical interface the packets meet (steered to its service-set)"},
		{Name: "direction", Value: true, Help: "input (arriving, default) or output (leaving)"}}
	t.Add(
		&cli.Command{Words: []string{"request", "services", "traffic", "generate"}, RPC: "request-services-traffic-generate",
			Help: "Start a traffic generator",
			Args: append(append([]cli.Arg(nil), target...),
				cli.Arg{Name: "flows", Value: true, Help: "Number of flows (default 100)"},
				cli.Arg{Name: "packets", Value: true, Help: "Packets per flow (default 10)"},
				cli.Arg{Name: "source-prefix", Value: true, Help: "Source addresses, walked flow by flow (default 10.0.0.0/16)"},
				cli.Arg{Name: "destination-prefix", Value: true, Help: "Destination addresses (default 192.0.2.0/24)"},
				cli.Arg{Name: "source-port", Value: true, Help: "First source port, counted up per flow (default 1024)"},
				cli.Arg{Name: "destination-port", Value: true, Help: "Destination port (default 80)"},
				cli.Arg{Name: "protocol", Value: true, Help: "tcp, udp, icmp, or a comma-separated mix (default tcp)"},
				cli.Arg{Name: "rate", Value: true, Help: "Packets per second (default: as fast as possible)"},
				cli.Arg{Name: "payload-size", Value: true, Help: "Payload bytes per packet (default 0)"}),
			Run: s.trafficGenerate, Text: textTraffic},
		&cli.Command{Words: []string{"request", "services", "traffic", "stop"}, RPC: "request-services-traffic-stop",
			Help: "Stop traffic generators",
			Args: []cli.Arg{{Name: "id", Value: true, Help: "Generator to stop (default: all)"}},
			Run:  s.trafficStop, Text: textTraffic},
		&cli.Command{Words: []string{"show", "services", "traffic"}, RPC: "get-services-traffic-information",
			Help: "Show traffic generators and their progress",
			Run: func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
				return s.trafficAll(ctx, &picd.TrafficReq{Op: picd.TrafficShow})
			},
			Text: textTraffic},
		&cli.Command{Words: []string{"request", "services", "traffic", "replay"}, RPC: "request-services-traffic-replay",
			Help: "Replay a pcap or pcapng file into a service-set or an interface",
			Args: append([]cli.Arg{{Name: "file", Value: true, Help: "Capture file to replay (in the file area)"}},
				append(target, cli.Arg{Name: "capture-file", Value: true, Help: "Write what leaves to this pcap file"})...),
			Run: s.trafficReplay, Text: textReplay},
		&cli.Command{Words: []string{"request", "services", "traffic", "capture"}, RPC: "request-services-traffic-capture",
			Help: "Capture what leaves the services PICs",
			Args: []cli.Arg{{Name: "start", Help: "Start capturing"},
				{Name: "stop", Help: "Stop capturing and write the file"},
				{Name: "packets", Value: true, Help: "Packets to keep per PIC (default 65536)"},
				{Name: "file", Value: true, Help: "pcap file to write (with stop)"}},
			Run: s.trafficCapture, Text: textReplay},
	)
}

// trafficTarget finds the PIC a request goes to and fills in the target.
// An interface is asked of every PIC: the one steering it answers.
func (s *Servicesd) trafficTarget(a cli.Args, q *picd.TrafficReq) ([]pic.Slot, error) {
	q.Interface, q.Direction = a["interface"], a["direction"]
	name, hasSet := a["service-set"]
	switch {
	case hasSet && a.Has("interface"):
		return nil, errkind.Errorf(errkind.Invalid, "syntax error: give service-set or interface, not both")
	case hasSet:
		s.mu.Lock()
		st := s.sets[name]
		s.mu.Unlock()
		if st == nil {
			return nil, errkind.Errorf(errkind.NotFound, "service-set %s is not configured", name)
		}
		q.ServiceSet, q.Name = st.ssrb.ID, name
		return []pic.Slot{{FPC: st.ssrb.FPC, PIC: st.ssrb.PIC}}, nil
	case a.Has("interface"):
		return s.Slots(), nil
	}
	return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting service-set <name> or interface <name>")
}

// trafficAsk sends a request to the target's PICs and returns the first
// answer without an error (or the last error).
func (s *Servicesd) trafficAsk(ctx context.Context, slots []pic.Slot, q *picd.TrafficReq) (pic.Slot, *picd.TrafficStatus, error) {
	err := fmt.Errorf("no services PIC is connected")
	for _, slot := range slots {
		st, qerr := s.PICQuery(ctx, slot, &picd.Query{Traffic: q})
		switch {
		case qerr != nil:
			err = qerr
		case st.Traffic == nil:
			err = fmt.Errorf("%s does not support traffic requests", slot)
		case st.Traffic.Error != "":
			err = fmt.Errorf("%s: %s", serviceIf(slot), st.Traffic.Error)
		default:
			return slot, st.Traffic, nil
		}
	}
	return pic.Slot{}, nil, err
}

func (s *Servicesd) trafficGenerate(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	g := &picd.GenSpec{Flows: 100, Packets: 10, Src: "10.0.0.0/16", Dst: "192.0.2.0/24", DPort: 80}
	ints := []struct {
		name string
		dst  *int
		max  int
	}{{"flows", &g.Flows, 1 << 24}, {"packets", &g.Packets, 1 << 30}, {"rate", &g.Rate, 1 << 30},
		{"payload-size", &g.Payload, pic.MaxPacket - 60}}
	for _, n := range ints {
		if v, ok := a[n.name]; ok {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 || i > n.max {
				return nil, errkind.Errorf(errkind.Invalid, "invalid value for %s: %q (expecting 0..%d)", n.name, v, n.max)
			}
			*n.dst = i
		}
	}
	for name, dst := range map[string]*uint16{"source-port": &g.SPort, "destination-port": &g.DPort} {
		if v, ok := a[name]; ok {
			i, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return nil, errkind.Errorf(errkind.Invalid, "invalid value for %s: %q (expecting 0..65535)", name, v)
			}
			*dst = uint16(i)
		}
	}
	for name, dst := range map[string]*string{"source-prefix": &g.Src, "destination-prefix": &g.Dst} {
		if v, err := prefixArg(a, name); err != nil {
			return nil, err
		} else if v != "" {
			*dst = v
		}
	}
	if v, ok := a["protocol"]; ok {
		for _, name := range strings.Split(v, ",") {
			if name == "mix" {
				g.Protos = append(g.Protos, pic.ProtoTCP, pic.ProtoUDP, pic.ProtoICMP)
				continue
			}
			p, ok := protoByName[name]
			if !ok {
				return nil, errkind.Errorf(errkind.Invalid, "invalid value for protocol: %q (expecting tcp, udp, icmp or mix)", name)
			}
			g.Protos = append(g.Protos, p)
		}
	}
	q := &picd.TrafficReq{Op: picd.TrafficGenerate, Spec: g}
	slots, err := s.trafficTarget(a, q)
	if err != nil {
		return nil, err
	}
	slot, ts, err := s.trafficAsk(ctx, slots, q)
	if err != nil {
		return nil, err
	}
	return trafficElem([]pic.Slot{slot}, []*picd.TrafficStatus{ts}), nil
}

// prefixArg reads a prefix argument, "" when absent; a bare address is
// a /32 or /128.
func prefixArg(a cli.Args, name string) (string, error) {
	v, ok := a[name]
	if !ok {
		return "", nil
	}
	p, err := parsePrefix(v)
	if err != nil {
		return "", errkind.Errorf(errkind.Invalid, "invalid value for %s: %q", name, v)
	}
	return p.String(), nil
}

// parsePrefix takes a prefix or a bare address (a /32 or /128).
func parsePrefix(v string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(v); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(v)
}

func (s *Servicesd) trafficStop(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	q := &picd.TrafficReq{Op: picd.TrafficStop}
	if v, ok := a["id"]; ok {
		id, err := strconv.Atoi(v)
		if err != nil || id <= 0 {
			return nil, errkind.Errorf(errkind.Invalid, "invalid value for id: %q", v)
		}
		q.ID = id
	}
	return s.trafficAll(ctx, q)
}

// trafficAll sends a request to every connected PIC and lists their
// generators.
func (s *Servicesd) trafficAll(ctx context.Context, q *picd.TrafficReq) (*cli.Elem, error) {
	var slots []pic.Slot
	var sts []*picd.TrafficStatus
	for _, slot := range s.Slots() {
		if st, err := s.PICQuery(ctx, slot, &picd.Query{Traffic: q}); err == nil && st.Traffic != nil {
			slots, sts = append(slots, slot), append(sts, st.Traffic)
		}
	}
	return trafficElem(slots, sts), nil
}

func trafficElem(slots []pic.Slot, sts []*picd.TrafficStatus) *cli.Elem {
	e := cli.E("services-traffic-information")
	for i, st := range sts {
		pe := cli.E("traffic-pic", cli.T("interface-name", serviceIf(slots[i])))
		for _, g := range st.Generators {
			ge := cli.E("traffic-generator", cli.T("generator-id", strconv.Itoa(g.ID)), cli.T("target", g.Target),
				cli.T("service-set-name", g.ServiceSet), cli.T("state", g.State),
				cli.T("packets-sent", strconv.FormatUint(g.Sent, 10)), cli.T("packets-total", strconv.FormatUint(g.Total, 10)),
				cli.T("flows", strconv.Itoa(g.Flows)), cli.T("rate", strconv.Itoa(g.Rate)),
				cli.T("elapsed", fmt.Sprintf("%.3f", g.Elapsed.Seconds())))
			if g.Error != "" {
				ge.Add(cli.T("error", g.Error))
			}
			pe.Add(ge)
		}
		e.Add(pe)
	}
	return e
}

func textTraffic(w io.Writer, e *cli.Elem) {
	for _, pe := range e.All("traffic-pic") {
		fmt.Fprintf(w, "Interface: %s\n", pe.Val("interface-name"))
		gens := pe.All("traffic-generator")
		if len(gens) == 0 {
			fmt.Fprintln(w, "  No traffic generators")
			continue
		}
		fmt.Fprintf(w, "  %-3s %-30s %-8s %-24s %-10s %s\n", "ID", "Target", "State", "Packets sent", "Rate", "Elapsed")
		for _, g := range gens {
			sent, _ := strconv.ParseFloat(g.Val("packets-sent"), 64)
			total, _ := strconv.ParseFloat(g.Val("packets-total"), 64)
			pct := 0.0
			if total > 0 {
				pct = sent / total * 100
			}
			rate := g.Val("rate")
			if rate == "0" {
				rate = "max"
			}
			fmt.Fprintf(w, "  %-3s %-30s %-8s %-24s %-10s %ss\n", g.Val("generator-id"), g.Val("target"), g.Val("state"),
				fmt.Sprintf("%s/%s (%.0f%%)", g.Val("packets-sent"), g.Val("packets-total"), pct), rate, g.Val("elapsed"))
			if msg := g.Val("error"); msg != "" {
				fmt.Fprintf(w, "      error: %s\n", msg)
			}
		}
	}
}

func (s *Servicesd) trafficReplay(ctx context.Context, sess *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	name, path, err := s.fileArg(sess, a)
	if err != nil {
		return nil, err
	}
	var out string
	if v, ok := a["capture-file"]; ok {
		if out, err = s.filePath(sess, v, true); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	pkts, err := packetio.ReadCapture(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	size := 0
	for _, p := range pkts {
		size += len(p)
	}
	if len(pkts) > MaxReplayPackets || size > MaxReplayBytes {
		return nil, errkind.Errorf(errkind.Limit, "%s: %d packets, %d bytes: more than a replay takes (%d packets, %d bytes)",
			name, len(pkts), size, MaxReplayPackets, MaxReplayBytes)
	}
	q := &picd.TrafficReq{Op: picd.TrafficReplay, Packets: pkts}
	slots, err := s.trafficTarget(a, q)
	if err != nil {
		return nil, err
	}
	if out != "" { // capture on the PIC that will answer: arm where the target is
		for _, slot := range slots {
			_, _ = s.PICQuery(ctx, slot, &picd.Query{Traffic: &picd.TrafficReq{Op: picd.TrafficCaptureStart}})
		}
	}
	slot, ts, err := s.trafficAsk(ctx, slots, q)
	var captured []packetio.Captured
	if out != "" {
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
	e := cli.E("services-traffic-replay", cli.T("file", name), cli.T("interface-name", serviceIf(slot)),
		cli.T("packets-replayed", strconv.Itoa(ts.Injected)), cli.T("packets-out", strconv.FormatUint(ts.Left, 10)))
	if out != "" {
		if err := writeCapture(out, s.o.Clock.Now(), captured); err != nil {
			return nil, fmt.Errorf("could not write %s: %w", a["capture-file"], err)
		}
		e.Add(cli.T("capture-file", a["capture-file"]), cli.T("packets-captured", strconv.Itoa(len(captured))))
	}
	return e, nil
}

func (s *Servicesd) trafficCapture(ctx context.Context, sess *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	switch {
	case a.Has("start") == a.Has("stop"):
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting start or stop")
	case a.Has("start"):
		q := &picd.TrafficReq{Op: picd.TrafficCaptureStart}
		if v, ok := a["packets"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 1<<20 {
				return nil, errkind.Errorf(errkind.Invalid, "invalid value for packets: %q (expecting 1..%d)", v, 1<<20)
			}
			q.Limit = n
		}
		n := 0
		for _, slot := range s.Slots() {
			if _, err := s.PICQuery(ctx, slot, &picd.Query{Traffic: q}); err == nil {
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("no services PIC is connected")
		}
		return cli.E("services-traffic-capture", cli.T("state", "started"), cli.T("pics", strconv.Itoa(n))), nil
	}
	name, ok := a["file"]
	if !ok {
		return nil, fmt.Errorf("syntax error, expecting file <name>")
	}
	path, err := s.filePath(sess, name, true)
	if err != nil {
		return nil, err
	}
	var all []packetio.Captured
	var missed uint64
	var errs []string
	for _, slot := range s.Slots() {
		_, ts, err := s.trafficAsk(ctx, []pic.Slot{slot}, &picd.TrafficReq{Op: picd.TrafficCaptureStop})
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
		return nil, fmt.Errorf("could not write %s: %w", name, err)
	}
	return cli.E("services-traffic-capture", cli.T("state", "stopped"), cli.T("capture-file", name),
		cli.T("packets-captured", strconv.Itoa(len(all))), cli.T("packets-missed", strconv.FormatUint(missed, 10))), nil
}

// fileArg resolves the file argument (to read) in the file area.
func (s *Servicesd) fileArg(sess *cli.Session, a cli.Args) (name, path string, err error) {
	name, ok := a["file"]
	if !ok {
		return "", "", errkind.Errorf(errkind.Invalid, "syntax error, expecting file <name>")
	}
	path, err = s.filePath(sess, name, false)
	return name, path, err
}

// filePath resolves a file name of the session's user in the file area:
// relative names in their home, writes confined to it for restricted
// classes (cli.UserFilePath).
func (s *Servicesd) filePath(sess *cli.Session, name string, write bool) (string, error) {
	if s.o.DataDir == "" {
		return "", fmt.Errorf("file operations are not available")
	}
	return cli.UserFilePath(s.o.DataDir, sess.User(), sess.FilesRestricted(), name, write)
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
	return cli.WriteFile(path, buf.Bytes())
}

func textReplay(w io.Writer, e *cli.Elem) {
	if e.Name == "services-traffic-capture" {
		if e.Val("state") == "started" {
			fmt.Fprintf(w, "Capture started on %s PIC(s)\n", e.Val("pics"))
			return
		}
		fmt.Fprintf(w, "Capture stopped: %s packets written to %s", e.Val("packets-captured"), e.Val("capture-file"))
		if m := e.Val("packets-missed"); m != "0" {
			fmt.Fprintf(w, " (%s more left past the limit)", m)
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "Replayed %s packets from %s on %s; %s packets left the PIC\n", e.Val("packets-replayed"),
		e.Val("file"), e.Val("interface-name"), e.Val("packets-out"))
	if f := e.Val("capture-file"); f != "" {
		fmt.Fprintf(w, "Wrote %s packets to %s\n", e.Val("packets-captured"), f)
	}
}
