// Package icmpname owns the ICMP and ICMPv6 message type names (Type) and
// code names (Code) Junos accepts in `icmp-type` / `icmp6-type` and
// `icmp-code` / `icmp6-code` (applications, and firewall filter terms of
// family inet and inet6): port-unreachable, fragmentation-needed,
// ttl-eq-zero-during-transit, …, as Juniper's firewall match-condition
// tables list them, grouped by the message type they belong to.
//
// A code name only means something under its message type: code 0 is
// network-unreachable under unreachable (3) and ttl-eq-zero-during-transit
// under time-exceeded (11). So the YANG enumerations (gnos-types icmp-code
// and icmp6-code) list the names for validation and completion, but their
// enum values are not codes; Code turns a name into its code here, and
// refuses a name whose type the term or application does not match (a
// name without its type would silently match every type's code of that
// number). Numbers are taken as they are, under any type, as Junos does.
package icmpname

import (
	"fmt"
	"strconv"
)

// Family selects the ICMP version whose names apply.
type Family uint8

const (
	V4 Family = iota // ICMP (protocol 1): icmp-code
	V6               // ICMPv6 (protocol 58): icmp6-code, and family inet6's icmp-code
)

type group struct {
	typeName string
	typ      uint8
	codes    []string // index: code
}

// v4 and v6 are the code names by type, in code order; "" is a code
// without a Junos name.
var (
	v4 = []group{
		{"unreachable", 3, []string{"network-unreachable", "host-unreachable", "protocol-unreachable",
			"port-unreachable", "fragmentation-needed", "source-route-failed", "destination-network-unknown",
			"destination-host-unknown", "source-host-isolated", "destination-network-prohibited",
			"destination-host-prohibited", "network-unreachable-for-tos", "host-unreachable-for-tos",
			"communication-prohibited-by-filtering", "host-precedence-violation", "precedence-cutoff-in-effect"}},
		{"redirect", 5, []string{"redirect-for-network", "redirect-for-host", "redirect-for-tos-and-net",
			"redirect-for-tos-and-host"}},
		{"time-exceeded", 11, []string{"ttl-eq-zero-during-transit", "ttl-eq-zero-during-reassembly"}},
		{"parameter-problem", 12, []string{"ip-header-bad", "required-option-missing"}},
	}
	v6 = []group{
		{"destination-unreachable", 1, []string{"no-route-to-destination", "administratively-prohibited", "",
			"address-unreachable", "port-unreachable"}},
		{"time-exceeded", 3, []string{"ttl-eq-zero-during-transit", "ttl-eq-zero-during-reassembly"}},
		{"parameter-problem", 4, []string{"ip6-header-bad", "unrecognized-next-header", "unrecognized-option"}},
	}
)

// named is a code name's type and code.
type named struct {
	typeName  string
	typ, code uint8
}

var byName = [2]map[string]named{index(v4), index(v6)}

func index(gs []group) map[string]named {
	m := map[string]named{}
	for _, g := range gs {
		for c, n := range g.codes {
			if n != "" {
				m[n] = named{g.typeName, g.typ, uint8(c)}
			}
		}
	}
	return m
}

// Names returns every code name of family f (for tests and help).
func Names(f Family) []string {
	gs := v4
	if f == V6 {
		gs = v6
	}
	var out []string
	for _, g := range gs {
		for _, n := range g.codes {
			if n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// Code resolves s, a code number 0..255 or a Junos code name of family
// f. types are the message types the term or application matches (nil:
// any type); a name must belong to one of them.
func Code(f Family, s string, types []uint8) (uint8, error) {
	if n, err := strconv.ParseUint(s, 10, 8); err == nil {
		return uint8(n), nil
	}
	nm, ok := byName[f][s]
	if !ok {
		return 0, fmt.Errorf("unknown code %q: a number 0..255 or a code name", s)
	}
	for _, t := range types {
		if t == nm.typ {
			return nm.code, nil
		}
	}
	if len(types) == 0 {
		return 0, fmt.Errorf("%s is a code of type %s (%d): name that type too", s, nm.typeName, nm.typ)
	}
	return 0, fmt.Errorf("%s is a code of type %s (%d), which is not matched here", s, nm.typeName, nm.typ)
}

// types are the message type names Junos accepts in icmp-type /
// icmp6-type, by family.
var types = [2]map[string]uint8{
	{"echo-reply": 0, "unreachable": 3, "source-quench": 4, "redirect": 5,
		"echo-request": 8, "router-advertisement": 9, "router-solicit": 10, "time-exceeded": 11,
		"parameter-problem": 12, "timestamp": 13, "timestamp-reply": 14, "info-request": 15, "info-reply": 16,
		"mask-request": 17, "mask-reply": 18},
	{"destination-unreachable": 1, "packet-too-big": 2, "time-exceeded": 3,
		"parameter-problem": 4, "echo-request": 128, "echo-reply": 129, "membership-query": 130,
		"membership-report": 131, "membership-termination": 132, "router-solicit": 133,
		"router-advertisement": 134, "neighbor-solicit": 135, "neighbor-advertisement": 136, "redirect": 137,
		"router-renumbering": 138, "node-information-request": 139, "node-information-reply": 140},
}

// Type resolves s, a type number 0..255 or a Junos type name of family f.
func Type(f Family, s string) (uint8, error) {
	if t, ok := types[f][s]; ok {
		return t, nil
	}
	n, err := strconv.ParseUint(s, 10, 8)
	return uint8(n), err
}
