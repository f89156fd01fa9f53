package servicesd

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// maxDiagnostics bounds the errors one commit reports.
const maxDiagnostics = 20

// plan is what a commit changes for servicesd, computed in Validate.
type plan struct {
	pics        map[dataplane.Slot]picConf
	picsChanged bool
	ifBind      map[string]map[string][]dataplane.Binding // interfaces whose bindings changed (nil: removed)
	upserts     map[string]*resolved
	deletes     []string
	usage       map[dataplane.Slot]int64
	diags       []configd.Diagnostic
	rsps        map[string]rspConf // the rsp interfaces, when the commit changed them (nil: unchanged)
}

func (p *plan) err() error {
	if len(p.diags) == 0 {
		return nil
	}
	return &configd.CommitError{Diagnostics: p.diags}
}

func (p *plan) fail(path tree.Path, stmt, format string, a ...any) {
	if len(p.diags) < maxDiagnostics {
		p.diags = append(p.diags, configd.Diagnostic{Path: path, Statement: stmt, Message: fmt.Sprintf(format, a...)})
	}
}

// checkBindings refuses two service-sets applied to one logical
// interface in one direction: a packet must meet exactly one.
func (p *plan) checkBindings(ifRoot, ifc *tree.Node, nb map[string][]dataplane.Binding) {
	owner := map[dataplane.Binding]string{}
	names := make([]string, 0, len(nb))
	for ss := range nb {
		names = append(names, ss)
	}
	sort.Strings(names)
	for _, ss := range names {
		for _, b := range nb[ss] {
			if o, ok := owner[b]; ok && o != ss {
				unit := ifc.ChildNamed("unit", strings.TrimPrefix(b.Interface, ifc.Key+"."))
				p.fail(tree.Path{ifRoot.Step(), ifc.Step(), unit.Step()}, "service",
					"service-sets %s and %s are both applied to %s %s: one service-set per interface and direction", o, ss, b.Interface, b.Direction)
				continue
			}
			owner[b] = ss
		}
	}
}

