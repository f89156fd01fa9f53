// Package sfw is the stateful-firewall service plugin. It brings its own
// configuration (services stateful-firewall rules and the service-set's
// stateful-firewall-rules) as a YANG module that augments `services`, a
// policy compiler (run by servicesd: rules resolved with their
// applications into a Policy) and a control handler that publishes each
// service-set's Policy in the PIC's policy DB, and a data handler (data.go)
// that decides each session on its first packet.
package sfw

import (
	_ "embed"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/yang"
)

// Name is the plugin name used in service-order and package lists.
const Name = "stateful-firewall"

//go:embed yang/gnos-stateful-firewall.yang
var module string

func init() {
	yang.Register("gnos-stateful-firewall", module)
	pic.Register(&pic.Plugin{Name: Name, Module: "gnos-stateful-firewall", Mode: pic.SessionBased, Restart: true, Layer3: true, ChainOrder: 100, Compile: Compile,
		Check:   pic.JSONCheck[Policy](),
		Control: func() pic.ControlHandler { return pic.JSONControl[Policy](Name) },
		Data:    func() pic.DataHandler { return &Data{} },
		Commands: []pic.PluginCommand{{Words: []string{"services", "stateful-firewall", "statistics"},
			RPC: StatisticsRPC, Help: "Show stateful firewall statistics"},
			{Words: []string{"services", "stateful-firewall", "flows"}, RPC: FlowsRPC, Sessions: true,
				Help: "Show stateful firewall flow table", Text: TextFlows},
			{Verb: "clear", Words: []string{"services", "stateful-firewall", "flows"}, RPC: ClearFlowsRPC,
				Help: "Clear stateful firewall flow table"}}})
}
