package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// showInterfaces reports the configured interfaces with the state and
// counters of their Linux links (Engine.Links). Without the live data
// plane, or when a link does not exist, an interface shows its
// configuration and a link that is down.
func showInterfaces(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	root := s.eng.Configd.Active()
	e := E("interface-information")
	style := ""
	switch {
	case a.Has("terse"):
		style = "terse"
	case a.Has("extensive"):
		style = "extensive"
	}
	if style != "" {
		e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: style}}
	}
	name := a["interface-name"]
	for _, ifd := range root.ChildNamed("interfaces", "").AllNamed("interface") {
		if ifd.Inactive || (name != "" && !ifname.Within(name, ifd.Key)) {
			continue
		}
		e.Add(s.eng.physical(ifd, name, style))
	}
	if name != "" && len(e.Kids) == 0 {
		return nil, fmt.Errorf("device %s not found", name)
	}
	return e, nil
}

// link returns the live state of a Junos interface's link.
func (e *Engine) link(junos string) (ifname.LinkState, bool) {
	if e.Links == nil {
		return ifname.LinkState{}, false
	}
	return e.Links(junos)
}

func (e *Engine) physical(ifd *tree.Node, name, style string) *Elem {
	_, disabled := ifd.Leaf("disable")
	admin, oper := upDown(!disabled), "down"
	st, live := e.link(ifd.Key)
	if live {
		admin, oper = upDown(st.AdminUp), upDown(st.OperUp)
	}
	phy := E("physical-interface", T("name", ifd.Key), T("admin-status", admin), T("oper-status", oper))
	if d, ok := ifd.Leaf("description"); ok {
		phy.Add(T("description", d))
	}
	if live {
		phy.Add(T("local-index", strconv.Itoa(st.Index)), T("linux-name", st.Linux),
			T("link-level-type", linkType(st.Kind)), T("mtu", strconv.Itoa(st.MTU)))
		if st.MAC != "" {
			phy.Add(T("current-physical-address", st.MAC))
		}
		phy.Add(stats(st, style))
	} else if m, ok := ifd.Leaf("mtu"); ok {
		phy.Add(T("mtu", m))
	}
	for _, u := range ifd.AllNamed("unit") {
		if u.Inactive || (ifname.HasUnit(name) && name != ifname.Unit(ifd.Key, u.Key)) {
			continue
		}
		lname := ifname.Unit(ifd.Key, u.Key)
		ladmin, loper := admin, oper
		lst, llive := e.link(lname)
		if llive {
			ladmin, loper = upDown(lst.AdminUp && !disabled), upDown(lst.OperUp)
		} else if live {
			loper = "down" // a unit whose link does not exist
		}
		l := E("logical-interface", T("name", lname), T("admin-status", ladmin), T("oper-status", loper))
		if llive {
			l.Add(stats(lst, ""))
		}
		fam := u.ChildNamed("family", "")
		for _, f := range []string{"inet", "inet6"} {
			fn := fam.ChildNamed(f, "")
			if fn == nil || fn.Inactive {
				continue
			}
			af := E("address-family", T("address-family-name", f))
			for _, ad := range fn.AllNamed("address") {
				if !ad.Inactive {
					af.Add(E("interface-address", T("ifa-local", ad.Key)))
				}
			}
			l.Add(af)
		}
		phy.Add(l)
		if !live && llive && lst.OperUp {
			// A service interface is its units (one TUN each): it is up
			// when a unit is.
			phy.Get("oper-status").Text = "up"
		}
	}
	return phy
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

func linkType(kind string) string {
	switch kind {
	case "tun", "tuntap":
		return "Services (TUN)"
	case "", "device", "veth", "bridge", "macvlan", "vlan":
		return "Ethernet"
	}
	return kind
}

// stats renders a link's counters; extensive adds bytes and errors.
func stats(st ifname.LinkState, style string) *Elem {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	ts := E("traffic-statistics", T("input-packets", u(st.RxPackets)), T("output-packets", u(st.TxPackets)))
	if style != "extensive" {
		return ts
	}
	ts.Add(T("input-bytes", u(st.RxBytes)), T("output-bytes", u(st.TxBytes)),
		E("input-error-list", T("input-errors", u(st.RxErrors)), T("input-drops", u(st.RxDropped))),
		E("output-error-list", T("output-errors", u(st.TxErrors)), T("output-drops", u(st.TxDropped))))
	return ts
}

func textInterfaces(w io.Writer, e *Elem) {
	if len(e.Attrs) == 0 || e.Attrs[0].Value != "terse" {
		textInterfacesDetail(w, e)
		return
	}
	fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%-23s%s\n", "Interface", "Admin", "Link", "Proto", "Local", "Remote")
	for _, p := range e.All("physical-interface") {
		fmt.Fprintf(w, "%-24s%-6s%-5s\n", p.Val("name"), p.Val("admin-status"), p.Val("oper-status"))
		for _, l := range p.All("logical-interface") {
			first := true
			for _, af := range l.All("address-family") {
				addrs := af.All("interface-address")
				if len(addrs) == 0 {
					addrs = []*Elem{T("interface-address", "")}
				}
				for _, a := range addrs {
					if first {
						fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%s\n", l.Val("name"), l.Val("admin-status"), l.Val("oper-status"), af.Val("address-family-name"), a.Val("ifa-local"))
						first = false
					} else {
						fmt.Fprintf(w, "%-24s%-6s%-5s%-6s%s\n", "", "", "", af.Val("address-family-name"), a.Val("ifa-local"))
					}
				}
			}
			if first {
				fmt.Fprintf(w, "%-24s%-6s%-5s\n", l.Val("name"), l.Val("admin-status"), l.Val("oper-status"))
			}
		}
	}
}

// textInterfacesDetail is the default and the extensive layout.
func textInterfacesDetail(w io.Writer, e *Elem) {
	for _, p := range e.All("physical-interface") {
		state := "Enabled"
		if p.Val("admin-status") == "down" {
			state = "Administratively down"
		}
		fmt.Fprintf(w, "Physical interface: %s, %s, Physical link is %s\n", p.Val("name"), state, titleCase(p.Val("oper-status")))
		if idx := p.Val("local-index"); idx != "" {
			fmt.Fprintf(w, "  Interface index: %s, Linux name: %s\n", idx, p.Val("linux-name"))
		}
		if d := p.Val("description"); d != "" {
			fmt.Fprintf(w, "  Description: %s\n", d)
		}
		switch lt, m := p.Val("link-level-type"), p.Val("mtu"); {
		case lt != "":
			fmt.Fprintf(w, "  Link-level type: %s, MTU: %s\n", lt, m)
		case m != "":
			fmt.Fprintf(w, "  MTU: %s\n", m)
		}
		if mac := p.Val("current-physical-address"); mac != "" {
			fmt.Fprintf(w, "  Current address: %s\n", mac)
		}
		textStats(w, "  ", p.Get("traffic-statistics"))
		for _, l := range p.All("logical-interface") {
			fmt.Fprintf(w, "\n  Logical interface %s\n", l.Val("name"))
			textStats(w, "    ", l.Get("traffic-statistics"))
			for _, af := range l.All("address-family") {
				fmt.Fprintf(w, "    Protocol %s\n", af.Val("address-family-name"))
				for _, a := range af.All("interface-address") {
					fmt.Fprintf(w, "      Addresses, Local: %s\n", a.Val("ifa-local"))
				}
			}
		}
		fmt.Fprintln(w)
	}
}

func textStats(w io.Writer, indent string, ts *Elem) {
	if ts == nil {
		return
	}
	if ts.Val("input-bytes") == "" {
		fmt.Fprintf(w, "%sInput packets : %s\n%sOutput packets: %s\n", indent, ts.Val("input-packets"), indent, ts.Val("output-packets"))
		return
	}
	fmt.Fprintf(w, "%sTraffic statistics:\n", indent)
	for _, r := range [][2]string{{"Input  bytes  ", "input-bytes"}, {"Output bytes  ", "output-bytes"},
		{"Input  packets", "input-packets"}, {"Output packets", "output-packets"}} {
		fmt.Fprintf(w, "%s %s: %20s\n", indent, r[0], ts.Val(r[1]))
	}
	if in := ts.Get("input-error-list"); in != nil {
		fmt.Fprintf(w, "%sInput errors:\n%s  Errors: %s, Drops: %s\n", indent, indent, in.Val("input-errors"), in.Val("input-drops"))
	}
	if out := ts.Get("output-error-list"); out != nil {
		fmt.Fprintf(w, "%sOutput errors:\n%s  Errors: %s, Drops: %s\n", indent, indent, out.Val("output-errors"), out.Val("output-drops"))
	}
}
