package dataplane

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// FlowKey is one direction of a session: the 5-tuple as packets carry it
// on the wire. IPv4 addresses are stored IPv4-mapped.
type FlowKey struct {
	Src, Dst     [16]byte
	SPort, DPort uint16
	Proto        uint8
	V6           bool
}

// Reverse returns the key of the answering direction.
func (k FlowKey) Reverse() FlowKey {
	return FlowKey{Src: k.Dst, Dst: k.Src, SPort: k.DPort, DPort: k.SPort, Proto: k.Proto, V6: k.V6}
}

// reverseTo writes the reverse of k into r field by field: Reverse's
// returned struct is assembled on the stack in narrow stores and copied
// out in wide loads, which wait for them.
func (k *FlowKey) reverseTo(r *FlowKey) {
	r.Src = k.Dst
	r.Dst = k.Src
	r.SPort = k.DPort
	r.DPort = k.SPort
	r.Proto = k.Proto
	r.V6 = k.V6
}

// mapped reports whether k is an IPv6 key or an IPv4 key whose addresses
// carry the IPv4-mapped prefix, as every key gnos builds does (a session
// compares and keeps only an IPv4 address's last four bytes).
func (k *FlowKey) mapped() bool {
	le := binary.LittleEndian
	const prefix = 0xffff << 16 // bytes 8-11 of an IPv4-mapped address, little-endian
	return k.V6 || le.Uint64(k.Src[:8])|le.Uint64(k.Dst[:8]) == 0 &&
		le.Uint32(k.Src[8:]) == prefix && le.Uint32(k.Dst[8:]) == prefix
}

// SrcAddr is the source address (IPv4 unmapped).
func (k *FlowKey) SrcAddr() netip.Addr { return addrOf(k.Src, k.V6) }

// DstAddr is the destination address (IPv4 unmapped).
func (k *FlowKey) DstAddr() netip.Addr { return addrOf(k.Dst, k.V6) }

// Src4 returns the IPv4 source address.
func (k *FlowKey) Src4() [4]byte { return [4]byte(k.Src[12:]) }

const (
	mixK1 = 0x9e3779b97f4a7c15
	mixK2 = 0xbf58476d1ce4e5b9
	mixK3 = 0x94d049bb133111eb
)

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= mixK2
	x ^= x >> 27
	x *= mixK3
	x ^= x >> 31
	return x
}

// hash is the session-table hash of (service-set, key). It is not
// symmetric: the table holds each direction under its own key.
func (k *FlowKey) hash(serviceSet uint32) uint64 {
	le := binary.LittleEndian
	return hashFolded(fold(le.Uint64(k.Src[:8]), le.Uint64(k.Src[8:]), srcRot), fold(le.Uint64(k.Dst[:8]), le.Uint64(k.Dst[8:]), dstRot),
		uint64(k.SPort)|uint64(k.DPort)<<16|uint64(k.Proto)<<32|uint64(serviceSet)<<40)
}

// The hash's parts, which a session also hashes its compact keys by
// (Session.hash) without building a FlowKey: fold takes an address's
// two little-endian words to one (srcRot for the source, dstRot for the
// destination), hashFolded mixes the two addresses' with the ports,
// protocol and service-set (rest).
const srcRot, dstRot = 17, 29

func fold(w0, w1 uint64, rot int) uint64 { return w0 ^ bits.RotateLeft64(w1, rot) }

func hashFolded(src, dst, rest uint64) uint64 {
	h := mix64(src*mixK1^dst) ^ mix64(rest+mixK2)
	return h&^2 | 1 // bit 0: never an empty slot; bit 1: where the table keeps the direction
}

// SteerHash is the symmetric hash that picks a session's data core. It
// reads only the protocol and the ports (ICMP echo identifiers), combined
// commutatively, so both directions of a session land on one core, and
// an address-only translation (basic-nat44) keeps a session on its core.
// A port translation (napt-44) picks its new port so that the translated
// flow steers to the same core (see SteersTo). Traffic without ports
// (other protocols, non-first fragments) steers by protocol alone.
func SteerHash(proto uint8, sport, dport uint16) uint64 {
	x := sport ^ dport
	if sport == dport { // ICMP echo: the identifier both ways
		x = sport
	}
	return mix64(uint64(x) | uint64(proto)<<16 | 1<<32)
}

// SteerCore returns the data core (of n) of a flow.
func SteerCore(proto uint8, sport, dport uint16, n int) int {
	if n <= 1 {
		return 0
	}
	return int(SteerHash(proto, sport, dport) % uint64(n))
}
