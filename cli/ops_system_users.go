package cli

// show system uptime and show system users report the host's uptime and
// load (Engine.hostStats) with the management sessions (logins.go), in
// Junos' layouts; request system logout ends sessions. Times come from
// configd's clock, so they can be fixed in tests.

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

func usersCommands(t *Table) {
	t.Describe("request system", "System requests")
	t.Describe("request system logout", "Forcibly end user's CLI login session")
	t.Add(
		&Command{Words: []string{"show", "system", "users"}, RPC: "get-system-users-information",
			Help: "Show user activity information", Args: []Arg{{Name: "no-resolve", Help: "Don't attempt to resolve IP addresses"}},
			Run: showUsers, Text: textUsers},
		&Command{Words: []string{"show", "system", "uptime"}, RPC: "get-system-uptime-information",
			Help: "Show time since system and processes started", Run: showUptime, Text: textUptime},
		&Command{Words: []string{"request", "system", "logout"}, RPC: "request-logout-user",
			Help: "Forcibly end user's CLI login session",
			Args: []Arg{{Name: "user", Value: true, Help: "Name of user to log out"},
				{Name: "session", Value: true, Help: "Session number (show system users | display xml)"},
				{Name: "terminal", Value: true, Help: "Terminal of the session (TTY)"}},
			Run: requestLogout},
	)
}

// what is the WHAT column for the command line a session runs.
func (s *Session) what(line string) string {
	if s.cfg != nil {
		return "-cli (cli) (configure)"
	}
	if strings.TrimSpace(line) == "" {
		return ""
	}
	return "-cli (cli)"
}

// shortDuration is w(1)'s uptime: "20 days, 23:31", "1 day, 0:05", "5 mins".
func shortDuration(d time.Duration) string {
	d = max(d, 0)
	days := int(d.Hours()) / 24
	h, m := int(d.Hours())%24, int(d.Minutes())%60
	var b strings.Builder
	switch {
	case days == 1:
		b.WriteString("1 day, ")
	case days > 1:
		fmt.Fprintf(&b, "%d days, ", days)
	}
	switch {
	case h == 0 && days == 0:
		fmt.Fprintf(&b, "%d mins", m)
	default:
		fmt.Fprintf(&b, "%d:%02d", h, m)
	}
	return strings.TrimSuffix(b.String(), ", ")
}

// idle is w(1)'s IDLE column: "-" under a minute, then minutes, h:mm,
// Ndays.
func idle(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "-"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d:%02d", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%ddays", int(d.Hours())/24)
}

// loginTime is w(1)'s LOGIN@: the time today, the weekday and hour in
// the last week, else the date.
func loginTime(at, now time.Time) string {
	at, now = at.UTC(), now.UTC()
	switch {
	case now.Sub(at) < 24*time.Hour && at.Day() == now.Day():
		return at.Format("3:04PM")
	case now.Sub(at) < 7*24*time.Hour:
		return at.Format("Mon3PM")
	}
	return at.Format("02Jan06")
}

func (s *Session) uptimeInfo(users int) *Elem {
	now := s.eng.Configd.Clock().Now()
	h := s.eng.hostStats()
	up := now.Sub(h.Started)
	l := h.loads()
	count := T("active-user-count", strconv.Itoa(users))
	word := "users"
	if users == 1 {
		word = "user"
	}
	count.Attrs = []xml.Attr{junosAttr("format", fmt.Sprintf("%d %s", users, word))}
	return E("uptime-information",
		secondsAttr(T("date-time", now.UTC().Format("3:04PM")), time.Duration(now.Unix())*time.Second),
		secondsAttr(T("up-time", shortDuration(up)), up),
		count,
		T("load-average-1", l[0]), T("load-average-5", l[1]), T("load-average-15", l[2]))
}

func showUsers(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	now := s.eng.Configd.Clock().Now()
	logins := s.eng.Logins()
	ui := s.uptimeInfo(len(logins))
	ut := E("user-table")
	for _, l := range logins {
		since := T("login-time", loginTime(l.Since, now))
		since.Attrs = []xml.Attr{junosAttr("seconds", strconv.FormatInt(l.Since.Unix(), 10))}
		ut.Add(E("user-entry", T("user", l.User), T("tty", l.TTY), T("from", l.From), since,
			secondsAttr(T("idle-time", idle(now.Sub(l.Last))), now.Sub(l.Last)),
			T("command", l.What), T("session-id", strconv.Itoa(l.Session))))
	}
	return E("system-users-information", ui.Add(ut)), nil
}

// uptimeLine is w(1)'s first line.
func uptimeLine(w io.Writer, ui *Elem) {
	fmt.Fprintf(w, "%7s  up %s, %s, load averages: %s, %s, %s\n", ui.Val("date-time"), ui.Val("up-time"),
		attr(ui.Get("active-user-count"), "format"), ui.Val("load-average-1"), ui.Val("load-average-5"), ui.Val("load-average-15"))
}

