package servicesd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// Redundant services PIC interfaces (Junos' rsp0..rsp15):
//
//	interfaces rsp0 { redundancy-options { primary ms-0/0/0; secondary ms-1/0/0;
//	    hot-standby; replication-threshold 10; } }
//
// A service-set names rsp0 (or its units) wherever it names an ms-
// interface. servicesd resolves the name to the active member: the
// service-set's SSRB goes to that member's PIC, and a switch of the
// active member is an SSRB that moves from one PIC to the other (a delete
// on the one, an add on the other, the same id, a new generation).
//
// The active member changes on `request interface switchover rsp0`, and
// when the active member's PIC goes away (its stream breaks, as when its
// picd is killed, or it misses DeadAfter heartbeats, or is taken offline
// with request chassis pic … offline): the failover happens on the event
// that declares the PIC down, with no wait of its own.
//
// Session state follows the service-sets. With hot-standby, servicesd
// replicates every ReplicationInterval: it asks the active PIC for its
// session records (picd Query.Save: the session core and each plugin's HA
// state blob, sessions open at least replication-threshold, bounded by
// MaxReplicaBytes) and sends them to the standby PIC, which keeps them
// (picd/replica.go). The first round between two PIC connections sends
// the whole table (the full state sync of a standby that joins); the
// next ones only what changed since the one before (new sessions, those
// with a packet since, those closed since: replBase), with a whole table
// again at least every FullEvery rounds and after any failed round.
// Replication and a switchover's save carry the sessions of the
// service-sets on the rsp interface only (rspSetIDsLocked). PICs reach only the routing engine, so the
// records travel primary → servicesd → secondary over the PIC streams; a
// replication runs apart from servicesd's lock, one at a time. On a
// failover the new active PIC restores the replica it holds once the
// service-sets are installed (sessions idle longer by the replica's age);
// a planned switchover first saves every session of the active PIC (no
// threshold) and carries those records with the takeover, so no session
// is lost. The member that failed, back, is the standby and gets the next
// full replica. Without hot-standby the secondary takes over with no
// session state (new sessions only).

// ReplicationInterval is how often servicesd replicates each hot-standby
// rsp interface's sessions.
const ReplicationInterval = time.Second

// MaxReplicaBytes bounds one replica's records (about 180,000 sessions of
// sfw → nat at 185 bytes each); sessions past it are counted as skipped.
// The records travel base64-encoded in a JSON message: 32 MiB is 43 MiB
// on the wire, under ipc.MaxMessage (64 MiB), which a bigger replica
// would pass and break the stream.
const MaxReplicaBytes = 32 << 20

// rspConf is one configured rsp interface.
type rspConf struct {
	Primary, Secondary string // ms-F/P/N
	Slots              [2]dataplane.Slot
	Hot                bool
	Threshold          time.Duration
	path               tree.Path
}

// rspState is an rsp interface as applied.
type rspState struct {
	conf       rspConf
	active     int // index in conf.Slots
	lastChange time.Time
	repl       ReplicationStats
	switches   uint64
	base       replBase
}

// FullEvery bounds the deltas between two whole tables sent to a
// standby (a safety net: a delta chain broken some way servicesd did not
// see heals within a minute).
const FullEvery = 60

// replBase is where an rsp interface's next delta starts: the replica
// last sent (the primary's Seq for it), from which active PIC connection
// to which standby one, and the deltas sent since the last whole table.
// Any other pair of connections (a switch, a PIC back, a reconnect)
// starts with a whole table: the full state sync of a joining standby.
type replBase struct {
	from, to *conn
	seq      uint64
	deltas   int
	sets     string // the service-set ids replicated (a change starts again from a whole table)
}

// rspSetIDsLocked lists the ids of the service-sets on rsp interface
// name: what its replication and switchover carry. s.mu held.
func (s *Servicesd) rspSetIDsLocked(name string) []uint32 {
	var ids []uint32
	for _, n := range sortedNames(s.sets) {
		if st := s.sets[n]; usesRSP(st.ssrb) == name {
			ids = append(ids, st.ssrb.ID)
		}
	}
	return ids
}

