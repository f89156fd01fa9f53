package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/internal/probe"
)

// Traceroute's probes: three per hop, UDP to ports from 33434 up, as BSD
// traceroute (which Junos runs) sends them.
const (
	traceProbes = 3
	traceData   = 12 // UDP payload bytes: 40-byte IPv4 packets
)

func runTraceroute(ctx context.Context, s *Session, a Args, pl *Pipeline, _ io.Writer) (*Elem, error) {
	dst, err := target(ctx, a)
	if err != nil {
		return nil, err
	}
	o := probe.TraceOptions{Target: dst, Probes: traceProbes, Size: traceData, Port: 33434}
	def := 30
	if dst.Is6() {
		def = 64
	}
	if o.MaxHops, err = intArg(a, "ttl", def, 1, 255); err != nil {
		return nil, err
	}
	if o.Wait, err = secondsArg(a, "wait", 5*time.Second, 0.001, 86400); err != nil {
		return nil, err
	}
	c, so, err := s.socket(a, dst, true, 0)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	hdr := 20
	if dst.Is6() {
		hdr = 40
	}
	e := E("traceroute-results", T("target-host", a["host"]), T("target-ip", dst.String()))
	if so.Source.IsValid() {
		e.Add(T("source-ip", so.Source.String()))
	}
	e.Add(T("max-hops", strconv.Itoa(o.MaxHops)), T("packet-size", strconv.Itoa(hdr+8+traceData)))
	if a.Has("no-resolve") {
		e.Add(T("no-resolve", ""))
	}
	live := pl.progress // a terminal shows each probe as it comes
	if live != nil {
		traceHeader(live, e)
	}
	var hop *Elem
	err = c.Trace(ctx, o, func(h probe.Hop) {
		if hop == nil || hop.Val("ttl-value") != strconv.Itoa(h.TTL) {
			if hop != nil && live != nil {
				fmt.Fprintln(live)
			}
			hop = E("hop", T("ttl-value", strconv.Itoa(h.TTL)))
			e.Add(hop)
		}
		r := E("probe-result", T("probe-index", strconv.Itoa(h.Probe+1)))
		if h.OK {
			r.Add(T("ip-address", h.From.String()), T("rtt", strconv.FormatInt(h.RTT.Microseconds(), 10)))
			if h.Note != "" {
				r.Add(T("probe-failure", h.Note))
			}
		} else {
			r.Add(T("probe-timeout", ""))
		}
		hop.Add(r)
		if live != nil {
			traceProbe(live, e, hop, len(hop.All("probe-result"))-1, r)
		}
	})
	if live != nil && hop != nil {
		fmt.Fprintln(live)
	}
	if err != nil {
		return nil, err
	}
	if live != nil {
		return nil, nil // shown already
	}
	return e, nil
}

// textTraceroute is BSD traceroute's layout: a hop per line, each probe's
// time, an address where it changes, * for a probe without answer. gnos
// does not resolve names (a show command must not hang on DNS), so an
// address is printed as traceroute prints one it cannot resolve.
func textTraceroute(w io.Writer, e *Elem) {
	traceHeader(w, e)
	for _, h := range e.All("hop") {
		for i, r := range h.All("probe-result") {
			traceProbe(w, e, h, i, r)
		}
		fmt.Fprintln(w)
	}
}

func traceHeader(w io.Writer, e *Elem) {
	dst := e.Val("target-ip")
	if strings.Contains(dst, ":") {
		fmt.Fprintf(w, "traceroute6 to %s (%s) from %s, %s hops max, %s byte packets\n", e.Val("target-host"), dst,
			e.Val("source-ip"), e.Val("max-hops"), e.Val("packet-size"))
	} else {
		fmt.Fprintf(w, "traceroute to %s (%s), %s hops max, %s byte packets\n", e.Val("target-host"), dst, e.Val("max-hops"), e.Val("packet-size"))
	}
}

// traceProbe prints probe i of hop h: the hop number first, the address
// when it differs from the previous probe's.
func traceProbe(w io.Writer, e, h *Elem, i int, r *Elem) {
	probes := h.All("probe-result")
	if i == 0 {
		ttl, _ := strconv.Atoi(h.Val("ttl-value"))
		fmt.Fprintf(w, "%2d ", ttl)
	}
	if r.Get("probe-timeout") != nil {
		fmt.Fprint(w, " *")
		return
	}
	last := ""
	for j := i - 1; j >= 0; j-- {
		if ip := probes[j].Val("ip-address"); ip != "" {
			last = ip
			break
		}
	}
	if ip := r.Val("ip-address"); ip != last {
		if e.Get("no-resolve") != nil {
			fmt.Fprintf(w, " %s", ip)
		} else {
			fmt.Fprintf(w, " %s (%s)", ip, ip)
		}
	}
	fmt.Fprintf(w, "  %s ms", ms(r.Val("rtt")))
	if n := r.Val("probe-failure"); n != "" {
		fmt.Fprintf(w, " %s", n)
	}
}
