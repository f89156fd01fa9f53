// Package pic is the services PIC's SDK and data path: what a service
// plugin is written against, and the data cores that run it. The daemon
// around it (the servicesd stream, the control-core runtime, supervision)
// is package picd (gRPC is linked only there), the compiler side of the
// SDK package pic/compile, in-process ports, traffic and pcap package
// packetio.
//
// The data path: data cores (goroutines) each owning a session-table
// shard, a timer wheel and object-cache magazines; packets steered by a
// symmetric hash of protocol and ports so a session's two directions meet
// on one core; vectors of packets processed in passes (parse and hash,
// look up, run chains) with no lock and no allocation per packet; plugin
// data events with forward/reverse chaining (dataplane.go, core.go,
// session.go, packet.go). Its foundations:
//
//   - the plugin registry (Register from init, by name; the ID derives
//     from the name and the default chain place from ChainOrder, never
//     from import order; a control handler, a data handler, a session- or
//     packet-based mode, restart support);
//   - the policy DB: budgeted, published copy-on-write per (service-set,
//     plugin) slot, read by data cores without locks, with quiescent-state
//     reclamation: data cores announce the epoch they observed and an old
//     policy is freed only after every core moved past it;
//   - the object cache: a hard memory budget carved into per-core
//     magazines of fixed-size objects, so the fast path allocates without
//     locks and a full cache drops (and counts) instead of crashing.
//
// Rules of the road for a plugin author:
//
//   - Import this package (and configd/tree and yang for the compiler),
//     never picd, servicesd or gRPC.
//   - Data handlers run on data cores: never block, never allocate per
//     packet, never keep the DataCtx, packet or session after returning.
//     One session is always handled on the same core; state shared across
//     cores needs atomics.
//   - Per-session state comes from an object class (NewClass) so it
//     counts against object-cache-size; a failed Alloc is a drop, not a
//     crash; free it on EvSessionDestroy. One word of state needs no
//     object (SetWord).
//   - Control handlers run on the control core, one event at a time; build
//     data-path forms (prefixes, ranges, allocators) there (Preparer).
package pic
