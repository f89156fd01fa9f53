package firewall

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// TableName is the nftables table gnos owns (family inet). Nothing else
// in it is kept: every commit rewrites it whole, in one batch.
const TableName = "gnos"

// objCounter is NFT_OBJECT_COUNTER.
const objCounter = 1

// CounterName is the nftables counter object of filter f's counter c.
func CounterName(f Family, filter, counter string) string {
	return fmt.Sprintf("%s/%s/%s", f, filter, counter)
}

// program queues on cc the commands that replace table gnos with c's
// filters (linux maps a Junos logical interface to its Linux link). The
// caller flushes: the kernel applies the batch atomically.
func program(cc *nftables.Conn, c *Config, linux func(string) (string, error)) error {
	t := &nftables.Table{Name: TableName, Family: nftables.TableFamilyINet}
	// Delete and re-add in one batch; adding first makes the delete of a
	// table that does not exist yet harmless.
	cc.AddTable(t)
	cc.DelTable(t)
	cc.AddTable(t)
	b := &builder{cc: cc, t: t}
	for _, f := range c.Filters {
		b.filter(f)
	}
	base := func(name string, hook *nftables.ChainHook, prio int32) *nftables.Chain {
		accept := nftables.ChainPolicyAccept
		return cc.AddChain(&nftables.Chain{Name: name, Table: t, Type: nftables.ChainTypeFilter,
			Hooknum: hook, Priority: nftables.ChainPriorityRef(nftables.ChainPriority(prio)), Policy: &accept})
	}
	// Input filters see what arrives on the interface (to the router:
	// input; through it: forward), output filters what leaves (from the
	// router: output; through it: forward). Input and output filters of a
	// forwarded packet are separate base chains, so an input filter's
	// accept does not skip the output filter.
	in := base("input", nftables.ChainHookInput, 0)
	fwdIn := base("forward-input", nftables.ChainHookForward, 0)
	fwdOut := base("forward-output", nftables.ChainHookForward, 10)
	out := base("output", nftables.ChainHookOutput, 0)
	for _, bd := range c.Bindings {
		dev, err := linux(bd.Interface)
		if err != nil {
			return err
		}
		if len(bd.Input) > 0 {
			target := b.bound(bd.Family, bd.Input)
			for _, ch := range []*nftables.Chain{in, fwdIn} {
				b.rule(ch, linkName(expr.MetaKeyIIFNAME, dev), nfproto(bd.Family), jump(target))
			}
		}
		if len(bd.Output) > 0 {
			target := b.bound(bd.Family, bd.Output)
			for _, ch := range []*nftables.Chain{fwdOut, out} {
				b.rule(ch, linkName(expr.MetaKeyOIFNAME, dev), nfproto(bd.Family), jump(target))
			}
		}
	}
	return nil
}

type builder struct {
	cc *nftables.Conn
	t  *nftables.Table
	// terms holds each filter's term entry chains (by filterChain
	// name), in term order: a filter list's chain jumps into them.
	terms map[string][]string
	lists map[string]bool // filter-list chains already added
}

// bound returns the chain a binding jumps to: the filter's own chain, or
// for a list of several a chain (added once) that jumps into every term
// of each filter in order and only then drops, the list's one implicit
// discard.
func (b *builder) bound(f Family, names []string) string {
	if len(names) == 1 {
		return filterChain(f, names[0])
	}
	name := fmt.Sprintf("list-%s-%s", f, strings.Join(names, ","))
	if b.lists[name] {
		return name
	}
	if b.lists == nil {
		b.lists = map[string]bool{}
	}
	b.lists[name] = true
	lc := b.chain(name)
	for _, n := range names {
		for _, first := range b.terms[filterChain(f, n)] {
			b.rule(lc, jump(first))
		}
	}
	b.rule(lc, verdict(expr.VerdictDrop))
	return name
}

func (b *builder) chain(name string) *nftables.Chain {
	return b.cc.AddChain(&nftables.Chain{Name: name, Table: b.t})
}

