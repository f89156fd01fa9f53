package dataplane

import "unsafe"

// The session table's writes come in batches, like its reads: a vector's
// new sessions are entered in the table after the pass that opened them,
// and the sessions the timer wheel expires are closed together, each
// batch after a pass that touches the slots it will write. A table sized
// for the object cache's sessions is far larger than the caches, so each
// insert and remove is a cache miss; in a batch they overlap.

// pending is a table entry of a session opened during the vector.
type pending struct {
	h uint64
	s *Session
	d Dir
}

// insertPending enters the vector's new sessions in the table. Until
// then only their vector's later packets could meet them, and those were
// given their session when it opened (claim).
func (c *Core) insertPending() {
	if len(c.pend) == 0 {
		return
	}
	var sink uint64
	for _, e := range c.pend {
		sink += c.tab.slots[c.tab.home(e.h)].h
	}
	c.sink += sink
	for _, e := range c.pend {
		c.tab.insert(e.h, e.s, e.d)
	}
	clear(c.pend)
	c.pend = c.pend[:0]
}

// maxDueKept is the capacity of the list of due sessions a core keeps
// between expiries (512 KB): a second's slot of a busy wheel holds
// thousands, and a list given back after each would be garbage every
// second (the collector's write barriers then slow the whole data path).
const maxDueKept = 1 << 16

// expireDue closes the sessions the timer wheel found due, a vector's
// worth at a time: what the closes will write touched in one pass (the
// home slots of their entries, which each session keeps, its place in
// the list of live sessions, the plugins' extension objects their destroy
// events free), then the closes, while those lines are still in the
// cache (a second's slot can hold thousands of sessions).
func (c *Core) expireDue() {
	for due := c.due; len(due) > 0; {
		n := min(len(due), BatchSize)
		c.touchDue(due[:n])
		for _, s := range due[:n] {
			why := &c.st.Expired
			if s.TCP == TCPClosed {
				why = &c.st.Closed
			}
			c.close(s, why)
		}
		due = due[n:]
	}
	if len(c.due) == 0 {
		return
	}
	clear(c.due)
	c.due = c.due[:0]
	if cap(c.due) > maxDueKept { // a burst (a clock step): give the memory back
		c.due = nil
	}
}

// touchDue reads what closing the due sessions will write.
func (c *Core) touchDue(due []*Session) {
	var sink uint64
	for _, s := range due {
		sink += c.tab.slots[s.home[Forward]].h + c.tab.slots[s.home[Reverse]].h + uint64(uintptr(unsafe.Pointer(c.tab.live[s.li])))
		for j := range s.ext {
			for _, p := range s.ext[j] {
				if p != nil {
					sink += uint64(*(*byte)(p))
				}
			}
		}
	}
	c.sink += sink
}
