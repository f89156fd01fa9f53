// Package cli is gnos's command engine: operational mode (`user@host>`)
// and configuration mode (`user@host#` under an `[edit …]` banner), driven
// by the YANG schema for configuration statements and by command tables.
//
// Both modes dispatch through a table whose entries carry a command's
// words, its help and its handler, so that dispatch, `?`, completion,
// `help` and docs/cli.md read one list. Operational commands are a Table
// (table.go) shared with the NETCONF server and extended by services: each
// is an RPC returning structured data (Elem) rendered as text, XML or JSON.
// Configuration verbs (set, edit, commit, …) are a fixed table of their own
// (config_table.go): they act on the session's candidate rather than
// answer an RPC, and nothing outside the package adds to them.
//
// The engine runs inside the management daemon, one Session per user
// session, and is reached over IPC by every front end (the go-prompt
// terminal, the SSH line editor, the plain script reader), as Junos' cli
// talks to mgd. A front end sends lines and completion requests and shows
// what comes back.
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/rib"
)

// Engine holds what sessions share.
type Engine struct {
	Configd *configd.Configd
	Ops     *Table
	DataDir string // file list/show/save stay inside it
	Version string
	Host    func() HostStats // nil: read the real host
	// ChassisSerial is the serial number the chassis reports
	// (DefaultSerial when empty).
	ChassisSerial string
	// ProcFS is the /proc to read host figures from ("" = /proc).
	ProcFS string
	// Daemons lists gnos' daemon processes beside this one (picds that
	// run apart); nil lists this process alone.
	Daemons func(ctx context.Context) []Daemon
	// Statfs reports the data directory's file system (nil: statfs).
	Statfs func() (FSStats, error)
	// Links returns the live state of the Linux link behind a Junos
	// interface (the interface manager); nil without the live data plane.
	Links func(junos string) (ifname.LinkState, bool)
	// Firewall reads the counters of the filters the live data plane
	// enforces; nil without it.
	Firewall Firewall
	// Logs is the system log's files; nil: none.
	Logs Logs
	// Net is the host's network stack in live mode (routes, neighbours,
	// ping); nil without the live data plane.
	Net Net
	// MaxSessionsPerUser bounds one user's concurrent sessions on the
	// management socket and over SSH (default DefaultMaxSessionsPerUser).
	MaxSessionsPerUser int

	packagesOnce sync.Once    // /packages/junos written (ops_files.go)
	logins       loginTable   // sessions for show system users (logins.go)
	sessionIDs   atomic.Int64 // the last management session id (NewSessionID)

	limitMu sync.Mutex // guards limits
	limits  sessionLimit
	ribAges rib.Ages // when show route first saw each route
	ifBook  ifBook   // interface counter baselines and rate samples
}

// Session is one CLI session.
type Session struct {
	eng    *Engine
	id     int // management session id (NewSessionID)
	user   string
	client string
	cfg    *configd.Session // nil in operational mode
	edit   tree.Path
	// pending yes/no question: the next line answers it.
	question func(answer string) (string, bool)
	secret   bool // the pending question asks for a password
	collect  *collector
	noMore   bool // the current line asked for | no-more
	hold     bool // the current line asked for | hold
	// hideSecrets: the session's login class may not configure, so the
	// configuration it reads shows secrets as SECRET-DATA (HideSecrets).
	hideSecrets bool
	// ownFilesOnly: writes stay in the user's home (files.go).
	ownFilesOnly bool
	// stream takes the output of long commands as it comes (stream.go);
	// nil: everything comes in the Result.
	stream   func(chunk string)
	login    *Login      // nil: counted by its NETCONF session
	cwd      string      // working directory in the file area ("" = home; ops_files.go)
	settings cliSettings // set cli … (ops_clisettings.go)
	// notifyStop ends the Notify goroutine (notices.go); monitors are the
	// files monitor start follows, each with what stops it (ops_monitor_log.go).
	notifyStop chan struct{}
	monitors   map[string]func()
}

