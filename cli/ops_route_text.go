package cli

import (
	"fmt"
	"io"
	"strings"
)

// Text layouts of show route, after Junos': a table header, the legend,
// then one block per destination (brief), one line per route (terse), or
// the route's attributes (detail, extensive).

func tableHeader(t *Elem) string {
	return fmt.Sprintf("%s: %s destinations, %s routes (%s active, %s holddown, %s hidden)", t.Val("table-name"),
		t.Val("destination-count"), t.Val("total-route-count"), t.Val("active-route-count"),
		t.Val("holddown-route-count"), t.Val("hidden-route-count"))
}

func textRoute(w io.Writer, e *Elem) {
	for _, t := range e.All("route-table") {
		rts := t.All("rt")
		style := "brief"
		if len(rts) > 0 {
			style = rts[0].Attrs[0].Value
		}
		fmt.Fprintf(w, "\n%s\n", tableHeader(t))
		switch style {
		case "terse":
			fmt.Fprintln(w, "+ = Active Route, - = Last Active, * = Both")
			fmt.Fprintln(w)
			fmt.Fprintf(w, "A V %-18s P Prf%11s%11s  %-16s%s\n", "Destination", "Metric 1", "Metric 2", "Next hop", "AS path")
			for _, rt := range rts {
				textRouteTerse(w, rt)
			}
		case "detail", "extensive":
			for _, rt := range rts {
				textRouteDetail(w, rt, style == "extensive")
			}
		default:
			fmt.Fprintln(w, "+ = Active Route, - = Last Active, * = Both")
			fmt.Fprintln(w)
			for _, rt := range rts {
				textRouteBrief(w, rt)
			}
		}
	}
}

func activeTag(en *Elem) string {
	if t := en.Val("active-tag"); t != "" {
		return t
	}
	return " "
}

// textRouteBrief: `10.0.0.0/24        *[Direct/0] 00:10:00` then the next
// hops, `>` marking the selected one.
func textRouteBrief(w io.Writer, rt *Elem) {
	dest := rt.Val("rt-destination")
	for i, en := range rt.All("rt-entry") {
		if i > 0 {
			dest = ""
		}
		fmt.Fprintf(w, "%-18s %s[%s/%s] %s\n", dest, activeTag(en), en.Val("protocol-name"), en.Val("preference"), en.Val("age"))
		for _, nh := range en.All("nh") {
			fmt.Fprintf(w, "%20s%s\n", "", nextHopText(nh))
		}
	}
}

func nextHopText(nh *Elem) string {
	switch nh.Val("nh-type") {
	case "Discard", "Reject":
		return "   " + nh.Val("nh-type")
	case "Local":
		return "   Local via " + nh.Val("nh-local-interface")
	}
	sel := " "
	if nh.Get("selected-next-hop") != nil {
		sel = ">"
	}
	var parts []string
	if to := nh.Val("to"); to != "" {
		parts = append(parts, "to "+to)
	}
	if via := nh.Val("via"); via != "" {
		parts = append(parts, "via "+via)
	}
	return sel + "  " + strings.Join(parts, " ")
}

// textRouteTerse: one line per route in the columns of the header.
func textRouteTerse(w io.Writer, rt *Elem) {
	dest := rt.Val("rt-destination")
	for i, en := range rt.All("rt-entry") {
		if i > 0 {
			dest = ""
		}
		nhs := en.All("nh")
		hop := ""
		if len(nhs) > 0 {
			hop = terseHop(nhs[0])
		}
		line := fmt.Sprintf("%s ? %-18s %s %3s%11s%11s %s", activeTag(en), dest, en.Val("protocol-name")[:1],
			en.Val("preference"), "", "", hop)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
		for _, nh := range nhs[min(1, len(nhs)):] {
			fmt.Fprintf(w, "%50s %s\n", "", terseHop(nh))
		}
	}
}

