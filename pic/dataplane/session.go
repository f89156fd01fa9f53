package dataplane

import (
	"encoding/binary"
	"time"
	"unsafe"
)

// Dir is a packet's direction within its session.
type Dir uint8

// Directions.
const (
	Forward Dir = iota // the direction of the session's first packet
	Reverse
)

func (d Dir) String() string {
	if d == Reverse {
		return "reverse"
	}
	return "forward"
}

// MaxChain bounds the services of one service-set's chain (each has a
// pair of session extension handles).
const MaxChain = 3

// TCPState is a session's TCP tracking state.
type TCPState uint8

// TCP states, as tracked from both directions.
const (
	TCPNone        TCPState = iota // not TCP
	TCPSynSent                     // forward SYN seen
	TCPSynReceived                 // reverse SYN-ACK seen
	TCPEstablished                 // handshake completed (or mid-stream ACKs both ways)
	TCPClosing                     // a FIN seen
	TCPClosed                      // FINs both ways, or RST: removed after a short linger
)

var tcpNames = [...]string{"", "SYN-SENT", "SYN-RCVD", "ESTABLISHED", "CLOSING", "CLOSED"}

func (s TCPState) String() string { return tcpNames[s] }

// Session is one session: both flow keys, counters, TCP state, expiry and
// the plugins' extension handles. Sessions live in the object cache (one
// class per PIC, carved per data core) and belong to one data core: only
// it reads or writes them, so nothing here is locked.
//
// An object is four cache lines (256 bytes; its slabs are large
// allocations, page-aligned, so every object starts a line). What a
// packet of an IPv4 session reads and writes is the first: the state
// bytes, both keys (the lookup's confirmation; a translating plugin reads
// the other), the low words of the counters, the service-set generation
// and the last-seen time, so a packet of an established session reads
// one line of its session and one of the table (Core.touchSessions pulls
// it in). The next two lines hold what is read when a session opens,
// moves state, expires, is shown, when a counter's low word carries into
// its high word, or by a plugin whose packets read its extension object
// (a miss of its own anyway). The last holds an IPv6 session's four
// addresses, which its packets read besides the first.
//
// The keys are held compact: each direction's ports and IPv4 addresses
// (12 bytes, not a FlowKey's 38), the protocol and family once. IPv4 and
// IPv6 sessions are objects of one class, so the two families share the
// object cache (TestFamiliesShareTheCache); a class of 192-byte sessions
// with IPv6 addresses in objects of their own was tried and let a peak
// of one family keep the other from the cache until the PIC restarted.
type Session struct {
	Side    Side // side of the first packet
	TCP     TCPState
	finSeen uint8 // bit per direction
	flags   uint8
	proto   uint8
	v6      bool
	wslot   int16     // wheel slot, -1 when not on the wheel
	keys    [2]key4   // Key(Forward) is the first packet's 5-tuple, Key(Reverse) what answers look like on the wire
	pkts    [2]uint32 // the counters' low words (hi the high words)
	bytes   [2]uint32
	set     *setInfo // the service-set generation it started in (set.id: its service-set)
	last    int64    // core time (ns) of the last packet

	hi   [2][2]uint32 // per direction: the packet and byte counters' high words
	ext  [MaxChain][2]unsafe.Pointer
	prev *Session // timer wheel list
	next *Session
	// Timeout is the inactivity timeout in seconds.
	Timeout  uint32
	idle     uint32           // the timeout once established (application or protocol default)
	startSec uint32           // core time (s) of the first packet
	li       uint32           // index in the core's list of live sessions (table.live)
	id       uint32           // session identifier (sessionID)
	words    [MaxChain]uint32 // one word of inline state per plugin (SetWord)
	home     [2]uint32        // the home slots of its two table entries (table.insert), so a close hashes nothing
	_        [8]byte          // to the last line
	addr6    addrs6           // an IPv6 session's addresses (the last line)
}

// key4 is one direction's key as a session holds it: the ports, and the
// addresses of an IPv4 session (an IPv6 session's are in addr6).
type key4 struct {
	src, dst     [4]byte
	sport, dport uint16
}

