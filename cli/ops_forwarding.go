package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/gnos/gnos/rib"
)

// showForwarding is show route forwarding-table: the active routes, as
// gnos installs them (in live mode the kernel's routes are among them),
// with Junos' destination and next-hop types. gnos keeps no next-hop
// objects of its own, so the next-hop index is 0; the reference count is
// the number of routes sharing a next hop.
func showForwarding(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	q := rib.Query{}
	if d := a["destination"]; d != "" {
		p, err := rib.ParseDest(d)
		if err != nil {
			return nil, err
		}
		q.Dest = p
	}
	families := map[string]string{"inet": "inet.0", "inet6": "inet6.0"}
	if f, ok := a["family"]; ok {
		t, ok := families[f]
		if !ok {
			return nil, fmt.Errorf("invalid family %q: want inet or inet6", f)
		}
		q.Table = t
	}
	all, err := s.eng.routes(ctx)
	if err != nil {
		return nil, err
	}
	var active []rib.Route
	for _, r := range q.Select(all) {
		if r.Active {
			active = append(active, r)
		}
	}
	refs := map[string]int{}
	for _, r := range active {
		for _, h := range r.NextHops {
			refs[fwdHop(r, h)]++
		}
	}
	e := E("forwarding-table-information")
	for _, fam := range []struct{ table, name, family, deflt string }{
		{"inet.0", "default.inet", "Internet", "0.0.0.0/0"},
		{"inet6.0", "default.inet6", "Internet6", "::/0"},
	} {
		if q.Table != "" && q.Table != fam.table || q.Dest.IsValid() && rib.TableOf(q.Dest) != fam.table {
			continue
		}
		t := E("route-table", T("table-name", fam.name), T("address-family", fam.family))
		hasDefault := false
		for _, r := range active {
			hasDefault = hasDefault || r.Table == fam.table && r.Prefix.Bits() == 0
		}
		if !hasDefault && !q.Dest.IsValid() {
			t.Add(fwdEntry("default", "perm", E("nh", T("nh-type", "rjct"), T("nh-index", "0"), T("nh-reference-count", "1"))))
		}
		for _, r := range active {
			if r.Table != fam.table {
				continue
			}
			dest := r.Prefix.String()
			if r.Prefix.Bits() == 0 {
				dest = "default"
			}
			typ := "user"
			if r.Protocol == rib.Direct || r.Protocol == rib.Local {
				typ = "intf"
			}
			en := fwdEntry(dest, typ)
			for _, h := range r.NextHops {
				nh := E("nh")
				nt := "ucst"
				switch {
				case h.Discard:
					nt = "dscd"
				case h.Reject:
					nt = "rjct"
				case h.Local:
					nt = "locl"
					nh.Add(T("to", r.Prefix.Addr().String()))
				case r.Protocol == rib.Direct:
					nt = "rslv"
				case h.To.IsValid():
					nh.Add(T("to", h.To.String()))
				}
				nh.Add(T("nh-type", nt), T("nh-index", "0"), T("nh-reference-count", strconv.Itoa(refs[fwdHop(r, h)])))
				if h.Via != "" && !h.Local {
					nh.Add(T("via", h.Via))
				}
				en.Add(nh)
			}
			t.Add(en)
		}
		e.Add(t)
	}
	return e, nil
}

func fwdEntry(dest, typ string, nhs ...*Elem) *Elem {
	return E("rt-entry", T("rt-destination", dest), T("destination-type", typ), T("route-reference-count", "0")).Add(nhs...)
}

// fwdHop identifies a next hop for its reference count: a gateway, an
// interface, a local address or the discard next hop.
func fwdHop(r rib.Route, h rib.NextHop) string {
	switch {
	case h.Discard:
		return "discard"
	case h.Reject:
		return "reject"
	case h.Local:
		return "local " + r.Prefix.String()
	}
	return r.Table + " " + h.To.String() + "@" + h.Via
}

func textForwarding(w io.Writer, e *Elem) {
	for i, t := range e.All("route-table") {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Routing table: %s\n%s:\n", t.Val("table-name"), t.Val("address-family"))
		fmt.Fprintf(w, "%-18s %-4s %5s %-18s %-4s %-9s%5s %s\n", "Destination", "Type", "RtRef", "Next hop", "Type", "Index", "NhRef", "Netif")
		for _, en := range t.All("rt-entry") {
			for _, nh := range en.All("nh") {
				idx, _ := strconv.Atoi(nh.Val("nh-index"))
				ref, _ := strconv.Atoi(nh.Val("nh-reference-count"))
				line := fmt.Sprintf("%-18s %-4s %5s %-18s %-4s%9d%6d %s", en.Val("rt-destination"), en.Val("destination-type"),
					en.Val("route-reference-count"), nh.Val("to"), nh.Val("nh-type"), idx, ref, nh.Val("via"))
				fmt.Fprintln(w, trimRight(line))
			}
		}
	}
}

func trimRight(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}
