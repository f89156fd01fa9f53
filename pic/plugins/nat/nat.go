// Package nat is the NAT service plugin (napt-44 and basic-nat44 source
// NAT from pools). It brings its own configuration (services nat pools and
// rules, the service-set's nat-rules) as a YANG module augmenting
// `services`, a policy compiler (rules and the pools they use, resolved
// by servicesd) and a control handler publishing each service-set's
// Policy in the PIC's policy DB, and a data handler (data.go) that
// translates sessions.
package nat

import (
	_ "embed"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/yang"
)

// Name is the plugin name used in service-order and package lists.
const Name = "nat"

//go:embed yang/gnos-nat.yang
var module string

func init() {
	yang.Register("gnos-nat", module)
	pic.Register(&pic.Plugin{Name: Name, Module: "gnos-nat", Mode: pic.SessionBased, Restart: true, Layer3: true, ChainOrder: 200, Compile: Compile,
		Check:   pic.JSONCheck[Policy](),
		Control: func() pic.ControlHandler { return pic.JSONControl[Policy](Name) },
		Data:    func() pic.DataHandler { return &Data{} },
		Commands: []pic.PluginCommand{{Words: []string{"services", "nat", "pool"}, RPC: PoolRPC,
			Help: "Show NAT pools", Args: []pic.PluginArg{{Name: "pool-name", Positional: true,
				Help: "Name of NAT pool", Field: "pool-name"}}},
			{Words: []string{"services", "nat", "mappings"}, RPC: MappingsRPC, Sessions: true,
				Help: "Show NAT address and port mappings", Text: TextMappings}}})
}
