// Package pic is the services PIC daemon (picd) and the SDK its plugins are
// written against.
//
// One picd runs per configured PIC (chassis fpc F pic P). It connects to
// servicesd over the IPC socket (the same code path in-process and as its
// own `gnos picd` process), says hello with its slot and capabilities,
// takes its shape from the chassis stanza servicesd sends (data-cores,
// control-cores, object-cache-size, policy-db-size, packages), reports
// READY, and then holds the Service Set Resolution Blobs (SSRBs) servicesd
// resolves for it: every update carries a generation number, is
// acknowledged with it, and is rejected when older than what the PIC holds.
// After any (re)connect servicesd resends everything (a full resync); the
// PIC sweeps what the resync did not mention.
//
// The data path lives here too: data cores (goroutines) each owning a
// session-table shard, a timer wheel and object-cache magazines; packets
// steered by a symmetric hash of protocol and ports so a session's two
// directions meet on one core; vectors of packets processed in passes
// (parse and hash, look up, run chains) with no lock and no allocation per
// packet; plugin data events with forward/reverse chaining (dataplane.go,
// core.go, session.go, packet.go). Its foundations:
//
//   - the plugin registry (Register from init, by name; a control handler,
//     a data handler, a session- or packet-based mode, restart support);
//   - the policy DB: budgeted, published copy-on-write per (service-set,
//     plugin) slot, read by data cores without locks, with quiescent-state
//     reclamation: data cores announce the epoch they observed and an old
//     policy is freed only after every core moved past it;
//   - the object cache: a hard memory budget carved into per-core
//     magazines of fixed-size objects, so the fast path allocates without
//     locks and a full cache drops (and counts) instead of crashing.
//
// Plugin control handlers run under recover: a panic restarts the plugin
// and replays its policies when it supports restart, otherwise the whole
// PIC runtime restarts and asks servicesd for a resync. Both are logged and
// shown by `show chassis pic` and `show services service-sets plug-ins`.
package pic
