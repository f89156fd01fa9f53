package nat

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gnos/gnos/pic"
)

// maxPoolAddresses bounds the addresses a pool expands to (each napt-44
// address carries an 8 KB port bitmap).
const maxPoolAddresses = 1024

// pool is a pool's data-path form: its addresses and a port allocator
// shared by the data cores (atomic bitmaps, no locks), and the address
// mappings of basic-nat44 (a mutex, taken only when a session opens or
// ends).
type pool struct {
	name   string
	addrs  [][4]byte
	lo, hi uint16
	ports  [][]atomic.Uint64 // per address: bit per port
	inUse  atomic.Int64      // ports (napt-44) or addresses (basic-nat44) taken
	fails  atomic.Uint64     // allocations that found nothing
	// addrFails counts the fails of basic-nat44 (no address free; the
	// rest found no port). reported is fails, addrFails at the last
	// report (syslog.go; control core).
	addrFails atomic.Uint64
	reported  [2]uint64

	mu     sync.Mutex           // guards the fields below
	bymap  map[[4]byte]*mapping // basic-nat44: private -> public
	taken  map[[4]byte]bool     // basic-nat44: public addresses in use
	cursor int
}

type mapping struct {
	pub  [4]byte
	refs int
}

// Prepare builds the pools and matches of the policy.
func (p *Policy) Prepare() error {
	p.pools = map[string]*pool{}
	for name, pd := range p.Pools {
		pl := &pool{name: name, lo: uint16(pd.PortLow), hi: uint16(pd.PortHigh),
			bymap: map[[4]byte]*mapping{}, taken: map[[4]byte]bool{}}
		if pd.PortLow == 0 {
			pl.lo, pl.hi = 1024, 65535
		}
		for _, a := range pd.Addresses {
			pf, err := pic.ParsePrefix(a)
			if err != nil || !pf.Addr().Is4() {
				return fmt.Errorf("pool %s: bad IPv4 address %q", name, a)
			}
			for ad := pf.Addr(); pf.Contains(ad) && len(pl.addrs) < maxPoolAddresses; ad = ad.Next() {
				pl.addrs = append(pl.addrs, ad.As4())
			}
		}
		if len(pl.addrs) == 0 {
			return fmt.Errorf("pool %s has no address", name)
		}
		pl.ports = make([][]atomic.Uint64, len(pl.addrs))
		for i := range pl.ports {
			pl.ports[i] = make([]atomic.Uint64, 1024)
		}
		p.pools[name] = pl
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		for j := range r.Terms {
			t := &r.Terms[j]
			m, err := pic.CompileMatch(pic.Addresses{Src: t.Sources, SrcExcept: t.SourcesExcept,
				Dst: t.Destinations, DstExcept: t.DestinationsExcept}, t.Apps)
			if err != nil {
				return fmt.Errorf("rule %s term %s: %w", r.Name, t.Name, err)
			}
			t.match = m
			if t.SourcePool != "" {
				t.pool = p.pools[t.SourcePool]
				if t.pool == nil {
					return fmt.Errorf("rule %s term %s: pool %s is not defined", r.Name, t.Name, t.SourcePool)
				}
			}
		}
	}
	return nil
}

// allocPort takes a free (address, port) whose translated flow steers to
// core, starting from the core's cursor. Lock-free: a CAS per bit.
func (pl *pool) allocPort(cursor *uint32, proto uint8, dport uint16, echo bool, core, cores int) (int, uint16, bool) {
	span := uint32(pl.hi) - uint32(pl.lo) + 1
	total := uint32(len(pl.addrs)) * span
	for tries := uint32(0); tries < total && tries < 1<<20; tries++ {
		n := *cursor % total
		*cursor++
		ai, port := int(n/span), pl.lo+uint16(n%span)
		dp := dport
		if echo {
			dp = port
		}
		if cores > 1 && pic.SteerCore(proto, port, dp, cores) != core {
			continue
		}
		w := &pl.ports[ai][port>>6]
		bit := uint64(1) << (port & 63)
		for {
			old := w.Load()
			if old&bit != 0 {
				break
			}
			if w.CompareAndSwap(old, old|bit) {
				pl.inUse.Add(1)
				return ai, port, true
			}
		}
	}
	pl.fails.Add(1)
	return 0, 0, false
}