// HideSecrets makes the configuration this session reads show every
// secret (password hashes) as /* SECRET-DATA */, as Junos does for login
// classes without the secret permission. Front ends call it for such
// users.
func (s *Session) HideSecrets() { s.hideSecrets = true }

// visible is the configuration t as this session may see it.
func (s *Session) visible(t *tree.Node) *tree.Node {
	if s.hideSecrets && t != nil {
		return tree.MaskSecrets(t)
	}
	return t
}

// Result is what one line produced.
type Result struct {
	Output   string
	Failed   bool
	Exit     bool
	Caret    int    // position in the line to mark with ^, or -1
	Question string // a yes/no question to ask; the next line answers it
	NoMore   bool   // `| no-more`: a terminal front end must not page
	// ScreenLength is the session's set cli screen-length when it is
	// positive; 0 when not set (page by the terminal's size). A length
	// set to 0 sets NoMore instead.
	ScreenLength int
	Hold         bool // `| hold`: keep the ---(more)--- prompt after the last page
	Secret       bool // the answer to Question must not be echoed (a password)
	// Collecting: `load … terminal` is reading configuration text; lines
	// go to it until EndOfInput (a front end sends it for Ctrl-D or EOF).
	Collecting bool
}

// EndOfInput ends `load … terminal` input (Ctrl-D at a new line); "^D"
// typed as text does the same, for scripts.
const EndOfInput = "\x04"

// NewSessionID returns a new management session id, unique in this
// process: every CLI session takes one, and the NETCONF server takes its
// session-ids from here too, so one number names one session wherever
// it shows (configure banners, lock errors, NETCONF's lock-denied
// error-info, as Junos' mgd pid does).
func (e *Engine) NewSessionID() int { return int(e.sessionIDs.Add(1)) }

// NewSession starts a session in operational mode. A CLI session counts
// as a login (show system users); a NETCONF session's CLI session does
// not, its NETCONF session does (Engine.Login).
func (e *Engine) NewSession(user, client string) *Session {
	s := &Session{eng: e, user: user, client: client, id: e.NewSessionID()}
	if client != "netconf" {
		s.login = e.LoginSession(s.id, user, "cli", "", nil)
	}
	return s
}

// ID is the session's management session id (Engine.NewSessionID).
func (s *Session) ID() int { return s.id }

// Login is the session's entry in show system users (nil for the CLI
// session of a NETCONF session).
func (s *Session) Login() *Login { return s.login }

// Close ends the session, leaving configuration mode if needed.
func (s *Session) Close() {
	s.stopMonitors("")
	if s.notifyStop != nil {
		close(s.notifyStop)
		s.notifyStop = nil
	}
	if s.cfg != nil {
		s.cfg.Close()
		s.cfg = nil
	}
	if s.login != nil { // after the configuration session: a kill-session waits for this
		s.login.Logout()
	}
}

// Hostname is the configured host name, "gnos" by default.
func (e *Engine) Hostname() string {
	c := e.Configd.Active()
	if v, ok := c.ChildNamed("system", "").Leaf("host-name"); ok {
		return v
	}
	return "gnos"
}

// InConfig reports whether the session is in configuration mode.
func (s *Session) InConfig() bool { return s.cfg != nil }

// Prompt is the prompt to show, e.g. "user@host> " ("" while `load …
// terminal` reads input).
func (s *Session) Prompt() string {
	if s.collect != nil {
		return ""
	}
	if s.cfg != nil {
		return fmt.Sprintf("%s@%s# ", s.user, s.eng.Hostname())
	}
	return fmt.Sprintf("%s@%s> ", s.user, s.eng.Hostname())
}

// Banner is printed above the prompt in configuration mode: any commit
// confirmed reminder, then the [edit …] line.
func (s *Session) Banner() string {
	if s.cfg == nil {
		return ""
	}
	var b strings.Builder
	if d, ok := s.eng.Configd.PendingConfirm(); ok {
		fmt.Fprintf(&b, "# commit confirmed will be automatically rolled back at %s\n", d.Format("2006-01-02 15:04:05 MST"))
	}
	b.WriteString(s.edit.Edit())
	return b.String()
}

