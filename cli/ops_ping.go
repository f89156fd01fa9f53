package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/probe"
)

// ping and traceroute probe from the router itself: in live mode from
// the namespace the interface manager programs (raw sockets opened
// there, package probe), so they see what the router's interfaces and
// routes reach. Without the live data plane gnos has no network of its
// own and says so.
//
// Junos pings until Ctrl-C; gnos sends DefaultPingCount probes unless
// told a count, so that scripts and RPCs cannot hang. On a terminal the
// replies show as they come (Pipeline.progress) and Ctrl-C ends the
// line's context, which stops the probes.

// DefaultPingCount is how many probes ping sends without count.
const DefaultPingCount = 5

// MaxPingCount bounds count: a command holds its session until it ends.
const MaxPingCount = 10000

func pingCommands() []*Command {
	common := []Arg{
		{Name: "host", Positional: true, Help: "Hostname or IP address of remote host"},
		{Name: "source", Value: true, Help: "Source address of echo request"},
		{Name: "interface", Value: true, Help: "Name of interface to send packets out of"},
		{Name: "routing-instance", Value: true, Help: "Name of routing instance for ping attempt"},
		{Name: "inet", Help: "Force ping to IPv4 destination"},
		{Name: "inet6", Help: "Force ping to IPv6 destination"},
		{Name: "wait", Value: true, Help: "Delay after sending last packet (seconds)"},
		{Name: "no-resolve", Help: "Don't attempt to print addresses symbolically"},
	}
	return []*Command{
		{Words: []string{"ping"}, RPC: "ping", Help: "Ping remote target",
			Args: append(append([]Arg{}, common...),
				Arg{Name: "count", Value: true, Help: fmt.Sprintf("Number of ping requests to send (1..%d, default %d)", MaxPingCount, DefaultPingCount)},
				Arg{Name: "rapid", Help: "Send requests rapidly (default count of 5)"},
				Arg{Name: "size", Value: true, Help: "Size of request packets (0..65468 bytes)"},
				Arg{Name: "do-not-fragment", Help: "Don't fragment echo request packets"},
				Arg{Name: "interval", Value: true, Help: "Delay between ping requests (seconds)"},
				Arg{Name: "ttl", Value: true, Help: "IP time-to-live value (IPv6 hop-limit value) (hops)"}),
			Run: runPing, Text: textPing},
		{Words: []string{"traceroute"}, RPC: "traceroute", Help: "Trace route to remote host",
			Args: append(append([]Arg{}, common...),
				Arg{Name: "ttl", Value: true, Help: "Maximum IP time-to-live value (IPv6 hop-limit value) (hops)"}),
			Run: runTraceroute, Text: textTraceroute},
	}
}

// target resolves ping's host in the family asked for.
func target(ctx context.Context, a Args) (netip.Addr, error) {
	host := a["host"]
	if host == "" {
		return netip.Addr{}, fmt.Errorf("missing argument: host")
	}
	if a.Has("inet") && a.Has("inet6") {
		return netip.Addr{}, fmt.Errorf("inet and inet6 are mutually exclusive")
	}
	network := "ip"
	switch {
	case a.Has("inet"):
		network = "ip4"
	case a.Has("inet6"):
		network = "ip6"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		addrs, lerr := net.DefaultResolver.LookupNetIP(rctx, network, host)
		if lerr != nil || len(addrs) == 0 {
			return netip.Addr{}, fmt.Errorf("cannot resolve hostname %s", host)
		}
		addr = addrs[0]
	}
	addr = addr.Unmap()
	if network == "ip4" && !addr.Is4() || network == "ip6" && !addr.Is6() {
		return netip.Addr{}, fmt.Errorf("%s is not an %s address", host, map[string]string{"ip4": "IPv4", "ip6": "IPv6"}[network])
	}
	return addr, nil
}

// intArg reads a bounded integer argument.
func intArg(a Args, name string, def, lo, hi int) (int, error) {
	v, ok := a[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("invalid %s %q: want %d..%d", name, v, lo, hi)
	}
	return n, nil
}

