package pic

import (
	"encoding/json"
	"fmt"
)

// ServiceName and StreamMethod name the servicesd <-> picd stream. picd
// dials servicesd's socket and opens one stream per PIC.
const (
	ServiceName  = "gnos.Services"
	StreamMethod = "/gnos.Services/PIC"
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

// Op is an update's operation.
type Op string

// Update operations.
const (
	OpAdd    Op = "add"
	OpChange Op = "change"
	OpDelete Op = "delete"
)

// ToPIC is a message from servicesd to a picd (one field set).
type ToPIC struct {
	Config     *Config `json:"config,omitempty"`
	Resync     *Resync `json:"resync,omitempty"`
	Update     *Update `json:"update,omitempty"`
	StatusReq  uint64  `json:"status-req,omitempty"`
	Query      *Query  `json:"query,omitempty"` // with StatusReq: what else the status should carry
	Heartbeat  bool    `json:"heartbeat,omitempty"`
	Superseded bool    `json:"superseded,omitempty"` // another picd took this slot
}

// Config is the PIC's shape from chassis fpc F pic P, and its admin
// state. servicesd sends it after hello and whenever it changes; a picd
// whose shape changes restarts its runtime cleanly.
type Config struct {
	Configured    bool     `json:"configured"`
	Online        bool     `json:"online"` // request chassis pic … online|offline
	ControlCores  int      `json:"control-cores"`
	DataCores     int      `json:"data-cores"`
	ObjectCacheMB uint32   `json:"object-cache-size"`
	PolicyDBMB    uint32   `json:"policy-db-size"`
	Packages      []string `json:"packages"`
}

// Resync brackets a full resync: everything sent between Begin and End is
// the complete state; the PIC drops what was not mentioned.
type Resync struct {
	Begin bool `json:"begin,omitempty"`
	End   bool `json:"end,omitempty"`
	Count int  `json:"count"`
}

// Update adds, changes or deletes one SSRB.
type Update struct {
	Op   Op     `json:"op"`
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	Gen  uint64 `json:"gen"`
	SSRB *SSRB  `json:"ssrb,omitempty"` // add and change
}

// FromPIC is a message from a picd to servicesd (one field set).
type FromPIC struct {
	Hello     *Hello  `json:"hello,omitempty"`
	Ready     *Ready  `json:"ready,omitempty"`
	Ack       *Ack    `json:"ack,omitempty"`
	Status    *Status `json:"status,omitempty"`
	Heartbeat bool    `json:"heartbeat,omitempty"`
	Synced    *Resync `json:"synced,omitempty"` // a resync's End was applied
}

// Hello opens a PIC's stream.
type Hello struct {
	Slot         Slot         `json:"slot"`
	PID          int          `json:"pid"`
	Capabilities []Capability `json:"capabilities"`
}

// Capability is a plugin the picd can load.
type Capability struct {
	Plugin  string `json:"plugin"`
	Mode    string `json:"mode"`
	Restart bool   `json:"restart"`
}

// Ready says the PIC's runtime is up (after a Config or a PIC restart) and
// wants a full resync. Incarnation counts runtime starts.
type Ready struct {
	Incarnation uint64 `json:"incarnation"`
}

// Ack acknowledges one update with its generation number. Stale is set
// when the PIC already held a newer generation and ignored the update;
// Error when a plugin refused it.
type Ack struct {
	ID    uint32 `json:"id"`
	Gen   uint64 `json:"gen"`
	Op    Op     `json:"op"`
	Stale bool   `json:"stale,omitempty"`
	Error string `json:"error,omitempty"`
}

// Status is the PIC's state for show commands, sent on request.
type Status struct {
	Req          uint64         `json:"req"`
	State        string         `json:"state"` // online | offline | restarting
	Incarnation  uint64         `json:"incarnation"`
	Restarts     uint64         `json:"restarts"`
	PID          int            `json:"pid"`
	DataCores    int            `json:"data-cores"`
	ControlCores int            `json:"control-cores"`
	SSRBs        []HeldSSRB     `json:"ssrbs,omitempty"`
	Counters     Counters       `json:"counters"`
	Plugins      []PluginStatus `json:"plugins"`
	PolicyDB     DBStats        `json:"policy-db"`
	ObjectCache  CacheStats     `json:"object-cache"`
	LastEvent    string         `json:"last-event,omitempty"`
	DataPath     *DataStats     `json:"data-path,omitempty"`
	Sessions     []SessionInfo  `json:"sessions,omitempty"` // when a Query asked for them
	Rows         []ShowRow      `json:"rows,omitempty"`     // a plugin command's reply
	Traffic      *TrafficStatus `json:"traffic,omitempty"`  // a traffic request's reply
	CPU          []CPUUsage     `json:"cpu,omitempty"`      // cpu-usage: per service-set, then system and idle
}

// Query asks a PIC's status for its sessions (show services sessions).
type Query struct {
	Sessions   bool        `json:"sessions,omitempty"`
	ServiceSet string      `json:"service-set,omitempty"`
	Source     string      `json:"source-prefix,omitempty"`
	Dest       string      `json:"destination-prefix,omitempty"`
	Proto      uint8       `json:"protocol,omitempty"`
	Extensive  bool        `json:"extensive,omitempty"`
	Limit      int         `json:"limit,omitempty"`
	Clear      bool        `json:"clear,omitempty"`     // clear services sessions
	Plugin     string      `json:"plugin,omitempty"`    // a plugin command: the plugin
	Command    string      `json:"command,omitempty"`   // and its RPC name
	Interface  string      `json:"interface,omitempty"` // sessions of the service-sets applied there
	Traffic    *TrafficReq `json:"traffic,omitempty"`   // request services traffic …
	CPU        bool        `json:"cpu,omitempty"`       // show services service-sets cpu-usage
}

// HeldSSRB is what the PIC holds of one service-set.
type HeldSSRB struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	Gen  uint64 `json:"gen"`
}

// Counters count the updates a PIC received.
type Counters struct {
	Adds     uint64 `json:"adds"`
	Changes  uint64 `json:"changes"`
	Deletes  uint64 `json:"deletes"`
	Stale    uint64 `json:"stale"`
	Errors   uint64 `json:"errors"`
	Resyncs  uint64 `json:"resyncs"`
	Resynced uint64 `json:"resynced"` // SSRBs received inside resyncs
	Swept    uint64 `json:"swept"`    // SSRBs dropped at the end of a resync
}

// Updates is the number of incremental updates (outside resyncs).
func (c Counters) Updates() uint64 { return c.Adds + c.Changes + c.Deletes + c.Stale }

// PluginStatus is one loaded plugin.
type PluginStatus struct {
	Name      string `json:"name"`
	ID        int    `json:"id"`
	Mode      string `json:"mode"`
	Restart   bool   `json:"restart"`
	State     string `json:"state"` // running | restarted | failed
	Restarts  uint64 `json:"restarts"`
	Policies  int    `json:"policies"`
	LastPanic string `json:"last-panic,omitempty"`
}
