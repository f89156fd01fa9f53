// Package eventlog is gnos' system log: `system syslog file|host|user`
// as Junos has it.
//
// gnos' daemons log through log/slog. Compose wraps the process's
// handler with Log.Handler, which passes every record on unchanged and
// also hands it to the syslog destinations the committed configuration
// names: files under DATA/log (archived by size, `archive size files`),
// remote hosts (RFC 5424 over UDP) and the terminals of logged-in users.
// A record's facility and Junos tag come from its "facility" and "tag"
// attributes (UI_COMMIT in interactive-commands, UI_LOGIN_EVENT and
// SSHD_LOGIN_FAILED in authorization, …); without them it is a daemon
// message. Its severity is the slog level (Debug → debug, Info → info,
// Warn → warning, Error → error) unless a "severity" attribute says
// notice, critical, alert or emergency. A destination takes a record when
// its `contents` name the facility (or any) at that severity or a more
// severe one.
//
// Lines are written as Junos writes them:
//
//	Dec  3 09:42:01  r1 mgd[4539]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)
//
// Log is a configd subscriber: Apply takes the new destinations (and
// the host name). It never calls into configd: commits log while they
// hold configd's lock.
package eventlog

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/clock"
)

// Severities, most severe first (RFC 5424 numbering).
const (
	Emergency = iota
	Alert
	Critical
	Error
	Warning
	Notice
	Info
	Debug
)

var severityNames = []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}

// facility numbers (RFC 5424) of the Junos facilities gnos writes.
var facilities = map[string]int{"kernel": 0, "user": 1, "daemon": 3, "authorization": 4,
	"interactive-commands": 16, "firewall": 17, "pfe": 18, "change-log": 19}

// Options configure a Log.
type Options struct {
	Dir      string // where files are written (DATA/log)
	Clock    clock.Clock
	Hostname string // until a configuration names one (system host-name)
	// Users writes a message to the terminals of user ("*": every
	// logged-in user); it must not block or log. nil: user destinations
	// are ignored.
	Users func(user, text string)
}

// Log is the system log.
type Log struct {
	o Options

	want atomic.Int32 // least severe severity any destination takes (-1: none)

	mu    sync.Mutex
	host  string // system host-name, as the lines name the system
	dests []*dest
	files map[string]*file
	conns map[string]net.Conn
	watch map[string][]*watcher // followers of each file (watch.go)
}

// New returns a system log writing under o.Dir.
func New(o Options) *Log {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Hostname == "" {
		o.Hostname = "gnos"
	}
	l := &Log{o: o, host: o.Hostname, files: map[string]*file{}, conns: map[string]net.Conn{}}
	l.want.Store(-1)
	return l
}

// dest is one configured destination.
type dest struct {
	kind     string // file, host, user
	name     string
	port     int
	levels   map[string]int // facility (or any) → least severe severity taken; -1 none
	maxSize  int64
	maxFiles int
}

func (d *dest) takes(facility string, sev int) bool {
	if l, ok := d.levels[facility]; ok {
		return sev <= l
	}
	if l, ok := d.levels["any"]; ok {
		return sev <= l
	}
	return false
}

// Record is one message to log.
type Record struct {
	Time     time.Time
	Facility string
	Severity int
	Process  string
	Tag      string
	Message  string
	// Origin, when set, stands where process[pid] stands: a services
	// PIC's messages name the PIC and service-set ("(FPC Slot 0, PIC
	// Slot 0) {ss1}[FWNAT]"), as Junos writes them.
	Origin string
}

// Line is r as Junos writes it in a file.
func (r Record) Line(host string) string {
	tag := ""
	if r.Tag != "" {
		tag = r.Tag + ": "
	}
	if r.Origin != "" {
		return fmt.Sprintf("%s  %s %s: %s%s", r.Time.Format(time.Stamp), host, r.Origin, tag, r.Message)
	}
	return fmt.Sprintf("%s  %s %s[%d]: %s%s", r.Time.Format(time.Stamp), host, r.Process, os.Getpid(), tag, r.Message)
}