// secondsArg reads a duration in (decimal) seconds.
func secondsArg(a Args, name string, def time.Duration, lo, hi float64) (time.Duration, error) {
	v, ok := a[name]
	if !ok {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi || math.IsNaN(f) {
		return 0, fmt.Errorf("invalid %s %q: want %g..%g seconds", name, v, lo, hi)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// socket reads the socket arguments and opens the probe sockets in the
// router's namespace.
func (s *Session) socket(a Args, dst netip.Addr, trace bool, ttl int) (*probe.Conn, probe.Socket, error) {
	so := probe.Socket{V6: dst.Is6(), DontFragment: a.Has("do-not-fragment"), TTL: ttl}

	if src, ok := a["source"]; ok {
		p, err := netip.ParseAddr(src)
		if err != nil || p.Is6() != dst.Is6() {
			return nil, so, fmt.Errorf("invalid source address %q", src)
		}
		so.Source = p
	}
	if ri, ok := a["routing-instance"]; ok {
		// routing instances are Linux VRFs named after the instance
		if s.eng.Configd.Active().ActiveChild("routing-instances").ChildNamed("instance", ri) == nil {
			return nil, so, fmt.Errorf("routing instance %s does not exist", ri)
		}
		so.Device = ri
	}
	if s.eng.Net == nil {
		what := "ping"
		if trace {
			what = "traceroute"
		}
		return nil, so, errNotLive(what)
	}
	if ifn, ok := a["interface"]; ok {
		st, live := s.eng.link(ifn)
		if !live {
			return nil, so, fmt.Errorf("interface %s does not exist", ifn)
		}
		so.Device = st.Linux
	}
	var c *probe.Conn
	err := s.eng.Net.InNamespace(func() (err error) {
		if trace {
			c, err = probe.ListenTrace(so)
		} else {
			c, err = probe.Listen(so)
		}
		if err == nil && !so.Source.IsValid() {
			so.Source = routeSource(dst, so.Device)
		}
		return err
	})
	if err != nil {
		return nil, so, err
	}
	return c, so, nil
}

// routeSource is the address the kernel would send to dst from (called
// in the router's namespace); invalid when there is no route.
func routeSource(dst netip.Addr, device string) netip.Addr {
	d := net.Dialer{}
	if device != "" { // an interface or a routing instance's VRF device
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			if err := rc.Control(func(fd uintptr) { serr = unix.BindToDevice(int(fd), device) }); err != nil {
				return err
			}
			return serr
		}
	}
	c, err := d.Dial("udp", netip.AddrPortFrom(dst, 9).String())
	if err != nil {
		return netip.Addr{}
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap()
}

func runPing(ctx context.Context, s *Session, a Args, pl *Pipeline, _ io.Writer) (*Elem, error) {
	dst, err := target(ctx, a)
	if err != nil {
		return nil, err
	}
	o := probe.PingOptions{Target: dst}
	if o.Count, err = intArg(a, "count", DefaultPingCount, 1, MaxPingCount); err != nil {
		return nil, err
	}
	if o.Size, err = intArg(a, "size", 56, 0, 65468); err != nil {
		return nil, err
	}
	ttl, err := intArg(a, "ttl", 0, 1, 255)
	if err != nil {
		return nil, err
	}
	interval := time.Second
	if a.Has("rapid") {
		interval = 0
	}
	if o.Interval, err = secondsArg(a, "interval", interval, 0, 10000); err != nil {
		return nil, err
	}
	if o.Wait, err = secondsArg(a, "wait", 10*time.Second, 0.001, 30); err != nil {
		return nil, err
	}
	if !a.Has("wait") && o.Interval > 0 {
		o.Wait = min(o.Wait, max(o.Interval, time.Second))
	} else if !a.Has("wait") {
		o.Wait = time.Second
	}
	c, so, err := s.socket(a, dst, false, ttl)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	e := E("ping-results", T("target-host", a["host"]), T("target-ip", dst.String()))
	if so.Source.IsValid() {
		e.Add(T("source-ip", so.Source.String()))
	}
	e.Add(T("packet-size", strconv.Itoa(o.Size)))
	if a.Has("rapid") {
		e.Add(T("rapid", ""))
	}
	live := pl.progress // a terminal shows each reply as it comes
	if live != nil {
		pingHeader(live, e)
	}
	var rtts []time.Duration
	sent := 0
	err = c.Ping(ctx, o, func(p probe.Echo) {
		sent++
		r := E("probe-result", T("probe-index", strconv.Itoa(p.Seq+1)))
		switch {
		case p.OK:
			rtts = append(rtts, p.RTT)
			r.Add(T("probe-success", ""), T("sequence-number", strconv.Itoa(p.Seq)), T("ip-address", p.From.String()),
				T("time-to-live", strconv.Itoa(p.TTL)), T("response-size", strconv.Itoa(p.Bytes)),
				T("rtt", strconv.FormatInt(p.RTT.Microseconds(), 10)))
		case p.Error != "":
			r.Add(T("sequence-number", strconv.Itoa(p.Seq)))
			if p.From.IsValid() {
				r.Add(T("ip-address", p.From.String()))
			}
			r.Add(T("probe-failure", p.Error))
		default:
			r.Add(T("sequence-number", strconv.Itoa(p.Seq)), T("probe-timeout", ""))
		}
		e.Add(r)
		if live != nil {
			pingProbe(live, e, r)
		}
	})
	if err != nil {
		return nil, err
	}
	sum := E("probe-results-summary", T("probes-sent", strconv.Itoa(sent)),
		T("responses-received", strconv.Itoa(len(rtts))), T("packet-loss", strconv.Itoa(loss(sent, len(rtts)))))
	if len(rtts) > 0 {
		mn, av, mx, sd := rttStats(rtts)
		us := func(d time.Duration) string { return strconv.FormatInt(d.Microseconds(), 10) }
		sum.Add(T("rtt-minimum", us(mn)), T("rtt-maximum", us(mx)), T("rtt-average", us(av)), T("rtt-stddev", us(sd)))
	}
	e.Add(sum)
	if len(rtts) > 0 {
		e.Add(T("ping-success", ""))
	}
	if live != nil {
		pingSummary(live, e)
		return nil, nil // shown already
	}
	return e, nil
}

func loss(sent, got int) int {
	if sent == 0 {
		return 0
	}
	return (sent - got) * 100 / sent
}

func rttStats(rtts []time.Duration) (mn, avg, mx, sd time.Duration) {
	mn, mx = rtts[0], rtts[0]
	var sum, sq float64
	for _, r := range rtts {
		mn, mx = min(mn, r), max(mx, r)
		f := float64(r)
		sum += f
		sq += f * f
	}
	n := float64(len(rtts))
	mean := sum / n
	return mn, time.Duration(mean), mx, time.Duration(math.Sqrt(math.Max(sq/n-mean*mean, 0)))
}

// ms renders microseconds as ping's milliseconds with three decimals.
func ms(us string) string {
	v, _ := strconv.ParseInt(us, 10, 64)
	return fmt.Sprintf("%d.%03d", v/1000, v%1000)
}

// textPing is BSD ping's layout, which Junos prints (ping6's for IPv6).
func textPing(w io.Writer, e *Elem) {
	pingHeader(w, e)
	for _, r := range e.All("probe-result") {
		pingProbe(w, e, r)
	}
	pingSummary(w, e)
}

func pingHeader(w io.Writer, e *Elem) {
	dst := e.Val("target-ip")
	size, _ := strconv.Atoi(e.Val("packet-size"))
	if strings.Contains(dst, ":") {
		fmt.Fprintf(w, "PING6(%d=40+8+%d bytes) %s --> %s\n", 48+size, size, e.Val("source-ip"), dst)
	} else {
		fmt.Fprintf(w, "PING %s (%s): %d data bytes\n", e.Val("target-host"), dst, size)
	}
}

// pingProbe is one probe's line (rapid: its mark).
func pingProbe(w io.Writer, e, r *Elem) {
	v6 := strings.Contains(e.Val("target-ip"), ":")
	ok, seq := r.Get("probe-success") != nil, r.Val("sequence-number")
	switch {
	case e.Get("rapid") != nil && ok:
		fmt.Fprint(w, "!")
	case e.Get("rapid") != nil:
		fmt.Fprint(w, ".")
	case ok && v6:
		fmt.Fprintf(w, "%s bytes from %s, icmp_seq=%s hlim=%s time=%s ms\n", r.Val("response-size"), r.Val("ip-address"), seq, r.Val("time-to-live"), ms(r.Val("rtt")))
	case ok:
		fmt.Fprintf(w, "%s bytes from %s: icmp_seq=%s ttl=%s time=%s ms\n", r.Val("response-size"), r.Val("ip-address"), seq, r.Val("time-to-live"), ms(r.Val("rtt")))
	case r.Val("probe-failure") != "" && r.Val("ip-address") != "":
		fmt.Fprintf(w, "From %s icmp_seq=%s %s\n", r.Val("ip-address"), seq, r.Val("probe-failure"))
	case r.Val("probe-failure") != "":
		fmt.Fprintf(w, "ping: %s\n", capitalize(r.Val("probe-failure")))
	default:
		fmt.Fprintf(w, "Request timeout for icmp_seq %s\n", seq)
	}
}

func pingSummary(w io.Writer, e *Elem) {
	if e.Get("rapid") != nil {
		fmt.Fprintln(w)
	}
	v6 := strings.Contains(e.Val("target-ip"), ":")
	host := e.Val("target-host")
	sum := e.Get("probe-results-summary")
	if v6 {
		fmt.Fprintf(w, "\n--- %s ping6 statistics ---\n", host)
		fmt.Fprintf(w, "%s packets transmitted, %s packets received, %s.0%% packet loss\n", sum.Val("probes-sent"), sum.Val("responses-received"), sum.Val("packet-loss"))
	} else {
		fmt.Fprintf(w, "\n--- %s ping statistics ---\n", host)
		fmt.Fprintf(w, "%s packets transmitted, %s packets received, %s%% packet loss\n", sum.Val("probes-sent"), sum.Val("responses-received"), sum.Val("packet-loss"))
	}
	if sum.Val("rtt-minimum") != "" {
		label := "stddev"
		if v6 {
			label = "std-dev"
		}
		fmt.Fprintf(w, "round-trip min/avg/max/%s = %s/%s/%s/%s ms\n", label, ms(sum.Val("rtt-minimum")), ms(sum.Val("rtt-average")),
			ms(sum.Val("rtt-maximum")), ms(sum.Val("rtt-stddev")))
	}
}

// capitalize spells an error as BSD tools print it: "sendto: No route to host".
func capitalize(msg string) string {
	op, rest, ok := strings.Cut(msg, ": ")
	if !ok {
		return msg
	}
	return op + ": " + strings.ToUpper(rest[:min(1, len(rest))]) + rest[min(1, len(rest)):]
}