// Exec runs one line.
func (s *Session) Exec(ctx context.Context, line string) Result {
	if s.collect != nil {
		return s.collectLine(line)
	}
	if q := s.question; q != nil {
		s.question = nil
		out, exit := q(strings.TrimSpace(line))
		if s.question != nil { // a follow-up question (retype the password)
			return Result{Question: out, Caret: -1, Secret: s.secret}
		}
		s.secret = false
		return Result{Output: out, Exit: exit, Caret: -1}
	}
	var out bytes.Buffer
	s.noMore, s.hold = false, false
	if s.login != nil {
		s.login.Touch(s.what(line))
	}
	if s.cfg == nil {
		s.remember(line)
		if strings.TrimSpace(line) != "" {
			out.WriteString(s.stamp())
		}
	}
	exit, err := s.exec(ctx, line, &out)
	r := Result{Output: out.String(), Exit: exit, Caret: -1, NoMore: s.noMore, Collecting: s.collect != nil,
		ScreenLength: max(s.ScreenLength(), 0), Hold: s.hold}
	if s.ScreenLength() == 0 {
		r.NoMore = true
	}
	if s.question != nil && err == nil {
		r.Question = r.Output
		r.Output = ""
		r.Secret = s.secret
		return r
	}
	if err != nil {
		r.Failed = true
		var le *lineError
		if errors.As(err, &le) {
			r.Caret = le.pos
		}
		r.Output += errorText(err)
	}
	r.Output += s.pendingNotices()
	return r
}

// errorText is the one rendering of an error for the terminal, in Junos'
// layout. Messages carry no kind suffix (package errkind keeps the kind
// out of the text), so the kind only picks the wording:
//
//   - a line error (syntax, with a caret) and a failed commit print as
//     they are, the latter in Junos' [edit …] diagnostic layout;
//   - deleting a statement that is not there is Junos' "warning:
//     statement not found", not an error;
//   - corruption says the store is damaged, whatever wrapped it;
//   - every other error is "error: " and its message.
func errorText(err error) string {
	var le *lineError
	if errors.As(err, &le) {
		return le.msg + "\n"
	}
	var ce *configd.CommitError
	if errors.As(err, &ce) {
		return ce.Error() + "\n"
	}
	var lr *loadReport
	if errors.As(err, &lr) {
		return lr.text
	}
	msg := err.Error()
	switch k := errkind.Of(err); {
	case k == errkind.NotFound && errors.Is(err, tree.ErrNotFound):
		return "warning: " + msg + "\n"
	case k == errkind.Corrupt && !strings.Contains(msg, "damaged"):
		msg += " (the configuration store is damaged)"
	}
	if strings.HasPrefix(msg, "error: ") || strings.HasPrefix(msg, "warning: ") {
		return msg + "\n"
	}
	return "error: " + msg + "\n"
}

func (s *Session) exec(ctx context.Context, line string, out io.Writer) (bool, error) {
	ts, err := lex(line)
	if err != nil {
		return false, err
	}
	cmd, pipes := splitPipes(ts)
	if len(cmd) == 0 {
		if len(pipes) > 0 {
			return false, &lineError{pos: 0, msg: "syntax error."}
		}
		return false, nil
	}
	p, err := parsePipes(pipes, len(line))
	if err != nil {
		return false, err
	}
	if p.refresh > 0 {
		return s.refreshed(ctx, cmd, p, len(line))
	}
	s.progressFor(p)
	var buf bytes.Buffer
	var exit bool
	s.noMore, s.hold = p.noMore, p.hold
	if s.cfg != nil {
		err = s.configCommand(ctx, cmd, p, &buf, len(line))
	} else {
		exit, err = s.opCommand(ctx, cmd, p, &buf, len(line))
	}
	if s.cfg != nil {
		s.cfg.SetEdit(s.edit.Edit())
	}
	if err != nil && p.save != "" {
		// A failed command saves nothing: `| save` of an error must not
		// replace a good file with an empty one.
		out.Write(buf.Bytes())
		return exit, err
	}
	if ferr := p.apply(s, &buf, out); ferr != nil && err == nil {
		err = ferr
	}
	return exit, err
}