func textUsers(w io.Writer, e *Elem) {
	ui := e.Get("uptime-information")
	uptimeLine(w, ui)
	row := "%-8s %-8s %-33s%7s%6s %s\n"
	fmt.Fprintf(w, row, "USER", "TTY", "FROM", "LOGIN@", "IDLE", "WHAT")
	for _, u := range ui.Get("user-table").All("user-entry") {
		fmt.Fprintf(w, row, u.Val("user"), u.Val("tty"), u.Val("from"), u.Val("login-time"), u.Val("idle-time"), u.Val("command"))
	}
}

// timeAgo is a date-time and time-length pair of show system uptime.
func timeAgo(name string, at, now time.Time) *Elem {
	d := T("date-time", at.UTC().Format("2006-01-02 15:04:05 MST"))
	d.Attrs = []xml.Attr{junosAttr("seconds", strconv.FormatInt(at.Unix(), 10))}
	return E(name, d, secondsAttr(T("time-length", weekDuration(now.Sub(at))), now.Sub(at)))
}

// weekDuration is Junos' compact duration: 2w6d 23:30, 3d 04:05, 00:53:37.
func weekDuration(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	days := int(d.Hours()) / 24
	h, m, s := int(d.Hours())%24, int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case days >= 7:
		return fmt.Sprintf("%dw%dd %02d:%02d", days/7, days%7, h, m)
	case days > 0:
		return fmt.Sprintf("%dd %02d:%02d", days, h, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

func showUptime(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	now := s.eng.Configd.Clock().Now()
	h := s.eng.hostStats()
	cur := T("date-time", now.UTC().Format("2006-01-02 15:04:05 MST"))
	cur.Attrs = []xml.Attr{junosAttr("seconds", strconv.FormatInt(now.Unix(), 10))}
	e := E("system-uptime-information", E("current-time", cur), T("time-source", " LOCAL CLOCK "),
		timeAgo("system-booted-time", h.Started, now), timeAgo("protocols-started-time", h.Started, now))
	if hist, err := s.eng.Configd.History(); err == nil && len(hist) > 0 {
		e.Add(timeAgo("last-configured-time", hist[0].Time, now).Add(T("user", hist[0].User)))
	}
	return e.Add(s.uptimeInfo(len(s.eng.Logins()))), nil
}

func textUptime(w io.Writer, e *Elem) {
	ta := func(n string) (string, string) {
		x := e.Get(n)
		if x == nil {
			return "", ""
		}
		return x.Val("date-time"), x.Val("time-length")
	}
	fmt.Fprintf(w, "Current time: %s\n", e.Get("current-time").Val("date-time"))
	fmt.Fprintf(w, "Time Source:  %s\n", strings.TrimSpace(e.Val("time-source")))
	d, l := ta("system-booted-time")
	fmt.Fprintf(w, "System booted: %s (%s ago)\n", d, l)
	d, l = ta("protocols-started-time")
	fmt.Fprintf(w, "Protocols started: %s (%s ago)\n", d, l)
	if lc := e.Get("last-configured-time"); lc != nil {
		d, l = ta("last-configured-time")
		fmt.Fprintf(w, "Last configured: %s (%s ago) by %s\n", d, l, lc.Val("user"))
	}
	uptimeLine(w, e.Get("uptime-information"))
}

func requestLogout(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	var match func(LoginInfo) bool
	var what string
	switch {
	case a.Has("user"):
		u := a["user"]
		match, what = func(l LoginInfo) bool { return l.User == u }, "user "+u
	case a.Has("session"):
		id, err := strconv.Atoi(a["session"])
		if err != nil {
			return nil, fmt.Errorf("invalid session number %q", a["session"])
		}
		match, what = func(l LoginInfo) bool { return l.Session == id }, "session "+a["session"]
	case a.Has("terminal"):
		t := a["terminal"]
		match, what = func(l LoginInfo) bool { return l.TTY == t }, "terminal "+t
	default:
		return nil, fmt.Errorf("syntax error, expecting user <name>, session <number> or terminal <tty>")
	}
	found, self := false, false
	for _, l := range s.eng.Logins() {
		if match(l) {
			if s.login != nil && l.ID == s.login.ID {
				self = true
			} else {
				found = true
			}
		}
	}
	switch {
	case !found && self:
		return nil, fmt.Errorf("%s is this session: end it with exit", what)
	case !found:
		return nil, fmt.Errorf("no session of %s to log out", what)
	}
	n := s.eng.logout(s.login, match)
	if n == 0 {
		return nil, fmt.Errorf("the sessions of %s cannot be ended from here", what)
	}
	return &Elem{Name: "request-logout-user-results", Text: fmt.Sprintf("Logged out %d session(s) of %s", n, what)}, nil
}
