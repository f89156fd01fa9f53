package services

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
)

// The text renderings of the traffic commands.

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
	for _, sk := range e.All("skipped-frames") {
		more := ""
		if n, _ := strconv.Atoi(sk.Val("count")); n > len(strings.Fields(sk.Val("frame-numbers"))) {
			more = ", ..."
		}
		fmt.Fprintf(w, "Skipped %s frames: %s (frames %s%s)\n", sk.Val("count"), sk.Val("reason"),
			strings.Join(strings.Fields(sk.Val("frame-numbers")), ", "), more)
	}
}