// planLocked works out the commit's effect from its change list.
func (s *Servicesd) planLocked(c *configd.Commit) *plan {
	p := &plan{pics: s.pics, ifBind: map[string]map[string][]dataplane.Binding{}, upserts: map[string]*resolved{}}
	full := s.pics == nil // first commit seen
	allIfaces := full
	dirty := map[string]bool{}
	ifaces := map[string]bool{}
	for _, ch := range c.Changes {
		if len(ch.Path) == 0 {
			continue
		}
		top := ch.Path[0].S.Name
		switch {
		case top == "chassis":
			p.picsChanged = true
		case top == "interfaces" && len(ch.Path) == 1:
			allIfaces = true
		case top == "interfaces":
			ifaces[ch.Path[1].Key] = true
		case (top == "services" || top == "applications") &&
			(len(ch.Path) == 1 || len(ch.Path) == 2 && ch.Path[1].Key == "" && ch.Path[1].Value == ""):
			full = true // a container above the service-sets or rules appeared or went
		case top == "services" && ch.Path[1].S.Name == "service-set":
			dirty[ch.Path[1].Key] = true
		}
		for _, k := range depKeys(ch.Path) {
			for name := range s.deps[k] {
				dirty[name] = true
			}
		}
	}
	if full || p.picsChanged {
		p.pics = chassisPICs(c.New)
		p.picsChanged = !reflect.DeepEqual(p.pics, s.pics)
	}
	p.checkPackages()
	rspTouched := full || allIfaces
	for name := range ifaces {
		if _, ok := ifname.IsRedundant(name); ok {
			rspTouched = true
		}
	}
	if rspTouched || p.picsChanged {
		p.rsps = redundantInterfaces(c.New)
		p.checkRSPs()
		if !reflect.DeepEqual(p.rsps, s.rspConfs()) {
			for name, st := range s.sets { // re-resolve what names an rsp interface
				if usesRSP(st.ssrb) != "" {
					dirty[name] = true
				}
			}
		} else {
			p.rsps = nil
		}
	}
	res := s.resolverLocked(s.rspConfs())
	if p.rsps != nil {
		res = s.resolverLocked(p.rsps)
	}

	// Interface bindings.
	ifRoot := child(c.New, "interfaces")
	if allIfaces {
		for _, ifc := range active(ifRoot, "interface") {
			ifaces[ifc.Key] = true
		}
		for name := range s.ifBind {
			ifaces[name] = true
		}
	}
	for name := range ifaces {
		ifc := ifRoot.ChildNamed("interface", name)
		nb := interfaceBindings(ifc)
		p.checkBindings(ifRoot, ifc, nb)
		if reflect.DeepEqual(nb, s.ifBind[name]) || len(nb) == 0 && len(s.ifBind[name]) == 0 {
			continue
		}
		if len(nb) == 0 {
			nb = nil
		}
		p.ifBind[name] = nb
		for ss := range s.ifBind[name] {
			dirty[ss] = true
		}
		for ss := range nb {
			dirty[ss] = true
		}
	}

	// Which service-sets to resolve.
	svcRoot := child(c.New, "services")
	if full {
		for _, ss := range active(svcRoot, "service-set") {
			dirty[ss.Key] = true
		}
		for name := range s.sets {
			dirty[name] = true
		}
	} else if p.picsChanged {
		for name, st := range s.sets { // a PIC's packages or presence changed
			slot := slotOfSSRB(st.ssrb)
			if !reflect.DeepEqual(p.pics[slot], s.pics[slot]) {
				dirty[name] = true
			}
		}
	}
	for _, name := range sortedNames(dirty) {
		ss := svcRoot.ChildNamed("service-set", name)
		if ss == nil || ss.Inactive {
			if _, ok := s.sets[name]; ok {
				p.deletes = append(p.deletes, name)
			}
			continue
		}
		r, rerr := resolve(c.New, c.Defaults, ss, p.pics, res, s.bindingsLocked(p, name))
		if rerr != nil {
			p.fail(rerr.path, rerr.statement, "%s", rerr.msg)
			continue
		}
		p.upserts[name] = r
	}
	p.usage = s.usageLocked(p)
	if p.picsChanged {
		s.checkObjectCaches(p)
	}
	if len(p.upserts) > 0 {
		s.checkIDs(p, svcRoot)
	}
	return p
}

// checkPackages rejects packages that name no plugin.
func (p *plan) checkPackages() {
	for _, slot := range sortedSlots(p.pics) {
		pc := p.pics[slot]
		for _, name := range pc.cfg.Packages {
			if pic.Lookup(name) == nil {
				p.fail(pc.path, "package "+name, "unknown service plugin '%s'", name)
			}
		}
	}
}

// bindingsLocked gathers a service-set's bindings over every interface,
// with the plan's changed interfaces in place of the applied ones.
func (s *Servicesd) bindingsLocked(p *plan, ss string) []dataplane.Binding {
	var out []dataplane.Binding
	for name, m := range s.ifBind {
		if _, changed := p.ifBind[name]; !changed {
			out = append(out, m[ss]...)
		}
	}
	for _, m := range p.ifBind {
		out = append(out, m[ss]...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Interface != out[j].Interface {
			return tree.KeyLess(out[i].Interface, out[j].Interface)
		}
		return out[i].Direction < out[j].Direction
	})
	return out
}

