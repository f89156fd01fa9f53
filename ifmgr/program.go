package ifmgr

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/tun"
)

// TUNQueueLen is the transmit queue length of service interfaces (the
// kernel's side of each TUN queue; Linux's default is 500).
const TUNQueueLen = 4096

// step is one change to Linux and how to take it back.
type step struct {
	what string
	do   func() error
	undo func() error // nil: nothing to undo (the change was a no-op)
}

// journal is the steps a commit made, in order; undone in reverse.
type journal []step

// check verifies, without changing anything, that d can be programmed:
// every real link exists (a VLAN's parent among them).
func check(d *desired) error {
	for _, name := range slices.Sorted(maps.Keys(d.links)) {
		l := d.links[name]
		if l.tun || l.vlanID != 0 { // gnos creates them (a VLAN's parent is checked on its own)
			continue
		}
		if _, err := netlink.LinkByName(l.linux); err != nil {
			return configd.PathDiagnostic(l.path, "", "Linux link %s (for %s) does not exist", l.linux, l.junos)
		}
	}
	return nil
}

// plan lists the steps from old to next. Reads of the current state
// happen while planning; each step's undo restores what it found.
func plan(old, next *desired) []step {
	var steps []step
	add := func(s step) { steps = append(steps, s) }
	// Routing instances first: links join them.
	for _, name := range slices.Sorted(maps.Keys(next.vrfs)) {
		if o, ok := old.vrfs[name]; !ok || o != next.vrfs[name] {
			add(createVRF(next.vrfs[name]))
		}
	}
	// Links: create TUNs and VLANs, then state and addresses. A link
	// created again (a new vlan-id) or moved between routing instances
	// loses the kernel's routes through it: then every route goes on
	// again (adding one that is there changes nothing).
	reset := false
	for _, name := range slices.Sorted(maps.Keys(next.links)) {
		l := next.links[name]
		o := old.links[name]
		if l.tun && (o == nil || !o.tun) {
			add(createTUN(l.linux))
		}
		if l.vlanID != 0 && (o == nil || o.vlanID != l.vlanID || o.vlanParent != l.vlanParent) {
			if o != nil && o.vlanID != 0 {
				add(deleteVLAN(o))
			}
			add(createVLAN(l))
			o, reset = nil, true // a new link: every address goes on it
		}
		add(linkState(l))
		if l.vrf != "" || (o != nil && o.vrf != "") {
			add(masterStep(l.linux, l.vrf))
			if o == nil || o.vrf != l.vrf {
				o, reset = nil, true // enslaving cycles the link: its addresses go on again
			}
		}
		if l.mtu6 > 0 {
			add(sysctlStep("ipv6/conf/"+l.linux+"/mtu", strconv.Itoa(l.mtu6)))
		}
		steps = append(steps, addrSteps(o, l)...)
	}
	for _, r := range missing(old.rules, next.rules) {
		add(ruleStep(r, false))
	}
	for _, r := range missing(old.routes, next.routes) {
		add(routeStep(r, false))
	}
	adds := missing(next.routes, old.routes)
	if reset {
		adds = missing(next.routes, nil)
	}
	for _, r := range adds {
		add(routeStep(r, true))
	}
	for _, r := range missing(next.rules, old.rules) {
		add(ruleStep(r, true))
	}
	// Links that left the configuration: their addresses go; the links
	// gnos created (service interfaces, VLANs) go entirely.
	for _, name := range slices.Sorted(maps.Keys(old.links)) {
		o := old.links[name]
		l := next.links[name]
		if l != nil && (l.tun || !o.tun) && (l.vlanID != 0 || o.vlanID == 0) {
			continue
		}
		switch {
		case o.tun:
			add(deleteTUN(o.linux))
		case o.vlanID != 0:
			add(deleteVLAN(o))
		default:
			if o.vrf != "" {
				add(masterStep(o.linux, ""))
			}
			for pfx := range o.addrs {
				add(addrStep(o.linux, pfx, false))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(old.vrfs)) {
		if v, ok := next.vrfs[name]; !ok || v != old.vrfs[name] {
			add(deleteVRF(old.vrfs[name]))
		}
	}
	return steps
}

// missing returns the values of m whose keys other lacks, in key order.
func missing[V any](m, other map[string]V) []V {
	var out []V
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, ok := other[k]; !ok {
			out = append(out, m[k])
		}
	}
	return out
}

// run executes steps; on a failure it undoes what it did and returns the
// error. With bestEffort it logs (through warn) and goes on instead.
func run(steps []step, bestEffort bool, warn func(error)) (journal, error) {
	var j journal
	for _, s := range steps {
		if err := s.do(); err != nil {
			err = fmt.Errorf("%s: %w", s.what, err)
			if bestEffort {
				warn(err)
				continue
			}
			j.undo(warn)
			return nil, err
		}
		if s.undo != nil {
			j = append(j, s)
		}
	}
	return j, nil
}

// undo takes the journal back, newest first.
func (j journal) undo(warn func(error)) {
	for i := len(j) - 1; i >= 0; i-- {
		if err := j[i].undo(); err != nil {
			warn(fmt.Errorf("undo %s: %w", j[i].what, err))
		}
	}
}

func createTUN(name string) step {
	created := false
	return step{what: "create service interface " + name,
		do: func() error {
			_, err := netlink.LinkByName(name)
			created = err != nil
			return makeTUN(name)
		},
		undo: func() error {
			if !created {
				return nil
			}
			return delLink(name)
		}}
}

// makeTUN creates (or adopts) a service interface and brings it up.
func makeTUN(name string) error {
	if err := tun.Create(name); err != nil { // exists: checks it is our kind
		return err
	}
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	// A deep queue between the kernel and picd's readers absorbs bursts
	// while a reader waits for a CPU.
	if l.Attrs().TxQLen < TUNQueueLen {
		if err := netlink.LinkSetTxQLen(l, TUNQueueLen); err != nil {
			return err
		}
	}
	// Packets picd writes back carry sources from anywhere.
	if err := sysctl("ipv4/conf/"+name+"/rp_filter", "0"); err != nil {
		return err
	}
	// No IPv6 link-local address: the kernel would send its own MLD
	// reports into the service interface, and picd would service them.
	if l.Attrs().Flags&net.FlagUp == 0 {
		_ = sysctl("ipv6/conf/"+name+"/addr_gen_mode", "1")
	}
	return netlink.LinkSetUp(l)
}

func deleteTUN(name string) step {
	return step{what: "delete service interface " + name,
		do:   func() error { return delLink(name) },
		undo: func() error { return makeTUN(name) }}
}

func delLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return nil
	}
	return netlink.LinkDel(l)
}

