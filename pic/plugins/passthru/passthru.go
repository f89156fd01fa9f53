// Package passthru is the example service plugin: session-based, it
// passes every packet and (with the data path) stores a per-session
// description. It has no configuration of its own: a service-set runs it
// by naming it in extension-service and service-order. Its policy is the
// description its sessions get.
package passthru

import (
	"encoding/json"

	"github.com/gnos/gnos/pic"
)

// Name is the plugin name used in service-order and package lists.
const Name = "passthru"

// Policy is what a passthru service-set tells its sessions.
type Policy struct {
	Description string `json:"description"`
}

// Compile returns the policy when the service-set names passthru in
// extension-service or service-order; nil otherwise.
func Compile(in *pic.CompileInput) ([]byte, []string, error) {
	used := in.ServiceSet.ChildNamed("extension-service", Name) != nil
	for _, f := range pic.Values(pic.Active(in.ServiceSet, "service-order"), "forward-flow") {
		used = used || f == Name
	}
	if !used {
		return nil, nil, nil
	}
	b, err := json.Marshal(Policy{Description: "passthru for service-set " + in.Name})
	return b, nil, err
}

func init() {
	pic.Register(&pic.Plugin{Name: Name, Mode: pic.SessionBased, Restart: true, Compile: Compile,
		Control: func() pic.ControlHandler { return pic.JSONControl[Policy](Name) }})
}