// usageLocked is each PIC's policy-DB usage after the plan, checked
// against policy-db-size where it grew or the budget changed.
func (s *Servicesd) usageLocked(p *plan) map[dataplane.Slot]int64 {
	u := make(map[dataplane.Slot]int64, len(s.usage))
	for k, v := range s.usage {
		u[k] = v
	}
	grew := map[dataplane.Slot]bool{}
	take := func(name string) {
		if st, ok := s.sets[name]; ok {
			u[slotOfSSRB(st.ssrb)] -= st.ssrb.PolicyBytes()
		}
	}
	for name, r := range p.upserts {
		take(name)
		slot := slotOfSSRB(r.ssrb)
		u[slot] += r.ssrb.PolicyBytes()
		grew[slot] = true
	}
	for _, name := range p.deletes {
		take(name)
	}
	if p.picsChanged {
		for slot := range p.pics {
			grew[slot] = true
		}
	}
	for _, slot := range sortedSlots(p.pics) {
		if !grew[slot] {
			continue
		}
		if err := dataplane.CheckPolicyDB(u[slot], p.pics[slot].cfg.PolicyDBMB, slot); err != nil {
			p.fail(p.pics[slot].path, "policy-db-size", "%v", err)
		}
	}
	s.checkStandbysLocked(p, u) // redundancy.go
	return u
}

// checkObjectCaches refuses a PIC whose object cache cannot hold the data
// path's working set (dataplane.CacheMinimumFor: a batch of every object class
// on every data core), for the PICs whose stanza the plan changes.
func (s *Servicesd) checkObjectCaches(p *plan) {
	for _, slot := range sortedSlots(p.pics) {
		pc := p.pics[slot]
		if old, ok := s.pics[slot]; ok && reflect.DeepEqual(old, pc) {
			continue
		}
		var plugins []*pic.Plugin
		for _, name := range pc.cfg.Packages {
			if pl := pic.Lookup(name); pl != nil {
				plugins = append(plugins, pl)
			}
		}
		need := dataplane.CacheMinimumFor(pic.DataPlugins(plugins), pc.cfg.DataCores)
		if err := dataplane.CheckObjectCache(need, pc.cfg.ObjectCacheMB, pc.cfg.DataCores, slot); err != nil {
			p.fail(pc.path, "object-cache-size", "%v", err)
		}
	}
}

// checkIDs refuses more service-sets than a PIC can number: ids are
// dense from 1, and a PIC refuses one past dataplane.MaxServiceSetID.
func (s *Servicesd) checkIDs(p *plan, svcRoot *tree.Node) {
	n := len(s.sets) - len(p.deletes)
	for name := range p.upserts {
		if _, ok := s.sets[name]; !ok {
			n++
		}
	}
	if n > dataplane.MaxServiceSetID {
		p.fail(tree.Path{svcRoot.Step()}, "service-set", "%d service-sets, more than a PIC numbers (%d)", n, dataplane.MaxServiceSetID)
	}
}

func slotOfSSRB(s *dataplane.SSRB) dataplane.Slot { return dataplane.Slot{FPC: s.FPC, PIC: s.PIC} }

func sortedSlots[V any](m map[dataplane.Slot]V) []dataplane.Slot {
	out := make([]dataplane.Slot, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FPC != out[j].FPC {
			return out[i].FPC < out[j].FPC
		}
		return out[i].PIC < out[j].PIC
	})
	return out
}