// rule adds a rule made of the expression groups given, in order.
func (b *builder) rule(ch *nftables.Chain, groups ...[]expr.Any) {
	var exprs []expr.Any
	for _, g := range groups {
		exprs = append(exprs, g...)
	}
	b.cc.AddRule(&nftables.Rule{Table: b.t, Chain: ch, Exprs: exprs})
}

func filterChain(f Family, name string) string { return fmt.Sprintf("filter-%s-%s", f, name) }

// filter adds f's chain: a jump into each term's first stage, then the
// implicit discard; and the counters its terms name.
func (b *builder) filter(f *Filter) {
	name := filterChain(f.Family, f.Name)
	fc := b.chain(name)
	seen := map[string]bool{}
	for i := range f.Terms {
		t := &f.Terms[i]
		if t.Count != "" && !seen[t.Count] {
			seen[t.Count] = true
			b.cc.AddObj(&nftables.CounterObj{Table: b.t, Name: CounterName(f.Family, f.Name, t.Count)})
		}
		first := b.term(f, i, fmt.Sprintf("%s/%d", name, i))
		b.rule(fc, jump(first))
		if b.terms == nil {
			b.terms = map[string][]string{}
		}
		b.terms[name] = append(b.terms[name], first)
	}
	b.rule(fc, verdict(expr.VerdictDrop))
}

// stage is one condition of a term: a chain whose rules goto the next
// stage when the packet meets it and return (to the filter chain: the
// term does not match) when it does not.
type stage struct {
	alts   [][]expr.Any // any of these matches: goto next
	except [][]expr.Any // checked first: a match returns
	// longest-match address conditions (ordered longest first)
	prefixes []Prefix
	field    addrField
	// either: prefixes on both sides (address), or alts on both sides
	either    bool
	altsOther [][]expr.Any // either: the other side's alternatives
	// exceptOnly: no positive values, only exclusions
	exceptOnly bool
}

type addrField uint8

const (
	srcAddr addrField = iota
	dstAddr
)

// term adds term i's stage chains and action chain; it returns the name
// of the chain the filter jumps to.
func (b *builder) term(f *Filter, i int, base string) string {
	t := &f.Terms[i]
	stages := termStages(t, f.Family)
	act := base + "/then"
	names := make([]string, len(stages)+1)
	for j := range stages {
		names[j] = fmt.Sprintf("%s/%d", base, j)
	}
	names[len(stages)] = act
	// every chain exists before a rule jumps to it
	chains := make([]*nftables.Chain, len(names))
	for j, n := range names {
		chains[j] = b.chain(n)
	}
	for j, st := range stages {
		b.stage(st, f.Family, chains[j], names[j+1])
	}
	ac := chains[len(stages)]
	var mods []expr.Any
	if t.Count != "" {
		mods = append(mods, &expr.Objref{Type: objCounter, Name: CounterName(f.Family, f.Name, t.Count)})
	}
	if t.Log || t.Syslog {
		prefix := fmt.Sprintf("gnos %s %s: ", f.Name, t.Name)
		mods = append(mods, &expr.Log{Key: 1 << unix.NFTA_LOG_PREFIX, Data: []byte(prefix)})
	}
	switch t.Action {
	case Accept:
		b.rule(ac, mods, verdict(expr.VerdictAccept))
	case Discard:
		b.rule(ac, mods, verdict(expr.VerdictDrop))
	case Next:
		b.rule(ac, mods, verdict(expr.VerdictReturn))
	case Reject:
		if len(mods) > 0 {
			b.rule(ac, mods)
		}
		if t.Reject == TCPReset {
			b.rule(ac, l4proto(protoTCP), []expr.Any{&expr.Reject{Type: unix.NFT_REJECT_TCP_RST}})
		}
		b.rule(ac, []expr.Any{reject(f.Family, t.Reject)})
	}
	return names[0]
}

