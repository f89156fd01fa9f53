package firewall

import "net/netip"

// Packet is the header fields a filter reads. Ports and ICMP fields are
// meaningful only when HasL4 (a first or unfragmented packet of TCP, UDP
// or SCTP, respectively ICMP/ICMPv6).
type Packet struct {
	Src, Dst         netip.Addr
	Protocol         uint8 // protocol, or the IPv6 upper-layer next header
	HasL4            bool
	SrcPort, DstPort uint16
	ICMPType         uint8
	ICMPCode         uint8
	TCPFlags         uint8 // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20
}

// Verdict is what a filter decided: the action, the term that decided
// (-1: the implicit discard at the end) and the counters to bump.
type Verdict struct {
	Action   Action
	Reject   RejectStyle
	Term     int
	Counters []string // every matching term's count, in order
}

// Match runs p through f. It never allocates unless a term counts.
func (f *Filter) Match(p *Packet) Verdict {
	var v Verdict
	for i := range f.Terms {
		t := &f.Terms[i]
		if !t.matches(p, f.Family) {
			continue
		}
		if t.Count != "" {
			v.Counters = append(v.Counters, t.Count)
		}
		if t.Action == Next {
			continue
		}
		v.Action, v.Reject, v.Term = t.Action, t.Reject, i
		return v
	}
	v.Action, v.Term = Discard, -1
	return v
}

// MatchList runs p through a filter list (`filter input-list [ … ]`):
// each filter in order, a terminating action of any term ending it; a
// filter no term of which takes the packet hands it to the next one, and
// the implicit discard comes only after the last. Counters accumulate
// across the filters. A list of one is Match.
func MatchList(fs []*Filter, p *Packet) Verdict {
	var counters []string
	for k, f := range fs {
		v := f.Match(p)
		if len(v.Counters) > 0 {
			counters = append(counters, v.Counters...)
		}
		if v.Term >= 0 || k == len(fs)-1 {
			v.Counters = counters
			return v
		}
	}
	return Verdict{Action: Discard, Term: -1}
}

const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	protoSCTP   = 132
)

func (t *Term) matches(p *Packet, f Family) bool {
	if len(t.Src) > 0 && !longest(t.Src, p.Src) {
		return false
	}
	if len(t.Dst) > 0 && !longest(t.Dst, p.Dst) {
		return false
	}
	if len(t.Either) > 0 && !longest(t.Either, p.Src) && !longest(t.Either, p.Dst) {
		return false
	}
	if len(t.Protocols) > 0 && !inBytes(t.Protocols, p.Protocol) {
		return false
	}
	if inBytes(t.ProtocolsExcept, p.Protocol) {
		return false
	}
	if t.hasPorts() {
		if !p.HasL4 || (p.Protocol != protoTCP && p.Protocol != protoUDP && p.Protocol != protoSCTP) {
			return false
		}
		if len(t.SrcPorts) > 0 && !inPorts(t.SrcPorts, p.SrcPort) ||
			len(t.DstPorts) > 0 && !inPorts(t.DstPorts, p.DstPort) ||
			len(t.Ports) > 0 && !inPorts(t.Ports, p.SrcPort) && !inPorts(t.Ports, p.DstPort) ||
			inPorts(t.SrcPortsExcept, p.SrcPort) || inPorts(t.DstPortsExcept, p.DstPort) ||
			inPorts(t.PortsExcept, p.SrcPort) || inPorts(t.PortsExcept, p.DstPort) {
			return false
		}
	}
	if t.hasICMP() {
		icmp := uint8(protoICMP)
		if f == Inet6 {
			icmp = protoICMPv6
		}
		if !p.HasL4 || p.Protocol != icmp {
			return false
		}
		if len(t.ICMPTypes) > 0 && !inBytes(t.ICMPTypes, p.ICMPType) || inBytes(t.ICMPTypesExcept, p.ICMPType) ||
			len(t.ICMPCodes) > 0 && !inBytes(t.ICMPCodes, p.ICMPCode) {
			return false
		}
	}
	if t.TCPInitial || t.TCPEstablished {
		if !p.HasL4 || p.Protocol != protoTCP {
			return false
		}
		if t.TCPInitial && p.TCPFlags&(0x02|0x10) != 0x02 {
			return false
		}
		if t.TCPEstablished && p.TCPFlags&(0x10|0x04) == 0 {
			return false
		}
	}
	return true
}

func (t *Term) hasPorts() bool {
	return len(t.SrcPorts)+len(t.SrcPortsExcept)+len(t.DstPorts)+len(t.DstPortsExcept)+len(t.Ports)+len(t.PortsExcept) > 0
}

func (t *Term) hasICMP() bool {
	return len(t.ICMPTypes)+len(t.ICMPTypesExcept)+len(t.ICMPCodes) > 0
}

// longest reports whether a's longest matching prefix in ps (sorted
// longest first) is not an except one.
func longest(ps []Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return !p.Except
		}
	}
	return false
}

func inBytes(s []uint8, v uint8) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func inPorts(s []PortRange, v uint16) bool {
	for _, r := range s {
		if v >= r.Lo && v <= r.Hi {
			return true
		}
	}
	return false
}
