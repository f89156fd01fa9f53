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
//   - Per-session state comes from an object class (NewClass) so it
//     counts against object-cache-size; a failed Alloc is a drop
//     (DropMemlimit), not a crash; free it on EvSessionDestroy. One word
//     of state needs no object (SetWord).
//   - Control handlers run on the control core, one event at a time; build
//     data-path forms (prefixes, ranges, allocators) there (Preparer).
//   - Check (or JSONCheck) repeats at commit time what the control handler
//     would refuse, so a commit fails instead of the PIC.
package pic