// addrs6 is an IPv6 session's addresses: per direction, source and
// destination.
type addrs6 [2][2][16]byte

// Key returns the session's key in direction d: Key(Forward) is its
// first packet's 5-tuple, Key(Reverse) what answers carry (a translating
// first-packet handler sets it in DataCtx.Keys, which the session takes
// when the first packet's chain has run).
func (s *Session) Key(d Dir) (k FlowKey) {
	q := &s.keys[d]
	if s.v6 {
		k.Src, k.Dst = s.addr6[d][0], s.addr6[d][1]
	} else { // in words, as mapV4 writes a packet's
		le := binary.LittleEndian
		le.PutUint64(k.Src[8:], 0xffff<<16|uint64(le.Uint32(q.src[:]))<<32)
		le.PutUint64(k.Dst[8:], 0xffff<<16|uint64(le.Uint32(q.dst[:]))<<32)
	}
	k.SPort, k.DPort, k.Proto, k.V6 = q.sport, q.dport, s.proto, s.v6
	return k
}

// Addr4 is session s's IPv4 source and destination in direction d (zero
// for an IPv6 session), and Ports its ports: what a translating plugin's
// packets read, from the session's first line. They are functions, as
// Word is, so that they inline into plugins through the pic package: the
// compiler does not inline the methods of a type that a package reaches
// only through an alias (golang/go#74783).
func Addr4(s *Session, d Dir) (src, dst [4]byte) { return s.keys[d].src, s.keys[d].dst }

// Ports is session s's source and destination port in direction d (an
// ICMP echo's identifier both).
func Ports(s *Session, d Dir) (sport, dport uint16) { return s.keys[d].sport, s.keys[d].dport }

// storeKey writes k as the key of direction d: its addresses and ports
// (the protocol and family are the session's).
func (s *Session) storeKey(d Dir, k *FlowKey) {
	q := &s.keys[d]
	q.sport, q.dport = k.SPort, k.DPort
	if s.v6 {
		s.addr6[d] = [2][16]byte{k.Src, k.Dst}
		return
	}
	q.src, q.dst = [4]byte(k.Src[12:]), [4]byte(k.Dst[12:])
}

// hash is FlowKey.hash of the session's key in direction d, read from
// its compact form: the hash of the key the session keeps, whatever a
// first-packet handler wrote that it cannot keep (DataCtx.Keys).
func (s *Session) hash(d Dir) uint64 {
	q := &s.keys[d]
	rest := uint64(q.sport) | uint64(q.dport)<<16 | uint64(s.proto)<<32 | uint64(s.set.id)<<40
	le := binary.LittleEndian
	if s.v6 {
		a := &s.addr6[d]
		return hashFolded(fold(le.Uint64(a[0][:8]), le.Uint64(a[0][8:]), srcRot), fold(le.Uint64(a[1][:8]), le.Uint64(a[1][8:]), dstRot), rest)
	}
	const mapped = 0xffff << 16 // an IPv4-mapped address's second word, the address above it (mapV4); its first is 0
	return hashFolded(fold(0, mapped|uint64(le.Uint32(q.src[:]))<<32, srcRot), fold(0, mapped|uint64(le.Uint32(q.dst[:]))<<32, dstRot), rest)
}

// setKeys gives a new session its keys: f forward, r reverse, of f's
// protocol and family.
func (s *Session) setKeys(f, r *FlowKey) {
	s.proto, s.v6 = f.Proto, f.V6
	s.storeKey(Forward, f)
	s.storeKey(Reverse, r)
}

// matches reports whether k is the session's key in direction d. An
// IPv4 key's first 12 address bytes are the IPv4-mapped prefix
// (FlowKey), so its last four decide.
func (s *Session) matches(d Dir, k *FlowKey) bool {
	q := &s.keys[d]
	if k.Proto != s.proto || k.V6 != s.v6 {
		return false
	}
	if !s.v6 { // one test of three words' differences
		le := binary.LittleEndian
		return (le.Uint32(k.Src[12:])^le.Uint32(q.src[:]))|(le.Uint32(k.Dst[12:])^le.Uint32(q.dst[:]))|
			((uint32(k.SPort)|uint32(k.DPort)<<16)^(uint32(q.sport)|uint32(q.dport)<<16)) == 0
	}
	a := &s.addr6[d]
	return k.SPort == q.sport && k.DPort == q.dport && k.Src == a[0] && k.Dst == a[1]
}

