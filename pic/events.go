package pic

import (
	"log/slog"
	"sync/atomic"
)

// Events from the data path to the system log. A plugin that reports what
// its data path decided (the stateful firewall's `then syslog`, NAT pool
// exhaustion) implements EventReporter on its data handler. About once a
// second (the PIC's heartbeat) the PIC's control core calls ReportEvents
// with the service-sets that hold a policy of the plugin; the plugin
// drains what its cores recorded and emits one Message per line. The PIC
// sends them to servicesd, which writes them to the system log as Junos
// writes a services PIC's messages:
//
//	Dec  3 15:04:05  edge1 (FPC Slot 0, PIC Slot 0) {ss1}[FWNAT]: JSERVICES_SFW_RULE_ACCEPT: proto 6 (TCP) …
//
// Data cores never block or allocate for an event: EventRing is a
// bounded lossy queue per core (a full queue drops the event and counts
// it), drained on the control core. A plugin may instead report figures
// it already keeps (NAT compares its pools' failure counters with the
// last report), which costs the data path nothing.

// Message is one line a plugin reports.
type Message struct {
	ServiceSet string     // the service-set it is about ({ss} in the line)
	Tag        string     // Junos' tag (JSERVICES_SFW_RULE_ACCEPT, …)
	Level      slog.Level // info, warning, …
	Text       string     // the rest of the line
}

// MaxMessages bounds the messages one ReportEvents call may emit; the PIC
// drops (and counts) the rest.
const MaxMessages = 256

// EventReporter is implemented by data handlers that report events.
// ReportEvents runs on the control core, never concurrently with itself;
// sets are the service-sets with the plugin's policy (as Shower gets
// them).
type EventReporter interface {
	ReportEvents(sets []ShowSet, emit func(Message))
}

// Event is one data-path event as a plugin records it: fixed-size, so a
// core records it by copying. What the fields mean is the plugin's; the
// control side formats it.
type Event struct {
	Code       uint16
	ServiceSet uint32
	Key        FlowKey // the session's forward 5-tuple
	Policy     any     // the plugin's policy at the time (DataCtx.Policy): rule and term names
	Ref        any     // a pointer the plugin needs to format it (store an existing pointer: no allocation)
	A, B       uint32  // e.g. rule and term indexes
}

// EventRing is a plugin's per-core event queues: each data core puts
// into its own (single producer), the control core drains them all
// (single consumer).
type EventRing struct {
	q []eventQueue
}

type eventQueue struct {
	buf        []Event
	head, tail atomic.Uint64 // read and write positions
	dropped    atomic.Uint64
	_          [40]byte // a queue's counters apart from the next one's
}

// NewEventRing makes queues of perCore events (rounded up to a power of
// two) for cores data cores.
func NewEventRing(cores, perCore int) *EventRing {
	n := 1
	for n < perCore {
		n <<= 1
	}
	r := &EventRing{q: make([]eventQueue, cores)}
	for i := range r.q {
		r.q[i].buf = make([]Event, n)
	}
	return r
}

// Put records ev on core's queue; false (and counted) when it is full.
// Data core core only.
func (r *EventRing) Put(core int, ev *Event) bool {
	q := &r.q[core]
	t := q.tail.Load()
	if t-q.head.Load() == uint64(len(q.buf)) {
		q.dropped.Add(1)
		return false
	}
	q.buf[t&uint64(len(q.buf)-1)] = *ev
	q.tail.Store(t + 1)
	return true
}

// Drain hands the recorded events to f, core by core, oldest first, at
// most max of them (the rest wait for the next drain); it returns how
// many it handed. Control core only.
func (r *EventRing) Drain(max int, f func(*Event)) int {
	n := 0
	for i := range r.q {
		q := &r.q[i]
		h, t := q.head.Load(), q.tail.Load()
		for ; h < t && n < max; h++ {
			e := &q.buf[h&uint64(len(q.buf)-1)]
			f(e)
			*e = Event{} // drop its references
			n++
		}
		q.head.Store(h)
	}
	return n
}

// Dropped returns the events dropped for a full queue, all cores.
func (r *EventRing) Dropped() uint64 {
	var n uint64
	for i := range r.q {
		n += r.q[i].dropped.Load()
	}
	return n
}
