// Package netconf is gnos's SSH server: the NETCONF subsystem (RFC 6241
// over RFC 6242, base:1.0 end-of-message and base:1.1 chunked framing)
// with the Junos XML API, the CLI login shell and exec, and the local
// NETCONF service behind `gnos netconf`.
//
// Design. A Session reads one message at a time, parses it into a small
// DOM (Node) with hard limits — size from the framing, depth, element
// count, no DOCTYPE so no entity expansion — and dispatches on the
// operation's local name, so clients may use any namespace prefix. The
// server implements the standard operations and the Junos configuration
// RPCs itself (dispatch.go, config.go, edit.go) on configd sessions;
// every other RPC is an operational command of the CLI's table, run with
// arguments taken from the child elements (commands.go), so a command
// added to the table is an RPC at once. Configuration payloads are handed
// to configd/format as the exact source bytes (Node.Raw), except
// <edit-config>, which is applied element by element with RFC 6241's
// per-node operations onto a tree.Editor (editconfig.go). Filters —
// RFC 6241 subtree filters and :xpath filters through configd/xpath —
// select from the configuration as the login class may see it
// (filter.go); ietf-netconf-monitoring state and get-schema
// (monitoring.go) and with-defaults (defaults.go) complete the standard
// side. Errors are mapped once to Junos-shaped rpc-errors (errors.go),
// those about the request with an XPath error-path in its own prefixes
// (errpath.go).
//
// Sessions and datastores follow Junos: a NETCONF session edits the
// shared candidate through a configd session opened on first edit;
// <lock>/<lock-configuration> is `configure exclusive`, <open-
// configuration><private/> is `configure private`; closing the session
// releases both and drops what they had not committed.
//
// Authentication and authorisation come from the committed `system
// login`: crypt(3) passwords (package crypt) and ssh-rsa / ssh-ed25519
// keys, failed logins logged and rate-limited per source address; login
// classes fold into four levels (class.go) checked for every RPC and
// every CLI line. The server is a configd subscriber: `system services`
// decides its ports at each commit, and a port that cannot be opened
// fails alone.
//
// Trade-offs: one RPC at a time per session (NETCONF pipelining is
// allowed but replies stay in order, so nothing is lost); the reply is
// built in memory before it is framed, which bounds nothing but keeps
// framing trivial — configuration replies are as large as the
// configuration.
package netconf
