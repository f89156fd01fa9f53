package dataplane

// Installing a session: the steps a session takes into a core's table,
// shared by the two ways a session starts, a first packet (Core.first)
// and a restore from saved state (Core.restore, state.go). admit checks
// the table's share of the object cache and the service-set's max-flows
// and allocates the session; unwind undoes that when the chain refuses,
// after giving each plugin that ran its EvSessionDestroy; install enters
// the session in the table (both keys), the list of live sessions, the
// timer wheel and the session count, under its identifier. A first
// packet's session (installLater) enters the table only after the
// vector's pass, with the vector's other new sessions (insertPending,
// batch.go); admit counts those pending entries as taken.
//
// Identifiers (Session.id, sessionID) come from the core's sequence
// (Core.ids): a new session takes the next one; a restored session keeps
// the one it had where it was saved when that is this core's and no live
// session here has it. A restore first moves the sequence past every
// identifier it may keep, so the sessions it renumbers and every later
// session get identifiers no restored session has.

// admitFail says why admit refused a session.
type admitFail uint8

const (
	admitted       admitFail = iota
	admitTableFull           // the table's share of the object cache is used up
	admitMaxFlows            // the service-set's max-flows
	admitNoMemory            // no session object left in the object cache
)

// admit reserves a flow of si and allocates a session object (zeroed);
// nil and the reason when it cannot.
func (c *Core) admit(si *setInfo) (*Session, admitFail) {
	if c.tab.full(len(c.pend)) {
		return nil, admitTableFull
	}
	if n := si.ctr.flows.Add(1); si.maxFlows > 0 && n > si.maxFlows {
		si.ctr.flows.Add(-1)
		return nil, admitMaxFlows
	}
	s, ok := c.local.Alloc()
	if !ok {
		si.ctr.flows.Add(-1)
		return nil, admitNoMemory
	}
	return s, admitted
}

// unwind gives up a session admit allocated and the chain refused: the
// plugins of ran (the chain's slots that saw it) get EvSessionDestroy to
// free their state, then the flow and the object are given back.
func (c *Core) unwind(s *Session, si *setInfo, ran []int) {
	c.notify(EvSessionDestroy, s, si, ran)
	si.ctr.flows.Add(-1)
	c.local.Free(s)
}

// install enters an accepted session (its forward key hashing to h)
// under identifier id.
func (c *Core) install(s *Session, h uint64, id uint32) {
	c.tab.insert(h, s, Forward)
	c.tab.insert(s.hash(Reverse), s, Reverse)
	c.open(s, id)
}

// installLater is install for a first packet: its two table entries
// wait for the end of the vector's pass (insertPending). It returns the
// reverse key's hash.
func (c *Core) installLater(s *Session, h uint64, id uint32) uint64 {
	hr := s.hash(Reverse)
	c.pend = append(c.pend, pending{h, s, Forward}, pending{hr, s, Reverse})
	c.open(s, id)
	return hr
}

// open enters an installed session in the list of live sessions, the
// timer wheel and the session count, under identifier id.
func (c *Core) open(s *Session, id uint32) {
	c.tab.enter(s)
	c.wh.add(s, s.deadline())
	s.id = id
	c.st.Sessions.Store(c.st.Sessions.Load() + 1)
}

// newSessionID is the next identifier of the core's sequence.
func (c *Core) newSessionID() uint32 {
	c.ids++
	return sessionID(c.id, c.ids)
}

const sessionSeqMask = 1<<26 - 1 // the sequence part of an identifier

// reserveSessionIDs moves the sequence past n (the highest sequence
// number among the identifiers a restore may keep), so that the new
// identifiers of the restored sessions that cannot keep theirs are not
// those of the ones restored after them.
func (c *Core) reserveSessionIDs(n uint32) {
	if cur := c.ids & sessionSeqMask; uint64(n) > cur {
		c.ids += uint64(n) - cur
	}
}

// keepSessionID is the identifier of a restored session saved as id:
// id itself when it is one of this core's and not in used (the live
// sessions' identifiers, to which it is added), else a new one. The
// sequence moves past a kept id.
func (c *Core) keepSessionID(id uint32, used map[uint32]struct{}) uint32 {
	if _, dup := used[id]; dup || int(id>>26) != c.id || id&sessionSeqMask == 0 {
		id = c.newSessionID()
	} else {
		c.reserveSessionIDs(id & sessionSeqMask)
	}
	used[id] = struct{}{}
	return id
}

// liveSessionIDs is the set of the identifiers of the core's live
// sessions (for keepSessionID).
func (c *Core) liveSessionIDs() map[uint32]struct{} {
	used := make(map[uint32]struct{}, len(c.tab.live))
	for _, s := range c.tab.live {
		used[s.id] = struct{}{}
	}
	return used
}
