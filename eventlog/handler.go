package eventlog

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// Handler returns a slog handler that passes every record to next and
// writes it to l's destinations.
func (l *Log) Handler(next slog.Handler) slog.Handler { return &handler{l: l, next: next} }

type handler struct {
	l     *Log
	next  slog.Handler
	attrs []slog.Attr
}

func (h *handler) Enabled(ctx context.Context, lvl slog.Level) bool {
	// the system log may want what the process log does not
	return h.next.Enabled(ctx, lvl) || int32(severityOf(lvl)) <= h.l.want.Load()
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if h.next.Enabled(ctx, r.Level) {
		err = h.next.Handle(ctx, r)
	}
	rec := Record{Severity: severityOf(r.Level)} // timed by the log's clock
	var rest []string
	take := func(a slog.Attr) bool {
		switch a.Key {
		case "facility":
			rec.Facility = a.Value.String()
		case "tag":
			rec.Tag = a.Value.String()
		case "process":
			rec.Process = a.Value.String()
		case "origin":
			rec.Origin = a.Value.String()
		case "severity":
			for i, n := range severityNames {
				if n == a.Value.String() {
					rec.Severity = i
				}
			}
		default:
			rest = append(rest, fmt.Sprintf("%s=%v", a.Key, a.Value))
		}
		return true
	}
	for _, a := range h.attrs {
		take(a)
	}
	r.Attrs(take)
	rec.Message = r.Message
	if rec.Tag == "" && len(rest) > 0 { // an untagged daemon message keeps its details
		rec.Message += " " + strings.Join(rest, " ")
	}
	if int32(rec.Severity) <= h.l.want.Load() {
		h.l.Write(rec)
	}
	return err
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &handler{l: h.l, next: h.next.WithAttrs(as), attrs: append(append([]slog.Attr{}, h.attrs...), as...)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{l: h.l, next: h.next.WithGroup(name), attrs: h.attrs}
}

func severityOf(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return Error
	case l >= slog.LevelWarn:
		return Warning
	case l >= slog.LevelInfo:
		return Info
	}
	return Debug
}