// Packets and Bytes are direction d's counters.
func (s *Session) Packets(d Dir) uint64 { return uint64(s.hi[d][0])<<32 | uint64(s.pkts[d]) }

// Bytes is direction d's byte counter.
func (s *Session) Bytes(d Dir) uint64 { return uint64(s.hi[d][1])<<32 | uint64(s.bytes[d]) }

// count adds a packet of n bytes to direction d's counters: the low
// words, and a high one (on the session's second line) only when its low
// word carries.
func (s *Session) count(d Dir, n uint32) {
	if s.pkts[d]++; s.pkts[d] == 0 {
		s.hi[d][0]++
	}
	b := s.bytes[d] + n
	if b < n {
		s.hi[d][1]++
	}
	s.bytes[d] = b
}

// setCounters sets direction d's counters (a restored session's).
func (s *Session) setCounters(d Dir, pkts, bytes uint64) {
	s.pkts[d], s.hi[d][0] = uint32(pkts), uint32(pkts>>32)
	s.bytes[d], s.hi[d][1] = uint32(bytes), uint32(bytes>>32)
}

// ssid is the session's service-set id.
func (s *Session) ssid() uint32 { return s.set.id }

// hotBytes is what a packet of an IPv4 session reads of it (Session's
// first line); TestSessionLayout holds the fields to it.
const hotBytes = 64

// A session is four cache lines exactly: the build fails when its
// fields outgrow them (or leave a line's worth unused).
var _ = [1]struct{}{}[SessionSize-256]

// The wheel's slots fit Session.wslot.
var _ = [1]struct{}{}[wheelSlots>>15]

// sessionID is the identifier show services sessions prints for the
// session core created as its n-th (from 1): the core in the top 6 bits,
// n in the low 26, so identifiers are unique on a PIC among its live
// sessions until a core has created 2^26 of them (then they wrap, as
// Junos' do), and cost the data path one store per new session.
func sessionID(core int, n uint64) uint32 { return uint32(core)<<26 | uint32(n)&(1<<26-1) }

// flags
const sessClosed uint8 = 1 // closed: out of the table and the wheel, freed at the end of the vector

// SessionSize is the bytes of object cache one session takes (its own
// object; plugins' extension objects come on top).
const SessionSize = int64(unsafe.Sizeof(Session{}))

// Default inactivity timeouts (seconds), used when no application sets one.
const (
	DefaultTimeout   = 30   // UDP, ICMP, other protocols; as Junos' default
	TCPTimeout       = 1800 // established TCP
	TCPOpenTimeout   = 4    // TCP handshake not completed
	TCPClosedLinger  = 2    // after FINs both ways or RST
	MaxSessionTimout = 86400
)

// age returns how long the session has been open at core time now.
func (s *Session) age(now int64) time.Duration {
	return time.Duration(now - int64(s.startSec)*int64(time.Second)).Truncate(time.Second)
}

// trackTCP advances the TCP state with a packet's flags in direction d and
// sets the timeout the state calls for; it reports whether that lowered
// the timeout (the timer wheel then needs the earlier deadline). A packet
// that moves no state (an established session's data) reads nothing of
// the timeouts, which lie past the session's first line.
func (s *Session) trackTCP(d Dir, flags uint8) (lowered bool) {
	to := s.stepTCP(d, flags)
	if to == 0 {
		return false
	}
	lowered = to < s.Timeout
	s.Timeout = to
	return lowered
}