func (pl *pool) freePort(ai int, port uint16) {
	w := &pl.ports[ai][port>>6]
	bit := uint64(1) << (port & 63)
	for {
		old := w.Load()
		if w.CompareAndSwap(old, old&^bit) {
			pl.inUse.Add(-1)
			return
		}
	}
}

// mapAddr returns the public address of priv (basic-nat44), taking one.
func (pl *pool) mapAddr(priv [4]byte) ([4]byte, bool) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if m := pl.bymap[priv]; m != nil {
		m.refs++
		return m.pub, true
	}
	for range pl.addrs {
		a := pl.addrs[pl.cursor%len(pl.addrs)]
		pl.cursor++
		if !pl.taken[a] {
			pl.taken[a] = true
			pl.bymap[priv] = &mapping{pub: a, refs: 1}
			pl.inUse.Add(1)
			return a, true
		}
	}
	pl.fails.Add(1) // before addrFails: a report reading addrFails first never sees fails < addrFails
	pl.addrFails.Add(1)
	return [4]byte{}, false
}

func (pl *pool) unmapAddr(priv [4]byte) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if m := pl.bymap[priv]; m != nil {
		if m.refs--; m.refs == 0 {
			delete(pl.bymap, priv)
			delete(pl.taken, m.pub)
			pl.inUse.Add(-1)
		}
	}
}

// xlate is a session's translation. It takes no object of its own: the
// session's NAT extension handle is the pool (which it so keeps alive
// while the session lives, whatever commits replace), and NAT's inline
// session word the address's place in it (pic.SetWord); the addresses
// and ports are the session's own keys (sides): the forward key's source
// is the private side, and translate writes the public side into the
// reverse key, which answers carry as their destination.
type xlate struct {
	pool *pool
	ai   int32 // address index (napt-44); -1 for basic-nat44
}

// translation returns the session's translation; ok false when NAT did
// not translate it.
func translation(c *pic.DataCtx) (x xlate, ok bool) {
	pl := pic.Ext[pool](c, pic.Forward)
	if pl == nil {
		return xlate{}, false
	}
	return xlate{pool: pl, ai: int32(pic.Word(c))}, true
}

// set records x as the session's translation.
func (x xlate) set(c *pic.DataCtx) {
	pic.SetExt(c, pic.Forward, x.pool)
	pic.SetWord(c, uint32(x.ai))
}

// sides are a translation's private and public address and port, read
// from the session's keys (the ports are 0 for basic-nat44, which keeps
// them).
type sides struct {
	orig, pub         [4]byte
	origPort, pubPort uint16
}

func (x xlate) sides(s *pic.Session) sides {
	sd := keySides(s)
	if x.ai < 0 {
		sd.origPort, sd.pubPort = 0, 0
	}
	return sd
}

// keySides are the sides the session's keys hold: the forward key's
// source, the reverse key's destination.
func keySides(s *pic.Session) (sd sides) {
	sd.orig, _ = pic.Addr4(s, pic.Forward)
	_, sd.pub = pic.Addr4(s, pic.Reverse)
	sd.origPort, _ = pic.Ports(s, pic.Forward)
	_, sd.pubPort = pic.Ports(s, pic.Reverse)
	return sd
}

// Counters are NAT's per-core counters.
type Counters struct {
	Translated, Exhausted, NoMatch atomic.Uint64
	_                              [40]byte
}

