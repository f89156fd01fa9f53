package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/gnos/gnos/rib"
)

// The neighbour tables: ARP and IPv6 neighbour discovery entries come
// from the kernel in live mode (empty tables otherwise: gnos without the
// live data plane has no links to learn neighbours on); LLDP neighbours
// are an empty table, since gnos runs no LLDP agent yet.

func neighborCommands(t *Table) []*Command {
	t.Describe("show ipv6", "Show IP version 6 information")
	t.Describe("show lldp", "Show Link Layer Discovery Protocol information")
	return []*Command{
		{Words: []string{"show", "arp"}, RPC: "get-arp-table-information",
			Help: "Show system Address Resolution Protocol table entries",
			Args: []Arg{{Name: "no-resolve", Help: "Don't attempt to print addresses symbolically"},
				{Name: "interface", Value: true, Help: "Name of interface"}},
			Run: showARP, Text: textARP},
		{Words: []string{"show", "ipv6", "neighbors"}, RPC: "get-ipv6-nd-information",
			Help: "Show IPv6 Neighbor Discovery information",
			Args: []Arg{{Name: "interface", Value: true, Help: "Name of interface"}},
			Run:  showND, Text: textND},
		{Words: []string{"show", "lldp", "neighbors"}, RPC: "get-lldp-neighbors-information",
			Help: "Show LLDP neighbors information",
			Args: []Arg{{Name: "interface", Value: true, Help: "Name of interface"}},
			Run:  showLLDP, Text: textLLDP},
	}
}

// neighbors reads the kernel's neighbours of one family, sorted by
// interface then address, restricted to one interface when asked.
func (e *Engine) neighbors(ctx context.Context, v6 bool, ifname string) ([]rib.Neighbor, error) {
	if e.Net == nil {
		return nil, nil
	}
	ns, err := e.Net.Neighbors(ctx, v6)
	if err != nil {
		return nil, fmt.Errorf("reading the kernel's neighbours: %w", err)
	}
	out := ns[:0]
	for _, n := range ns {
		if ifname == "" || n.Interface == ifname {
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Interface != out[j].Interface {
			return out[i].Interface < out[j].Interface
		}
		return out[i].IP < out[j].IP
	})
	return out, nil
}

func showARP(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	ns, err := s.eng.neighbors(ctx, false, a["interface"])
	if err != nil {
		return nil, err
	}
	e := E("arp-table-information")
	style := "normal"
	if a.Has("no-resolve") {
		style = "no-resolve"
	}
	e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: style}}
	for _, n := range ns {
		if n.MAC == "" { // incomplete, failed: not an ARP entry yet
			continue
		}
		en := E("arp-table-entry", T("mac-address", n.MAC), T("ip-address", n.IP))
		if style == "normal" {
			// gnos does not ask a resolver (a show command must not hang
			// on DNS): the name is the address, as Junos prints an
			// address it cannot resolve.
			en.Add(T("hostname", n.IP))
		}
		flags := E("arp-table-entry-flags", T("none", ""))
		if n.State == "permanent" {
			flags = E("arp-table-entry-flags", T("permanent", ""))
		}
		e.Add(en.Add(T("interface-name", n.Interface), flags))
	}
	return e.Add(T("arp-entry-count", strconv.Itoa(len(e.Kids)))), nil
}

func arpFlags(en *Elem) string {
	if f := en.Get("arp-table-entry-flags"); f != nil && len(f.Kids) > 0 {
		return f.Kids[0].Name
	}
	return "none"
}

func textARP(w io.Writer, e *Elem) {
	noResolve := len(e.Attrs) > 0 && e.Attrs[0].Value == "no-resolve"
	if noResolve {
		fmt.Fprintf(w, "%-17s %-15s %-24s %s\n", "MAC Address", "Address", "Interface", "Flags")
	} else {
		fmt.Fprintf(w, "%-17s %-15s %-25s %-23s %s\n", "MAC Address", "Address", "Name", "Interface", "Flags")
	}
	for _, en := range e.All("arp-table-entry") {
		if noResolve {
			fmt.Fprintf(w, "%-17s %-15s %-24s %s\n", en.Val("mac-address"), en.Val("ip-address"), en.Val("interface-name"), arpFlags(en))
		} else {
			fmt.Fprintf(w, "%-17s %-15s %-25s %-23s %s\n", en.Val("mac-address"), en.Val("ip-address"), en.Val("hostname"),
				en.Val("interface-name"), arpFlags(en))
		}
	}
	fmt.Fprintf(w, "Total entries: %s\n", e.Val("arp-entry-count"))
}

func showND(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	ns, err := s.eng.neighbors(ctx, true, a["interface"])
	if err != nil {
		return nil, err
	}
	e := E("ipv6-nd-information")
	for _, n := range ns {
		router := "no"
		if n.Router {
			router = "yes"
		}
		e.Add(E("ipv6-nd-entry",
			T("ipv6-nd-neighbor-address", n.IP),
			T("ipv6-nd-neighbor-l2-address", orNone(n.MAC)),
			T("ipv6-nd-state", n.State),
			T("ipv6-nd-isrouter", router),
			T("ipv6-nd-issecure", "no"),
			T("ipv6-nd-interface-name", n.Interface)))
	}
	return e.Add(T("ipv6-nd-total", strconv.Itoa(len(e.Kids)))), nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func textND(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "%-28s %-18s %-11s %-5s %-4s %-7s %s\n", "IPv6 Address", "Linklayer Address", "State", "Exp", "Rtr", "Secure", "Interface")
	for _, n := range e.All("ipv6-nd-entry") {
		fmt.Fprintf(w, "%-28s %-18s %-11s %-5s %-4s %-7s %s\n", n.Val("ipv6-nd-neighbor-address"), n.Val("ipv6-nd-neighbor-l2-address"),
			n.Val("ipv6-nd-state"), orDash(n.Val("ipv6-nd-expire")), n.Val("ipv6-nd-isrouter"), n.Val("ipv6-nd-issecure"), n.Val("ipv6-nd-interface-name"))
	}
	fmt.Fprintf(w, "Total entries: %s\n", e.Val("ipv6-nd-total"))
}

func showLLDP(_ context.Context, _ *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	e := E("lldp-neighbors-information")
	e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: "brief"}}
	return e, nil
}

func textLLDP(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "%-18s %-19s %-19s %-18s %s\n", "Local Interface", "Parent Interface", "Chassis Id", "Port info", "System Name")
	for _, n := range e.All("lldp-neighbor-information") {
		fmt.Fprintf(w, "%-18s %-19s %-19s %-18s %s\n", n.Val("lldp-local-port-id"), n.Val("lldp-local-parent-interface-name"),
			n.Val("lldp-remote-chassis-id"), n.Val("lldp-remote-port-description"), n.Val("lldp-remote-system-name"))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