// applyLocked makes p current and queues each PIC's updates. It returns
// the PICs that appeared.
func (s *Servicesd) applyLocked(p *plan) (added []dataplane.Slot) {
	s.commits++
	out := map[dataplane.Slot][]*picd.Update{}
	grows := map[*picd.Update]bool{}
	for _, name := range p.deletes {
		st := s.sets[name]
		s.unindexLocked(name, st.res)
		slot := slotOfSSRB(st.ssrb)
		out[slot] = append(out[slot], &picd.Update{Op: picd.OpDelete, ID: st.ssrb.ID, Name: name, Gen: s.nextGenLocked()})
		s.freeIDs = append(s.freeIDs, st.ssrb.ID)
		s.idsDirty = true
		delete(s.sets, name)
	}
	for _, name := range sortedNames(p.upserts) {
		r := p.upserts[name]
		st := s.sets[name]
		if st != nil {
			s.unindexLocked(name, st.res)
		}
		s.indexLocked(name, r)
		if st != nil && sameContent(st.ssrb, r.ssrb) {
			st.res = r // same SSRB: keep id and generation
			continue
		}
		n := *r.ssrb
		n.Gen = s.nextGenLocked()
		op := picd.OpAdd
		if st == nil {
			n.ID = s.idForLocked(name)
			st = &setState{}
			s.sets[name] = st
		} else {
			n.ID = st.ssrb.ID
			op = picd.OpChange
			if old := slotOfSSRB(st.ssrb); old != slotOfSSRB(&n) { // moved to another PIC
				out[old] = append(out[old], &picd.Update{Op: picd.OpDelete, ID: n.ID, Name: name, Gen: n.Gen})
				op = picd.OpAdd
			}
		}
		var was int64 // what the PIC frees by taking this update in place of what it holds
		if op == picd.OpChange {
			was = st.ssrb.PolicyBytes()
		}
		st.res, st.ssrb = r, &n
		slot := slotOfSSRB(&n)
		up := &picd.Update{Op: op, ID: n.ID, Name: name, Gen: n.Gen, SSRB: &n}
		grows[up] = n.PolicyBytes() > was
		out[slot] = append(out[slot], up)
	}
	// Each PIC takes its deletes, then the updates that do not grow its
	// policy DB, then those that do: its usage never passes the plan's,
	// which fits policy-db-size, so it never refuses a validated commit
	// for a budget another update would have freed.
	for _, ups := range out {
		rank := func(u *picd.Update) int {
			switch {
			case u.Op == picd.OpDelete:
				return 0
			case !grows[u]:
				return 1
			}
			return 2
		}
		sort.SliceStable(ups, func(i, j int) bool { return rank(ups[i]) < rank(ups[j]) })
	}
	for name, b := range p.ifBind {
		if b == nil {
			delete(s.ifBind, name)
		} else {
			s.ifBind[name] = b
		}
	}
	s.usage = p.usage
	s.applyRSPsLocked(p)
	old := s.pics
	s.pics = p.pics
	if p.picsChanged {
		for _, slot := range sortedSlots(p.pics) {
			if _, was := old[slot]; !was {
				added = append(added, slot)
				if s.conns[slot] == nil {
					s.picDownLocked(slot, "picd not connected", true)
				}
			}
		}
		for slot := range s.down {
			if _, ok := p.pics[slot]; !ok {
				delete(s.down, slot)
			}
		}
		for slot := range union2(old, p.pics) {
			if !reflect.DeepEqual(old[slot], p.pics[slot]) {
				if c := s.conns[slot]; c != nil {
					s.reconfigureLocked(c)
				}
			}
		}
	}
	s.saveIDsLocked()
	s.lastSent = 0
	for slot, ups := range out {
		c := s.conns[slot]
		if c == nil || !c.isReady() {
			continue // sent by the resync when the PIC is ready
		}
		for _, u := range ups {
			c.enqueue(&picd.ToPIC{Update: u})
		}
		s.lastSent += len(ups)
	}
	return added
}

func union2(a, b map[dataplane.Slot]picConf) map[dataplane.Slot]bool {
	out := map[dataplane.Slot]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func (s *Servicesd) indexLocked(name string, r *resolved) {
	for _, d := range r.deps {
		m := s.deps[d]
		if m == nil {
			m = map[string]struct{}{}
			s.deps[d] = m
		}
		m[name] = struct{}{}
	}
}

func (s *Servicesd) unindexLocked(name string, r *resolved) {
	for _, d := range r.deps {
		if m := s.deps[d]; m != nil {
			delete(m, name)
			if len(m) == 0 {
				delete(s.deps, d)
			}
		}
	}
}

// configLocked is the Config a PIC gets: its chassis shape and admin state.
func (s *Servicesd) configLocked(slot dataplane.Slot) *picd.Config {
	pc, ok := s.pics[slot]
	if !ok {
		return &picd.Config{}
	}
	c := pc.cfg
	c.Online = !s.offline[slot]
	return &c
}
