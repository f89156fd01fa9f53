package ifmgr

import (
	"fmt"
	"hash/fnv"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// Routing tables and rule priorities gnos owns. Rules sit between the
// kernel's local (0) and main (32766) rules; every rule with a priority in
// [PrefFromService, PrefServiceRoutes] belongs to gnos.
const (
	// ServiceTable holds the static routes whose next hop is a service
	// interface (next-hop-style service-sets).
	ServiceTable = 200
	// PrefFromService: packets written back by picd (iif a service
	// interface) are routed by the main table, which holds no route into
	// a service interface: no loop.
	PrefFromService = 1000
	// PrefInputBinding: interface-style input bindings (iif the bound
	// link) look up their service interface's steering table.
	PrefInputBinding = 1100
	// PrefOutputBinding: interface-style output bindings (to the
	// prefixes reached by the bound link).
	PrefOutputBinding = 1200
	// PrefServiceRoutes: everything else looks up ServiceTable first.
	PrefServiceRoutes = 1300
	// RouteProtocol marks the routes gnos installs (rtnetlink protocol).
	RouteProtocol = 77
)

// desired is what the configuration asks of Linux.
type desired struct {
	links  map[string]*link // by Linux name
	routes map[string]route // by key
	rules  map[string]rule  // by key
	vrfs   map[string]vrf   // by name (the routing instance's)
}

// link is one Linux link gnos manages: a real port (or sub-interface)
// that must exist, a VLAN unit of a tagged port, or a service interface
// unit gnos creates as a TUN.
type link struct {
	linux string
	junos string    // the Junos interface (physical) it comes from
	path  tree.Path // [edit interfaces NAME] for diagnostics
	tun   bool
	down  bool // disable (of the interface or of the unit)
	mtu   int  // 0: leave as is
	mtu6  int  // family inet6 mtu (the link's IPv6 MTU); 0: leave as is
	addrs map[netip.Prefix]bool
	// rank orders the addresses gnos adds: primary (rankPrimary) and
	// preferred (rankPreferred) ones go in first (addrorder.go).
	rank map[netip.Prefix]int
	// vlanParent and vlanID: a unit of a vlan-tagging interface, an
	// 802.1Q link gnos creates on vlanParent.
	vlanParent string
	vlanID     int
	vrf        string // the VRF device of its routing instance; "": none
	// svcInstance: a service interface unit a routing instance lists. It
	// is not enslaved to the instance's VRF; the instance routes into it
	// and what picd writes back into it is routed by the instance's
	// return table (instances.go).
	svcInstance string
	bound       bool // an interface-style service-set is applied to it
}

// route is a route gnos installs.
type route struct {
	dst         netip.Prefix
	gws         []netip.Addr
	dev         string // Linux link (interface next hop)
	table       int
	blackhole   bool // discard
	unreachable bool // reject: ICMP unreachable to the sender
	metric      int  // the Junos preference (Linux route priority)
	svc         bool // its next hop is a service interface (not in its key: it changes nothing in Linux)
}

func newDesired() *desired {
	return &desired{links: map[string]*link{}, routes: map[string]route{}, rules: map[string]rule{}, vrfs: map[string]vrf{}}
}

func (d *desired) addRoute(r route) { d.routes[r.key()] = r }

func (d *desired) addRule(r rule) { d.rules[r.key()] = r }

// addRules adds r for IPv4 and for IPv6.
func (d *desired) addRules(r rule) {
	for _, v6 := range []bool{false, true} {
		r.v6 = v6
		d.addRule(r)
	}
}

func (r route) key() string {
	return fmt.Sprintf("%d %s via %v dev %s bh %v unreach %v metric %d", r.table, r.dst, r.gws, r.dev, r.blackhole, r.unreachable, r.metric)
}

// rule is a policy-routing rule gnos installs.
type rule struct {
	pref  int
	iif   string
	dst   netip.Prefix // valid for output bindings
	v6    bool
	table int
}

func (r rule) key() string {
	return fmt.Sprintf("%d iif %s to %v v6 %v table %d", r.pref, r.iif, r.dst, r.v6, r.table)
}

// steerTable is the routing table that sends everything into a service
// interface (interface-style steering): a stable number per Linux name.
func steerTable(linux string) int {
	h := fnv.New32a()
	h.Write([]byte(linux))
	return 0x1000 + int(h.Sum32()%0xe000)
}

// build computes what root asks of Linux. It fails (with a Junos path)
// on what cannot be spelled for Linux.
func build(root *tree.Node, names *ifname.Map) (*desired, error) {
	d := newDesired()
	ifs := root.ActiveChild("interfaces")
	linuxOf := map[string]string{} // Junos logical name → Linux name
	for _, ifd := range ifs.ActiveNamed("interface") {
		if err := d.addInterface(ifs, ifd, names, linuxOf); err != nil {
			return nil, err
		}
	}
	if err := d.services(root, names, linuxOf); err != nil {
		return nil, err
	}
	d.serviceInstances(root, linuxOf)
	if err := d.static(root, names, linuxOf); err != nil {
		return nil, err
	}
	if err := d.instances(root, names, linuxOf); err != nil {
		return nil, err
	}
	return d, nil
}

// services adds the TUN devices service-sets name, and the
// interface-style steering rules.
func (d *desired) services(root *tree.Node, names *ifname.Map, linuxOf map[string]string) error {
	svc := root.ActiveChild("services")
	tunOf := func(p tree.Path, junos string) (string, error) {
		logical := ifname.Logical(junos)
		if ln, ok := linuxOf[logical]; ok {
			return ln, nil
		}
		ln, err := names.Linux(logical)
		if err != nil {
			return "", configd.PathDiagnostic(p, "", "%v", err)
		}
		ifd, _, _ := ifname.Split(junos)
		d.links[ln] = &link{linux: ln, junos: ifd, path: p, tun: true, addrs: map[netip.Prefix]bool{}}
		linuxOf[logical] = ln
		return ln, nil
	}
	bindings := interfaceBindings(root)
	for _, ss := range svc.ActiveNamed("service-set") {
		p := tree.Path{svc.Step(), ss.Step()}
		if nh := ss.ActiveChild("next-hop-service"); nh != nil {
			for _, leaf := range []string{"inside-service-interface", "outside-service-interface"} {
				if v, ok := nh.Leaf(leaf); ok {
					if _, err := tunOf(p, v); err != nil {
						return err
					}
				}
			}
			continue
		}
		is := ss.ActiveChild("interface-service")
		if is == nil {
			continue
		}
		v, ok := is.Leaf("service-interface")
		if !ok {
			continue
		}
		tunName, err := tunOf(p, v)
		if err != nil {
			return err
		}
		table := steerTable(tunName)
		for _, dst := range []string{"0.0.0.0/0", "::/0"} {
			d.addRoute(route{dst: netip.MustParsePrefix(dst), dev: tunName, table: table})
		}
		for _, b := range bindings[ss.Key] {
			ln, ok := linuxOf[ifname.Logical(b.ifname)]
			if !ok {
				continue
			}
			d.links[ln].bound = true
			if b.dir == "input" {
				d.addRules(rule{pref: PrefInputBinding, iif: ln, table: table})
				continue
			}
			for pfx := range d.links[ln].addrs { // output: what leaves by the link's subnets
				d.addRule(rule{pref: PrefOutputBinding, dst: pfx.Masked(), v6: pfx.Addr().Is6(), table: table})
			}
		}
	}
	return nil
}

type binding struct{ ifname, dir string }

// interfaceBindings lists, per service-set, the logical interfaces it is
// applied to (unit N family inet|inet6 service input|output).
func interfaceBindings(root *tree.Node) map[string][]binding {
	out := map[string][]binding{}
	for _, ifd := range root.ActiveChild("interfaces").ActiveNamed("interface") {
		for _, u := range ifd.ActiveNamed("unit") {
			fam := u.ActiveChild("family")
			for _, f := range []string{"inet", "inet6"} {
				sv := fam.ActiveChild(f).ActiveChild("service")
				for _, dir := range []string{"input", "output"} {
					for _, s := range sv.ActiveChild(dir).ActiveNamed("service-set") {
						out[s.Key] = append(out[s.Key], binding{ifname.Unit(ifd.Key, u.Key), dir})
					}
				}
			}
		}
	}
	return out
}

// staticRoute is one `static route P` statement and its path.
type staticRoute struct {
	p tree.Path
	r *tree.Node
}

// staticRoutes lists the static routes of a routing-options node: static
// route …, and rib inet6.0 (or NAME.inet6.0) static route ….
func staticRoutes(base tree.Path, ro *tree.Node) []staticRoute {
	var routes []staticRoute
	if st := ro.ActiveChild("static"); st != nil {
		for _, r := range st.ActiveNamed("route") {
			routes = append(routes, staticRoute{append(base[:len(base):len(base)], ro.Step(), st.Step(), r.Step()), r})
		}
	}
	for _, rib := range ro.ActiveNamed("rib") {
		if st := rib.ActiveChild("static"); st != nil {
			for _, r := range st.ActiveNamed("route") {
				routes = append(routes, staticRoute{append(base[:len(base):len(base)], ro.Step(), rib.Step(), st.Step(), r.Step()), r})
			}
		}
	}
	return routes
}

// static adds the static routes, and the rules that make packets coming
// back from service interfaces skip the service routes.
func (d *desired) static(root *tree.Node, names *ifname.Map, linuxOf map[string]string) error {
	for _, sr := range staticRoutes(nil, root.ActiveChild("routing-options")) {
		if err := d.addStatic(sr, unix.RT_TABLE_MAIN, names, linuxOf); err != nil {
			return err
		}
	}
	hasSvc := false
	for _, rt := range d.routes {
		hasSvc = hasSvc || rt.table == ServiceTable
	}
	for _, l := range d.links {
		if l.tun {
			table := unix.RT_TABLE_MAIN
			if l.svcInstance != "" {
				table = returnTable(l.svcInstance)
			}
			d.addRules(rule{pref: PrefFromService, iif: l.linux, table: table})
		}
	}
	if hasSvc {
		d.addRules(rule{pref: PrefServiceRoutes, table: ServiceTable})
	}
	return nil
}
