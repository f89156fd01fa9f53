package dataplane

import (
	"context"
	"net/netip"
	"sort"
	"strconv"
	"time"
)

// SessionInfo is one session as show commands see it.
type SessionInfo struct {
	Core       int           `json:"core"`
	ServiceSet string        `json:"service-set"`
	ID         uint32        `json:"service-set-id"`
	Session    uint32        `json:"session-id"`
	Proto      uint8         `json:"protocol"`
	Flows      [2]FlowInfo   `json:"flows"` // forward, reverse
	TCP        string        `json:"tcp-state,omitempty"`
	Side       string        `json:"side"`
	Timeout    uint32        `json:"timeout"`
	Idle       time.Duration `json:"idle"`
	Age        time.Duration `json:"age"`
	Plugins    []PluginInfo  `json:"plugins,omitempty"` // extensive: each plugin's description
}

// FlowInfo is one direction of a session.
type FlowInfo struct {
	Src     netip.AddrPort `json:"source"`
	Dst     netip.AddrPort `json:"destination"`
	Packets uint64         `json:"packets"`
	Bytes   uint64         `json:"bytes"`
}

// PluginInfo is a plugin's description of its session state.
type PluginInfo struct {
	Plugin string `json:"plugin"`
	Text   string `json:"text"`
}

func addrOf(b [16]byte, v6 bool) netip.Addr {
	a := netip.AddrFrom16(b)
	if !v6 {
		a = a.Unmap()
	}
	return a
}

func sessionLess(a, b *SessionInfo) bool {
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	if c := a.Flows[0].Src.Compare(b.Flows[0].Src); c != 0 {
		return c < 0
	}
	return a.Flows[0].Dst.Compare(b.Flows[0].Dst) < 0
}

// PluginRows answers a plugin's session command a page at a time: for
// every session of a service-set with plugin in its chain, from cursor
// from on, the plugin's SessionShower runs on the session's core, slice by
// slice of the table as in a session walk (query.go), until limit (at most
// MaxPage; 0 means MaxPage) sessions gave rows. A page's rows come in the
// order of Sessions; pages follow the tables' order. It returns the cursor
// after them and whether the walk reached the end.
func (dp *Dataplane) PluginRows(ctx context.Context, plugin int, command string, from Cursor, limit int) ([]ShowRow, Cursor, bool, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	type item struct {
		in   SessionInfo
		rows []ShowRow
	}
	var page []item
	cur, done, err := dp.walkFrom(ctx, from, func(c *Core, cur *Cursor) bool {
		to := min(cur.Index+WalkSessions, len(c.tab.live))
		for ; cur.Index < to && len(page) < limit; cur.Index++ {
			s := c.tab.live[cur.Index]
			si := s.set
			for slot := range si.plugins {
				if si.plugins[slot].id != plugin {
					continue
				}
				in := c.info(s, false)
				h := c.setCtx(s, si, slot, nil, Forward)
				if sh, ok := h.(SessionShower); ok && c.ctx.Policy != nil {
					if rows := sh.ShowSession(command, &c.ctx, &in); len(rows) > 0 {
						page = append(page, item{in, rows})
					}
				}
			}
		}
		return len(page) == limit
	})
	if err != nil {
		return nil, from, false, err
	}
	sort.Slice(page, func(i, j int) bool { return sessionLess(&page[i].in, &page[j].in) })
	var out []ShowRow
	for _, it := range page {
		out = append(out, it.rows...)
	}
	return out, cur, done, nil
}

func (c *Core) info(s *Session, extensive bool) SessionInfo {
	si := s.set
	in := SessionInfo{Core: c.id, ServiceSet: si.name, ID: s.set.id, Session: s.id, Proto: s.proto,
		Side: s.Side.String(), Timeout: s.Timeout, Idle: time.Duration(c.now - s.last), Age: s.age(c.now)}
	if s.TCP != TCPNone {
		in.TCP = s.TCP.String()
	}
	for d := range Dir(2) {
		k := s.Key(d)
		in.Flows[d] = FlowInfo{Src: netip.AddrPortFrom(k.SrcAddr(), k.SPort),
			Dst: netip.AddrPortFrom(k.DstAddr(), k.DPort), Packets: s.Packets(d), Bytes: s.Bytes(d)}
	}
	if extensive {
		for slot := range si.plugins {
			h := c.setCtx(s, si, slot, nil, Forward)
			if d, ok := h.(SessionDescriber); ok {
				in.Plugins = append(in.Plugins, PluginInfo{Plugin: si.plugins[slot].name, Text: d.Describe(&c.ctx)})
			}
		}
	}
	return in
}

