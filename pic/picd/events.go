package picd

import (
	"fmt"
	"log/slog"

	"github.com/gnos/gnos/pic"
)

// Plugin events for the system log (pic.EventReporter). On each
// heartbeat the control loop asks every loaded plugin whose data handler
// reports events for what happened since the last heartbeat, and sends
// the lines to servicesd with the heartbeat; servicesd writes them to the
// system log. A report is bounded (pic.MaxMessages a plugin); a plugin
// whose report panics is logged and skipped, never the PIC's end.

// PICEvent is one plugin message on its way to the system log.
type PICEvent struct {
	Plugin     string `json:"plugin"`
	ServiceSet string `json:"service-set,omitempty"`
	Tag        string `json:"tag"`
	Level      int    `json:"level"` // slog.Level
	Text       string `json:"text"`
}

// reportEvents collects the plugins' messages. Control loop only.
func (r *Runtime) reportEvents() []PICEvent {
	var out []PICEvent
	for _, name := range r.cfg.Packages {
		l := r.plugins[name]
		if l == nil {
			continue
		}
		er, ok := r.DP.Handler(l.p.Slot()).(pic.EventReporter)
		if !ok {
			continue
		}
		out = append(out, r.reportPlugin(name, er, r.showSets(l.p.Slot()))...)
	}
	return out
}

func (r *Runtime) reportPlugin(name string, er pic.EventReporter, sets []pic.ShowSet) (out []PICEvent) {
	dropped := 0
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("pic: plugin event report panicked", "plugin", name, "panic", fmt.Sprint(v))
		}
		if dropped > 0 {
			out = append(out, PICEvent{Plugin: name, Tag: "PIC_EVENTS_DROPPED", Level: int(slog.LevelWarn),
				Text: fmt.Sprintf("%d %s messages dropped (more than %d in a report)", dropped, name, pic.MaxMessages)})
		}
	}()
	er.ReportEvents(sets, func(m pic.Message) {
		if len(out) >= pic.MaxMessages {
			dropped++
			return
		}
		out = append(out, PICEvent{Plugin: name, ServiceSet: m.ServiceSet, Tag: m.Tag, Level: int(m.Level), Text: m.Text})
	})
	return out
}
