package dataplane

import (
	"encoding/binary"
	"net/netip"
)

// SessionFilter selects sessions; zero fields match everything.
type SessionFilter struct {
	ServiceSet uint32 // 0: all
	Sets       []bool // when set: only service-sets whose id is true here
	Source     netip.Prefix
	Dest       netip.Prefix
	Proto      uint8
	// SrcPort and DstPort select the forward flow's ports when
	// HasSrcPort and HasDstPort are set (0 is a port like any other).
	SrcPort, DstPort       uint16
	HasSrcPort, HasDstPort bool
	Extensive              bool
}

// all reports whether f selects every session.
func (f *SessionFilter) all() bool {
	return f.ServiceSet == 0 && f.Sets == nil && f.Proto == 0 && !f.Source.IsValid() && !f.Dest.IsValid() &&
		!f.HasSrcPort && !f.HasDstPort
}

// matcher is a SessionFilter compiled for a walk: prefixes as masks over
// the keys' 16-byte addresses, so matching a session is a few loads and
// compares of its first cache line.
type matcher struct {
	ss       uint32
	sets     []bool
	proto    uint8
	src, dst prefixMask
	// sport and dport are the ports to match, -1 for any.
	sport, dport int32
}

// prefixMask is a prefix as an address and a mask of FlowKey's form
// (IPv4 mapped into IPv6), in two 64-bit halves.
type prefixMask struct {
	set        bool
	v6         bool
	addr, mask [2]uint64
}

func compilePrefix(p netip.Prefix) prefixMask {
	if !p.IsValid() {
		return prefixMask{}
	}
	p = p.Masked()
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	var mask [16]byte
	for i := range bits {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	a := p.Addr().As16()
	return prefixMask{set: true, v6: !p.Addr().Is4(),
		addr: [2]uint64{binary.LittleEndian.Uint64(a[:8]), binary.LittleEndian.Uint64(a[8:])},
		mask: [2]uint64{binary.LittleEndian.Uint64(mask[:8]), binary.LittleEndian.Uint64(mask[8:])}}
}

func (m *prefixMask) contains(a *[16]byte, v6 bool) bool {
	return v6 == m.v6 && binary.LittleEndian.Uint64(a[:8])&m.mask[0] == m.addr[0] &&
		binary.LittleEndian.Uint64(a[8:])&m.mask[1] == m.addr[1]
}

func (f *SessionFilter) compile() matcher {
	m := matcher{ss: f.ServiceSet, sets: f.Sets, proto: f.Proto, src: compilePrefix(f.Source), dst: compilePrefix(f.Dest),
		sport: -1, dport: -1}
	if f.HasSrcPort {
		m.sport = int32(f.SrcPort)
	}
	if f.HasDstPort {
		m.dport = int32(f.DstPort)
	}
	return m
}

func (m *matcher) match(s *Session) bool {
	k := s.Key(Forward)
	switch {
	case m.ss != 0 && s.ssid() != m.ss,
		m.sets != nil && (int(s.ssid()) >= len(m.sets) || !m.sets[s.ssid()]),
		m.proto != 0 && k.Proto != m.proto,
		m.src.set && !m.src.contains(&k.Src, k.V6),
		m.dst.set && !m.dst.contains(&k.Dst, k.V6),
		m.sport >= 0 && int32(k.SPort) != m.sport,
		m.dport >= 0 && int32(k.DPort) != m.dport:
		return false
	}
	return true
}