func (b *builder) stage(st stage, f Family, ch *nftables.Chain, next string) {
	name := ch.Name
	switch {
	case st.prefixes != nil && st.either:
		// source side first; its except (or no match) tries the
		// destination side in a second chain
		other := b.chain(name + "/dst")
		for _, p := range st.prefixes {
			if p.Except {
				b.rule(ch, addrMatch(f, srcAddr, p.Prefix), jumpKind(expr.VerdictGoto, other.Name))
			} else {
				b.rule(ch, addrMatch(f, srcAddr, p.Prefix), jumpKind(expr.VerdictGoto, next))
			}
		}
		b.rule(ch, jumpKind(expr.VerdictGoto, other.Name))
		b.prefixRules(other, f, dstAddr, st.prefixes, next)
	case st.prefixes != nil:
		b.prefixRules(ch, f, st.field, st.prefixes, next)
	case st.either:
		other := b.chain(name + "/other")
		for _, a := range st.alts {
			b.rule(ch, a, jumpKind(expr.VerdictGoto, next))
		}
		b.rule(ch, jumpKind(expr.VerdictGoto, other.Name))
		for _, a := range st.altsOther {
			b.rule(other, a, jumpKind(expr.VerdictGoto, next))
		}
		b.rule(other, verdict(expr.VerdictReturn))
	default:
		for _, e := range st.except {
			b.rule(ch, e, verdict(expr.VerdictReturn))
		}
		for _, a := range st.alts {
			b.rule(ch, a, jumpKind(expr.VerdictGoto, next))
		}
		if st.exceptOnly {
			b.rule(ch, jumpKind(expr.VerdictGoto, next))
		} else {
			b.rule(ch, verdict(expr.VerdictReturn))
		}
	}
}

// prefixRules: the longest matching prefix decides (prefixes are sorted
// longest first, so the first rule that matches is it).
func (b *builder) prefixRules(ch *nftables.Chain, f Family, fld addrField, ps []Prefix, next string) {
	for _, p := range ps {
		if p.Except {
			b.rule(ch, addrMatch(f, fld, p.Prefix), verdict(expr.VerdictReturn))
		} else {
			b.rule(ch, addrMatch(f, fld, p.Prefix), jumpKind(expr.VerdictGoto, next))
		}
	}
	b.rule(ch, verdict(expr.VerdictReturn))
}

// termStages lists a term's conditions in the order Match checks them.
func termStages(t *Term, f Family) []stage {
	var out []stage
	if len(t.Src) > 0 {
		out = append(out, stage{prefixes: t.Src, field: srcAddr})
	}
	if len(t.Dst) > 0 {
		out = append(out, stage{prefixes: t.Dst, field: dstAddr})
	}
	if len(t.Either) > 0 {
		out = append(out, stage{prefixes: t.Either, either: true})
	}
	if len(t.Protocols) > 0 {
		out = append(out, stage{alts: each(t.Protocols, l4proto)})
	}
	if len(t.ProtocolsExcept) > 0 {
		out = append(out, stage{except: each(t.ProtocolsExcept, l4proto), exceptOnly: true})
	}
	if t.hasPorts() {
		out = append(out, stage{alts: [][]expr.Any{l4proto(protoTCP), l4proto(protoUDP), l4proto(protoSCTP)}})
		if len(t.SrcPorts) > 0 {
			out = append(out, stage{alts: ranges(t.SrcPorts, 0)})
		}
		if len(t.DstPorts) > 0 {
			out = append(out, stage{alts: ranges(t.DstPorts, 2)})
		}
		if len(t.Ports) > 0 {
			out = append(out, stage{alts: ranges(t.Ports, 0), altsOther: ranges(t.Ports, 2), either: true})
		}
		ex := append(append(ranges(t.SrcPortsExcept, 0), ranges(t.DstPortsExcept, 2)...),
			append(ranges(t.PortsExcept, 0), ranges(t.PortsExcept, 2)...)...)
		if len(ex) > 0 {
			out = append(out, stage{except: ex, exceptOnly: true})
		}
	}
	if t.hasICMP() {
		icmp := uint8(protoICMP)
		if f == Inet6 {
			icmp = protoICMPv6
		}
		out = append(out, stage{alts: [][]expr.Any{l4proto(icmp)}})
		if len(t.ICMPTypes) > 0 {
			out = append(out, stage{alts: each(t.ICMPTypes, thByte(0))})
		}
		if len(t.ICMPTypesExcept) > 0 {
			out = append(out, stage{except: each(t.ICMPTypesExcept, thByte(0)), exceptOnly: true})
		}
		if len(t.ICMPCodes) > 0 {
			out = append(out, stage{alts: each(t.ICMPCodes, thByte(1))})
		}
	}
	if t.TCPInitial {
		out = append(out, stage{alts: [][]expr.Any{append(l4proto(protoTCP), tcpFlags(0x02|0x10, 0x02, expr.CmpOpEq)...)}})
	}
	if t.TCPEstablished {
		out = append(out, stage{alts: [][]expr.Any{append(l4proto(protoTCP), tcpFlags(0x10|0x04, 0, expr.CmpOpNeq)...)}})
	}
	return out
}