// linkState sets admin state and MTU; its undo restores what it found.
func linkState(l *link) step {
	s := step{what: "set " + l.linux}
	var prevUp bool
	var prevMTU int
	s.do = func() error {
		nl, err := netlink.LinkByName(l.linux)
		if err != nil {
			return err
		}
		a := nl.Attrs()
		prevUp, prevMTU = a.Flags&net.FlagUp != 0, a.MTU
		if l.mtu > 0 && a.MTU != l.mtu {
			if err := netlink.LinkSetMTU(nl, l.mtu); err != nil {
				return fmt.Errorf("mtu %d: %w", l.mtu, err)
			}
		}
		if l.down && prevUp {
			return netlink.LinkSetDown(nl)
		}
		if !l.down && !prevUp {
			return netlink.LinkSetUp(nl)
		}
		return nil
	}
	s.undo = func() error {
		nl, err := netlink.LinkByName(l.linux)
		if err != nil {
			return nil // gone (a TUN whose creation is undone next)
		}
		if nl.Attrs().MTU != prevMTU {
			if err := netlink.LinkSetMTU(nl, prevMTU); err != nil {
				return err
			}
		}
		if prevUp {
			return netlink.LinkSetUp(nl)
		}
		return netlink.LinkSetDown(nl)
	}
	return s
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// addrStep adds or removes an address; adding one that is there (or
// removing one that is not) changes nothing and has nothing to undo.
func addrStep(dev string, p netip.Prefix, add bool) step {
	return reversible(fmt.Sprintf("%s address %s on %s", verb(add), p, dev), add, func(add bool) (bool, error) {
		l, err := netlink.LinkByName(dev)
		if err != nil {
			return false, err
		}
		a := &netlink.Addr{IPNet: ipNet(p)}
		if add {
			if err = netlink.AddrAdd(l, a); errors.Is(err, unix.EEXIST) {
				return false, nil
			}
		} else if err = netlink.AddrDel(l, a); errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENODEV) {
			return false, nil
		}
		return err == nil, err
	})
}