// ReplicationStats count what servicesd replicated for one rsp interface.
type ReplicationStats struct {
	Replicas     uint64    `json:"replicas"`      // replicas sent to the standby
	Sessions     int       `json:"sessions"`      // in the last one
	Skipped      int       `json:"skipped"`       // left out of the last one (threshold, budget, closing)
	Bytes        int       `json:"bytes"`         // of the last one
	Total        uint64    `json:"total"`         // sessions replicated in all
	TotalBytes   uint64    `json:"total-bytes"`   // bytes replicated in all
	Last         time.Time `json:"last,omitzero"` // when the last replica was taken
	Failures     uint64    `json:"failures"`
	LastError    string    `json:"last-error,omitempty"`
	Deltas       uint64    `json:"deltas"`     // of the replicas, deltas
	LastDelta    bool      `json:"last-delta"` // the last replica was a delta (else the whole table)
	Gone         int       `json:"gone"`       // closed sessions the last delta carried
	Unchanged    int       `json:"unchanged"`  // sessions the last delta left out as unchanged
	Restored     int       `json:"restored"`   // by the last switch's takeover, as the PIC reported it
	LastSwitchBy string    `json:"last-switch-by,omitempty"`
}

// redundantInterfaces reads the rsp interfaces with redundancy-options.
func redundantInterfaces(root *tree.Node) map[string]rspConf {
	out := map[string]rspConf{}
	ifs := child(root, "interfaces")
	for _, ifc := range active(ifs, "interface") {
		if _, ok := ifname.IsRedundant(ifc.Key); !ok {
			continue
		}
		ro := child(ifc, "redundancy-options")
		if ro == nil {
			continue
		}
		var c rspConf
		c.Primary, _ = ro.Leaf("primary")
		c.Secondary, _ = ro.Leaf("secondary")
		c.Slots[0], _ = slotOf(c.Primary)
		c.Slots[1], _ = slotOf(c.Secondary)
		_, c.Hot = ro.Leaf("hot-standby")
		if v, ok := ro.Leaf("replication-threshold"); ok {
			n, _ := strconv.Atoi(v)
			c.Threshold = time.Duration(n) * time.Second
		}
		c.path = tree.Path{ifs.Step(), ifc.Step(), ro.Step()}
		out[ifc.Key] = c
	}
	return out
}

// rspConfs is the applied rsp interfaces' configuration.
func (s *Servicesd) rspConfs() map[string]rspConf {
	out := make(map[string]rspConf, len(s.rsp))
	for name, st := range s.rsp {
		out[name] = st.conf
	}
	return out
}

// sameMembers reports whether two configurations of an rsp interface
// have the same members (the active one is kept across other changes).
func sameMembers(a, b rspConf) bool { return a.Slots == b.Slots }

// ifResolver resolves service interface names to their PIC: an ms-
// interface to its own, an rsp interface to its active member's.
type ifResolver struct {
	rsps   map[string]rspConf
	active map[string]int
}

// slot returns the PIC of a service interface, or why it has none.
func (r ifResolver) slot(name string) (dataplane.Slot, string, bool) {
	ifd, ok := ifname.IsRedundant(name)
	if !ok {
		s, ok := slotOf(name)
		if !ok {
			return s, fmt.Sprintf("%s is not a services interface", name), false
		}
		return s, "", true
	}
	c, ok := r.rsps[ifd]
	if !ok {
		return dataplane.Slot{}, fmt.Sprintf("%s: interfaces %s has no redundancy-options primary and secondary", name, ifd), false
	}
	return c.Slots[r.active[ifd]], "", true
}

// resolverLocked is the resolver of a plan: its rsp interfaces, each
// active member kept where the members did not change.
func (s *Servicesd) resolverLocked(rsps map[string]rspConf) ifResolver {
	act := map[string]int{}
	for name, c := range rsps {
		if st := s.rsp[name]; st != nil && sameMembers(st.conf, c) {
			act[name] = st.active
		}
	}
	return ifResolver{rsps: rsps, active: act}
}