// DataStats sums the data cores' counters.
type DataStats struct {
	Cores        int    `json:"cores"`
	Sessions     int64  `json:"sessions"`
	Rx           uint64 `json:"rx-packets"`
	RxBytes      uint64 `json:"rx-bytes"`
	Tx           uint64 `json:"tx-packets"`
	Created      uint64 `json:"sessions-created"`
	Closed       uint64 `json:"sessions-closed"`
	Expired      uint64 `json:"sessions-expired"`
	Cleared      uint64 `json:"sessions-cleared"`
	Restored     uint64 `json:"sessions-restored"`
	Rejects      uint64 `json:"rejects"`
	DropParse    uint64 `json:"drops-malformed"`
	DropNoSet    uint64 `json:"drops-no-service-set"`
	DropPolicy   uint64 `json:"drops-policy"`
	DropMaxFlows uint64 `json:"drops-max-flows"`
	DropMemlimit uint64 `json:"drops-memlimit"`
	PluginPanics uint64 `json:"plugin-panics"`
	SessionBytes int64  `json:"session-object-size"`

	// ICMP errors and fragments.
	DropICMPUnrelated uint64 `json:"drops-icmp-unrelated"`      // errors quoting no session's packet
	FragDatagrams     uint64 `json:"fragmented-datagrams"`      // datagrams the fragment tracker followed
	FragTracked       int64  `json:"fragmented-datagrams-open"` // followed now
	FragHeld          uint64 `json:"fragments-held"`            // later fragments held until their first came
	DropFragOrphan    uint64 `json:"drops-fragment-no-session"` // later fragments of a datagram whose first opened no session
	DropFragTimeout   uint64 `json:"drops-fragment-timeout"`    // held fragments whose first never came
	DropFragMemlimit  uint64 `json:"drops-fragment-memlimit"`   // the object cache had no room to track or hold
	DropFragLimit     uint64 `json:"drops-fragment-limit"`      // too many held for a datagram, or datagrams tracked

	NDPassed   uint64 `json:"nd-passed"`   // IPv6 neighbor discovery forwarded without a session
	MSSClamped uint64 `json:"mss-clamped"` // SYNs and SYN-ACKs whose MSS tcp-mss lowered
}

// Stats returns the summed counters; safe from any goroutine.
func (dp *Dataplane) Stats() DataStats {
	s := DataStats{Cores: len(dp.cores), SessionBytes: SessionSize}
	for _, c := range dp.cores {
		st := &c.st
		s.Sessions += st.Sessions.Load()
		s.Rx += st.Rx.Load()
		s.RxBytes += st.RxBytes.Load()
		s.Tx += st.Tx.Load()
		s.Created += st.Created.Load()
		s.Closed += st.Closed.Load()
		s.Expired += st.Expired.Load()
		s.Cleared += st.Cleared.Load()
		s.Restored += st.Restored.Load()
		s.Rejects += st.Rejects.Load()
		s.DropParse += st.DropParse.Load()
		s.DropNoSet += st.DropNoSet.Load()
		s.DropPolicy += st.DropPol.Load()
		s.DropMaxFlows += st.DropMaxFlows.Load()
		s.DropMemlimit += st.DropMemlimit.Load()
		s.PluginPanics += st.PluginPanics.Load()
		s.DropICMPUnrelated += st.DropICMPUnrelated.Load()
		s.DropFragOrphan += st.DropFragOrphan.Load()
		s.NDPassed += st.NDPassed.Load()
		s.MSSClamped += st.MSSClamped.Load()
	}
	f := &dp.frags.st
	s.FragDatagrams, s.FragTracked, s.FragHeld = f.Datagrams.Load(), f.inProgress.Load(), f.Held.Load()
	s.DropFragTimeout, s.DropFragMemlimit, s.DropFragLimit = f.DropTime.Load(), f.DropMem.Load(), f.DropLimit.Load()
	return s
}

// ProtoName is the name shows give a protocol number (TCP, UDP, ICMP,
// ICMPV6; else the number).
func ProtoName(p uint8) string {
	switch p {
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	case ProtoICMP:
		return "ICMP"
	case ProtoICMPv6:
		return "ICMPV6"
	}
	return strconv.Itoa(int(p))
}
