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

// expireDue closes the sessions the timer wheel found due: their keys'
// hashes in one pass, what the closes will write touched in another (the
// slots those hashes name, each session's place in the list of live
// sessions, the plugins' extension objects their destroy events free),
// then the closes.
func (c *Core) expireDue() {
	if len(c.due) == 0 {
		return
	}
	if cap(c.dueH) < len(c.due) {
		c.dueH = make([][2]uint64, len(c.due), cap(c.due))
	}
	hs := c.dueH[:len(c.due)]
	for i, s := range c.due {
		hs[i] = [2]uint64{s.Key[Forward].hash(s.ssid), s.Key[Reverse].hash(s.ssid)}
	}
	var sink uint64
	for i, h := range hs { // the slots, the place in the list of live sessions, the plugins' objects (destroy)
		s := c.due[i]
		sink += c.tab.slots[c.tab.home(h[0])].h + c.tab.slots[c.tab.home(h[1])].h + uint64(uintptr(unsafe.Pointer(c.tab.live[s.li])))
		for j := range s.ext {
			for _, p := range s.ext[j] {
				if p != nil {
					sink += uint64(*(*byte)(p))
				}
			}
		}
	}
	c.sink += sink
	for i, s := range c.due {
		why := &c.st.Expired
		if s.TCP == TCPClosed {
			why = &c.st.Closed
		}
		c.closeHashed(s, why, hs[i][0], hs[i][1])
	}
	clear(c.due)
	c.due = c.due[:0]
	if cap(c.due) > 4*BatchSize { // a burst (a clock step): give the memory back
		c.due, c.dueH = nil, nil
	}
}
