package dataplane

import (
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
type Session struct {
	// What a packet of the session reads and writes is its first 128
	// bytes, two cache lines: the state bytes, both keys (the lookup's
	// confirmation; a translating plugin reads the other), the counters,
	// the service-set generation and the last-seen time. The object is
	// 256 bytes (pad) and its slabs are large allocations, page-aligned,
	// so those are exactly two lines, which the touch passes pull in
	// (Core.touchSessions). The plugins' extension handles, the timeouts
	// (read when the TCP state moves), the timer wheel's links and the
	// rest follow on the next two: read when a session opens, moves
	// state, expires or is shown, or by a plugin whose packets read its
	// extension object (a miss of its own anyway).
	Side    Side // side of the first packet
	TCP     TCPState
	finSeen uint8 // bit per direction
	flags   uint8
	// Key[Forward] is the first packet's 5-tuple; Key[Reverse] is what
	// answers look like on the wire. A first-packet handler that
	// translates (NAT) rewrites Key[Reverse]; the data core enters both
	// keys in its table once the first packet's chain has accepted.
	Key   [2]FlowKey
	Pkts  [2]uint64
	Bytes [2]uint64
	set   *setInfo // the service-set generation it started in (set.id: its service-set)
	last  int64    // core time (ns) of the last packet

	ext [MaxChain][2]unsafe.Pointer
	// Timeout is the inactivity timeout in seconds.
	Timeout  uint32
	idle     uint32           // the timeout once established (application or protocol default)
	wslot    int32            // wheel slot, -1 when not on the wheel
	startSec uint32           // core time (s) of the first packet
	li       uint32           // index in the core's list of live sessions (table.live)
	words    [MaxChain]uint32 // one word of inline state per plugin (SetWord)
	id       uint32           // session identifier (sessionID)
	home     [2]uint32        // the home slots of its two table entries (table.insert), so a close hashes nothing
	prev     *Session         // timer wheel list
	next     *Session
	_        [16]byte // to 256 bytes
}

// ssid is the session's service-set id.
func (s *Session) ssid() uint32 { return s.set.id }

// hotBytes is what a packet of a session reads of it (Session's first
// two lines); TestSessionLayout holds the fields to it.
const hotBytes = 128

// A session is 256 bytes exactly: the build fails when its fields
// outgrow the padding (or the padding outgrows the fields).
var _ = [1]struct{}{}[SessionSize-256]

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
// the timeouts, which lie past the session's first two lines.
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
	i := int32(deadline % wheelSlots)
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
