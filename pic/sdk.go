package pic

import "github.com/gnos/gnos/pic/dataplane"

// The data path's types and functions a plugin is written against. They
// are defined by the data path (package pic/dataplane, which owns their
// internals: the session table, the cores, the object cache's magazines)
// and named here so that a plugin imports the SDK alone.

// Packets.
type (
	// Packet is a packet on a data core, parsed (addresses, protocol,
	// ports, TCP flags, ICMP type) before a plugin sees it.
	Packet = dataplane.Packet
	// PacketSpec describes a packet to build (Packet.Build): test
	// traffic and generated packets.
	PacketSpec = dataplane.PacketSpec
	// FlowKey is a flow's 5-tuple (Session.Key, Packet.Key).
	FlowKey = dataplane.FlowKey
	// Side is where a packet meets the service-set (Input, Output).
	Side = dataplane.Side
)

// Packet constants.
const (
	MaxPacket   = dataplane.MaxPacket
	ProtoICMP   = dataplane.ProtoICMP
	ProtoTCP    = dataplane.ProtoTCP
	ProtoUDP    = dataplane.ProtoUDP
	ProtoICMPv6 = dataplane.ProtoICMPv6
	TCPFin      = dataplane.TCPFin
	TCPSyn      = dataplane.TCPSyn
	TCPRst      = dataplane.TCPRst
	TCPPsh      = dataplane.TCPPsh
	TCPAck      = dataplane.TCPAck
	Input       = dataplane.Input
	Output      = dataplane.Output
	EchoReply   = dataplane.EchoReply // PacketSpec.ICMPType asking for an echo reply
)

// Checksum is the Internet checksum of b on top of a partial sum initial.
func Checksum(b []byte, initial uint32) uint16 { return dataplane.Checksum(b, initial) }

// ProtoName is the name shows give a protocol number.
func ProtoName(p uint8) string { return dataplane.ProtoName(p) }

// Data events and sessions.
type (
	// DataHandler is a plugin's data-path side (Plugin.Data).
	DataHandler = dataplane.DataHandler
	// DataEvent is the kind of a data event.
	DataEvent = dataplane.DataEvent
	// DataCtx is a data event's context.
	DataCtx = dataplane.DataCtx
	// Result is what a data handler decides.
	Result = dataplane.Result
	// Session is one session: keys, counters, TCP state, timeout.
	Session = dataplane.Session
	// Dir is a session direction (Forward, Reverse).
	Dir = dataplane.Dir
	// TCPState is a session's TCP tracking state.
	TCPState = dataplane.TCPState
	// SessionInfo is one session as show commands see it.
	SessionInfo = dataplane.SessionInfo
	// SessionFilter selects sessions (show services sessions and
	// Dataplane.Sessions in tests).
	SessionFilter = dataplane.SessionFilter
	// FirstPacketOnly is implemented by data handlers with nothing to
	// do on EvPacket: established packets' chains leave them out.
	FirstPacketOnly = dataplane.FirstPacketOnly
	// SessionEvents is implemented by data handlers that take only some
	// of EvSessionOpen, EvSessionClose and EvSessionDestroy: the others
	// are not delivered to them.
	SessionEvents = dataplane.SessionEvents
	// EventSet is a set of data events (Events).
	EventSet = dataplane.EventSet
	// SessionDescriber is implemented by data handlers that describe
	// their per-session state (show services sessions extensive).
	SessionDescriber = dataplane.SessionDescriber
	// SessionShower is implemented by data handlers whose commands list
	// sessions (PluginCommand.Sessions).
	SessionShower = dataplane.SessionShower
	// ShowRow is one row of a plugin command's reply.
	ShowRow = dataplane.ShowRow
	// ShowField is one value of a row.
	ShowField = dataplane.ShowField
	// SessionSaver is implemented by data handlers that keep per-session
	// state: the two halves of the HA state blob (save on the PIC that
	// has the session, restore on the one that takes it over).
	SessionSaver = dataplane.SessionSaver
)

// MaxStateBlob bounds one plugin's HA state blob for one session.
const MaxStateBlob = dataplane.MaxStateBlob

