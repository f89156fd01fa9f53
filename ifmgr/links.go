package ifmgr

import (
	"net/netip"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// How [edit interfaces] becomes Linux links:
//
//   - an interface without vlan-tagging is its Linux link; its unit 0 is
//     the same link and any other unit N is the sub-interface linux.N,
//     which must exist (gnos does not know how the host made it);
//   - a vlan-tagging interface is the parent link and every unit N is an
//     802.1Q link gnos creates on it, named linux.N (unit 0 too:
//     ge-0-0-0.0), with the unit's vlan-id;
//   - a service interface's units are TUN devices gnos creates.
//
// disable on the interface takes its link and every unit down; disable on
// a unit takes the unit's link down. The interface mtu is the parent's
// MTU and the default of its units' links; family inet mtu is the unit
// link's MTU (Linux has one MTU per link, which IPv4 uses), family inet6
// mtu its IPv6 MTU (net.ipv6.conf.LINK.mtu).

// addInterface adds the links of one [edit interfaces NAME].
func (d *desired) addInterface(ifs, ifd *tree.Node, names *ifname.Map, linuxOf map[string]string) error {
	p := tree.Path{ifs.Step(), ifd.Step()}
	_, disable := ifd.Leaf("disable")
	_, tagged := ifd.Leaf("vlan-tagging")
	mtu := 0
	if v, ok := ifd.Leaf("mtu"); ok {
		mtu = atoi(v)
	}
	_, rsp := ifname.IsRedundant(ifd.Key) // rsp0 units are TUNs too: the active member's picd attaches to them
	tun := ifname.IsService(ifd.Key) || rsp
	put := func(ln, logical string) (*link, error) {
		l := d.links[ln]
		if l == nil {
			l = &link{linux: ln, junos: ifd.Key, path: p, tun: tun, down: disable, addrs: map[netip.Prefix]bool{}, rank: map[netip.Prefix]int{}}
			d.links[ln] = l
		} else if l.junos != ifd.Key {
			return nil, configd.PathDiagnostic(p, "", "%s and %s both map to Linux link %s", l.junos, ifd.Key, ln)
		}
		if logical != "" {
			linuxOf[ifname.Logical(logical)] = ln
		}
		return l, nil
	}
	linux := func(junos string) (string, error) {
		ln, err := names.Linux(junos)
		if err != nil {
			return "", configd.PathDiagnostic(p, "", "%v", err)
		}
		return ln, nil
	}
	units := ifd.ActiveNamed("unit")
	parent := ""
	if !tun || len(units) == 0 {
		ln, err := linux(ifd.Key)
		if err != nil {
			return err
		}
		logical := ifd.Key
		if tagged {
			logical = "" // unit 0 is a VLAN link of its own
		}
		l, err := put(ln, logical)
		if err != nil {
			return err
		}
		l.mtu, parent = mtu, ln
	}
	for _, u := range units {
		logical := ifname.Unit(ifd.Key, u.Key)
		var ln string
		var err error
		if tagged {
			ln = parent + "." + u.Key
			err = ifname.Valid(ln)
			if err != nil {
				err = configd.PathDiagnostic(p, "", "unit %s: %v", u.Key, err)
			}
		} else {
			ln, err = linux(logical)
		}
		if err != nil {
			return err
		}
		l, err := put(ln, logical)
		if err != nil {
			return err
		}
		if _, off := u.Leaf("disable"); off {
			l.down = true
		}
		if tagged {
			l.vlanParent = parent
			if v, ok := u.Leaf("vlan-id"); ok {
				l.vlanID = atoi(v)
			}
		}
		if u.Key == "0" || tun || tagged {
			l.mtu = mtu
		}
		fam := u.ActiveChild("family")
		for _, f := range []string{"inet", "inet6"} {
			fn := fam.ActiveChild(f)
			if v, ok := fn.Leaf("mtu"); ok {
				if f == "inet" {
					l.mtu = atoi(v)
				} else {
					l.mtu6 = atoi(v)
				}
			}
			for _, a := range fn.ActiveNamed("address") {
				pfx, err := netip.ParsePrefix(a.Key)
				if err != nil {
					return configd.PathDiagnostic(p, "", "address %s: %v", a.Key, err)
				}
				l.addrs[pfx] = true
				if _, ok := a.Leaf("primary"); ok {
					l.rank[pfx] = rankPrimary
				} else if _, ok := a.Leaf("preferred"); ok {
					l.rank[pfx] = rankPreferred
				}
			}
		}
	}
	return nil
}