// Data is NAT's data handler: on a session's first packet (in the
// direction its rules match) it picks a translation from the term's pool,
// rewrites the packet's source and the session's reverse key (so answers
// find the session); later forward packets get the source rewritten and
// reverse packets the destination restored, checksums updated
// incrementally. napt-44 picks ports whose translated flow steers to the
// same data core, so a session never moves. An ICMP error of the session
// (the data path matched it by the packet it quotes) is translated as a
// packet of its direction, outer address only, and the quoted packet the
// other way round: an error from outside about a translated packet gets
// its destination and the quoted source (address and port) restored; an
// error from inside about a restored answer gets its source and the
// quoted destination translated, as conntrack does. Later fragments
// have their address rewritten (their ports live in the first fragment).
type Data struct {
	counters []Counters
	cursors  []cursor
}

type cursor struct {
	n uint32
	_ [60]byte
}

// SessionEvents: NAT gives its address or port back on destroy and
// needs no other session event (pic.SessionEvents).
func (d *Data) SessionEvents() pic.EventSet { return pic.Events(pic.EvSessionDestroy) }

// Data handles the data events.
func (d *Data) Data(ev pic.DataEvent, c *pic.DataCtx) pic.Result {
	switch ev {
	case pic.EvSessionManagerInit:
		d.counters = make([]Counters, c.Cores)
		d.cursors = make([]cursor, c.Cores)
	case pic.EvCoreInit:
		d.cursors[c.Core].n = uint32(c.Core) * 7919
	case pic.EvFirstPacket:
		return d.first(c)
	case pic.EvPacket:
		// The session's keys hold the translation (translate wrote the
		// public side into the reverse key), on the line of the session
		// a packet reads anyway: an untranslated session's reverse key
		// mirrors its forward one, so its sides are equal and the packet
		// needs nothing (the extension handle, on the session's second
		// line, is not read).
		// Read in place, not through keySides: the struct costs 14
		// instructions a packet (cachegrind).
		p, s := c.Packet, c.Session
		orig, _ := pic.Addr4(s, pic.Forward)
		_, pub := pic.Addr4(s, pic.Reverse)
		origPort, _ := pic.Ports(s, pic.Forward)
		_, pubPort := pic.Ports(s, pic.Reverse)
		if orig == pub && origPort == pubPort {
			return pic.ResultForward
		}
		switch {
		case p.ICMPError && c.Dir == pic.Forward: // from inside, about an answer the NAT restored
			p.RewriteAddr4(true, pub, 0)
			p.RewriteQuoted4(false, pub, pubPort)
		case p.ICMPError: // from outside, about a packet the NAT translated
			p.RewriteAddr4(false, orig, 0)
			p.RewriteQuoted4(true, orig, origPort)
		case c.Dir == pic.Forward:
			p.RewriteAddr4(true, pub, pubPort)
		default:
			p.RewriteAddr4(false, orig, origPort)
		}
		return pic.ResultForward
	case pic.EvSessionDestroy:
		// The keys read in place, not through sides: a small struct
		// of arrays is assembled on the stack in narrow stores and read
		// back in a wide load, which waits for them (tens of cycles a
		// session).
		if pl := pic.Ext[pool](c, pic.Forward); pl != nil {
			if s, ai := c.Session, int32(pic.Word(c)); ai >= 0 {
				_, pub := pic.Ports(s, pic.Reverse)
				pl.freePort(int(ai), pub)
			} else {
				orig, _ := pic.Addr4(s, pic.Forward)
				pl.unmapAddr(orig)
			}
			pic.SetExt[pool](c, pic.Forward, nil)
			pic.SetWord(c, 0)
		}
	}
	return pic.OK
}

func (d *Data) first(c *pic.DataCtx) pic.Result {
	pol, _ := c.Policy.(*Policy)
	p, s := c.Packet, c.Session
	if pol == nil || p.V6 {
		return pic.ResultForward
	}
	cnt := &d.counters[c.Core]
	k := &c.Keys[pic.Forward]
	for ri := range pol.Rules {
		r := &pol.Rules[ri]
		if !r.Applies(s.Side) {
			continue
		}
		for ti := range r.Terms {
			t := &r.Terms[ti]
			if ok, _ := t.match.Matches(k, p.ICMPType, p.ICMPCode); !ok {
				continue
			}
			if t.pool == nil { // no translation
				return pic.ResultForward
			}
			return d.translate(c, t, k, cnt)
		}
	}
	inc(&cnt.NoMatch)
	return pic.ResultForward
}

