package dataplane

// A vector's chains run per group, not per packet: the established
// packets of one vector are grouped by their session's service-set
// generation and direction (join), and each group runs its chain plugin
// by plugin, each plugin over the group's packets in vector order
// (runGroups). The plugin's DataCtx is built and its policy looked up
// once per group, and one deferred recover covers all its calls; a
// panic drops the packet it happened on and the plugin goes on with the
// next. A packet a plugin stops leaves the group there: the plugins
// after it never see it. The packets of one session are all in one
// group (one direction, one generation), in order, so every plugin still
// sees a session's packets in the order they came; only the interleaving
// of different sessions' events across plugins differs from a
// packet-by-packet walk, which no plugin may rely on (they share nothing
// but per-core counters).
//
// What leaves (forwarded packets, rejects' answers) is handed to Tx in
// vector order afterwards, so grouping never reorders a flow.

// action is what becomes of a packet of the vector.
type action uint8

const (
	actDrop    action = iota // counted and dropped
	actPass                  // forwarded without a session (neighbor discovery)
	actForward               // its first packet chain opened its session: forwarded
	actChain                 // established: its group's chain decides; forwarded unless stopped
	actRefuse                // stopped by a plugin: res says how
)

// vgroup is one (service-set generation, direction) group of a vector.
type vgroup struct {
	si *setInfo
	d  Dir
	n  uint8 // packets in the group
	at uint8 // its first place in Core.order (runGroups)
}

// join puts established packet i, of service-set si in direction d, in
// its group.
func (c *Core) join(i int, si *setInfo, d Dir) {
	for g := len(c.groups) - 1; g >= 0; g-- { // the last group first: a vector is mostly one or two
		if gr := &c.groups[g]; gr.si == si && gr.d == d {
			gr.n++
			c.grp[i] = uint8(g)
			return
		}
	}
	c.grp[i] = uint8(len(c.groups))
	c.groups = append(c.groups, vgroup{si: si, d: d, n: 1})
}

// runGroups runs each group's chain over its packets.
func (c *Core) runGroups() {
	if len(c.groups) == 0 {
		return
	}
	at := uint8(0)
	for g := range c.groups { // a counting sort of the chained packets by group, stable
		gr := &c.groups[g]
		gr.at, at = at, at+gr.n
		gr.n = 0 // counts again as the group fills
	}
	for i := range c.vec {
		if c.act[i] == actChain {
			gr := &c.groups[c.grp[i]]
			c.order[gr.at+gr.n] = uint8(i)
			gr.n++
		}
	}
	for g := range c.groups {
		gr := &c.groups[g]
		idx := c.order[gr.at : gr.at+gr.n]
		for _, slot := range gr.si.pchain[gr.d] { // FirstPacketOnly plugins have nothing to do
			h := c.setCtx(nil, gr.si, slot, nil, gr.d)
			for k := 0; k < len(idx); {
				k = c.callEach(h, idx, k)
			}
		}
	}
	clear(c.groups)
	c.groups = c.groups[:0]
}

// callEach delivers EvPacket to handler h for the group's packets idx[k:]
// still in the chain, under one recover. It returns len(idx), or the
// place after a packet whose call panicked (that packet is dropped).
func (c *Core) callEach(h DataHandler, idx []uint8, k int) (next int) {
	defer func() {
		if v := recover(); v != nil {
			c.act[idx[k]], c.res[idx[k]] = actRefuse, Drop
			c.pluginPanic(EvPacket, v)
			next = k + 1
		}
	}()
	for ; k < len(idx); k++ {
		i := idx[k]
		if c.act[i] != actChain {
			continue
		}
		c.ctx.Packet, c.ctx.Session = c.vec[i], c.sess[i]
		if r := h.Data(EvPacket, &c.ctx); r.stops() {
			c.act[i], c.res[i] = actRefuse, r
		}
	}
	c.ctx.Packet, c.ctx.Session = nil, nil
	return k
}

// polCache holds the policy DB entries a core looked up for one
// service-set generation during a vector (or a function item): one
// lookup per plugin rather than one per packet and plugin. It is reset
// at the end of each (Core.finish), before the core announces
// quiescence, so no entry is held past it.
type polCache struct {
	si   *setInfo
	have uint8 // bit per plugin slot looked up
	e    [MaxChain]*Entry
}

func (pc *polCache) reset() { *pc = polCache{} }

// lookup returns the entry of si's plugin in slot.
func (pc *polCache) lookup(db *PolicyDB, si *setInfo, slot int) *Entry {
	if pc.si != si {
		*pc = polCache{si: si}
	}
	if pc.have&(1<<slot) == 0 {
		pc.e[slot] = db.Lookup(si.id, si.plugins[slot].id)
		pc.have |= 1 << slot
	}
	return pc.e[slot]
}
