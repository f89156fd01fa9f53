package netconf

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/internal/loginthrottle"
)

// handshakeTimeout bounds the SSH handshake and authentication.
const handshakeTimeout = 30 * time.Second

func (s *Server) accept(l *listener) {
	defer s.wg.Done()
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		s.wg.Add(1)
		go s.serveConn(nc, l)
	}
}

// checkPassword authenticates against `system login user U
// authentication encrypted-password`. A failure is logged and answered
// after the throttle's growing delay for that user and address; a correct
// password is answered at once, whatever failed before.
func (s *Server) checkPassword(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
	host := loginthrottle.HostOf(c.RemoteAddr())
	cfg := s.cfg.Configd.Active()
	a, ok := LookupAccount(cfg, c.User())
	if ok && a.Name == "root" && RootLogin(cfg) != "allow" {
		ok = false // root-login deny or deny-password: no password for root
	}
	if !ok || !a.CheckPassword(string(pw)) {
		d := s.throttle.Fail(c.User(), host)
		s.log.Warn(fmt.Sprintf("Login failed for user '%s' from host '%s'", c.User(), host),
			"tag", "SSHD_LOGIN_FAILED", "facility", "authorization", "process", "sshd",
			"user", c.User(), "from", host, "method", "password", "delay", d)
		loginthrottle.Wait(s.clock, d, s.quit)
		return nil, errAuth
	}
	return s.permit(a, host, "password")
}

// checkKey authenticates with ssh-rsa / ssh-ed25519 keys. A key that is
// not the user's is not a failure (clients offer several keys).
func (s *Server) checkKey(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	host := loginthrottle.HostOf(c.RemoteAddr())
	cfg := s.cfg.Configd.Active()
	a, ok := LookupAccount(cfg, c.User())
	if ok && a.Name == "root" && RootLogin(cfg) == "deny" {
		ok = false
	}
	if !ok || !a.HasKey(key) {
		return nil, errAuth
	}
	return s.permit(a, host, "publickey")
}

// permit turns an authenticated account into permissions: its level.
func (s *Server) permit(a *Account, host, method string) (*ssh.Permissions, error) {
	lvl := ClassLevel(s.cfg.Configd.Active(), a.Class)
	if lvl == LevelNone {
		s.log.Warn("netconf: login refused: class has no permissions", "user", a.Name, "class", a.Class, "from", host)
		return nil, errAuth
	}
	s.log.Info(fmt.Sprintf("User '%s' login, class '%s', ssh-connection '%s', method '%s'", a.Name, a.Class, host, method),
		"tag", "UI_LOGIN_EVENT", "facility", "authorization", "process", "sshd")
	return &ssh.Permissions{Extensions: map[string]string{"level": strconv.Itoa(int(lvl))}}, nil
}

func (s *Server) serveConn(nc net.Conn, l *listener) {
	defer s.wg.Done()
	defer nc.Close()
	host := loginthrottle.HostOf(nc.RemoteAddr())
	if !s.throttle.Admit(host) {
		s.log.Warn("netconf: connection refused: too many unauthenticated connections", "from", host)
		return
	}
	nc.SetDeadline(s.clockless().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(nc, s.ssh)
	s.throttle.Release(host)
	if err != nil {
		s.log.Debug("netconf: ssh handshake", "from", nc.RemoteAddr().String(), "err", err)
		return
	}
	nc.SetDeadline(time.Time{})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sc.Close()
		return
	}
	s.conns[sc] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, sc)
		s.mu.Unlock()
		sc.Close()
	}()
	go ssh.DiscardRequests(reqs)
	lvl, _ := strconv.Atoi(sc.Permissions.Extensions["level"])
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go s.serveChannel(sc, ch, creqs, l, Level(lvl))
	}
}

// clockless is the wall time for network deadlines (never the fake clock).
func (s *Server) clockless() time.Time { return time.Now() }

// serveChannel answers a session channel's requests: subsystem netconf,
// shell, exec, pty-req and window-change. The first of subsystem, shell
// or exec starts the channel's work; requests keep being answered while
// it runs.
func (s *Server) serveChannel(sc *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request, l *listener, lvl Level) {
	defer s.wg.Done()
	defer ch.Close()
	started := false
	var pty atomic.Pointer[ptyRequest] // pty-req arrives on this goroutine, the shell reads it on its own
	done := make(chan struct{})
	var start func() // the channel's work, started after its request's reply
	for {
		select {
		case req, ok := <-reqs:
			if !ok {
				if started {
					<-done
				}
				return
			}
			s.mu.Lock()
			netconf, shell := l.netconf, l.shell
			s.mu.Unlock()
			ok = false
			switch req.Type {
			case "pty-req":
				pty.Store(&ptyRequest{term: sshString(req.Payload)})
				ok = true
			case "window-change", "env":
				ok = true
			case "subsystem":
				if !started && netconf && sshString(req.Payload) == "netconf" {
					ok, started = true, true
					start = func() {
						defer close(done)
						err := s.serveNETCONF(context.Background(), ch, ch, sc.User(), loginthrottle.HostOf(sc.RemoteAddr()), lvl)
						if err != nil {
							s.log.Debug("netconf: session ended", "user", sc.User(), "err", err)
						}
						code := 0
						if errors.Is(err, errTooManySessions) {
							code = 1
						}
						exit(ch, code)
					}
				}
			case "shell", "exec":
				if !started && shell {
					ok, started = true, true
					cmd := ""
					if req.Type == "exec" {
						cmd = sshString(req.Payload)
					}
					start = func() {
						defer close(done)
						exit(ch, s.serveShell(context.Background(), ch, sc.User(), loginthrottle.HostOf(sc.RemoteAddr()), func() { ch.Close() }, lvl, &pty, cmd))
					}
				}
			}
			if req.WantReply {
				req.Reply(ok, nil)
			}
			if start != nil {
				// only once the request is answered: a command that ends
				// at once must not close the channel before the reply
				go start()
				start = nil
			}
		case <-done:
			return
		}
	}
}

