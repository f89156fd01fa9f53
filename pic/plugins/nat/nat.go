// Package nat is the NAT service plugin (napt-44 and basic-nat44 source
// NAT from pools). It brings its own configuration (services nat pools and
// rules, the service-set's nat-rules) as a YANG module augmenting
// `services`.
package nat

import (
	_ "embed"

	"github.com/gnos/gnos/yang"
)

// Name is the plugin name used in service-order and package lists.
const Name = "nat"

//go:embed yang/gnos-nat.yang
var module string

func init() { yang.Register("gnos-nat", module) }
