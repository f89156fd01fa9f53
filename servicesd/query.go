package servicesd

import (
	"context"
	"errors"
	"sort"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// The query API: what servicesd's operational commands need, as data.
// servicesd answers with what it knows and what the PICs report; the CLI
// side (cli/services) parses the arguments and renders the text. In one
// process the CLI calls these methods directly; with servicesd apart it
// calls the same methods through Client over servicesd's socket (api.go).

// PICInfo is what servicesd knows of one configured services PIC, with
// the PIC's own status when it is connected and answered.
type PICInfo struct {
	Slot        dataplane.Slot
	Config      picd.Config
	ServiceSets []SetGen // servicesd's SSRBs for the PIC, in configuration order
	PolicyBytes int64    // policy-DB bytes its service-sets' policies take
	Connected   bool
	PID         int    // the connected picd's
	Peer        string // a picd of another host: its address and certificate name
	Resyncs     uint64
	Acks        uint64
	Stale       uint64 // acknowledgements of stale updates
	Refused     uint64 // updates a plugin refused
	LastRefusal string
	Alarms      []Alarm      // the PIC's active alarms (Alarms)
	Status      *picd.Status // nil: not connected, or it did not answer
}

// SetGen is one service-set's id and generation as servicesd holds them.
type SetGen struct {
	Name string
	ID   uint32
	Gen  uint64
}

// PICReply is one PIC's answer to a query.
type PICReply struct {
	Slot   dataplane.Slot
	Status *picd.Status
}

// PIC reports on the PIC at slot; a PIC that is not configured is a
// not-found error.
func (s *Servicesd) PIC(ctx context.Context, slot dataplane.Slot) (*PICInfo, error) {
	v, ok := s.picInfo(ctx, slot)
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "FPC %d PIC %d is not a configured services PIC", slot.FPC, slot.PIC)
	}
	return v, nil
}

// PICs reports on every configured PIC, in slot order.
func (s *Servicesd) PICs(ctx context.Context) ([]*PICInfo, error) {
	var out []*PICInfo
	for _, slot := range s.Slots() {
		if v, ok := s.picInfo(ctx, slot); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// QueryPICs asks every connected PIC q (nil: the status alone): the PIC
// filters its sessions, counts them, clears them, runs a plugin's
// command. PICs that are not connected are left out; a connected PIC that
// does not answer in time, or answers that the query failed, makes the
// query fail (an error the CLI prints, never an empty answer). A session
// listing comes one page per PIC: PICQuery with Status.Next as the
// Query.Cursor fetches the next.
func (s *Servicesd) QueryPICs(ctx context.Context, q *picd.Query) ([]PICReply, error) {
	var out []PICReply
	for _, slot := range s.Slots() {
		st, err := s.PICQuery(ctx, slot, q)
		switch {
		case errors.Is(err, errNotConnected):
			continue
		case err != nil:
			return nil, err
		}
		out = append(out, PICReply{Slot: slot, Status: st})
	}
	return out, nil
}

func (s *Servicesd) picInfo(ctx context.Context, slot dataplane.Slot) (*PICInfo, bool) {
	s.mu.Lock()
	if _, ok := s.pics[slot]; !ok {
		s.mu.Unlock()
		return nil, false
	}
	v := &PICInfo{Slot: slot, Config: *s.configLocked(slot), PolicyBytes: s.usage[slot], Alarms: s.alarmsLocked(slot)}
	mine := map[string]*dataplane.SSRB{}
	for name, st := range s.sets {
		if slotOfSSRB(st.ssrb) == slot {
			mine[name] = st.ssrb
		}
	}
	c := s.conns[slot]
	s.mu.Unlock()
	for _, name := range sortedNames(mine) {
		v.ServiceSets = append(v.ServiceSets, SetGen{Name: name, ID: mine[name].ID, Gen: mine[name].Gen})
	}
	if c != nil {
		c.mu.Lock()
		v.Connected, v.PID, v.Peer, v.Resyncs, v.Acks, v.Stale, v.Refused, v.LastRefusal =
			true, c.hello.PID, c.peer, c.resyncs, c.acks, c.stale, c.errors, c.lastError
		c.mu.Unlock()
		if st, err := s.PICStatus(ctx, slot); err == nil {
			v.Status = st
		}
	}
	return v, true
}

// sortedNames returns m's keys in configuration order (tree.KeyLess).
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return tree.KeyLess(out[i], out[j]) })
	return out
}