// Data events, in the order a session meets them, and results.
const (
	EvSessionManagerInit = dataplane.EvSessionManagerInit
	EvCoreInit           = dataplane.EvCoreInit
	EvFirstPacket        = dataplane.EvFirstPacket
	EvPacket             = dataplane.EvPacket
	EvSessionOpen        = dataplane.EvSessionOpen
	EvSessionClose       = dataplane.EvSessionClose
	EvSessionDestroy     = dataplane.EvSessionDestroy

	OK            = dataplane.OK
	ResultForward = dataplane.ResultForward
	Drop          = dataplane.Drop
	Reject        = dataplane.Reject
	DropMemlimit  = dataplane.DropMemlimit

	Forward = dataplane.Forward
	Reverse = dataplane.Reverse

	TCPNone        = dataplane.TCPNone
	TCPSynSent     = dataplane.TCPSynSent
	TCPSynReceived = dataplane.TCPSynReceived
	TCPEstablished = dataplane.TCPEstablished
	TCPClosing     = dataplane.TCPClosing
	TCPClosed      = dataplane.TCPClosed

	MaxChain         = dataplane.MaxChain // services in one service-set's chain
	MaxPlugins       = dataplane.MaxPlugins
	DefaultTimeout   = dataplane.DefaultTimeout
	TCPTimeout       = dataplane.TCPTimeout
	TCPOpenTimeout   = dataplane.TCPOpenTimeout
	TCPClosedLinger  = dataplane.TCPClosedLinger
	MaxSessionTimout = dataplane.MaxSessionTimout
)

// Ext returns the extension handle the plugin stored for direction d.
func Ext[T any](c *DataCtx, d Dir) *T { return dataplane.Ext[T](c, d) }

// SetExt stores the plugin's extension handle for direction d; the object
// should come from the object cache (NewClass) and be freed on
// EvSessionDestroy.
func SetExt[T any](c *DataCtx, d Dir, v *T) { dataplane.SetExt(c, d, v) }

// Events returns the set of evs (for SessionEvents).
func Events(evs ...DataEvent) EventSet { return dataplane.Events(evs...) }

// Word returns the plugin's inline session word (0 until SetWord).
func Word(c *DataCtx) uint32 { return dataplane.Word(c) }

// Addr4 is session s's IPv4 source and destination in direction d (zero
// for IPv6): with Ports, what a plugin's packets read of the session's
// keys without building a FlowKey (Session.Key).
func Addr4(s *Session, d Dir) (src, dst [4]byte) { return dataplane.Addr4(s, d) }

// Ports is session s's source and destination port in direction d.
func Ports(s *Session, d Dir) (sport, dport uint16) { return dataplane.Ports(s, d) }

// SetWord stores one word of the plugin's session state inside the
// session itself.
func SetWord(c *DataCtx, v uint32) { dataplane.SetWord(c, v) }

// The object cache and the policy DB.
type (
	// ObjectCache is the PIC's object cache (object-cache-size).
	ObjectCache = dataplane.ObjectCache
	// Class is an object class of the cache: fixed-size objects of T.
	Class[T any] = dataplane.Class[T]
	// Local is a data core's magazine of a class.
	Local[T any] = dataplane.Local[T]
	// PolicyDB is the PIC's policy DB (policy-db-size), where control
	// handlers publish their data-path policies.
	PolicyDB = dataplane.PolicyDB
)

// NewClass makes an object class of the cache, carved per data core (at
// EvSessionManagerInit).
func NewClass[T any](c *ObjectCache, name string, cores, batch int) *Class[T] {
	return dataplane.NewClass[T](c, name, cores, batch)
}

// PolicySize is the policy-DB budget a compiled policy of n bytes takes.
func PolicySize(n int) int64 { return dataplane.PolicySize(n) }

// DataPlugin is what the data path needs of the plugin.
func (p *Plugin) DataPlugin() dataplane.DataPlugin {
	return dataplane.DataPlugin{Name: p.Name, Slot: p.slot, Data: p.Data}
}

// DataPlugins is the data path's view of plugins (for the PIC daemon and
// test rigs building a dataplane.Dataplane).
func DataPlugins(ps []*Plugin) []dataplane.DataPlugin {
	out := make([]dataplane.DataPlugin, len(ps))
	for i, p := range ps {
		out[i] = p.DataPlugin()
	}
	return out
}

// SteerCore is the data core (of n) a packet of protocol proto with these
// ports is steered to: a plugin that picks ports (NAT) picks ones that
// bring the answers back to the session's core.
func SteerCore(proto uint8, sport, dport uint16, n int) int {
	return dataplane.SteerCore(proto, sport, dport, n)
}
