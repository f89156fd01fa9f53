package netconf

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/loginthrottle"
)

// Config configures a Server.
type Config struct {
	Configd *configd.Configd
	CLI     *cli.Engine
	DataDir string // the SSH host key is kept here
	Log     *slog.Logger
	Clock   clock.Clock // default: real time
	// MaxMessage bounds one NETCONF message (default 64 MiB).
	MaxMessage int
	// MaxInFlight bounds the message bytes held across all sessions at
	// once (default 4 × MaxMessage); past it a message is answered with
	// resource-denied (budget.go).
	MaxInFlight int64
	// MaxSessionsPerUser bounds the concurrent NETCONF sessions of one
	// user, over SSH and local (default 256).
	MaxSessionsPerUser int
	// Addr, when set, makes the server listen there only, serving both
	// NETCONF and the CLI whatever `system services` says (tests and
	// unprivileged runs: "127.0.0.1:0" for an ephemeral port).
	Addr string
	// LoginDelay is the wait before answering a failed password; it
	// doubles with each recent failure of the same user from the same
	// address, up to LoginMaxDelay (defaults 250 ms and 8 s). A correct
	// password is never delayed nor refused (internal/loginthrottle).
	LoginDelay, LoginMaxDelay time.Duration
	// MaxUnauthenticated bounds the connections one address may hold
	// open before authenticating (default 100, where sshd's default
	// MaxStartups 10:30:100 refuses every new one).
	MaxUnauthenticated int
}

// HostKeyFile is the SSH host key's file name in the data directory.
const HostKeyFile = "ssh_host_ed25519_key"

// Server is the SSH server: the NETCONF subsystem, the CLI login shell
// and exec, and the local NETCONF service behind `gnos netconf`. It is a
// configd subscriber: each commit's `system services` decides which ports
// it listens on.
//
// Locking: mu guards sessions, nextID, listeners, conns, closed and
// lockedBy. It is
// never held while calling configd (Apply is called with configd's lock
// held and only touches listeners), nor during I/O.
type Server struct {
	cfg      Config
	log      *slog.Logger
	clock    clock.Clock
	ssh      *ssh.ServerConfig
	throttle *loginthrottle.Throttle
	quit     chan struct{} // closed by Close: ends login delays
	budget   *budget       // message bytes in flight, all sessions
	started  time.Time
	stats    stats // ietf-netconf-monitoring statistics (monitoring.go)

	schemaOnce sync.Once
	schemaList []schemaInfo // the modules, read once (schemas)

	mu        sync.Mutex
	sessions  map[int]*Session
	perUser   map[string]int
	nextID    int
	listeners map[int]*listener // by port; port 0 for Config.Addr
	conns     map[*ssh.ServerConn]struct{}
	closed    bool
	lockedBy  map[int]int // configd session id of the exclusive lock → NETCONF session id

	wg sync.WaitGroup // accept loops and connections
}

// listener is one listening port and what it serves.
type listener struct {
	ln      net.Listener
	netconf bool // the netconf subsystem
	shell   bool // shell and exec (the CLI)
}

// New loads (or creates) the host key and prepares the server; Start
// begins listening.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 64 << 20
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 4 * int64(cfg.MaxMessage)
	}
	if cfg.MaxSessionsPerUser <= 0 {
		cfg.MaxSessionsPerUser = 256
	}
	if cfg.LoginDelay <= 0 {
		cfg.LoginDelay = 250 * time.Millisecond
	}
	if cfg.LoginMaxDelay < cfg.LoginDelay {
		cfg.LoginMaxDelay = max(8*time.Second, cfg.LoginDelay)
	}
	if cfg.MaxUnauthenticated <= 0 {
		cfg.MaxUnauthenticated = 100
	}
	key, err := hostKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Log, clock: cfg.Clock, started: cfg.Clock.Now(),
		throttle: loginthrottle.New(cfg.Clock, cfg.LoginDelay, cfg.LoginMaxDelay, cfg.MaxUnauthenticated),
		quit:     make(chan struct{}),
		budget:   newBudget(cfg.MaxInFlight),
		sessions: map[int]*Session{}, perUser: map[string]int{},
		listeners: map[int]*listener{}, conns: map[*ssh.ServerConn]struct{}{}, lockedBy: map[int]int{}}
	s.ssh = &ssh.ServerConfig{
		Config:            sshConfig(),
		PasswordCallback:  s.checkPassword,
		PublicKeyCallback: s.checkKey,
		BannerCallback:    func(ssh.ConnMetadata) string { return LoginMessage(s.cfg.Configd.Active()) },
		MaxAuthTries:      3,
		ServerVersion:     "SSH-2.0-gnos",
	}
	s.ssh.AddHostKey(key)
	return s, nil
}

// hostKey reads DIR/ssh_host_ed25519_key, creating it on first start.
func hostKey(dir string) (ssh.Signer, error) {
	path := filepath.Join(dir, HostKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("netconf: host key: %w", err)
		}
		blk, err := ssh.MarshalPrivateKey(priv, "gnos host key")
		if err != nil {
			return nil, fmt.Errorf("netconf: host key: %w", err)
		}
		b = pem.EncodeToMemory(blk)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("netconf: host key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("netconf: host key: %w", err)
	}
	k, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("netconf: host key %s: %w", path, err)
	}
	return k, nil
}

