package ifmgr

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// Routing instances (virtual-router, vrf) are Linux VRF devices named
// after the instance, each bound to a routing table of its own
// (vrfTable). The instance's interfaces are enslaved to the device, so
// the kernel routes what arrives on them in the instance's table (its
// l3mdev rule), puts their local and connected routes there, and a socket
// bound to the device (ping routing-instance NAME) routes there too. The
// instance's static routes go into its table, and a default unreachable
// route of the highest metric ends it: a destination the instance does
// not route is unreachable, never looked up in the main table. An
// instance without instance-type is programmed as a virtual-router; a
// vrf instance's route-distinguisher and vrf-target are stored only.
//
// Next-hop service-sets work inside an instance: the instance lists the
// service interface units (interface ms-0/0/0.1) and routes into them
// (static route … next-hop ms-0/0/0.1). Those TUN devices are not
// enslaved to the VRF: a route of the instance's table leads into one
// (VRF route leaking), and what picd writes back into either unit is
// routed, by rule PrefFromService iif ms-…, in the instance's return
// table (returnTable): the instance's connected prefixes and static
// routes without those into service interfaces, ending unreachable —
// the loop-free twin of the main table for the default instance. This
// needs nothing of the kernel's l3mdev rule, whose iif matching changed
// in Linux 5.18 (the slave's index before, the master's after), and so
// behaves the same on every kernel with VRF. Interface-style service-sets
// on an instance's interfaces are refused (their steering rules match
// iif). Packets picd writes back addressed to the router itself in the
// instance are not delivered (its local routes live in the VRF table).

// vrf is one routing instance's Linux VRF device.
type vrf struct {
	name  string
	table int
}

// vrfLastMetric is the metric of the unreachable route that ends a VRF's
// table (the largest the kernel takes, as iproute2's VRF guide uses).
const vrfLastMetric = 4278198272

// vrfTable is a routing instance's table: a stable number per name, apart
// from the steering tables (steerTable).
func vrfTable(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return 0x10000 + int(h.Sum32()%0xe000)
}

// gnosAlias marks the links gnos creates (VLAN links, VRF devices), so a
// restart sweeps the ones the configuration no longer has.
const gnosAlias = "gnos"

// instances adds the VRF devices of [edit routing-instances], enslaves
// their interfaces and adds their static routes.
func (d *desired) instances(root *tree.Node, names *ifname.Map, linuxOf map[string]string) error {
	ris := root.ActiveChild("routing-instances")
	tables := map[int]string{}
	for _, inst := range ris.ActiveNamed("instance") {
		p := tree.Path{ris.Step(), inst.Step()}
		if err := ifname.Valid(inst.Key); err != nil {
			return configd.PathDiagnostic(p, "", "routing instance name: %v", err)
		}
		if l := d.links[inst.Key]; l != nil {
			return configd.PathDiagnostic(p, "", "routing instance %s has the Linux name of %s", inst.Key, l.junos)
		}
		t := vrfTable(inst.Key)
		if other, ok := tables[t]; ok {
			return configd.PathDiagnostic(p, "", "routing instances %s and %s share Linux table %d: rename one", other, inst.Key, t)
		}
		tables[t] = inst.Key
		d.vrfs[inst.Key] = vrf{name: inst.Key, table: t}
		for _, itf := range inst.ActiveNamed("interface") {
			ln, ok := linuxOf[ifname.Logical(itf.Key)]
			if !ok {
				return configd.PathDiagnostic(p, "interface", "%s is not configured in [edit interfaces]", itf.Key)
			}
			l := d.links[ln]
			if l.tun {
				continue // serviceInstances
			}
			if l.bound {
				return configd.PathDiagnostic(p, "interface", "%s: gnos applies interface-style service-sets in the default routing instance only; use a next-hop service-set in %s", itf.Key, inst.Key)
			}
			l.vrf = inst.Key
		}
		for _, sr := range staticRoutes(p, inst.ActiveChild("routing-options")) {
			if err := d.addStatic(sr, t, names, linuxOf); err != nil {
				return err
			}
		}
		for _, dst := range []string{"0.0.0.0/0", "::/0"} {
			d.addRoute(route{dst: netip.MustParsePrefix(dst), table: t, unreachable: true, metric: vrfLastMetric})
		}
		d.returnRoutes(inst.Key, t)
	}
	return nil
}

// returnTable is the table that routes what picd writes back into the
// service interfaces of routing instance name: apart from its VRF table
// (vrfTable) and the steering tables.
func returnTable(name string) int { return vrfTable(name) + 0xe000 }

// serviceInstances marks the service interface units routing instances
// list, before any route into them is built (the configuration's own
// validation keeps an interface in one instance).
func (d *desired) serviceInstances(root *tree.Node, linuxOf map[string]string) {
	ris := root.ActiveChild("routing-instances")
	for _, inst := range ris.ActiveNamed("instance") {
		for _, itf := range inst.ActiveNamed("interface") {
			ln, ok := linuxOf[ifname.Logical(itf.Key)]
			if !ok || !d.links[ln].tun {
				continue
			}
			d.links[ln].svcInstance = inst.Key
		}
	}
}

// instanceOf is the routing instance whose VRF table is table ("": the
// default instance).
func (d *desired) instanceOf(table int) string {
	for name, v := range d.vrfs {
		if v.table == table {
			return name
		}
	}
	return ""
}