// ptyRequest is what a client's pty-req asked for: its terminal type
// (TERM), which decides the escape sequences the CLI may send.
type ptyRequest struct{ term string }

// exit sends exit-status and closes the channel.
func exit(ch ssh.Channel, code int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(code))
	ch.SendRequest("exit-status", false, b[:])
	ch.CloseWrite()
	ch.Close()
}

// sshString decodes an SSH string (uint32 length, bytes) from a payload.
func sshString(p []byte) string {
	if len(p) < 4 {
		return ""
	}
	n := binary.BigEndian.Uint32(p)
	if uint64(n) > uint64(len(p)-4) {
		return ""
	}
	return string(p[4 : 4+n])
}

// serveNETCONF runs one NETCONF session over r/w for user (from the
// remote host from, "" when local) at level; conn is closed to kill the
// session.
func (s *Server) serveNETCONF(ctx context.Context, rw io.ReadWriter, conn io.Closer, user, from string, lvl Level) error {
	ss, err := s.register(user, lvl, conn)
	if err != nil {
		// Say why before closing: an rpc-error in place of the hello (a
		// client logs what it could not parse as a hello) and, over SSH,
		// a line on the channel's stderr.
		var b strings.Builder
		errorList{{Type: "application", Tag: "resource-denied", Message: err.Error()}}.write(&b)
		NewWriter(rw).Write([]byte(`<rpc-reply xmlns="` + nsBase + `">` + "\n" + b.String() + "</rpc-reply>\n"))
		if ch, ok := rw.(interface{ Stderr() io.ReadWriter }); ok {
			fmt.Fprintf(ch.Stderr(), "error: %v\n", err)
		}
		return err
	}
	s.mu.Lock() // writeState reads them under mu
	ss.from, ss.since = from, s.clock.Now()
	s.mu.Unlock()
	if s.cfg.CLI != nil {
		login := s.cfg.CLI.LoginSession(ss.id, user, "netconf", from, ss.kill) // show system users, request system logout
		defer login.Logout()
	}
	ss.r = NewReader(rw, s.cfg.MaxMessage)
	ss.r.budget = s.budget
	ss.w = NewWriter(rw)
	return ss.serve(ctx)
}

// errTooManySessions refuses a session over the per-user limit.
var errTooManySessions = errors.New("netconf: too many sessions")

// register adds a session, enforcing the per-user limit.
func (s *Server) register(user string, lvl Level, conn io.Closer) (*Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("netconf: server closed")
	}
	if s.perUser[user] >= s.cfg.MaxSessionsPerUser {
		s.log.Warn("netconf: session refused: too many sessions", "user", user)
		return nil, fmt.Errorf("%w for %s (limit %d)", errTooManySessions, user, s.cfg.MaxSessionsPerUser)
	}
	s.nextID++
	id := s.nextID
	if s.cfg.CLI != nil { // one id space with the CLI sessions (cli.Engine.NewSessionID)
		id = s.cfg.CLI.NewSessionID()
	}
	ss := &Session{srv: s, id: id, user: user, level: lvl, conn: conn, done: make(chan struct{})}
	s.sessions[ss.id] = ss
	s.perUser[user]++
	return ss, nil
}

func (s *Server) unregister(ss *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[ss.id] == ss {
		delete(s.sessions, ss.id)
		if s.perUser[ss.user]--; s.perUser[ss.user] <= 0 {
			delete(s.perUser, ss.user)
		}
	}
}

// killWait bounds how long kill-session waits for its victim to release
// what it holds (two sessions killing each other wait for each other).
const killWait = 5 * time.Second

// kill ends session id (kill-session) and waits until it has released
// its locks and configuration sessions, so the caller can take them at
// once; false if there is no such session. id may be a CLI session's
// (one id space: cli.Engine.NewSessionID), ended through its login's
// kill as request system logout ends it.
func (s *Server) kill(id int) bool {
	s.mu.Lock()
	ss := s.sessions[id]
	s.mu.Unlock()
	if ss == nil {
		if s.cfg.CLI == nil {
			return false
		}
		gone, ok := s.cfg.CLI.KillSession(id)
		if !ok {
			return false
		}
		select {
		case <-gone:
		case <-time.After(killWait):
			s.log.Warn("netconf: killed CLI session has not ended yet", "session", id)
		}
		return true
	}
	ss.killedByRPC.Store(true)
	ss.kill()
	select {
	case <-ss.done:
	case <-time.After(killWait):
		s.log.Warn("netconf: killed session has not ended yet", "session", id)
	}
	return true
}

// Sessions returns how many NETCONF sessions are open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}