// Start listens on Config.Addr when set, and subscribes to commits so
// `system services` opens and closes the configured ports.
func (s *Server) Start(ctx context.Context) error {
	if s.cfg.Addr != "" {
		ln, err := net.Listen("tcp", s.cfg.Addr)
		if err != nil {
			return fmt.Errorf("netconf: %w", err)
		}
		s.mu.Lock()
		s.listeners[0] = &listener{ln: ln, netconf: true, shell: true}
		s.mu.Unlock()
		s.log.Info("netconf: listening (NETCONF and CLI)", "addr", ln.Addr().String())
		s.wg.Add(1)
		go s.accept(s.listeners[0])
	}
	s.cfg.Configd.Subscribe(ctx, s)
	return nil
}

// Addr is the address of the Config.Addr listener, or of the configured
// NETCONF port; nil when not listening.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.listeners[0]; l != nil {
		return l.ln.Addr()
	}
	for _, l := range s.listeners {
		if l.netconf {
			return l.ln.Addr()
		}
	}
	return nil
}

// Close stops listening, ends every session and connection, and waits.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.closed {
		close(s.quit)
	}
	s.closed = true
	for p, l := range s.listeners {
		l.ln.Close()
		delete(s.listeners, p)
	}
	for c := range s.conns {
		c.Close()
	}
	for _, ss := range s.sessions {
		ss.kill()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// Name, Validate, Prepare, Abort and Apply make the server a configd
// subscriber. Only Apply does anything: it reconciles the listeners with
// `system services`.
func (s *Server) Name() string                                    { return "netconf" }
func (s *Server) Validate(context.Context, *configd.Commit) error { return nil }
func (s *Server) Prepare(context.Context, *configd.Commit) error  { return nil }
func (s *Server) Abort(context.Context, *configd.Commit)          {}

// Apply opens the ports `system services` asks for and closes the others.
// A port that cannot be opened (privileged, in use) is logged and left
// closed; the other listeners are unaffected.
func (s *Server) Apply(_ context.Context, c *configd.Commit) {
	if s.cfg.Addr != "" || c.Check {
		return
	}
	want := wantedListeners(c.New)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for port, l := range s.listeners {
		w, ok := want[port]
		if !ok {
			l.ln.Close()
			delete(s.listeners, port)
			s.log.Info("netconf: stopped listening", "port", port)
			continue
		}
		l.netconf, l.shell = w.netconf, w.shell
	}
	for port, w := range want {
		if _, ok := s.listeners[port]; ok {
			continue
		}
		ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
		if err != nil {
			if port < 1024 && os.Geteuid() != 0 {
				hint := "configure a port above 1023 with `set system services netconf ssh port N`"
				if w.shell {
					hint = "configure a port above 1023 with `set system services ssh port N`"
				}
				s.log.Error("netconf: cannot listen on a privileged port without root (or CAP_NET_BIND_SERVICE); "+hint,
					"port", port, "err", err)
			} else {
				s.log.Error("netconf: cannot listen", "port", port, "err", err)
			}
			continue
		}
		l := &listener{ln: ln, netconf: w.netconf, shell: w.shell}
		s.listeners[port] = l
		s.log.Info("netconf: listening", "port", port, "netconf", w.netconf, "cli", w.shell)
		s.wg.Add(1)
		go s.accept(l)
	}
}

// wantedListeners reads `system services`: netconf ssh [port N] (default
// 830) serves the NETCONF subsystem; ssh [port N] (default 22) serves the
// CLI (and NETCONF over `ssh -s netconf` when netconf ssh is also
// configured). One port configured for both serves both.
func wantedListeners(cfg *tree.Node) map[int]listener {
	want := map[int]listener{}
	svc := active(active(cfg.ChildNamed("system", "")).ChildNamed("services", ""))
	nc := active(active(svc.ChildNamed("netconf", "")).ChildNamed("ssh", ""))
	if nc != nil {
		want[portOf(nc, 830)] = listener{netconf: true}
	}
	if ssh := active(svc.ChildNamed("ssh", "")); ssh != nil {
		port := portOf(ssh, 22)
		w := want[port]
		w.shell, w.netconf = true, nc != nil
		want[port] = w
	}
	return want
}

// portOf is n's port leaf, or def.
func portOf(n *tree.Node, def int) int {
	if v, ok := n.Leaf("port"); ok {
		if p, err := strconv.Atoi(v); err == nil {
			return p
		}
	}
	return def
}

// active returns n unless it is inactive.
func active(n *tree.Node) *tree.Node {
	if n == nil || n.Inactive {
		return nil
	}
	return n
}

// lockHolder is the session-id of the session holding the exclusive
// configuration lock, for lock-denied's error-info: a NETCONF session's,
// or a CLI session's in `configure exclusive` (CLI and NETCONF sessions
// share one id space, cli.Engine.NewSessionID, as Junos' mgd pids do);
// 0 when no management session owns the lock, as RFC 6241 appendix A asks
// for a holder outside NETCONF.
func (s *Server) lockHolder() int {
	for _, si := range s.cfg.Configd.Sessions() {
		if si.Mode == configd.Exclusive {
			if si.Owner != 0 {
				return si.Owner
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.lockedBy[si.ID]
		}
	}
	return 0
}

// setLockHolder records (id > 0) or forgets (id 0) which NETCONF session
// holds the lock taken by configd session cfgID.
func (s *Server) setLockHolder(cfgID, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == 0 {
		delete(s.lockedBy, cfgID)
	} else {
		s.lockedBy[cfgID] = id
	}
}
