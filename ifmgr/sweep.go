package ifmgr

import (
	"errors"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/ifname"
)

// sweep removes what an earlier gnos left in Linux that d does not want:
// rules in gnos's priority range, routes with gnos's protocol, service
// interfaces (TUN devices named ms-…), VLAN links and VRF devices it
// created (alias gnosAlias). It runs at start, before the
// committed configuration is applied, so a restart converges on the
// configuration instead of accumulating leftovers.
func sweep(d *desired, warn func(error)) {
	want := map[int]map[string]bool{netlink.FAMILY_V4: {}, netlink.FAMILY_V6: {}}
	for _, r := range d.rules {
		nr := r.netlink()
		want[nr.Family][ruleKey(nr)] = true
	}
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		rules, err := netlink.RuleList(fam)
		if err != nil {
			warn(err)
			continue
		}
		for _, r := range rules {
			// Table 0: the kernel's l3mdev rule (VRFs), which shares
			// priority 1000 and is not gnos'.
			if r.Priority < PrefFromService || r.Priority > PrefServiceRoutes || r.Table == 0 || want[fam][ruleKey(&r)] {
				continue
			}
			if err := netlink.RuleDel(&r); err != nil && !errors.Is(err, unix.ENOENT) {
				warn(err)
			}
		}
	}
	links, err := netlink.LinkList()
	if err != nil {
		warn(err)
		return
	}
	for _, l := range links {
		a := l.Attrs()
		_, isTun := l.(*netlink.Tuntap)
		stale := isTun && ifname.IsServiceLink(a.Name) && d.links[a.Name] == nil
		// VLAN links and VRF devices gnos created carry its alias.
		if _, ok := d.vrfs[a.Name]; a.Alias == gnosAlias && d.links[a.Name] == nil && !ok {
			stale = true
		}
		if stale {
			if err := netlink.LinkDel(l); err != nil {
				warn(err)
			}
		}
	}
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Protocol: RouteProtocol, Table: unix.RT_TABLE_UNSPEC},
		netlink.RT_FILTER_PROTOCOL|netlink.RT_FILTER_TABLE)
	if err != nil {
		warn(err)
		return
	}
	for _, r := range routes {
		if err := netlink.RouteDel(&r); err != nil && !errors.Is(err, unix.ESRCH) {
			warn(err)
		}
	}
}

// ruleKey is a rule's identity as sweep compares it (within a family).
func ruleKey(r *netlink.Rule) string {
	dst := ""
	if r.Dst != nil {
		dst = r.Dst.String()
	}
	return strings.Join([]string{strconv.Itoa(r.Priority), r.IifName, dst, strconv.Itoa(r.Table)}, " ")
}