// usesRSP reports the rsp interface a service-set's SSRB names ("" none).
func usesRSP(b *dataplane.SSRB) string {
	for _, n := range []string{b.ServiceInterface, b.Inside, b.Outside} {
		if ifd, ok := ifname.IsRedundant(n); ok {
			return ifd
		}
	}
	return ""
}

// checkRSPs refuses rsp interfaces whose members are not configured
// services PICs.
func (p *plan) checkRSPs() {
	for _, name := range sortedNames(p.rsps) {
		c := p.rsps[name]
		for i, m := range []string{c.Primary, c.Secondary} {
			if _, ok := p.pics[c.Slots[i]]; !ok {
				p.fail(c.path, []string{"primary", "secondary"}[i],
					"%s: no services PIC at fpc %d pic %d (chassis fpc %d pic %d adaptive-services service-package is not configured)",
					m, c.Slots[i].FPC, c.Slots[i].PIC, c.Slots[i].FPC, c.Slots[i].PIC)
			}
		}
	}
}

// applyRSPsLocked makes the plan's rsp interfaces current.
func (s *Servicesd) applyRSPsLocked(p *plan) {
	if p.rsps == nil {
		return
	}
	now := s.o.Clock.Now()
	for name := range s.rsp {
		if _, ok := p.rsps[name]; !ok {
			delete(s.rsp, name)
		}
	}
	for name, c := range p.rsps {
		st := s.rsp[name]
		if st == nil || !sameMembers(st.conf, c) {
			st = &rspState{lastChange: now}
			s.rsp[name] = st
		}
		st.conf = c
	}
	s.armReplicationLocked()
}

// switchLocked makes the other member of rsp interface name active: its
// service-sets move there, and the new active PIC takes over with saved
// (the records of a planned switchover) or else the replica it holds.
// s.mu held.
func (s *Servicesd) switchLocked(name string, st *rspState, by string, saved *picd.SavedRecords) {
	from := st.conf.Slots[st.active]
	st.active ^= 1
	to := st.conf.Slots[st.active]
	st.lastChange = s.o.Clock.Now()
	st.switches++
	st.repl.LastSwitchBy = by
	p := &plan{pics: s.pics, ifBind: map[string]map[string][]dataplane.Binding{}, upserts: map[string]*resolved{}}
	for _, n := range sortedNames(s.sets) {
		set := s.sets[n]
		if usesRSP(set.ssrb) != name {
			continue
		}
		r := *set.res
		b := *r.ssrb
		b.FPC, b.PIC = to.FPC, to.PIC
		r.ssrb = &b
		p.upserts[n] = &r
	}
	p.usage = s.usageLocked(p)
	for _, d := range p.diags { // the standby's policy DB is short: the PIC will refuse, with an alarm
		s.o.Log.Error("servicesd: switchover: the new active PIC cannot hold every service-set", "interface", name, "error", d.Message)
	}
	s.applyLocked(p)
	s.o.Log.Info(fmt.Sprintf("%s: switched from %s to %s (%s)", name, st.conf.member(st.active^1), st.conf.member(st.active), by),
		"service-sets", len(p.upserts), "from", from.String(), "to", to.String())
	if c := s.conns[to]; c != nil {
		rep := &picd.Replica{Takeover: true}
		if saved != nil {
			rep.Records, rep.Sets, rep.Sessions, rep.Carried = saved.Records, saved.Sets, saved.Sessions, true
		}
		c.enqueue(&picd.ToPIC{Replica: rep})
	}
}

// member is the interface name of member i.
func (c rspConf) member(i int) string {
	if i == 0 {
		return c.Primary
	}
	return c.Secondary
}

// failoverLocked switches every rsp interface whose active member is on
// slot, which just went down. s.mu held.
func (s *Servicesd) failoverLocked(slot dataplane.Slot, reason string) {
	for _, name := range sortedNames(s.rsp) {
		st := s.rsp[name]
		if st.conf.Slots[st.active] != slot || s.conns[st.conf.Slots[st.active^1]] == nil {
			continue // not active there, or the standby is down too: it stays (standbyUpLocked)
		}
		s.switchLocked(name, st, "failover: "+reason, nil)
	}
}