// reversible makes a step of apply(add), which reports whether it changed
// anything: the undo reverses only a change the step itself made.
func reversible(what string, add bool, apply func(add bool) (bool, error)) step {
	changed := false
	return step{what: what,
		do: func() (err error) {
			changed, err = apply(add)
			return err
		},
		undo: func() error {
			if !changed {
				return nil
			}
			_, err := apply(!add)
			return err
		}}
}

func verb(add bool) string {
	if add {
		return "add"
	}
	return "delete"
}

func (r route) netlink() (*netlink.Route, error) {
	nr := &netlink.Route{Dst: ipNet(r.dst), Table: r.table, Protocol: RouteProtocol, Priority: r.metric}
	if r.dst.Addr().Is4() {
		nr.Family = netlink.FAMILY_V4
	} else {
		nr.Family = netlink.FAMILY_V6
	}
	switch {
	case r.blackhole:
		nr.Type = unix.RTN_BLACKHOLE
	case r.unreachable:
		nr.Type = unix.RTN_UNREACHABLE
	case r.dev != "":
		l, err := netlink.LinkByName(r.dev)
		if err != nil {
			return nil, err
		}
		nr.LinkIndex = l.Attrs().Index
		if r.dst.Addr().Is4() {
			nr.Scope = netlink.SCOPE_LINK
		}
	case len(r.gws) == 1:
		nr.Gw = r.gws[0].AsSlice()
	default:
		for _, g := range r.gws {
			nr.MultiPath = append(nr.MultiPath, &netlink.NexthopInfo{Gw: g.AsSlice()})
		}
	}
	return nr, nil
}

func routeStep(r route, add bool) step {
	return reversible(fmt.Sprintf("%s route %s", verb(add), r.key()), add, func(add bool) (bool, error) {
		nr, err := r.netlink()
		if err != nil {
			if !add {
				return false, nil // its link is gone, and the route with it
			}
			return false, err
		}
		if add {
			if err = netlink.RouteAdd(nr); errors.Is(err, unix.EEXIST) {
				return false, nil
			}
		} else if err = netlink.RouteDel(nr); errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
			return false, nil
		}
		return err == nil, err
	})
}

func (r rule) netlink() *netlink.Rule {
	nr := netlink.NewRule()
	nr.Priority, nr.Table, nr.IifName = r.pref, r.table, r.iif
	nr.Family = netlink.FAMILY_V4
	if r.v6 {
		nr.Family = netlink.FAMILY_V6
	}
	if r.dst.IsValid() {
		nr.Dst = ipNet(r.dst)
	}
	return nr
}

func ruleStep(r rule, add bool) step {
	return reversible(fmt.Sprintf("%s rule %s", verb(add), r.key()), add, func(add bool) (bool, error) {
		var err error
		if add {
			if err = netlink.RuleAdd(r.netlink()); errors.Is(err, unix.EEXIST) {
				return false, nil
			}
		} else if err = netlink.RuleDel(r.netlink()); errors.Is(err, unix.ENOENT) {
			return false, nil
		}
		return err == nil, err
	})
}

// enableForwarding turns on IPv4 and IPv6 forwarding: a router forwards.
func enableForwarding() error {
	for _, p := range []string{"ipv4/ip_forward", "ipv6/conf/all/forwarding"} {
		if err := sysctl(p, "1"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for _, p := range []string{"ipv4/conf/all/rp_filter", "ipv4/conf/default/rp_filter"} {
		_ = sysctl(p, "0")
	}
	return nil
}
