// Package gnmi is gnos's gNMI server: the openconfig gNMI service
// (Capabilities, Get, Set, Subscribe) over gRPC, turned on the Junos way
// by `system services extension-service request-response grpc` (ssl with
// a local-certificate, or clear-text for labs; max-connections).
//
// Design:
//
//   - Configuration paths are gnos's own schema (configd/schema): a gNMI
//     path's elements are YANG node names, list keys are the YANG keys
//     (/interfaces/interface[name=ge-0/0/0]/mtu). Values are RFC 7951 JSON
//     written and parsed by configd/format, so Get and Set agree with
//     `show configuration | display json` and `load … json`.
//   - State paths (/state/…) are the gnos-state YANG module, compiled by
//     ygot into package yang/state. The daemons' figures are copied into
//     those generated types (state.go) and ygot renders them: ConstructIETFJSON
//     / ConstructInternalJSON for Get, TogNMINotifications for Subscribe.
//   - A Set is one transaction: every delete, replace and update goes into
//     one private candidate, then one commit. Any failure (a bad path, a
//     bad value, a refused commit) discards the candidate: a failed Set
//     changes nothing. Errors become gRPC status codes once (errors.go).
//   - Authentication is the username and password metadata against
//     `system login` (netconf.LookupAccount); the login class decides:
//     read-only and operator classes may Get and Subscribe, only classes
//     that may configure may Set.
//   - Subscribe keeps a bounded queue per subscription; a collector that
//     does not keep up is disconnected (ResourceExhausted) rather than
//     holding memory or slowing the box (subscribe.go).
//
// The server is a configd subscriber: each commit's `system services`
// decides whether and where it listens (listen.go).
package gnmi