// Write sends r to every destination that takes it.
func (l *Log) Write(r Record) {
	if r.Time.IsZero() {
		r.Time = l.o.Clock.Now()
	}
	if r.Facility == "" {
		r.Facility = "daemon"
	}
	if r.Process == "" {
		r.Process = "gnos"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	host := l.host
	for _, d := range l.dests {
		if !d.takes(r.Facility, r.Severity) {
			continue
		}
		switch d.kind {
		case "file":
			l.writeFile(d, r.Line(host)+"\n")
		case "host":
			l.send(d, r, host)
		case "user":
			if l.o.Users != nil {
				l.o.Users(d.name, userMessage(host, r))
			}
		}
	}
}

// Apply takes the destinations of the committed configuration.
func (l *Log) Apply(_ context.Context, c *configd.Commit) { l.configure(c.New) }

// Name, Validate, Prepare and Abort complete the commit subscriber.
func (l *Log) Name() string                                        { return "eventlog" }
func (l *Log) Validate(_ context.Context, c *configd.Commit) error { return nil }
func (l *Log) Prepare(_ context.Context, c *configd.Commit) error  { return nil }
func (l *Log) Abort(context.Context, *configd.Commit)              {}

func (l *Log) configure(root *tree.Node) {
	sl := root.ActiveChild("system").ActiveChild("syslog")
	defSize, defFiles := archiveOf(sl.ActiveChild("archive"), 128<<10, 10)
	var ds []*dest
	for _, kind := range []string{"file", "host", "user"} {
		for _, n := range sl.ActiveNamed(kind) {
			d := &dest{kind: kind, name: n.Key, levels: map[string]int{}, maxSize: defSize, maxFiles: defFiles}
			for _, c := range n.ActiveNamed("contents") {
				d.levels[c.Key] = levelOf(c)
			}
			if kind == "file" {
				d.maxSize, d.maxFiles = archiveOf(n.ActiveChild("archive"), defSize, defFiles)
			}
			if kind == "host" {
				d.port = 514
				if p, ok := n.Leaf("port"); ok {
					d.port, _ = strconv.Atoi(p)
				}
			}
			ds = append(ds, d)
		}
	}
	want := -1
	for _, d := range ds {
		for _, lv := range d.levels {
			want = max(want, lv)
		}
	}
	l.want.Store(int32(want))
	host, ok := root.ActiveChild("system").Leaf("host-name")
	if !ok {
		host = l.o.Hostname
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dests, l.host = ds, host
	for name, f := range l.files { // files no longer configured are closed
		if !configured(ds, "file", name) {
			f.close()
			delete(l.files, name)
		}
	}
	for name, c := range l.conns {
		if !configured(ds, "host", name) {
			c.Close()
			delete(l.conns, name)
		}
	}
}

func configured(ds []*dest, kind, name string) bool {
	for _, d := range ds {
		if d.kind == kind && d.name == name {
			return true
		}
	}
	return false
}

// levelOf is a contents entry's level: the least severe severity it
// takes (-1: none).
func levelOf(c *tree.Node) int {
	for _, k := range c.Kids() {
		switch k.S.Name {
		case "any":
			return Debug
		case "none":
			return -1
		}
		for i, name := range severityNames {
			if k.S.Name == name {
				return i
			}
		}
	}
	return Info // a facility without a level: Junos' default is info
}

func archiveOf(a *tree.Node, size int64, files int) (int64, int) {
	if v, ok := a.Leaf("size"); ok {
		size = parseSize(v)
	}
	if v, ok := a.Leaf("files"); ok {
		files, _ = strconv.Atoi(v)
	}
	return size, files
}

func parseSize(v string) int64 {
	mult := int64(1)
	switch {
	case strings.HasSuffix(v, "k"):
		mult = 1 << 10
	case strings.HasSuffix(v, "m"):
		mult = 1 << 20
	case strings.HasSuffix(v, "g"):
		mult = 1 << 30
	}
	n, _ := strconv.ParseInt(strings.TrimRight(v, "kmg"), 10, 64)
	return n * mult
}

// send writes r to a remote host as RFC 5424 over UDP. Errors are
// dropped: a log line must never block or fail what it records.
func (l *Log) send(d *dest, r Record, host string) {
	addr := net.JoinHostPort(d.name, strconv.Itoa(d.port))
	c := l.conns[d.name]
	if c == nil {
		var err error
		if c, err = net.Dial("udp", addr); err != nil {
			return
		}
		l.conns[d.name] = c
	}
	pri := facilities[r.Facility]*8 + r.Severity
	msgid := r.Tag
	if msgid == "" {
		msgid = "-"
	}
	msg := r.Message
	if r.Origin != "" {
		msg = r.Origin + ": " + msg
	}
	fmt.Fprintf(c, "<%d>1 %s %s %s %d %s - %s", pri, r.Time.UTC().Format(time.RFC3339Nano), host, r.Process,
		os.Getpid(), msgid, msg)
}

// Files lists the log files under the log directory, sorted.
func (l *Log) Files() ([]string, error) {
	ents, err := os.ReadDir(l.o.Dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Path is the path of log file name, refusing names that leave the log
// directory.
func (l *Log) Path(name string) (string, error) {
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return "", fmt.Errorf("invalid log file name %q", name)
	}
	return filepath.Join(l.o.Dir, name), nil
}

// Clear empties log file name.
func (l *Log) Clear(name string) error {
	p, err := l.Path(name)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.files[name]; f != nil {
		f.close()
		delete(l.files, name)
	}
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("could not resolve file: %s", name)
	}
	return os.Truncate(p, 0)
}
