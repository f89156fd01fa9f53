// Package dataplane is a services PIC's data path: data cores
// (goroutines) each owning a session-table shard, a timer wheel and
// object-cache magazines; packets steered by a symmetric hash of protocol
// and ports so a session's two directions meet on one core; vectors of
// packets processed in passes (parse and hash, look up, run chains) with
// no lock and no allocation per packet; plugin data events with
// forward/reverse chaining, established packets' chains run per group of
// a vector (one policy lookup and one recover per service-set, direction
// and plugin), table writes batched behind touch passes (dataplane.go,
// core.go, vector.go, batch.go, session.go, packet.go).
// Its foundations:
//
//   - the policy DB: budgeted, published copy-on-write per (service-set,
//     plugin) slot, read by data cores without locks, with quiescent-state
//     reclamation: data cores announce the epoch they observed and an old
//     policy is freed only after every core moved past it;
//   - the object cache: a hard memory budget carved into per-core
//     magazines of fixed-size objects, so the fast path allocates without
//     locks and a full cache drops (and counts) instead of crashing; the
//     session tables (table.go) are sized once from that budget and
//     charged to it, so it bounds all a session costs and no table ever
//     rehashes;
//   - session queries (query.go): walks of each core's dense list of live
//     sessions in slices between vectors, counting on the cores or
//     returning bounded pages with a cursor, under a context;
//   - the SSRB (ssrb.go): the service-set as servicesd resolved it, what
//     the control core publishes to the cores;
//   - related packets: ICMP errors keyed by the flow they quote, so they
//     meet that flow's session or are dropped (icmperr.go), and a fragment
//     tracker where packets are steered, giving later fragments their first
//     fragment's session and holding early ones briefly (frag.go).
//
// It knows plugins only as DataPlugin (name, slot, data handler): the
// registry is the SDK's (package pic), which names this package's types a
// plugin sees. It links no configuration tree and no gRPC.
package dataplane