func inc(c *atomic.Uint64) { c.Store(c.Load() + 1) }

func (d *Data) translate(c *pic.DataCtx, t *Term, k *pic.FlowKey, cnt *Counters) pic.Result {
	p := c.Packet
	x, ok := xlate{pool: t.pool}, false
	orig, pub, pubPort := k.Src4(), [4]byte{}, uint16(0)
	hasPorts := p.Proto == pic.ProtoTCP || p.Proto == pic.ProtoUDP || (p.Proto == pic.ProtoICMP && p.Echo())
	if t.TranslationType == "basic-nat44" || !hasPorts {
		pub, ok = t.pool.mapAddr(orig)
		x.ai = -1
	} else {
		var ai int
		ai, pubPort, ok = t.pool.allocPort(&d.cursors[c.Core].n, p.Proto, k.DPort, p.Proto == pic.ProtoICMP, c.Core, c.Cores)
		pub, x.ai = t.pool.addrs[ai], int32(ai)
	}
	if !ok {
		inc(&cnt.Exhausted)
		return pic.Drop
	}
	x.set(c)
	p.RewriteAddr4(true, pub, pubPort)
	rk := &c.Keys[pic.Reverse] // the public side, where answers (and sides) find it
	copy(rk.Dst[12:], pub[:])
	if pubPort != 0 {
		rk.DPort = pubPort
		if p.Proto == pic.ProtoICMP {
			rk.SPort = pubPort
		}
	}
	inc(&cnt.Translated)
	return pic.ResultForward
}

// Describe shows the session's translation.
func (d *Data) Describe(c *pic.DataCtx) string {
	x, ok := translation(c)
	if !ok {
		return "no translation"
	}
	kind, from, to := x.describe(c.Session)
	return fmt.Sprintf("%s source %s -> %s (pool %s)", kind, from, to, x.pool.name)
}

// describe returns the translation's type and its private and public
// sides: address and port for napt-44, the address for basic-nat44
// (which keeps ports).
func (x xlate) describe(s *pic.Session) (kind, from, to string) {
	sd := x.sides(s)
	if x.ai < 0 {
		return "basic-nat44", netip.AddrFrom4(sd.orig).String(), netip.AddrFrom4(sd.pub).String()
	}
	return "napt-44", netip.AddrPortFrom(netip.AddrFrom4(sd.orig), sd.origPort).String(),
		netip.AddrPortFrom(netip.AddrFrom4(sd.pub), sd.pubPort).String()
}

// PoolRPC is the RPC of show services nat pool.
const PoolRPC = "get-service-nat-pool-information"

// Show answers show services nat pool: each service-set's pools, their
// addresses, port range and use.
func (d *Data) Show(command string, sets []pic.ShowSet) []pic.ShowRow {
	if command != PoolRPC {
		return nil
	}
	var rows []pic.ShowRow
	for _, ss := range sets {
		pol, _ := ss.Policy.(*Policy)
		if pol == nil {
			continue
		}
		for _, n := range pol.poolNames() {
			pl := pol.pools[n]
			first, last := netip.AddrFrom4(pl.addrs[0]), netip.AddrFrom4(pl.addrs[len(pl.addrs)-1])
			rows = append(rows, pic.ShowRow{{Name: "pool-name", Value: n}, {Name: "service-set-name", Value: ss.Name},
				{Name: "pool-address-range", Value: first.String() + "-" + last.String()},
				{Name: "source-port-range", Value: fmt.Sprintf("%d-%d", pl.lo, pl.hi)},
				{Name: "translations-in-use", Value: strconv.FormatInt(pl.inUse.Load(), 10)},
				{Name: "allocation-failures", Value: strconv.FormatUint(pl.fails.Load(), 10)}})
		}
	}
	return rows
}

