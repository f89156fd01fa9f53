package dataplane

import (
	"encoding/json"
	"fmt"
)

// MaxServiceSetID bounds service-set ids: servicesd numbers service-sets
// densely from 1 (reusing freed ids), and the data path indexes tables by
// id, so a PIC refuses an update with an id past this.
const MaxServiceSetID = 1 << 20

// SSRB is a Service Set Resolution Blob: everything a PIC needs to run a
// service-set, resolved by servicesd from the configuration.
type SSRB struct {
	ID       uint32    `json:"id"`   // stable while the service-set exists
	Name     string    `json:"name"` // service-set name
	Gen      uint64    `json:"gen"`  // new whenever the service-set is created or changes
	FPC      int       `json:"fpc"`
	PIC      int       `json:"pic"`
	Forward  []string  `json:"forward"` // forward-flow chain (plugin names)
	Reverse  []string  `json:"reverse"` // reverse-flow chain
	Policies []Policy  `json:"policies"`
	Bindings []Binding `json:"bindings,omitempty"`
	// Service interfaces: one for interface-style service-sets, inside
	// and outside for next-hop style.
	ServiceInterface string `json:"service-interface,omitempty"`
	Inside           string `json:"inside,omitempty"`
	Outside          string `json:"outside,omitempty"`
	MaxFlows         uint32 `json:"max-flows,omitempty"`
	TCPMSS           uint16 `json:"tcp-mss,omitempty"` // clamp the MSS option of SYNs to this (0: leave it)
}

// Policy is one service's compiled policy inside an SSRB.
type Policy struct {
	Plugin string          `json:"plugin"`
	Data   json.RawMessage `json:"data"`
}

// Binding is an interface a service-set is applied to, and in which
// direction (input or output).
type Binding struct {
	Interface string `json:"interface"` // ge-0/0/0.0
	Direction string `json:"direction"` // input | output
}

// PolicyBytes is the policy-DB budget the SSRB's policies take.
func (s *SSRB) PolicyBytes() int64 {
	var n int64
	for _, p := range s.Policies {
		n += PolicySize(len(p.Data))
	}
	return n
}

// Slot names a PIC: "fpc 0 pic 0".
type Slot struct {
	FPC int `json:"fpc"`
	PIC int `json:"pic"`
}

func (s Slot) String() string { return fmt.Sprintf("fpc %d pic %d", s.FPC, s.PIC) }
