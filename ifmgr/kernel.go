package ifmgr

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/rib"
)

// What the kernel of the managed namespace holds, for show route and the
// neighbour tables (the CLI's Net). Reads run on the worker thread like
// every other netlink call; interface names are Junos names for the links
// gnos manages and Linux names for the others.

// Routes returns the main table's unicast, blackhole and unreachable
// routes of both families, whoever installed them.
func (m *Manager) Routes(ctx context.Context) ([]rib.Route, error) {
	junos := m.junosNames()
	var out []rib.Route
	err := m.w.do(func() error {
		links := linkNames()
		for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
			rs, err := netlink.RouteListFiltered(fam, &netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if rt, ok := kernelRoute(r, fam, links, junos); ok {
					out = append(out, rt)
				}
			}
		}
		return nil
	})
	return out, err
}

func kernelRoute(r netlink.Route, fam int, links map[int]string, junos map[string]string) (rib.Route, bool) {
	var dst netip.Prefix
	if r.Dst == nil {
		dst = netip.MustParsePrefix("0.0.0.0/0")
		if fam == netlink.FAMILY_V6 {
			dst = netip.MustParsePrefix("::/0")
		}
	} else {
		a, ok := netip.AddrFromSlice(r.Dst.IP)
		if !ok {
			return rib.Route{}, false
		}
		bits, _ := r.Dst.Mask.Size()
		dst = netip.PrefixFrom(a.Unmap(), bits).Masked()
	}
	rt := rib.Route{Table: rib.TableOf(dst), Prefix: dst}
	switch r.Type {
	case unix.RTN_BLACKHOLE, unix.RTN_UNREACHABLE, unix.RTN_PROHIBIT:
		rt.NextHops = []rib.NextHop{{Discard: true}}
		return rt, true
	case unix.RTN_UNICAST:
	default:
		return rib.Route{}, false
	}
	hop := func(gw net.IP, index int) rib.NextHop {
		h := rib.NextHop{Via: junosName(links[index], junos)}
		if a, ok := netip.AddrFromSlice(gw); ok {
			h.To = a.Unmap()
		}
		return h
	}
	if len(r.MultiPath) > 0 {
		for _, p := range r.MultiPath {
			rt.NextHops = append(rt.NextHops, hop(p.Gw, p.LinkIndex))
		}
	} else {
		rt.NextHops = []rib.NextHop{hop(r.Gw, r.LinkIndex)}
	}
	return rt, true
}

// Neighbors returns the kernel's ARP (or, v6, neighbour discovery)
// entries, the unresolvable ones (noarp: loopback, multicast) aside.
func (m *Manager) Neighbors(ctx context.Context, v6 bool) ([]rib.Neighbor, error) {
	junos := m.junosNames()
	fam := netlink.FAMILY_V4
	if v6 {
		fam = netlink.FAMILY_V6
	}
	var out []rib.Neighbor
	err := m.w.do(func() error {
		links := linkNames()
		ns, err := netlink.NeighList(0, fam)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n.State&(netlink.NUD_NOARP) != 0 || n.State == netlink.NUD_NONE || n.IP == nil || n.IP.IsMulticast() {
				continue
			}
			nb := rib.Neighbor{IP: n.IP.String(), Interface: junosName(links[n.LinkIndex], junos),
				State: neighState(n.State), Router: n.Flags&netlink.NTF_ROUTER != 0}
			if len(n.HardwareAddr) > 0 && n.State&(netlink.NUD_INCOMPLETE|netlink.NUD_FAILED) == 0 {
				nb.MAC = n.HardwareAddr.String()
			}
			out = append(out, nb)
		}
		return nil
	})
	return out, err
}

func neighState(s int) string {
	for _, st := range []struct {
		bit  int
		name string
	}{{netlink.NUD_REACHABLE, "reachable"}, {netlink.NUD_STALE, "stale"}, {netlink.NUD_DELAY, "delay"},
		{netlink.NUD_PROBE, "probe"}, {netlink.NUD_INCOMPLETE, "incomplete"}, {netlink.NUD_FAILED, "failed"},
		{netlink.NUD_PERMANENT, "permanent"}} {
		if s&st.bit != 0 {
			return st.name
		}
	}
	return "unknown"
}

// linkNames maps the namespace's link indexes to names (on the worker).
func linkNames() map[int]string {
	out := map[int]string{}
	ls, err := netlink.LinkList()
	if err != nil {
		return out
	}
	for _, l := range ls {
		out[l.Attrs().Index] = l.Attrs().Name
	}
	return out
}

// junosNames maps the Linux links gnos programmed to their Junos logical
// interface names: a link is unit 0 of its interface, a sub-interface
// (linux.N) unit N, the parent of VLAN links the physical interface.
func (m *Manager) junosNames() map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	parents := map[string]bool{} // of VLAN links: the physical interface, no unit
	for _, l := range m.applied.links {
		if l.vlanParent != "" {
			parents[l.vlanParent] = true
		}
	}
	for ln, l := range m.applied.links {
		if parents[ln] {
			out[ln] = l.junos
			continue
		}
		unit := "0"
		if i := strings.LastIndexByte(ln, '.'); i >= 0 {
			unit = ln[i+1:]
		}
		out[ln] = l.junos + "." + unit
	}
	return out
}

func junosName(linux string, junos map[string]string) string {
	if j, ok := junos[linux]; ok {
		return j
	}
	return linux
}

// InNamespace runs f on the worker thread, inside the managed namespace:
// sockets f opens belong to it (ping, traceroute).
func (m *Manager) InNamespace(f func() error) error { return m.w.do(f) }