// poolNames are the policy's pool names, sorted (shows and reports list
// pools in that order).
func (p *Policy) poolNames() []string {
	names := make([]string, 0, len(p.pools))
	for n := range p.pools {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TextPools renders show services nat pool in Junos' layout: a header
// per service-set, then a line per pool (name, type, address range, port
// range, ports used); detail prints each pool as Junos' block (NAT pool
// and translation type, address range, port range with ports in use and
// out-of-port errors). gnos pools are dynamic (addresses and ports taken
// per session); it keeps no "max ports used" high-water mark, so detail
// leaves that field out.
func TextPools(w io.Writer, iface, style string, rows []pic.ShowRow) {
	set := ""
	for _, r := range rows {
		if ss := r.Field("service-set-name"); ss != set || set == "" {
			set = ss
			fmt.Fprintf(w, "Interface: %s, Service set: %s\n", iface, ss)
			if style != "detail" {
				fmt.Fprintf(w, "%-20s %-8s %-32s %-12s %s\n", "NAT pool", "Type", "Address", "Port", "Ports used")
			}
		}
		if style == "detail" {
			fmt.Fprintf(w, "  NAT pool: %s, Translation type: dynamic\n", r.Field("pool-name"))
			fmt.Fprintf(w, "    Address range: %s\n", r.Field("pool-address-range"))
			fmt.Fprintf(w, "    Port range: %s, Ports in use: %s, Out of port errors: %s\n", r.Field("source-port-range"),
				r.Field("translations-in-use"), r.Field("allocation-failures"))
			continue
		}
		fmt.Fprintf(w, "%-20s %-8s %-32s %-12s %10s\n", r.Field("pool-name"), "dynamic", r.Field("pool-address-range"),
			r.Field("source-port-range"), r.Field("translations-in-use"))
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "Interface: %s\nNumber of pools: 0\n", iface)
	}
}

// MappingsRPC is the RPC of show services nat mappings.
const MappingsRPC = "get-service-nat-mapping-information"

// ShowSession answers show services nat mappings: the translation of
// every translated session, private address and port to public.
func (d *Data) ShowSession(command string, c *pic.DataCtx, s *pic.SessionInfo) []pic.ShowRow {
	x, ok := translation(c)
	if command != MappingsRPC || !ok {
		return nil
	}
	kind, from, to := x.describe(c.Session)
	return []pic.ShowRow{{{Name: "service-set-name", Value: s.ServiceSet}, {Name: "pool-name", Value: x.pool.name},
		{Name: "protocol", Value: pic.ProtoName(s.Proto)}, {Name: "translation-type", Value: kind},
		{Name: "private-address", Value: from}, {Name: "public-address", Value: to}}}
}

// TextMappings renders show services nat mappings in the Junos layout: a
// header per service-set and pool, then each mapping.
func TextMappings(w io.Writer, iface string, rows []pic.ShowRow) {
	set, pool := "", ""
	for _, r := range rows {
		if ss := r.Field("service-set-name"); ss != set || set == "" {
			set, pool = ss, ""
			fmt.Fprintf(w, "Interface: %s, Service set: %s\n", iface, ss)
		}
		if p := r.Field("pool-name"); p != pool {
			pool = p
			fmt.Fprintf(w, "NAT pool: %s\n", p)
		}
		fmt.Fprintf(w, "  Mapping          : %-21s --> %s\n", r.Field("private-address"), r.Field("public-address"))
		fmt.Fprintf(w, "  Protocol         : %s\n", r.Field("protocol"))
		fmt.Fprintf(w, "  Translation type : %s\n", r.Field("translation-type"))
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "Interface: %s\nNumber of mappings: 0\n", iface)
	}
}
