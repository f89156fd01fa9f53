package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gnos/gnos/firewall"
)

// Firewall is the live data plane's firewall filters (firewall.Manager):
// the counters of the applied filters, read (or read and cleared) from
// the kernel.
type Firewall interface {
	Counters(filter string, reset bool) ([]firewall.FilterCounters, error)
}

// errNoFirewall: filters are enforced (and counted) in live mode only.
var errNoFirewall = errors.New("firewall filters are enforced only with the live data plane (gnos running as root); no counters to show")

// FirewallCommands are `show firewall` and `clear firewall`.
func FirewallCommands(t *Table) {
	t.Describe("clear firewall", "Clear firewall counters")
	t.Add(
		&Command{Words: []string{"show", "firewall"}, RPC: "get-firewall-information",
			Help: "Show firewall information",
			Args: []Arg{{Name: "filter", Value: true, Help: "Name of filter"}},
			Run:  showFirewall, Text: textFirewall},
		&Command{Words: []string{"clear", "firewall", "all"}, RPC: "clear-firewall-counters",
			Help: "Clear all filter counters", Run: clearFirewall},
		&Command{Words: []string{"clear", "firewall", "filter"}, RPC: "clear-firewall-filter-counters",
			Help: "Clear counters of one filter",
			Args: []Arg{{Name: "filtername", Positional: true, Help: "Name of filter"}},
			Run:  clearFirewall},
	)
}

func firewallElem(fs []firewall.FilterCounters) *Elem {
	e := E("firewall-information")
	for _, f := range fs {
		fi := E("filter-information", T("filter-name", f.Name))
		for _, c := range f.Counters {
			fi.Add(E("counter", T("counter-name", c.Name), T("byte-count", strconv.FormatUint(c.Bytes, 10)),
				T("packet-count", strconv.FormatUint(c.Packets, 10))))
		}
		e.Add(fi)
	}
	return e
}

func showFirewall(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if s.eng.Firewall == nil {
		return nil, errNoFirewall
	}
	fs, err := s.eng.Firewall.Counters(a["filter"], false)
	if err != nil {
		return nil, err
	}
	if name := a["filter"]; name != "" && len(fs) == 0 {
		return nil, fmt.Errorf("filter %s not found", name)
	}
	return firewallElem(fs), nil
}

func clearFirewall(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if s.eng.Firewall == nil {
		return nil, errNoFirewall
	}
	fs, err := s.eng.Firewall.Counters(a["filtername"], true)
	if err != nil {
		return nil, err
	}
	if name := a["filtername"]; name != "" && len(fs) == 0 {
		return nil, fmt.Errorf("filter %s not found", name)
	}
	return nil, nil
}

// textFirewall prints Junos' layout:
//
//	Filter: protect
//	Counters:
//	Name                                                Bytes              Packets
//	icmp                                                  168                    2
func textFirewall(w io.Writer, e *Elem) {
	for _, f := range e.All("filter-information") {
		fmt.Fprintf(w, "\nFilter: %s\n", f.Val("filter-name"))
		cs := f.All("counter")
		if len(cs) == 0 {
			continue
		}
		fmt.Fprintln(w, "Counters:")
		fmt.Fprintf(w, "%-40s%17s%21s\n", "Name", "Bytes", "Packets")
		for _, c := range cs {
			fmt.Fprintf(w, "%-40s%17s%21s\n", c.Val("counter-name"), c.Val("byte-count"), c.Val("packet-count"))
		}
	}
}