func each(vs []uint8, f func(uint8) []expr.Any) [][]expr.Any {
	out := make([][]expr.Any, len(vs))
	for i, v := range vs {
		out[i] = f(v)
	}
	return out
}

// Expressions. Everything loads into register 1.

func linkName(key expr.MetaKey, dev string) []expr.Any {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, dev)
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: b}}
}

func nfproto(f Family) []expr.Any {
	p := byte(unix.NFPROTO_IPV4)
	if f == Inet6 {
		p = unix.NFPROTO_IPV6
	}
	return []expr.Any{&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{p}}}
}

func l4proto(p uint8) []expr.Any {
	return []expr.Any{&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{p}}}
}

func addrMatch(f Family, fld addrField, p netip.Prefix) []expr.Any {
	off, n := uint32(12), uint32(4) // IPv4 source
	if f == Inet6 {
		off, n = 8, 16
	}
	if fld == dstAddr {
		off += n
	}
	addr := p.Addr().AsSlice()
	mask := make([]byte, n)
	for i := 0; i < p.Bits(); i++ {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: n, Mask: mask, Xor: make([]byte, n)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr},
	}
}

// ranges matches a 16-bit port at transport header offset off.
func ranges(rs []PortRange, off uint32) [][]expr.Any {
	out := make([][]expr.Any, len(rs))
	for i, r := range rs {
		load := &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: off, Len: 2}
		lo, hi := binary.BigEndian.AppendUint16(nil, r.Lo), binary.BigEndian.AppendUint16(nil, r.Hi)
		if r.Lo == r.Hi {
			out[i] = []expr.Any{load, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: lo}}
		} else {
			out[i] = []expr.Any{load, &expr.Range{Op: expr.CmpOpEq, Register: 1, FromData: lo, ToData: hi}}
		}
	}
	return out
}

// thByte matches one byte of the transport header (ICMP type 0, code 1).
func thByte(off uint32) func(uint8) []expr.Any {
	return func(v uint8) []expr.Any {
		return []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: off, Len: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{v}}}
	}
}

func tcpFlags(mask, want byte, op expr.CmpOp) []expr.Any {
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 13, Len: 1},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 1, Mask: []byte{mask}, Xor: []byte{0}},
		&expr.Cmp{Op: op, Register: 1, Data: []byte{want}},
	}
}

func verdict(k expr.VerdictKind) []expr.Any { return []expr.Any{&expr.Verdict{Kind: k}} }

func jump(chain string) []expr.Any { return jumpKind(expr.VerdictJump, chain) }

func jumpKind(k expr.VerdictKind, chain string) []expr.Any {
	return []expr.Any{&expr.Verdict{Kind: k, Chain: chain}}
}

// reject answers as Junos' reject STYLE does: ICMP (ICMPv6) unreachable
// of the style's code, administratively prohibited by default. The
// family-independent ICMPX codes serve every style but protocol
// unreachable, which only IPv4 has.
func reject(f Family, s RejectStyle) expr.Any {
	switch s {
	case NetworkUnreachable:
		return &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_NO_ROUTE}
	case HostUnreachable:
		return &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_HOST_UNREACH}
	case PortUnreachable:
		return &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_PORT_UNREACH}
	case ProtocolUnreachable:
		if f == Inet {
			return &expr.Reject{Type: unix.NFT_REJECT_ICMP_UNREACH, Code: 2} // ICMP_PROT_UNREACH
		}
		return &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_PORT_UNREACH}
	}
	return &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_ADMIN_PROHIBITED}
}
