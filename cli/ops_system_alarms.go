package cli

// System alarms are the conditions of the management plane an operator
// should act on, raised from the state they describe (nothing is
// stored): no rescue configuration (as Junos alarms it), a damaged one,
// a commit confirmed waiting for its confirmation, a commit at waiting
// for its time, and the file area's file system nearly full. show system
// alarms lists them after the chassis alarms (cli/services, the PICs'
// faults); show chassis alarms lists the chassis alarms alone.

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/gnos/gnos/internal/errkind"
)

// StorageAlarmPercent is the file system usage that raises an alarm.
const StorageAlarmPercent = 90

// AlarmElem is one alarm as Junos' alarm-detail.
func AlarmElem(at time.Time, class, desc, short, typ string) *Elem {
	t := T("alarm-time", at.UTC().Format("2006-01-02 15:04:05 MST"))
	t.Attrs = []xml.Attr{junosAttr("seconds", strconv.FormatInt(at.Unix(), 10))}
	return E("alarm-detail", t, T("alarm-class", class), T("alarm-description", desc),
		T("alarm-short-description", short), T("alarm-type", typ))
}

// SystemAlarms returns the management plane's active alarms.
func (s *Session) SystemAlarms() []*Elem {
	c := s.eng.Configd
	booted := s.eng.hostStats().Started
	var out []*Elem
	if _, _, err := c.Rescue(); err != nil {
		if errkind.Of(err) == errkind.NotFound {
			out = append(out, AlarmElem(booted, "Minor", "Rescue configuration is not set", "no-rescue", "Configuration"))
		} else {
			out = append(out, AlarmElem(booted, "Major", "Rescue configuration is damaged", "bad-rescue", "Configuration"))
		}
	}
	if d, ok := c.PendingConfirm(); ok {
		since := booted
		if h, err := c.History(); err == nil && len(h) > 0 {
			since = h[0].Time
		}
		out = append(out, AlarmElem(since, "Minor",
			fmt.Sprintf("Commit confirmed pending: rolled back at %s unless confirmed", d.UTC().Format("2006-01-02 15:04:05 MST")),
			"commit-confirmed", "Configuration"))
	}
	if at, user, ok := c.PendingCommitAt(); ok {
		out = append(out, AlarmElem(booted, "Minor",
			fmt.Sprintf("Commit requested by %s at %s is pending", user, at.UTC().Format("2006-01-02 15:04:05 MST")),
			"commit-at", "Configuration"))
	}
	if fss, err := s.eng.storage(); err == nil {
		for _, f := range fss {
			if total := f.usedKB + f.availKB; total > 0 && f.usedKB*100/total >= StorageAlarmPercent {
				out = append(out, AlarmElem(booted, "Minor",
					fmt.Sprintf("File system %s usage above threshold (%d%%)", f.mount, f.usedKB*100/total),
					"storage-full", "Chassis"))
			}
		}
	}
	return out
}
