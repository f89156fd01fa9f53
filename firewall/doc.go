// Package firewall is gnos' stateless firewall filters: [edit firewall
// family inet|inet6 filter NAME] compiled from the committed
// configuration, and the interfaces' `family inet|inet6 filter
// input|output NAME` bindings.
//
// Compile turns the configuration into Filters: each term's match
// conditions (address sets with `except`, prefix lists, protocols, ports,
// ICMP types and codes, TCP initial/established) and its actions (count,
// log, syslog, then accept, discard, reject or next term). Junos'
// semantics are kept exactly: the conditions of a term are ANDed, the
// values of one condition ORed; an address condition takes the longest
// matching prefix, and matches unless that prefix is an `except` one;
// `address` and `port` match either side; a term without `from` matches
// everything, one without an action accepts; a packet no term takes is
// discarded (the implicit discard at the end of every filter).
//
// Filter.Match evaluates a filter on a packet's header fields: it is the
// reference semantics, used by the tests and the packet paths without a
// kernel. In live mode Manager (a configd commit subscriber) programs the
// same filters into nftables in a table gnos owns (table inet gnos):
// every filter becomes a chain, every term a chain of stages (one stage a
// condition, a rule per value, goto the next stage on a match), so the
// kernel evaluates the same conditions in the same order. Counters are
// named counter objects shared by every interface the filter is applied
// to (Junos' default, without interface-specific).
package firewall
