package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gnos/gnos/rib"
)

func routeCommands() []*Command {
	levels := []Arg{{Name: "terse", Help: "Display terse output"}, {Name: "brief", Help: "Display brief output"},
		{Name: "detail", Help: "Display detailed output"}, {Name: "extensive", Help: "Display extensive output"}}
	return []*Command{
		{Words: []string{"show", "route"}, RPC: "get-route-information",
			Help: "Show routing table information",
			Args: append([]Arg{
				{Name: "destination", Positional: true, Help: "IP address and optional prefix length of destination"},
				{Name: "exact", Help: "Show exact route match only"},
				{Name: "longer", Help: "Show routes more specific than destination"},
				{Name: "table", Value: true, Help: "Name of the routing table (inet.0, inet6.0, NAME.inet.0 of a routing instance, or a prefix of them)"},
				{Name: "protocol", Value: true, Help: "Protocol from which the route was learned (direct, local, static, kernel)"},
				{Name: "hidden", Help: "Show only hidden routes"},
			}, levels...),
			Run: showRoute, Text: textRoute},
		{Words: []string{"show", "route", "summary"}, RPC: "get-route-summary-information",
			Help: "Show routing table summary information",
			Args: []Arg{{Name: "table", Value: true, Help: "Name of the routing table"}},
			Run:  showRouteSummary, Text: textRouteSummary},
		{Words: []string{"show", "route", "forwarding-table"}, RPC: "get-forwarding-table-information",
			Help: "Show forwarding table information",
			Args: []Arg{{Name: "destination", Positional: true, Help: "IP address and optional prefix length of destination"},
				{Name: "family", Value: true, Help: "Protocol family (inet, inet6)"}},
			Run: showForwarding, Text: textForwarding},
	}
}

// routes computes the RIB: the committed configuration's routes, and in
// live mode the kernel's, selected and stamped with their ages.
func (e *Engine) routes(ctx context.Context) ([]rib.Route, error) {
	routes := rib.FromConfig(e.Configd.Active())
	if e.Net != nil {
		k, err := e.Net.Routes(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the kernel's routes: %w", err)
		}
		routes = rib.Merge(routes, k)
	}
	rib.Select(routes)
	hist, err := e.Configd.History()
	if err != nil {
		hist = nil // no ages from history: routes are learned now
	}
	e.ribAges.Stamp(routes, e.Configd.Clock().Now(), func(n int) ([]rib.Route, time.Time, bool) {
		if n >= len(hist) {
			return nil, time.Time{}, false
		}
		root := e.Configd.Active()
		if n > 0 {
			old, _, err := e.Configd.Revision(n)
			if err != nil {
				return nil, time.Time{}, false
			}
			root = old
		}
		return rib.FromConfig(root), hist[n].Time, true
	})
	return routes, nil
}

// routeQuery reads show route's arguments.
func routeQuery(a Args) (rib.Query, error) {
	q := rib.Query{Table: a["table"], Protocol: a["protocol"], Hidden: a.Has("hidden")}
	if d := a["destination"]; d != "" {
		p, err := rib.ParseDest(d)
		if err != nil {
			return q, err
		}
		q.Dest = p
	}
	switch {
	case a.Has("exact") && a.Has("longer"):
		return q, fmt.Errorf("exact and longer are mutually exclusive")
	case (a.Has("exact") || a.Has("longer")) && !q.Dest.IsValid():
		return q, fmt.Errorf("exact and longer need a destination")
	case a.Has("exact"):
		q.Match = rib.Exact
	case a.Has("longer"):
		q.Match = rib.Longer
	}
	if q.Protocol != "" && !rib.ValidProtocol(q.Protocol) {
		return q, fmt.Errorf("invalid protocol %q: gnos has direct, local, static and kernel routes", q.Protocol)
	}
	return q, nil
}

func routeStyle(a Args) string {
	for _, s := range []string{"terse", "detail", "extensive"} {
		if a.Has(s) {
			return s
		}
	}
	return "brief"
}

