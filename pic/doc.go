// Package pic is the services PIC's plugin SDK: what a service plugin is
// written against. It holds the plugin registry (Register from init, by
// name; a plugin's ID derives from its name and its default chain place
// from ChainOrder, never from import order), the control side (control
// events and handlers, JSONControl, JSONCheck, Preparer), the match and
// rule types the compilers share (Match, Rule), and, named in sdk.go, the
// data path's types a data handler sees (Packet, Session, DataCtx, the
// object cache's classes, the policy DB it publishes into).
//
// The rest of a PIC is elsewhere: the data path itself (cores, session
// table, steering, reject, policy DB, object cache) in pic/dataplane;
// the compiler input in pic/compile; packet I/O (ports, pcap) in
// pic/packetio; the daemon (the servicesd stream, the control-core
// runtime, supervision, live TUN queues; the only package linking gRPC)
// in pic/picd. pic/pictest runs a plugin's data path in its tests.
//
// Rules of the road for a plugin author:
//
//   - Import this package (and pic/compile, configd/tree and yang for the
//     compiler), never pic/dataplane, picd, servicesd or gRPC
//     (TestPluginsLinkOnlyTheSDK checks the plugins in this tree).
//   - Data handlers run on data cores: never block, never allocate per
//     packet, never keep the DataCtx, packet or session after returning.
//     One session is always handled on the same core; state shared across
//     cores needs atomics.
//   - A vector's established packets reach EvPacket grouped by
//     service-set and direction, plugin by plugin: a plugin sees each
//     session's packets in order, but may see other sessions' packets
//     before the plugin ahead of it in the chain has seen them all;
//     never rely on another plugin's per-packet side effects beyond the
//     packet itself. The data core pulls a vector's sessions into cache
//     ahead of the chains, not plugins' extension objects: what every
//     packet needs is best read from the session (its keys through Addr4
//     and Ports, SetWord), as nat rewrites from the keys its first packet
//     set.
//   - Per-session state comes from an object class (NewClass) so it
//     counts against object-cache-size; a failed Alloc is a drop
//     (DropMemlimit), not a crash; free it on EvSessionDestroy. One word
//     of state needs no object (SetWord).
//   - Control handlers run on the control core, one event at a time; build
//     data-path forms (prefixes, ranges, allocators) there (Preparer).
//   - Check (or JSONCheck) repeats at commit time what the control handler
//     would refuse, so a commit fails instead of the PIC.
//
// The lifecycle, and what the PIC guarantees about it (as varpd's
// provider header states its own):
//
//   - Control events reach one control handler instance on the control
//     core, one at a time, never concurrently with each other:
//     EvInit first and once; then EvPolicyAdd / EvPolicyChange /
//     EvPolicyDelete per service-set, each policy's generation higher than
//     the last one it replaces; EvHAState (StateSaver) at most once, after
//     the policies of a PIC restoring saved state and before its sessions
//     are restored; EvStop when the PIC's data path stops (offline, a new
//     chassis shape, a runtime restart, the daemon exiting): no data event
//     reaches the plugin's data handler after it; EvDestroy last, once,
//     after EvStop: release whatever lives outside the object cache.
//     A handler that panicked is replaced by a new instance (Restart) and
//     gets no EvStop or EvDestroy; its successor starts at EvInit.
//   - Data events reach the data handler on data cores: EvSessionManagerInit
//     once before any core runs, EvCoreInit once per core, then per
//     session, on that session's one core: EvFirstPacket (forward chain),
//     EvPacket, EvSessionOpen once it entered the table, EvSessionClose,
//     EvSessionDestroy. A session restored from saved state meets
//     RestoreSession (SessionSaver) instead of EvFirstPacket and
//     EvSessionOpen, and then the same events as any other.
//   - A service-set that goes away first loses its sessions (close and
//     destroy, on their cores, with its policies still published), then
//     each plugin gets its EvPolicyDelete. When the PIC stops, sessions
//     are not destroyed one by one: the object cache goes with the PIC.
//   - Save and restore are part of the contract for a plugin that keeps
//     per-session state: SaveSession writes it into a bounded blob
//     (MaxStateBlob), on the session's core, between vectors; the blob
//     may be restored by another PIC (a secondary, after replication) or
//     by this one after a crash (from its snapshot), under the policy of
//     the same service-set at whatever generation that PIC holds.
//     RestoreSession rebuilds the state or refuses the session; it never
//     sees a packet first. A PIC runtime restarted after a plugin's
//     panic restores the sessions of the runtime before it the same way,
//     at the end of its first resync.
//   - A data handler that reports to the system log (EventReporter) is
//     asked on the control core, about once a second (the PIC's
//     heartbeat), never concurrently with itself; its data cores record
//     into an EventRing (never blocking) and the report drains it.
package pic
