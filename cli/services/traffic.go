package services

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// Traffic commands: the PICs' in-process packet sources driven from the
// CLI. `request services traffic generate` starts a generator on the PIC
// serving the target and returns at once; `show services traffic` shows
// progress; `… stop` stops. `… replay` injects a pcap or pcapng file from
// the file area and can capture what leaves into another; `… capture
// start|stop` captures what leaves every PIC meanwhile.

func (c *commands) trafficCommands(t *cli.Table) {
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
			Run: c.trafficGenerate, Text: textTraffic},
		&cli.Command{Words: []string{"request", "services", "traffic", "stop"}, RPC: "request-services-traffic-stop",
			Help: "Stop traffic generators",
			Args: []cli.Arg{{Name: "id", Value: true, Help: "Generator to stop (default: all)"}},
			Run:  c.trafficStop, Text: textTraffic},
		&cli.Command{Words: []string{"show", "services", "traffic"}, RPC: "get-services-traffic-information",
			Help: "Show traffic generators and their progress",
			Run: func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
				return c.trafficAll(ctx, picd.TrafficReq{Op: picd.TrafficShow})
			},
			Text: textTraffic},
		&cli.Command{Words: []string{"request", "services", "traffic", "replay"}, RPC: "request-services-traffic-replay",
			Help: "Replay a pcap or pcapng file into a service-set or an interface",
			Args: append([]cli.Arg{{Name: "file", Value: true, Help: "Capture file to replay (in the file area)"}},
				append(target, cli.Arg{Name: "capture-file", Value: true, Help: "Write what leaves to this pcap file"})...),
			Run: c.trafficReplay, Text: textReplay},
		&cli.Command{Words: []string{"request", "services", "traffic", "capture"}, RPC: "request-services-traffic-capture",
			Help: "Capture what leaves the services PICs",
			Args: []cli.Arg{{Name: "start", Help: "Start capturing"},
				{Name: "stop", Help: "Stop capturing and write the file"},
				{Name: "packets", Value: true, Help: "Packets to keep per PIC (default 65536)"},
				{Name: "file", Value: true, Help: "pcap file to write (with stop)"}},
			Run: c.trafficCapture, Text: textReplay},
	)
}

// target reads the target arguments.
func target(a cli.Args) servicesd.Target {
	return servicesd.Target{ServiceSet: a["service-set"], Interface: a["interface"], Direction: a["direction"]}
}

func (c *commands) trafficGenerate(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	g, err := genSpec(a)
	if err != nil {
		return nil, err
	}
	tp, err := c.b.TrafficGenerate(ctx, target(a), *g)
	if err != nil {
		return nil, err
	}
	return trafficElem([]servicesd.TrafficPIC{*tp}), nil
}

// genSpec reads a generator's arguments over the defaults.
func genSpec(a cli.Args) (*picd.GenSpec, error) {
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
	return g, nil
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

func (c *commands) trafficStop(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	q := picd.TrafficReq{Op: picd.TrafficStop}
	if v, ok := a["id"]; ok {
		id, err := strconv.Atoi(v)
		if err != nil || id <= 0 {
			return nil, errkind.Errorf(errkind.Invalid, "invalid value for id: %q", v)
		}
		q.ID = id
	}
	return c.trafficAll(ctx, q)
}

// trafficAll sends a request to every connected PIC and lists their
// generators.
func (c *commands) trafficAll(ctx context.Context, q picd.TrafficReq) (*cli.Elem, error) {
	tps, err := c.b.Traffic(ctx, q)
	if err != nil {
		return nil, err
	}
	return trafficElem(tps), nil
}

func trafficElem(tps []servicesd.TrafficPIC) *cli.Elem {
	e := cli.E("services-traffic-information")
	for _, tp := range tps {
		pe := cli.E("traffic-pic", cli.T("interface-name", serviceIf(tp.Slot)))
		for _, g := range tp.Status.Generators {
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

func (c *commands) trafficReplay(ctx context.Context, sess *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	name, ok := a["file"]
	if !ok {
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting file <name>")
	}
	r := servicesd.ReplayReq{Target: target(a), File: name}
	var err error
	if r.Path, err = c.filePath(sess, name, false); err != nil {
		return nil, err
	}
	if v, ok := a["capture-file"]; ok {
		r.CaptureFile = v
		if r.CapturePath, err = c.filePath(sess, v, true); err != nil {
			return nil, err
		}
	}
	res, err := c.b.TrafficReplay(ctx, r)
	if err != nil {
		return nil, err
	}
	e := cli.E("services-traffic-replay", cli.T("file", name), cli.T("interface-name", serviceIf(res.Slot)),
		cli.T("packets-replayed", strconv.Itoa(res.Injected)), cli.T("packets-out", strconv.FormatUint(res.Left, 10)))
	if r.CapturePath != "" {
		e.Add(cli.T("capture-file", r.CaptureFile), cli.T("packets-captured", strconv.Itoa(res.Captured)))
	}
	e.Add(cli.T("frames", strconv.Itoa(res.Frames)))
	for _, sk := range res.Skipped {
		nums := make([]string, len(sk.Frames))
		for i, n := range sk.Frames {
			nums[i] = strconv.Itoa(n)
		}
		e.Add(cli.E("skipped-frames", cli.T("reason", sk.Reason), cli.T("count", strconv.Itoa(sk.Count)),
			cli.T("frame-numbers", strings.Join(nums, " "))))
	}
	return e, nil
}

func (c *commands) trafficCapture(ctx context.Context, sess *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	switch {
	case a.Has("start") == a.Has("stop"):
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting start or stop")
	case a.Has("start"):
		limit := 0
		if v, ok := a["packets"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 1<<20 {
				return nil, errkind.Errorf(errkind.Invalid, "invalid value for packets: %q (expecting 1..%d)", v, 1<<20)
			}
			limit = n
		}
		n, err := c.b.CaptureStart(ctx, limit)
		if err != nil {
			return nil, err
		}
		return cli.E("services-traffic-capture", cli.T("state", "started"), cli.T("pics", strconv.Itoa(n))), nil
	}
	name, ok := a["file"]
	if !ok {
		return nil, fmt.Errorf("syntax error, expecting file <name>")
	}
	path, err := c.filePath(sess, name, true)
	if err != nil {
		return nil, err
	}
	res, err := c.b.CaptureStop(ctx, name, path)
	if err != nil {
		return nil, err
	}
	return cli.E("services-traffic-capture", cli.T("state", "stopped"), cli.T("capture-file", name),
		cli.T("packets-captured", strconv.Itoa(res.Packets)), cli.T("packets-missed", strconv.FormatUint(res.Missed, 10))), nil
}

// filePath resolves a file name of the session's user in the file area:
// relative names in their home, writes confined to it for restricted
// classes (cli.UserFilePath).
func (c *commands) filePath(sess *cli.Session, name string, write bool) (string, error) {
	if c.dataDir == "" {
		return "", fmt.Errorf("file operations are not available")
	}
	return cli.UserFilePath(c.dataDir, sess.User(), sess.FilesRestricted(), name, write)
}