func showRoute(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	q, err := routeQuery(a)
	if err != nil {
		return nil, err
	}
	all, err := s.eng.routes(ctx)
	if err != nil {
		return nil, err
	}
	style := routeStyle(a)
	names, counts := rib.Tables(all)
	now := s.eng.Configd.Clock().Now()
	e := E("route-information")
	sel := q.Select(all)
	for _, name := range names {
		c := counts[name]
		t := E("route-table", T("table-name", name), T("destination-count", strconv.Itoa(c.Destinations)),
			T("total-route-count", strconv.Itoa(c.Routes)), T("active-route-count", strconv.Itoa(c.Active)),
			T("holddown-route-count", strconv.Itoa(c.Holddown)), T("hidden-route-count", strconv.Itoa(c.Hidden)))
		var rt *Elem
		for i := range sel {
			r := &sel[i]
			if r.Table != name {
				continue
			}
			if rt == nil || rt.Val("rt-destination") != r.Prefix.String() {
				rt = E("rt", T("rt-destination", r.Prefix.String()))
				rt.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: style}}
				t.Add(rt)
			}
			rt.Add(routeEntry(r, now))
		}
		if rt != nil || q == (rib.Query{}) {
			e.Add(t)
		}
	}
	return e, nil
}

func routeEntry(r *rib.Route, now time.Time) *Elem {
	en := E("rt-entry")
	if r.Active {
		en.Add(T("active-tag", "*"), T("current-active", ""), T("last-active", ""))
	}
	age := now.Sub(r.Learned)
	ag := T("age", routeAge(age))
	ag.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "seconds"}, Value: strconv.Itoa(int(age / time.Second))}}
	en.Add(T("protocol-name", r.Protocol), T("preference", strconv.Itoa(r.Preference)), ag)
	for i, h := range r.NextHops {
		nh := E("nh")
		switch {
		case h.Discard:
			nh.Add(T("nh-type", "Discard"))
		case h.Reject:
			nh.Add(T("nh-type", "Reject"))
		case h.Local:
			nh.Add(T("nh-type", "Local"), T("nh-local-interface", h.Via))
		default:
			if i == 0 && !r.Hidden {
				nh.Add(T("selected-next-hop", ""))
			}
			if h.To.IsValid() {
				nh.Add(T("to", h.To.String()))
			}
			if h.Via != "" {
				nh.Add(T("via", h.Via))
			}
		}
		en.Add(nh)
	}
	return en
}

// routeAge is Junos' age: 00:10:35, 2d 03:04:05, 1w2d 03:04:05.
func routeAge(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	s := int(d / time.Second)
	days, rest := s/86400, s%86400
	hms := fmt.Sprintf("%02d:%02d:%02d", rest/3600, rest%3600/60, rest%60)
	switch {
	case days >= 7 && days%7 != 0:
		return fmt.Sprintf("%dw%dd %s", days/7, days%7, hms)
	case days >= 7:
		return fmt.Sprintf("%dw %s", days/7, hms)
	case days > 0:
		return fmt.Sprintf("%dd %s", days, hms)
	}
	return hms
}

func showRouteSummary(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	all, err := s.eng.routes(ctx)
	if err != nil {
		return nil, err
	}
	e := E("route-summary-information")
	ro := s.eng.Configd.Active().ActiveChild("routing-options")
	if as, ok := ro.ActiveChild("autonomous-system").Leaf("as-number"); ok {
		e.Add(T("as-number", as))
	}
	if id, ok := ro.Leaf("router-id"); ok {
		e.Add(T("router-id", id))
	}
	names, counts := rib.Tables(all)
	for _, name := range names {
		if len(name) < len(a["table"]) || name[:len(a["table"])] != a["table"] {
			continue
		}
		c := counts[name]
		t := E("route-table", T("table-name", name), T("destination-count", strconv.Itoa(c.Destinations)),
			T("total-route-count", strconv.Itoa(c.Routes)), T("active-route-count", strconv.Itoa(c.Active)),
			T("holddown-route-count", strconv.Itoa(c.Holddown)), T("hidden-route-count", strconv.Itoa(c.Hidden)))
		for _, p := range []string{rib.Direct, rib.Local, rib.Static, rib.Kernel} {
			if pc, ok := c.ByProtocol[p]; ok {
				t.Add(E("protocols", T("protocol-name", p), T("protocol-route-count", strconv.Itoa(pc[0])),
					T("active-route-count", strconv.Itoa(pc[1]))))
			}
		}
		e.Add(t)
	}
	return e, nil
}
