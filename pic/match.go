package pic

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/gnos/gnos/internal/icmpname"
	"github.com/gnos/gnos/pic/compile"
)

// Match is the data-path form of a term's from clause: source and
// destination prefixes and applications. An address list matches an
// address when the longest of its prefixes holding the address is not an
// except one (as Junos reads `source-address { 0.0.0.0/0; 10.0.0.0/8
// except; }`); an empty list matches anything. Built on the control core
// (see Preparer), read by data cores.
type Match struct {
	src, dst addrList
	Apps     []AppMatch
}

// addrList is an address list compiled for the data path: each family's
// prefixes as masked integers, longest first and, at one length, except
// before plain, so the first prefix holding an address decides (a plain
// one: the list matches; an except one: it does not), which is the
// longest-prefix rule above in one pass over integers.
type addrList struct {
	anything bool // no prefixes at all
	v4       []prefix4
	v6       []prefix6
}

type prefix4 struct {
	net, mask uint32
	except    bool
}

type prefix6 struct {
	hi, lo, mhi, mlo uint64
	except           bool
}

// compileList builds the list of prefixes ps and except prefixes ex.
func compileList(ps, ex []netip.Prefix) addrList {
	l := addrList{anything: len(ps) == 0 && len(ex) == 0}
	type ent struct {
		p      netip.Prefix
		except bool
	}
	var all []ent
	for _, p := range ps {
		all = append(all, ent{p, false})
	}
	for _, p := range ex {
		all = append(all, ent{p, true})
	}
	slices.SortStableFunc(all, func(a, b ent) int {
		if a.p.Bits() != b.p.Bits() {
			return b.p.Bits() - a.p.Bits()
		}
		if a.except != b.except {
			if a.except {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, e := range all {
		p := e.p.Masked()
		if p.Addr().Is4() {
			a := p.Addr().As4()
			l.v4 = append(l.v4, prefix4{net: binary.BigEndian.Uint32(a[:]), mask: uint32(mask64(p.Bits()) >> 32), except: e.except})
			continue
		}
		a := p.Addr().As16()
		mhi, mlo := mask64(p.Bits()), mask64(p.Bits()-64)
		l.v6 = append(l.v6, prefix6{hi: binary.BigEndian.Uint64(a[:8]), lo: binary.BigEndian.Uint64(a[8:]), mhi: mhi, mlo: mlo, except: e.except})
	}
	return l
}

// mask64 is a mask of the top bits bits of 64 (none below 0, all from 64).
func mask64(bits int) uint64 {
	switch {
	case bits <= 0:
		return 0
	case bits >= 64:
		return ^uint64(0)
	}
	return ^uint64(0) << (64 - bits)
}

// holds reports whether the list matches address a (16 bytes, IPv4
// mapped unless v6).
func (l *addrList) holds(a *[16]byte, v6 bool) bool {
	if l.anything {
		return true
	}
	if !v6 {
		x := binary.BigEndian.Uint32(a[12:])
		for i := range l.v4 {
			if p := &l.v4[i]; x&p.mask == p.net {
				return !p.except
			}
		}
		return false
	}
	hi, lo := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(a[8:])
	for i := range l.v6 {
		if p := &l.v6[i]; hi&p.mhi == p.hi && lo&p.mlo == p.lo {
			return !p.except
		}
	}
	return false
}

// Addresses are a term's address lists as its policy carries them:
// prefixes (or "any"), and the prefixes listed with except.
type Addresses struct {
	Src, SrcExcept, Dst, DstExcept []string
}

// AppMatch is the data-path form of an application. The protocol is
// matched exactly: icmp is ICMP over IPv4, icmp6 ICMPv6 (as Junos keeps
// junos-icmp-all and junos-icmp6-all apart). ICMPType and ICMPCode come
// from icmp-type and icmp-code of an icmp application, or icmp6-type and
// icmp6-code of an icmp6 one, and are compared with the session's first
// packet.
type AppMatch struct {
	Proto          uint8 // 0: any
	SLo, SHi       uint16
	DLo, DHi       uint16
	ICMPType       int // -1: any
	ICMPCode       int // -1: any
	Timeout        uint32
	HasSrc, HasDst bool
}

var protoNumbers = map[string]uint8{"icmp": ProtoICMP, "tcp": ProtoTCP, "udp": ProtoUDP, "icmp6": ProtoICMPv6,
	"ipv6-icmp": ProtoICMPv6, "gre": 47, "esp": 50, "ah": 51, "sctp": 132, "ospf": 89}

// wellKnownPorts resolves the port names Junos accepts.
var wellKnownPorts = map[string]uint16{"http": 80, "https": 443, "ssh": 22, "telnet": 23, "ftp": 21,
	"smtp": 25, "domain": 53, "ntp": 123, "snmp": 161, "bgp": 179, "ldap": 389, "syslog": 514}

func parsePort(s string) (uint16, error) {
	if p, ok := wellKnownPorts[s]; ok {
		return p, nil
	}
	n, err := strconv.ParseUint(s, 10, 16)
	return uint16(n), err
}

// portRange parses "80", "1024-65535" or a port name.
func portRange(s string) (lo, hi uint16, err error) {
	a, b, ok := strings.Cut(s, "-")
	if lo, err = parsePort(a); err != nil {
		return 0, 0, fmt.Errorf("bad port %q", s)
	}
	hi = lo
	if ok {
		if hi, err = parsePort(b); err != nil || hi < lo {
			return 0, 0, fmt.Errorf("bad port range %q", s)
		}
	}
	return lo, hi, nil
}

// ParsePrefix accepts a prefix or an address (a host prefix); "any" is nil.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// CompileMatch builds a Match from a term's addresses and applications.
func CompileMatch(addrs Addresses, apps []compile.App) (Match, error) {
	var m Match
	var src, srcEx, dst, dstEx []netip.Prefix
	for _, l := range []struct {
		in  []string
		out *[]netip.Prefix
	}{{addrs.Src, &src}, {addrs.SrcExcept, &srcEx}, {addrs.Dst, &dst}, {addrs.DstExcept, &dstEx}} {
		for _, s := range l.in {
			if s == "any" { // both families
				*l.out = append(*l.out, netip.PrefixFrom(netip.IPv4Unspecified(), 0), netip.PrefixFrom(netip.IPv6Unspecified(), 0))
				continue
			}
			p, err := ParsePrefix(s)
			if err != nil {
				return m, fmt.Errorf("bad address %q", s)
			}
			*l.out = append(*l.out, p)
		}
	}
	for _, a := range apps {
		am := AppMatch{ICMPType: -1, ICMPCode: -1, Timeout: uint32(a.InactivityTimeout)}
		if a.Protocol != "" {
			n, ok := protoNumbers[a.Protocol]
			if !ok {
				v, err := strconv.ParseUint(a.Protocol, 10, 8)
				if err != nil {
					return m, fmt.Errorf("application %s: unknown protocol %q", a.Name, a.Protocol)
				}
				n = uint8(v)
			}
			am.Proto = n
		}
		var err error
		if a.SourcePort != "" {
			am.HasSrc = true
			if am.SLo, am.SHi, err = portRange(a.SourcePort); err != nil {
				return m, fmt.Errorf("application %s: %w", a.Name, err)
			}
		}
		if a.DestinationPort != "" {
			am.HasDst = true
			if am.DLo, am.DHi, err = portRange(a.DestinationPort); err != nil {
				return m, fmt.Errorf("application %s: %w", a.Name, err)
			}
		}
		if am.ICMPType, am.ICMPCode, err = icmpOf(a); err != nil {
			return m, fmt.Errorf("application %s: %w", a.Name, err)
		}
		m.Apps = append(m.Apps, am)
	}
	m.src, m.dst = compileList(src, srcEx), compileList(dst, dstEx)
	return m, nil
}

// icmpOf returns an application's ICMP type and code (-1: any), from
// icmp-type / icmp-code or icmp6-type / icmp6-code: names as Junos spells
// them (the YANG enumerations of gnos-applications and gnos-types) or
// numbers. A code name must be one of the application's type (see
// internal/icmpname).
func icmpOf(a compile.App) (typ, code int, err error) {
	typ, code = -1, -1
	tv, cv, what, fam := a.ICMPType, a.ICMPCode, "icmp", icmpname.V4
	if a.ICMP6Type != "" || a.ICMP6Code != "" {
		if tv != "" || cv != "" {
			return 0, 0, fmt.Errorf("icmp-type and icmp6-type cannot both be set")
		}
		tv, cv, what, fam = a.ICMP6Type, a.ICMP6Code, "icmp6", icmpname.V6
	}
	var types []uint8
	if tv != "" {
		t, err := icmpname.Type(fam, tv)
		if err != nil {
			return 0, 0, fmt.Errorf("bad %s-type %q", what, tv)
		}
		typ, types = int(t), []uint8{t}
	}
	if cv != "" {
		c, err := icmpname.Code(fam, cv, types)
		if err != nil {
			return 0, 0, fmt.Errorf("%s-code %s: %w", what, cv, err)
		}
		code = int(c)
	}
	return typ, code, nil
}

// Matches reports whether a session's forward flow (and its first packet's
// ICMP type and code) matches, and the application that matched (nil
// when the term names none).
func (m *Match) Matches(k *FlowKey, icmpType, icmpCode uint8) (bool, *AppMatch) {
	if !m.src.holds(&k.Src, k.V6) || !m.dst.holds(&k.Dst, k.V6) {
		return false, nil
	}
	if len(m.Apps) == 0 {
		return true, nil
	}
	for i := range m.Apps {
		a := &m.Apps[i]
		switch {
		case a.Proto != 0 && a.Proto != k.Proto,
			a.HasDst && (k.DPort < a.DLo || k.DPort > a.DHi),
			a.HasSrc && (k.SPort < a.SLo || k.SPort > a.SHi),
			a.ICMPType >= 0 && int(icmpType) != a.ICMPType,
			a.ICMPCode >= 0 && int(icmpCode) != a.ICMPCode:
			continue
		}
		return true, a
	}
	return false, nil
}

// MatchesSide reports whether a rule's match-direction (input, output,
// input-output) applies to a session whose first packet came on side.
func MatchesSide(matchDirection string, side Side) bool {
	switch matchDirection {
	case "input-output":
		return true
	case "output":
		return side == Output
	}
	return side == Input
}
