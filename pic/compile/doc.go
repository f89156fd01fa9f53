// Package compile is the servicesd side of a plugin: what its policy
// compiler sees (Input: the service-set node, the active configuration and
// the junos-* defaults) and the helpers rule-based compilers share (a
// term's from clause, applications and application-sets resolved,
// dependency keys). It is the only part of the plugin SDK that reads
// configd/tree; the compiled policy leaves it as bytes, and the PIC's
// data path sees only what a plugin's Prepare builds from them.
package compile
