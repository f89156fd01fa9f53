// Package picd is the services PIC daemon: one per configured PIC
// (chassis fpc F pic P), built on the SDK (package pic), the data path (pic/dataplane) and
// packet I/O (pic/packetio).
//
// A Daemon connects to servicesd over the IPC socket (gRPC stream, the
// same code path in-process and as its own `gnos picd` process; from
// another host, `gnos picd --connect`, the same stream over TCP with
// mutual TLS: Options.Dial decides), says
// hello with its slot and capabilities, takes its shape from the chassis
// stanza servicesd sends (data-cores, control-cores, object-cache-size,
// policy-db-size, packages), reports READY, and then holds the Service Set
// Resolution Blobs (SSRBs) servicesd resolves for it: every update carries
// a generation number, is acknowledged with it, and is rejected when older
// than what the PIC holds. After any (re)connect servicesd resends
// everything (a full resync); the PIC sweeps what the resync did not
// mention. The messages of that protocol are in msg.go.
//
// The Runtime is the PIC's control core: it feeds plugin control handlers
// (under recover: a panic restarts the plugin and replays its policies
// when it supports restart, otherwise the whole runtime restarts and asks
// for a resync, carrying the old runtime's sessions into the new one,
// carry.go), publishes service-sets to the data plane, answers
// queries with data (the CLI side renders text; a query that walks the
// session tables runs apart from the control loop, query.go, so the
// heartbeat never waits for it), drives the traffic
// generator and, with --live, the TUN queues (packetio.Live, attached in
// live.go). A Supervisor runs
// the embedded picds of a node. As a member of a redundant services PIC
// interface (rsp0) a picd saves its sessions when servicesd asks (the
// whole table, or a delta since its last replication save), keeps the
// active member's sessions by session id when it is the standby, applying
// each delta onto them, and restores them when it takes over (replica.go).
//
// Only this package links gRPC: plugins and the data path do not.
package picd