// stepTCP moves the TCP state and returns the timeout its new state
// calls for, 0 when the timeout stays.
func (s *Session) stepTCP(d Dir, flags uint8) uint32 {
	switch {
	case s.TCP == TCPClosed:
		return 0
	case flags&TCPRst != 0:
		s.TCP = TCPClosed
		return TCPClosedLinger
	case flags&TCPFin != 0:
		s.finSeen |= 1 << d
		if s.finSeen == 3 {
			s.TCP = TCPClosed
			return TCPClosedLinger
		}
		s.TCP = TCPClosing
		return 0
	}
	switch s.TCP {
	case TCPNone:
		if flags&TCPSyn != 0 {
			s.TCP = TCPSynSent
			return min(TCPOpenTimeout, s.idle)
		}
		s.TCP = TCPEstablished // picked up mid-stream
	case TCPSynSent:
		if d == Reverse && flags&(TCPSyn|TCPAck) == TCPSyn|TCPAck {
			s.TCP = TCPSynReceived
		}
	case TCPSynReceived:
		if d == Forward && flags&TCPAck != 0 {
			s.TCP = TCPEstablished
			return s.idle
		}
	}
	return 0
}

// SetTimeout sets the session's inactivity timeout (seconds), e.g. from
// the application a rule matched. It takes effect now unless the TCP
// handshake or close is in progress (their own short timeouts rule).
func (s *Session) SetTimeout(sec uint32) {
	if sec == 0 {
		return
	}
	s.idle = min(sec, MaxSessionTimout)
	if s.TCP == TCPNone || s.TCP == TCPEstablished || s.TCP == TCPClosing {
		s.Timeout = s.idle
	}
}

// Ext returns the extension handle a plugin stored for direction d, as
// its type. slot is the plugin's position in the service-set (DataCtx
// passes it); the plugin stored a *T there with SetExt.
func Ext[T any](c *DataCtx, d Dir) *T { return (*T)(c.Session.ext[c.slot][d]) }

// Word returns the plugin's inline session word (0 until SetWord).
func Word(c *DataCtx) uint32 { return c.Session.words[c.slot] }

// SetWord stores one word of the plugin's session state inside the
// session object itself: no allocation, no cache line of its own. For
// small state (the firewall's rule and term); larger state goes in an
// extension object (SetExt).
func SetWord(c *DataCtx, v uint32) { c.Session.words[c.slot] = v }

// SetExt stores a plugin's extension handle for direction d. The object
// should come from the object cache (NewClass, Local.Alloc) so it counts
// against object-cache-size; the plugin frees it on session destroy.
func SetExt[T any](c *DataCtx, d Dir, v *T) { c.Session.ext[c.slot][d] = unsafe.Pointer(v) }

// wheel is a data core's timer wheel: one slot per second, sessions in
// doubly linked lists. A packet only refreshes the session's last-seen
// time; when its slot comes round, a session that is not due yet is moved
// to the slot of its new deadline (lazy re-arming, so the fast path never
// touches the wheel).
type wheel struct {
	slots [wheelSlots]*Session
	cur   int64 // second up to which the wheel has run
	n     int
}

const wheelSlots = 4096

func (w *wheel) add(s *Session, deadline int64) {
	if deadline <= w.cur {
		deadline = w.cur + 1
	}
	i := int16(deadline % wheelSlots)
	s.wslot = i
	s.prev = nil
	s.next = w.slots[i]
	if s.next != nil {
		s.next.prev = s
	}
	w.slots[i] = s
	w.n++
}

func (w *wheel) remove(s *Session) {
	if s.wslot < 0 {
		return
	}
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		w.slots[s.wslot] = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	}
	s.prev, s.next, s.wslot = nil, nil, -1
	w.n--
}

// advance runs the wheel to second now, calling expire for every session
// whose deadline (deadline(s)) has passed and re-arming the others.
func (w *wheel) advance(now int64, deadline func(*Session) int64, expire func(*Session)) {
	if now <= w.cur {
		return
	}
	from := w.cur + 1
	if now-w.cur > wheelSlots {
		from = now - wheelSlots + 1
	}
	w.cur = now
	for sec := from; sec <= now; sec++ {
		i := sec % wheelSlots
		s := w.slots[i]
		w.slots[i] = nil
		for s != nil {
			next := s.next
			s.prev, s.next, s.wslot = nil, nil, -1
			w.n--
			if dl := deadline(s); dl <= now {
				expire(s)
			} else {
				w.add(s, dl)
			}
			s = next
		}
	}
}
