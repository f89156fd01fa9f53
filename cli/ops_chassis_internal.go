package cli

// The routing engine's internal network, as Junos tools see it: Junos
// keeps the links between its RE and FPCs in the private routing
// instance __juniper_private1__ (em1 with 128.0.0.1/2 for "master" and
// 128.0.0.4/2 for "re0"), and /etc/hosts.junos names those addresses
// (ops_files.go). PyEZ's current_re fact reads both to learn which RE it
// talks to. gnos has one RE, always master, so the addresses are fixed.
// For a configured routing instance, show interfaces lists the
// interfaces the instance names.

import (
	"fmt"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
)

// PrivateInstance is Junos' internal routing instance.
const PrivateInstance = "__juniper_private1__"

func privateInterfaces() []*Elem {
	af := E("address-family", T("address-family-name", "inet"),
		E("interface-address", T("ifa-local", "128.0.0.1/2")),
		E("interface-address", T("ifa-local", "128.0.0.4/2")))
	l := E("logical-interface", T("name", "em1.0"), T("admin-status", "up"), T("oper-status", "up"), af)
	return []*Elem{E("physical-interface", T("name", "em1"), T("admin-status", "up"), T("oper-status", "up"), l)}
}

// instanceFilter returns which interfaces show interfaces routing-instance
// NAME lists: those the instance names (any unit of them), or all of
// them without the argument.
func instanceFilter(root *tree.Node, a Args) (func(string) bool, error) {
	ri, ok := a["routing-instance"]
	if !ok {
		return func(string) bool { return true }, nil
	}
	inst := root.ChildNamed("routing-instances", "").ChildNamed("instance", ri)
	if inst == nil || inst.Inactive {
		return nil, fmt.Errorf("routing instance %s not found", ri)
	}
	var names []string
	for _, i := range inst.AllNamed("interface") {
		names = append(names, i.Key)
	}
	return func(ifd string) bool {
		for _, n := range names {
			if ifname.Within(n, ifd) {
				return true
			}
		}
		return false
	}, nil
}