// returnRoutes fills the return table of instance name (VRF table t) when
// it lists service interfaces: its interfaces' connected prefixes, its
// routes except those into service interfaces, unreachable last.
func (d *desired) returnRoutes(name string, t int) {
	has := false
	for _, l := range d.links {
		has = has || l.svcInstance == name
	}
	if !has {
		return
	}
	rt := returnTable(name)
	var copies []route
	for _, l := range d.links {
		if l.vrf != name {
			continue
		}
		for pfx := range l.addrs {
			copies = append(copies, route{dst: pfx.Masked(), dev: l.linux, table: rt})
		}
	}
	for _, r := range d.routes {
		if r.table == t && !r.svc {
			r.table = rt
			copies = append(copies, r)
		}
	}
	for _, r := range copies {
		d.addRoute(r)
	}
}

// createVRF creates (or adopts) a VRF device and brings it up; its undo
// deletes one it created.
func createVRF(v vrf) step {
	created := false
	return step{what: "create routing instance " + v.name,
		do: func() error {
			_, err := netlink.LinkByName(v.name)
			created = err != nil
			return makeVRF(v)
		},
		undo: func() error {
			if !created {
				return nil
			}
			return delLink(v.name)
		}}
}

func makeVRF(v vrf) error {
	l, err := netlink.LinkByName(v.name)
	if err == nil {
		if ex, ok := l.(*netlink.Vrf); !ok || int(ex.Table) != v.table {
			return fmt.Errorf("link %s exists and is not gnos' VRF (table %d)", v.name, v.table)
		}
	} else {
		la := netlink.NewLinkAttrs()
		la.Name = v.name
		if err := netlink.LinkAdd(&netlink.Vrf{LinkAttrs: la, Table: uint32(v.table)}); err != nil {
			if errors.Is(err, unix.EOPNOTSUPP) {
				return fmt.Errorf("this Linux kernel has no VRF devices (CONFIG_NET_VRF), which routing instances need: %w", err)
			}
			return err
		}
		if l, err = netlink.LinkByName(v.name); err != nil {
			return err
		}
		_ = netlink.LinkSetAlias(l, gnosAlias)
	}
	return netlink.LinkSetUp(l)
}

func deleteVRF(v vrf) step {
	return step{what: "delete routing instance " + v.name,
		do:   func() error { return delLink(v.name) },
		undo: func() error { return makeVRF(v) }}
}

// createVLAN creates (or adopts) the 802.1Q link of a tagged unit; its
// undo deletes one it created.
func createVLAN(l *link) step {
	created := false
	return step{what: fmt.Sprintf("create VLAN %d link %s on %s", l.vlanID, l.linux, l.vlanParent),
		do: func() error {
			_, err := netlink.LinkByName(l.linux)
			created = err != nil
			return makeVLAN(l.linux, l.vlanParent, l.vlanID)
		},
		undo: func() error {
			if !created {
				return nil
			}
			return delLink(l.linux)
		}}
}

func makeVLAN(name, parent string, id int) error {
	p, err := netlink.LinkByName(parent)
	if err != nil {
		return err
	}
	if ex, err := netlink.LinkByName(name); err == nil {
		v, ok := ex.(*netlink.Vlan)
		if ok && v.VlanId == id && v.Attrs().ParentIndex == p.Attrs().Index {
			return nil
		}
		return fmt.Errorf("link %s exists and is not VLAN %d on %s", name, id, parent)
	}
	la := netlink.NewLinkAttrs()
	la.Name, la.ParentIndex = name, p.Attrs().Index
	if err := netlink.LinkAdd(&netlink.Vlan{LinkAttrs: la, VlanId: id, VlanProtocol: netlink.VLAN_PROTOCOL_8021Q}); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			return fmt.Errorf("this Linux kernel has no 802.1Q VLAN links (CONFIG_VLAN_8021Q), which vlan-tagging needs: %w", err)
		}
		return err
	}
	if l, err := netlink.LinkByName(name); err == nil {
		_ = netlink.LinkSetAlias(l, gnosAlias)
	}
	return nil
}

func deleteVLAN(o *link) step {
	return step{what: "delete VLAN link " + o.linux,
		do:   func() error { return delLink(o.linux) },
		undo: func() error { return makeVLAN(o.linux, o.vlanParent, o.vlanID) }}
}

// masterStep puts link name into VRF vrf ("" takes it out of the VRF it
// is in); its undo restores the master it found.
func masterStep(name, vrf string) step {
	prev := 0
	set := func(master int) error {
		l, err := netlink.LinkByName(name)
		if err != nil {
			return err
		}
		if master == 0 {
			return netlink.LinkSetNoMaster(l)
		}
		return netlink.LinkSetMasterByIndex(l, master)
	}
	return step{what: fmt.Sprintf("set %s routing instance %q", name, vrf),
		do: func() error {
			l, err := netlink.LinkByName(name)
			if err != nil {
				return err
			}
			prev = l.Attrs().MasterIndex
			want := 0
			if vrf != "" {
				m, err := netlink.LinkByName(vrf)
				if err != nil {
					return err
				}
				want = m.Attrs().Index
			}
			if want == prev {
				return nil
			}
			return set(want)
		},
		undo: func() error {
			if err := set(prev); err != nil && !errors.Is(err, unix.ENODEV) {
				return err
			}
			return nil
		}}
}

// sysctlStep sets a sysctl under /proc/sys/net; its undo restores the
// value it found.
func sysctlStep(path, value string) step {
	prev := ""
	return step{what: "set net." + path + " " + value,
		do: func() error {
			prev = readSysctl(path)
			if prev == value {
				return nil
			}
			return sysctl(path, value)
		},
		undo: func() error {
			if prev == "" || prev == value {
				return nil
			}
			return sysctl(path, prev)
		}}
}
