package picd

import (
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// ServiceName and StreamMethod name the servicesd <-> picd stream. picd
// dials servicesd's socket and opens one stream per PIC.
const (
	ServiceName  = "gnos.Services"
	StreamMethod = "/gnos.Services/PIC"
)

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
	Config     *Config  `json:"config,omitempty"`
	Resync     *Resync  `json:"resync,omitempty"`
	Update     *Update  `json:"update,omitempty"`
	StatusReq  uint64   `json:"status-req,omitempty"`
	Query      *Query   `json:"query,omitempty"` // with StatusReq: what else the status should carry
	Heartbeat  bool     `json:"heartbeat,omitempty"`
	Superseded bool     `json:"superseded,omitempty"` // another picd took this slot
	Replica    *Replica `json:"replica,omitempty"`    // redundancy: records for a secondary, or its takeover (replica.go)
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
	Op   Op              `json:"op"`
	ID   uint32          `json:"id"`
	Name string          `json:"name"`
	Gen  uint64          `json:"gen"`
	SSRB *dataplane.SSRB `json:"ssrb,omitempty"` // add and change
}

// FromPIC is a message from a picd to servicesd (one field set).
type FromPIC struct {
	Hello     *Hello  `json:"hello,omitempty"`
	Ready     *Ready  `json:"ready,omitempty"`
	Ack       *Ack    `json:"ack,omitempty"`
	Status    *Status `json:"status,omitempty"`
	Heartbeat bool    `json:"heartbeat,omitempty"`
	// Events ride on a heartbeat: the plugins' messages for the system
	// log since the last one (events.go).
	Events []PICEvent `json:"events,omitempty"`
	Synced *Resync    `json:"synced,omitempty"` // a resync's End was applied
	// Fault answers a Config the PIC could not start a runtime for (a
	// plugin's init failed, the object cache cannot hold the data path):
	// the PIC stays down until the next Config.
	Fault string `json:"fault,omitempty"`
}

// Hello opens a PIC's stream.
type Hello struct {
	Slot         dataplane.Slot `json:"slot"`
	PID          int            `json:"pid"`
	Capabilities []Capability   `json:"capabilities"`
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
	Req            uint64               `json:"req"`
	State          string               `json:"state"`           // online | offline | restarting | failed
	Fault          string               `json:"fault,omitempty"` // state failed: why
	Incarnation    uint64               `json:"incarnation"`
	Restarts       uint64               `json:"restarts"`
	PID            int                  `json:"pid"`
	DataCores      int                  `json:"data-cores"`
	ControlCores   int                  `json:"control-cores"`
	SSRBs          []HeldSSRB           `json:"ssrbs,omitempty"`
	Counters       Counters             `json:"counters"`
	Plugins        []PluginStatus       `json:"plugins"`
	PolicyDB       dataplane.DBStats    `json:"policy-db"`
	ObjectCache    dataplane.CacheStats `json:"object-cache"`
	LastEvent      string               `json:"last-event,omitempty"`
	DataPath       *dataplane.DataStats `json:"data-path,omitempty"`
	Sessions       []pic.SessionInfo    `json:"sessions,omitempty"`        // a page of them, when a Query asked
	SessionCount   int                  `json:"session-count,omitempty"`   // Query.Count: the sessions selected; else len(Sessions)
	Next           *dataplane.Cursor    `json:"next,omitempty"`            // more sessions than the page: the Query.Cursor of the next
	Error          string               `json:"error,omitempty"`           // the query failed (a session walk timed out, …)
	Rows           []pic.ShowRow        `json:"rows,omitempty"`            // a plugin command's reply
	Traffic        *TrafficStatus       `json:"traffic,omitempty"`         // a traffic request's reply
	CPU            []CPUUsage           `json:"cpu,omitempty"`             // cpu-usage: per service-set, then system and idle
	Snapshot       *SnapshotStatus      `json:"snapshot,omitempty"`        // the session snapshot, with a state directory
	Saved          *SavedRecords        `json:"saved,omitempty"`           // a Query.Save's answer (replica.go)
	Replica        *ReplicaStatus       `json:"replica,omitempty"`         // as a secondary of a redundant interface
	RestartRestore *RestartRestore      `json:"restart-restore,omitempty"` // the sessions of the last runtime restart (carry.go)
}

// Query asks a PIC's status for its sessions (show services sessions).
type Query struct {
	Sessions   bool              `json:"sessions,omitempty"`
	ServiceSet string            `json:"service-set,omitempty"`
	Source     string            `json:"source-prefix,omitempty"`
	Dest       string            `json:"destination-prefix,omitempty"`
	Proto      uint8             `json:"protocol,omitempty"`
	SrcPort    *uint16           `json:"source-port,omitempty"`      // nil: any
	DstPort    *uint16           `json:"destination-port,omitempty"` // nil: any
	Extensive  bool              `json:"extensive,omitempty"`
	Count      bool              `json:"count,omitempty"`     // the number of sessions selected, no sessions
	Limit      int               `json:"limit,omitempty"`     // sessions in the page (at most dataplane.MaxPage)
	Cursor     *dataplane.Cursor `json:"cursor,omitempty"`    // the page to start at (Status.Next of the one before)
	Clear      bool              `json:"clear,omitempty"`     // clear services sessions
	Plugin     string            `json:"plugin,omitempty"`    // a plugin command: the plugin
	Command    string            `json:"command,omitempty"`   // and its RPC name
	Interface  string            `json:"interface,omitempty"` // sessions of the service-sets applied there
	Traffic    *TrafficReq       `json:"traffic,omitempty"`   // request services traffic …
	CPU        bool              `json:"cpu,omitempty"`       // show services service-sets cpu-usage
	Save       *SaveQuery        `json:"save,omitempty"`      // redundancy: the session records (replica.go)
}

// HeldSSRB is what the PIC holds of one service-set.
type HeldSSRB struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	Gen  uint64 `json:"gen"`
	// Sessions is the service-set's sessions on the PIC now (in a status
	// only; 0 elsewhere).
	Sessions int64 `json:"sessions,omitempty"`
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
