package servicesd

import (
	"encoding/json"
	"sort"
)

// Service-set ids are stable across servicesd restarts. A PIC keys its
// policies and sessions by id, and a picd outlives a servicesd restart
// (`gnos picd` processes reconnect and resync): if a restarted servicesd
// numbered service-sets afresh, the resync would hand an id to another
// service-set (its sessions would run under the wrong policies) or sweep
// the old id (flushing the sessions of a service-set nobody touched). So
// the name → id assignment is kept in the store (state key idsState),
// rewritten after every commit that adds or deletes a service-set, and a
// restarted servicesd gives every name its saved id. New names take ids
// above every saved one, so they never collide with a saved assignment.
// A crash between configd's commit and this write loses at most the ids
// of the service-sets that commit created: they are numbered afresh, as
// new, which is what the PIC saw them as for a moment anyway.

const idsState = "servicesd-ids"

// loadIDsLocked reads the saved assignment and moves nextID past it.
func (s *Servicesd) loadIDsLocked() error {
	s.savedIDs = map[string]uint32{}
	if s.o.Store == nil {
		return nil
	}
	b, err := s.o.Store.State(idsState)
	if err != nil || b == nil {
		return err
	}
	var saved map[string]uint32
	if err := json.Unmarshal(b, &saved); err != nil {
		s.o.Log.Error("servicesd: saved service-set ids unreadable; numbering afresh", "err", err)
		return nil
	}
	taken := map[uint32]bool{}
	names := make([]string, 0, len(saved))
	for name := range saved {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id := saved[name]
		if id == 0 || taken[id] {
			continue
		}
		taken[id] = true
		s.savedIDs[name] = id
		s.nextID = max(s.nextID, id+1)
	}
	return nil
}

// idForLocked returns the id for a new service-set: its saved one if it
// had one, else a freed or a fresh one.
func (s *Servicesd) idForLocked(name string) uint32 {
	if id, ok := s.savedIDs[name]; ok {
		return id
	}
	s.idsDirty = true
	return s.allocIDLocked()
}

// saveIDsLocked writes the current assignment when it changed.
func (s *Servicesd) saveIDsLocked() {
	if !s.idsDirty || s.o.Store == nil {
		return
	}
	cur := make(map[string]uint32, len(s.sets))
	for name, st := range s.sets {
		cur[name] = st.ssrb.ID
	}
	b, err := json.Marshal(cur)
	if err == nil {
		err = s.o.Store.PutState(idsState, b)
	}
	if err != nil {
		s.o.Log.Error("servicesd: saving service-set ids", "err", err)
		return
	}
	s.savedIDs, s.idsDirty = cur, false
}
