package eventlog

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// watcher is a follower of one file (monitor start).
type watcher struct{ f func(line string) }

// Watch calls f with every line written to log file name from now on,
// until stop is called; f runs with the log's lock held and must not
// block or log. The file must exist or be configured.
func (l *Log) Watch(name string, f func(line string)) (stop func(), err error) {
	p, err := l.Path(name)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !configured(l.dests, "file", name) {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("no such log file: %s", name)
		}
	}
	w := &watcher{f: f}
	if l.watch == nil {
		l.watch = map[string][]*watcher{}
	}
	l.watch[name] = append(l.watch[name], w)
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		ws := slices.DeleteFunc(l.watch[name], func(x *watcher) bool { return x == w })
		if len(ws) == 0 {
			delete(l.watch, name)
		} else {
			l.watch[name] = ws
		}
	}, nil
}

// watched hands line, just written to file name, to its followers. l.mu
// held.
func (l *Log) watched(name, line string) {
	for _, w := range l.watch[name] {
		w.f(line)
	}
}

// userMessage is a record as a user destination writes it on a
// terminal: BSD syslogd's heading, then the line.
func userMessage(host string, r Record) string {
	return fmt.Sprintf("\nMessage from syslogd@%s at %s ...\n%s\n", host, r.Time.Format(time.Stamp), r.Line(host))
}
