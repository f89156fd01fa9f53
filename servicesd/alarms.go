package servicesd

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// Chassis alarms: what can still go wrong after `commit complete` is a
// fault of a PIC itself, since everything a PIC would refuse of a
// configuration is refused at commit (resolve.go, plan.go, the data
// path's budget functions). servicesd raises an alarm for a configured,
// online PIC that
//
//   - has no picd connected: it died, its heartbeat timed out, or it did
//     not come up within BootGrace of being configured;
//   - could not start a runtime for its Config (picd's Fault);
//   - refused an update anyway (an acknowledgement with an error).
//
// An alarm clears when its cause does: a picd that went down is back and
// in sync (its resync done), a failed runtime starts, a refused
// service-set is acknowledged without error (the resync after a
// reconnect re-sends every SSRB). Times come from the injected
// clock. The CLI renders them (show chassis alarms, show chassis pic).

// BootGrace is how long a configured PIC may take to connect before it
// is alarmed: the heartbeat dead interval.
const BootGrace = picd.DeadAfter * picd.HeartbeatInterval

// Alarm classes.
const (
	AlarmMajor = "Major"
	AlarmMinor = "Minor"
)

// Alarm is an active chassis alarm.
type Alarm struct {
	Time        time.Time      `json:"time"`
	Class       string         `json:"class"`       // Major | Minor
	Description string         `json:"description"` // FPC 0 PIC 0 failed to apply configuration
	Short       string         `json:"short"`       // FPC 0 PIC 0 cfg fail
	Slot        dataplane.Slot `json:"slot"`
	Reason      string         `json:"reason,omitempty"` // the fault in detail (show chassis pic)
}

// downState is why a configured PIC has no picd connected, and since when.
type downState struct {
	since   time.Time
	reason  string
	booting bool // never connected since it was configured (or set online)
}

// refusal is an update a connected PIC refused.
type refusal struct {
	gen uint64
	at  time.Time // of the first refusal of this service-set
	msg string
}

// Alarms returns the active chassis alarms, newest first.
func (s *Servicesd) Alarms(_ context.Context) ([]Alarm, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Alarm
	for _, slot := range sortedSlots(s.pics) {
		out = append(out, s.alarmsLocked(slot)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out, nil
}

// alarmsLocked returns the alarms of one configured PIC. s.mu held.
func (s *Servicesd) alarmsLocked(slot dataplane.Slot) []Alarm {
	if s.offline[slot] {
		return nil // taken offline on request: not a fault
	}
	name := fmt.Sprintf("FPC %d PIC %d", slot.FPC, slot.PIC)
	var out []Alarm
	if d, ok := s.down[slot]; ok {
		at := d.since
		if d.booting {
			at = d.since.Add(BootGrace)
		}
		if !s.o.Clock.Now().Before(at) {
			out = append(out, Alarm{Time: at, Class: AlarmMajor, Description: name + " not responding",
				Short: name + " down", Slot: slot, Reason: d.reason})
		}
	}
	c := s.conns[slot]
	if c == nil {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fault != "" {
		out = append(out, Alarm{Time: c.faultAt, Class: AlarmMajor, Description: name + " failed to start",
			Short: name + " failed", Slot: slot, Reason: c.fault})
	}
	if len(c.refused) > 0 {
		ids := make([]uint32, 0, len(c.refused))
		for id := range c.refused {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		var first time.Time
		var reasons []string
		for i, id := range ids {
			r := c.refused[id]
			if first.IsZero() || r.at.Before(first) {
				first = r.at
			}
			if i < 5 {
				reasons = append(reasons, fmt.Sprintf("%s (id %d generation %d): %s", s.setName(id), id, r.gen, r.msg))
			}
		}
		if len(ids) > 5 {
			reasons = append(reasons, fmt.Sprintf("and %d more", len(ids)-5))
		}
		out = append(out, Alarm{Time: first, Class: AlarmMajor, Description: name + " failed to apply configuration",
			Short: name + " cfg fail", Slot: slot, Reason: "refused service-set " + strings.Join(reasons, "; ")})
	}
	return out
}

// setName is the name of the service-set with id, for alarm reasons.
// s.mu held.
func (s *Servicesd) setName(id uint32) string {
	for name, st := range s.sets {
		if st.ssrb.ID == id {
			return name
		}
	}
	return "(deleted)"
}

// picDownLocked records that the configured PIC at slot has no picd, since
// now. s.mu held.
func (s *Servicesd) picDownLocked(slot dataplane.Slot, reason string, booting bool) {
	if _, was := s.down[slot]; !was && !booting {
		// chassisd's message for the system log (eventlog never calls
		// back into servicesd, so logging under s.mu is safe)
		s.o.Log.Info(fmt.Sprintf("Taking PIC %d in FPC %d offline: %s", slot.PIC, slot.FPC, reason),
			"tag", "CHASSISD_PIC_OFFLINE_NOTICE", "facility", "daemon", "severity", "notice", "process", "chassisd")
	}
	s.down[slot] = downState{since: s.o.Clock.Now(), reason: reason, booting: booting}
}

// picUp clears the not-responding state of c's PIC: c answers, and is
// in sync or says why it cannot run. Takes s.mu.
func (s *Servicesd) picUp(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[c.slot] == c {
		delete(s.down, c.slot)
	}
}

// noteAck records a PIC's refusal of an update, or clears the refusal a
// later acknowledgement without error answers. c.mu held.
func (c *conn) noteAck(a *picd.Ack, now time.Time) {
	r, had := c.refused[a.ID]
	switch {
	case a.Error != "":
		if !had {
			r.at = now
		}
		r.gen, r.msg = max(r.gen, a.Gen), a.Error
		c.refused[a.ID] = r
	case had && !a.Stale && a.Gen >= r.gen:
		delete(c.refused, a.ID)
	}
}