// Switchover is `request interface switchover rsp0`: the standby member
// becomes active with every session of the active one.
func (s *Servicesd) Switchover(ctx context.Context, name string) (*RedundancyInfo, error) {
	s.mu.Lock()
	st := s.rsp[name]
	if st == nil {
		s.mu.Unlock()
		return nil, errkind.Errorf(errkind.NotFound, "%s is not a redundant services PIC interface with redundancy-options", name)
	}
	from, to := st.conf.Slots[st.active], st.conf.Slots[st.active^1]
	if c := s.conns[to]; c == nil || !c.isReady() || s.offline[to] {
		s.mu.Unlock()
		return nil, errkind.Errorf(errkind.Invalid, "%s: %s (fpc %d pic %d) is not online: no switchover", name, st.conf.member(st.active^1), to.FPC, to.PIC)
	}
	fromUp := s.conns[from] != nil && s.conns[from].isReady()
	active, switches := st.active, st.switches
	ids := s.rspSetIDsLocked(name)
	s.mu.Unlock()
	var saved *picd.SavedRecords
	if fromUp {
		stat, err := s.PICQuery(ctx, from, &picd.Query{Save: &picd.SaveQuery{MaxBytes: MaxReplicaBytes, OnlySets: true, Sets: ids}})
		if err != nil {
			return nil, fmt.Errorf("%s: cannot save the sessions of %s: %w; no switchover", name, st.conf.member(active), err)
		}
		saved = stat.Saved
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rsp[name] != st || st.active != active || st.switches != switches {
		return nil, errkind.Errorf(errkind.Conflict, "%s changed during the switchover request; try again", name)
	}
	s.switchLocked(name, st, "request", saved)
	if saved != nil {
		st.repl.Restored = saved.Sessions
	}
	info := s.redundancyLocked(name, st)
	return &info, nil
}

// RedundancyInfo is one rsp interface for show interfaces redundancy.
type RedundancyInfo struct {
	Interface   string           `json:"interface"`
	State       string           `json:"state"` // On primary | On secondary
	LastChange  time.Time        `json:"last-change,omitzero"`
	Elapsed     time.Duration    `json:"elapsed"` // since LastChange, on servicesd's clock
	Primary     string           `json:"primary"`
	Secondary   string           `json:"secondary"`
	Status      string           `json:"status"` // both up | primary down | secondary down | both down
	HotStandby  bool             `json:"hot-standby"`
	Threshold   time.Duration    `json:"replication-threshold,omitempty"`
	Active      string           `json:"active"`
	Switches    uint64           `json:"switches"`
	Replication ReplicationStats `json:"replication"`
	Lag         time.Duration    `json:"lag,omitempty"` // age of the newest replica
	// Standby is what the standby member's PIC says it holds (nil: not
	// connected, not answering, or holding nothing yet).
	Standby *picd.ReplicaStatus `json:"standby,omitempty"`
}

// Redundancy lists the rsp interfaces, each with what its standby
// member's PIC holds (asked after servicesd's lock is released).
func (s *Servicesd) Redundancy(ctx context.Context) ([]RedundancyInfo, error) {
	s.mu.Lock()
	var out []RedundancyInfo
	var standby []dataplane.Slot
	for _, name := range sortedNames(s.rsp) {
		st := s.rsp[name]
		out = append(out, s.redundancyLocked(name, st))
		standby = append(standby, st.conf.Slots[st.active^1])
	}
	s.mu.Unlock()
	for i, sl := range standby {
		if out[i].Status != "both up" {
			continue
		}
		if ps, err := s.PICStatus(ctx, sl); err == nil && ps.Replica != nil {
			out[i].Standby = ps.Replica
		}
	}
	return out, nil
}

func (s *Servicesd) redundancyLocked(name string, st *rspState) RedundancyInfo {
	up := func(i int) bool {
		sl := st.conf.Slots[i]
		c := s.conns[sl]
		return c != nil && c.isReady() && !s.offline[sl]
	}
	status := "both down"
	switch p, q := up(0), up(1); {
	case p && q:
		status = "both up"
	case p:
		status = "secondary down"
	case q:
		status = "primary down"
	}
	info := RedundancyInfo{Interface: name, State: []string{"On primary", "On secondary"}[st.active], LastChange: st.lastChange,
		Primary: st.conf.Primary, Secondary: st.conf.Secondary, Status: status, HotStandby: st.conf.Hot,
		Threshold: st.conf.Threshold, Active: st.conf.member(st.active), Switches: st.switches, Replication: st.repl}
	info.Elapsed = s.o.Clock.Now().Sub(st.lastChange)
	if !st.repl.Last.IsZero() {
		info.Lag = s.o.Clock.Now().Sub(st.repl.Last)
	}
	return info
}

// armReplicationLocked arms the replication timer while some rsp
// interface has hot-standby (none: no timer at all). Each round runs in a
// goroutine of its own (it waits for PICs' answers) and arms the next
// when it is done, so rounds never overlap. s.mu held.
func (s *Servicesd) armReplicationLocked() {
	if s.replTimer != nil || s.closed || !s.hotLocked() {
		return
	}
	s.replTimer = s.o.Clock.AfterFunc(ReplicationInterval, func() {
		go func() {
			s.replicateAll(context.Background())
			s.mu.Lock()
			s.replTimer = nil
			s.armReplicationLocked()
			s.mu.Unlock()
		}()
	})
}

// hotLocked reports whether some rsp interface has hot-standby.
func (s *Servicesd) hotLocked() bool {
	for _, st := range s.rsp {
		if st.conf.Hot {
			return true
		}
	}
	return false
}

// replicateAll replicates every hot-standby rsp interface whose members
// are both up, one after the other.
func (s *Servicesd) replicateAll(ctx context.Context) {
	type job struct {
		name     string
		st       *rspState
		from, to dataplane.Slot
		cf, ct   *conn
		min      time.Duration
		base     replBase
		sets     []uint32
	}
	var jobs []job
	s.mu.Lock()
	for _, name := range sortedNames(s.rsp) {
		st := s.rsp[name]
		from, to := st.conf.Slots[st.active], st.conf.Slots[st.active^1]
		cf, ct := s.conns[from], s.conns[to]
		if st.conf.Hot && cf != nil && ct != nil && cf.isReady() && ct.isReady() {
			jobs = append(jobs, job{name, st, from, to, cf, ct, st.conf.Threshold, st.base, s.rspSetIDsLocked(name)})
		}
	}
	s.mu.Unlock()
	for _, j := range jobs {
		at := s.o.Clock.Now()
		q := &picd.SaveQuery{MaxBytes: MaxReplicaBytes, MinAge: j.min, Replicate: true, Stream: j.name, OnlySets: true, Sets: j.sets}
		sets := fmt.Sprint(j.sets)
		if b := j.base; b.from == j.cf && b.to == j.ct && b.seq != 0 && b.deltas < FullEvery && b.sets == sets {
			q.Delta, q.Base = true, b.seq
		}
		stat, err := s.PICQuery(ctx, j.from, &picd.Query{Save: q})
		s.mu.Lock()
		switch {
		case s.rsp[j.name] != j.st || j.st.conf.Slots[j.st.active] != j.from:
			// switched meanwhile: this replica is of the old active PIC
		case err != nil || stat.Saved == nil:
			j.st.repl.Failures++
			if err == nil {
				err = fmt.Errorf("%s answered no records", j.from)
			}
			j.st.repl.LastError = err.Error()
			j.st.base = replBase{} // the primary may have moved its base: start again from a whole table
		case s.conns[j.to] != j.ct || s.conns[j.from] != j.cf:
			j.st.base = replBase{} // a PIC reconnected meanwhile: it gets a whole table next
		default:
			sv := stat.Saved
			rep := &picd.Replica{Records: sv.Records, Sets: sv.Sets, Sessions: sv.Sessions, Seq: sv.Seq}
			b := replBase{from: j.cf, to: j.ct, seq: sv.Seq, sets: sets}
			if sv.Delta {
				rep.Delta, rep.Full, rep.Gone, rep.Base = true, sv.Full, sv.Gone, q.Base
				b.deltas = j.base.deltas + 1
			}
			j.ct.enqueue(&picd.ToPIC{Replica: rep})
			j.st.base = b
			r := &j.st.repl
			r.Replicas++
			r.Sessions, r.Skipped, r.Bytes, r.Last = sv.Sessions, sv.Skipped, len(sv.Records), at
			r.LastDelta, r.Gone, r.Unchanged = sv.Delta, len(sv.Gone), sv.Unchanged
			if sv.Delta {
				r.Deltas++
			}
			r.Total += uint64(sv.Sessions)
			r.TotalBytes += uint64(len(sv.Records) + 4*len(sv.Gone))
			r.LastError = ""
		}
		s.mu.Unlock()
	}
}

// standbyUpLocked switches the rsp interfaces whose active member is down
// to the member at slot, which just came up in sync. s.mu held.
func (s *Servicesd) standbyUpLocked(slot dataplane.Slot) {
	for _, name := range sortedNames(s.rsp) {
		st := s.rsp[name]
		act := st.conf.Slots[st.active]
		d, down := s.down[act]
		if st.conf.Slots[st.active^1] != slot || !s.offline[act] && (!down || d.booting) {
			continue // not the standby, or the active member is up (or has not come up yet since servicesd started)
		}
		s.switchLocked(name, st, "failover: active member down", nil)
	}
}

// checkStandbysLocked refuses a plan after which a standby PIC could not
// hold the service-sets of the rsp interfaces it backs up, were they all
// to switch to it at once (the PIC it backs up failing): its own
// policy-DB usage (u, after the plan) plus their policies, against its
// policy-db-size. Checked when the plan touches an rsp interface, a
// service-set on one, or the PICs. s.mu held.
func (s *Servicesd) checkStandbysLocked(p *plan, u map[dataplane.Slot]int64) {
	rsps := p.rsps
	if rsps == nil {
		rsps = s.rspConfs()
	}
	if len(rsps) == 0 {
		return
	}
	touched := p.rsps != nil || p.picsChanged
	for _, r := range p.upserts {
		touched = touched || usesRSP(r.ssrb) != ""
	}
	for _, name := range p.deletes {
		touched = touched || s.sets[name] != nil && usesRSP(s.sets[name].ssrb) != ""
	}
	if !touched {
		return
	}
	per := map[string]int64{} // policy bytes of the service-sets on each rsp interface, after the plan
	deleted := map[string]bool{}
	for _, name := range p.deletes {
		deleted[name] = true
	}
	for name, st := range s.sets {
		if _, up := p.upserts[name]; !up && !deleted[name] {
			if ifd := usesRSP(st.ssrb); ifd != "" {
				per[ifd] += st.ssrb.PolicyBytes()
			}
		}
	}
	for _, r := range p.upserts {
		if ifd := usesRSP(r.ssrb); ifd != "" {
			per[ifd] += r.ssrb.PolicyBytes()
		}
	}
	res := s.resolverLocked(rsps)
	extra := map[dataplane.Slot]int64{}
	names := map[dataplane.Slot][]string{}
	for _, name := range sortedNames(rsps) {
		c := rsps[name]
		i := res.active[name] ^ 1
		if per[name] == 0 {
			continue
		}
		extra[c.Slots[i]] += per[name]
		names[c.Slots[i]] = append(names[c.Slots[i]], name+" ("+c.member(i)+")")
	}
	for _, slot := range sortedSlots(p.pics) {
		if extra[slot] == 0 {
			continue
		}
		if err := dataplane.CheckPolicyDB(u[slot]+extra[slot], p.pics[slot].cfg.PolicyDBMB, slot); err != nil {
			p.fail(p.pics[slot].path, "policy-db-size", "standby of %s: after a switchover the %v",
				strings.Join(names[slot], ", "), err)
		}
	}
}
