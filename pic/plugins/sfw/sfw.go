// Package sfw is the stateful-firewall service plugin. It brings its own
// configuration (services stateful-firewall rules and the service-set's
// stateful-firewall-rules) as a YANG module that augments `services`.
package sfw

import (
	_ "embed"

	"github.com/gnos/gnos/yang"
)

// Name is the plugin name used in service-order and package lists.
const Name = "stateful-firewall"

//go:embed yang/gnos-stateful-firewall.yang
var module string

func init() { yang.Register("gnos-stateful-firewall", module) }