func terseHop(nh *Elem) string {
	switch nh.Val("nh-type") {
	case "Discard", "Reject":
		return " " + nh.Val("nh-type")
	case "Local":
		return " Local"
	}
	sel := " "
	if nh.Get("selected-next-hop") != nil {
		sel = ">"
	}
	if to := nh.Val("to"); to != "" {
		return sel + to
	}
	return sel + nh.Val("via")
}

// textRouteDetail: the route's entries with their attributes.
func textRouteDetail(w io.Writer, rt *Elem, extensive bool) {
	ens := rt.All("rt-entry")
	announced := 0
	for _, en := range ens {
		if en.Get("current-active") != nil {
			announced++
		}
	}
	entries := "entries"
	if len(ens) == 1 {
		entries = "entry"
	}
	fmt.Fprintf(w, "%s (%d %s, %d announced)\n", rt.Val("rt-destination"), len(ens), entries, announced)
	for _, en := range ens {
		proto := en.Val("protocol-name")
		if extensive && en.Get("current-active") != nil {
			var via []string
			for _, nh := range en.All("nh") {
				via = append(via, nh.Val("via")+nh.Val("nh-local-interface"))
			}
			fmt.Fprintf(w, "TSI:\nKRT in-kernel %s -> {%s}\n", rt.Val("rt-destination"), strings.Join(via, ", "))
		}
		fmt.Fprintf(w, "        %s%s Preference: %s\n", strings.TrimSpace(activeTag(en)), proto, en.Val("preference"))
		pad := strings.Repeat(" ", 16)
		for _, nh := range en.All("nh") {
			switch nh.Val("nh-type") {
			case "Discard", "Reject":
				fmt.Fprintf(w, "%sNext hop type: %s\n", pad, nh.Val("nh-type"))
			case "Local":
				fmt.Fprintf(w, "%sNext hop type: Local\n", pad)
				fmt.Fprintf(w, "%sInterface: %s\n", pad, nh.Val("nh-local-interface"))
			default:
				typ, hop := "Interface", "via "+nh.Val("via")
				if to := nh.Val("to"); to != "" {
					typ, hop = "Router", to+" "+hop
				}
				sel := ""
				if nh.Get("selected-next-hop") != nil {
					sel = ", selected"
				}
				fmt.Fprintf(w, "%sNext hop type: %s\n", pad, typ)
				fmt.Fprintf(w, "%sNext hop: %s%s\n", pad, hop, sel)
			}
		}
		state, task := "<Int>", "IF"
		if proto == "Static" || proto == "Kernel" {
			state, task = "<Int Ext>", "RT"
		}
		if en.Get("current-active") != nil {
			state = "<Active " + state[1:]
		} else {
			state = "<NotBest " + state[1:]
		}
		fmt.Fprintf(w, "%sState: %s\n", pad, state)
		fmt.Fprintf(w, "%sAge: %s\n", pad, en.Val("age"))
		fmt.Fprintf(w, "%sTask: %s\n", pad, task)
		if en.Get("current-active") != nil {
			fmt.Fprintf(w, "%sAnnouncement bits (1): 0-KRT\n", pad)
		}
		fmt.Fprintf(w, "%sAS path: I\n", pad)
	}
	fmt.Fprintln(w)
}

// textRouteSummary is show route summary's layout.
func textRouteSummary(w io.Writer, e *Elem) {
	if as := e.Val("as-number"); as != "" {
		fmt.Fprintf(w, "Autonomous system number: %s\n", as)
	}
	if id := e.Val("router-id"); id != "" {
		fmt.Fprintf(w, "Router ID: %s\n", id)
	}
	for _, t := range e.All("route-table") {
		fmt.Fprintf(w, "\n%s\n", tableHeader(t))
		for _, p := range t.All("protocols") {
			fmt.Fprintf(w, "%20s: %6s routes, %6s active\n", p.Val("protocol-name"), p.Val("protocol-route-count"), p.Val("active-route-count"))
		}
	}
}
