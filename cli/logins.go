package cli

// Logins are the management sessions show system users lists and
// request system logout ends: every CLI session (the local socket, SSH
// shells and commands) and every NETCONF session. A CLI session
// registers itself in NewSession and leaves in Close; a NETCONF session
// registers through Engine.Login (its CLI session, made for <command>,
// does not count twice). Each login carries a kill function from its
// front end, which closes the connection; the front end's own cleanup
// then closes the session as for any disconnect.

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Login is one management session. Its ID (and terminal number) is the
// lowest free one, so numbers are reused as terminals are; Session is its
// management session id (Engine.NewSessionID), the number NETCONF's
// session-id, lock errors, show system users | display xml, request
// system logout session and kill-session all use.
type Login struct {
	eng     *Engine
	ID      int
	Session int
	User    string
	Client  string // cli | netconf
	Since   time.Time

	gone     chan struct{} // closed by Logout
	goneOnce sync.Once

	notices *notices // syslog user messages and monitor start lines (notices.go)

	mu   sync.Mutex // guards the fields below
	from string
	tty  string
	last time.Time
	what string
	kill func()
}

// LoginInfo is a snapshot of a Login.
type LoginInfo struct {
	ID, Session           int
	User, TTY, From, What string
	Since, Last           time.Time
}

type loginTable struct {
	mu sync.Mutex
	m  map[int]*Login
}

// Login registers a session of user over client ("cli", "netconf") from
// the remote host from ("" for a local one) under a new management
// session id; kill ends it. Logout removes it.
func (e *Engine) Login(user, client, from string, kill func()) *Login {
	return e.LoginSession(e.NewSessionID(), user, client, from, kill)
}

// LoginSession is Login for a session that already has its management
// session id (a CLI session's, a NETCONF session's session-id).
func (e *Engine) LoginSession(session int, user, client, from string, kill func()) *Login {
	now := e.Configd.Clock().Now()
	e.logins.mu.Lock()
	defer e.logins.mu.Unlock()
	if e.logins.m == nil {
		e.logins.m = map[int]*Login{}
	}
	id := 1 // the lowest free number, as terminals are reused
	for e.logins.m[id] != nil {
		id++
	}
	l := &Login{eng: e, ID: id, Session: session, User: user, Client: client, Since: now, last: now, kill: kill,
		notices: newNotices(), gone: make(chan struct{})}
	l.setFrom(from)
	e.logins.m[l.ID] = l
	return l
}

func (l *Login) setFrom(from string) {
	l.from, l.tty = from, fmt.Sprintf("pts/%d", l.ID-1)
	if from == "" {
		l.from, l.tty = "-", fmt.Sprintf("u%d", l.ID-1)
	}
	if l.Client == "netconf" {
		l.what = "-cli xml-mode netconf need-trailer"
	} else {
		l.what = "-cli (cli)"
	}
}

// SetOrigin records where the session comes from and how to end it (the
// SSH front end calls it for its CLI sessions).
func (l *Login) SetOrigin(from string, kill func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.setFrom(from)
	l.kill = kill
}

// Touch records activity (for IDLE) and what the session runs.
func (l *Login) Touch(what string) {
	now := l.eng.Configd.Clock().Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = now
	if what != "" {
		l.what = what
	}
}

// Logout removes the login; KillSession's waiters see it gone.
func (l *Login) Logout() {
	l.eng.logins.mu.Lock()
	defer l.eng.logins.mu.Unlock()
	if l.eng.logins.m[l.ID] == l { // its number may be someone else's by now
		delete(l.eng.logins.m, l.ID)
	}
	l.goneOnce.Do(func() { close(l.gone) })
}

func (l *Login) info() LoginInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return LoginInfo{ID: l.ID, Session: l.Session, User: l.User, TTY: l.tty, From: l.from, What: l.what, Since: l.Since, Last: l.last}
}

// Logins lists the current sessions by login order.
func (e *Engine) Logins() []LoginInfo {
	e.logins.mu.Lock()
	ls := make([]*Login, 0, len(e.logins.m))
	for _, l := range e.logins.m {
		ls = append(ls, l)
	}
	e.logins.mu.Unlock()
	sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
	out := make([]LoginInfo, len(ls))
	for i, l := range ls {
		out[i] = l.info()
	}
	return out
}

// logout ends the sessions match selects, except self (a user logging
// themselves out ends with exit); it returns how many it ended.
func (e *Engine) logout(self *Login, match func(LoginInfo) bool) int {
	e.logins.mu.Lock()
	var kills []func()
	for _, l := range e.logins.m {
		if l == self || !match(l.info()) {
			continue
		}
		l.mu.Lock()
		if l.kill != nil {
			kills = append(kills, l.kill)
			delete(e.logins.m, l.ID) // gone now, whenever its front end notices
		}
		l.mu.Unlock()
	}
	e.logins.mu.Unlock()
	for _, k := range kills {
		k() // outside the lock: the session's cleanup logs it out
	}
	return len(kills)
}

// KillSession ends the login whose management session id is session
// through its front end's kill (NETCONF's kill-session of a CLI session).
// ok is false when there is no such login or it cannot be ended from
// here; gone is closed once the session has logged out (after its
// configuration session is released: Session.Close).
func (e *Engine) KillSession(session int) (gone <-chan struct{}, ok bool) {
	e.logins.mu.Lock()
	var l *Login
	for _, c := range e.logins.m {
		if c.Session == session {
			l = c
		}
	}
	var kill func()
	if l != nil {
		l.mu.Lock()
		kill = l.kill
		l.mu.Unlock()
	}
	e.logins.mu.Unlock()
	if kill == nil {
		return nil, false
	}
	kill() // outside the lock: the session's cleanup logs it out
	return l.gone, true
}
