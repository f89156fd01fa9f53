package gnmi

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/loginthrottle"
)

// Config configures a Server.
type Config struct {
	Configd *configd.Configd
	DataDir string // local certificates are under DATA/certs
	Log     *slog.Logger
	Clock   clock.Clock // default: real time
	// Addr, when set, makes the server listen there in clear text
	// whatever `system services` says (tests: "127.0.0.1:0").
	Addr string
	// State fills the state tree (/state); nil: only commit history.
	State StateSource
	// QueueLen bounds the notifications queued for one subscription
	// (default 1024); a collector that lets it fill is disconnected.
	QueueLen int
	// LoginDelay is the wait before answering a wrong password; it
	// doubles with each recent failure of the same user from the same
	// address, up to LoginMaxDelay (defaults 250 ms and 8 s, as SSH's).
	LoginDelay, LoginMaxDelay time.Duration
}

// Server is the gNMI server.
//
// Locking: mu guards cur, srv, lis and closed; it is never held while
// calling configd (Apply runs under configd's lock and only touches
// the listener). The commit watchers are under subs' own lock.
type Server struct {
	gpb.UnimplementedGNMIServer
	cfg   Config
	log   *slog.Logger
	clock clock.Clock
	subs  commitWatchers
	// slowDrops counts subscriptions dropped for a full queue.
	slowDrops atomic.Uint64

	throttle *loginthrottle.Throttle // failed logins (auth.go)
	authMu   sync.Mutex
	verified map[string]struct{} // credentials verified (auth.go)

	mu     sync.Mutex
	cur    *endpoint // what is listening; nil: nothing
	host   string    // system host-name of the last commit
	srv    *grpc.Server
	lis    net.Listener
	closed bool
	wg     sync.WaitGroup
}

// New prepares a server; Start begins listening.
func New(cfg Config) (*Server, error) {
	if cfg.Configd == nil {
		return nil, fmt.Errorf("gnmi: configd is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = 1024
	}
	if cfg.LoginDelay <= 0 {
		cfg.LoginDelay = 250 * time.Millisecond
	}
	if cfg.LoginMaxDelay < cfg.LoginDelay {
		cfg.LoginMaxDelay = max(8*time.Second, cfg.LoginDelay)
	}
	// gRPC multiplexes calls on few connections: only the delay applies,
	// not the unauthenticated-connection bound (maxPending unused).
	th := loginthrottle.New(cfg.Clock, cfg.LoginDelay, cfg.LoginMaxDelay, 1)
	return &Server{cfg: cfg, log: cfg.Log, clock: cfg.Clock, throttle: th}, nil
}

// Start listens on Config.Addr when set and subscribes to commits (the
// configured listener, ON_CHANGE of commits).
func (s *Server) Start(ctx context.Context) error {
	if s.cfg.Addr != "" {
		s.mu.Lock()
		err := s.listenLocked(endpoint{addr: s.cfg.Addr, maxConns: 1 << 20})
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	s.cfg.Configd.Subscribe(ctx, s)
	s.cfg.Configd.Subscribe(ctx, &s.subs)
	return nil
}

// Addr is the listening address, or nil.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lis == nil {
		return nil
	}
	return s.lis.Addr()
}

// Close stops listening and ends every RPC.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.stopLocked()
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// listenLocked starts a gRPC server for ep.
func (s *Server) listenLocked(ep endpoint) error {
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(s.unaryAuth),
		grpc.ChainStreamInterceptor(s.streamAuth),
		grpc.MaxRecvMsgSize(64 << 20),
	}
	if ep.tls {
		host, _ := s.hostName()
		crt, err := loadCertificate(s.cfg.DataDir, ep.certificate, host, s.clock.Now())
		if err != nil {
			return err
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{crt}, MinVersion: tls.VersionTLS12})))
	}
	ln, err := net.Listen("tcp", ep.addr)
	if err != nil {
		return fmt.Errorf("gnmi: %w", err)
	}
	srv := grpc.NewServer(opts...)
	gpb.RegisterGNMIServer(srv, s)
	s.srv, s.lis, s.cur = srv, ln, &ep
	s.log.Info("gnmi: listening", "addr", ln.Addr().String(), "tls", ep.tls, "max-connections", ep.maxConns)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(&limitListener{Listener: ln, max: ep.maxConns})
	}()
	return nil
}

// stopLocked stops the running gRPC server, if any. grpc's Stop does not
// wait for handlers, so it is safe under configd's lock (Apply) even
// while a Set waits for that lock.
func (s *Server) stopLocked() {
	if s.srv == nil {
		return
	}
	s.srv.Stop()
	s.log.Info("gnmi: stopped listening", "addr", s.lis.Addr().String())
	s.srv, s.lis, s.cur = nil, nil, nil
}

// hostName is the committed system host-name (set by Apply), for
// issued certificates.
func (s *Server) hostName() (string, bool) {
	return s.host, s.host != ""
}
