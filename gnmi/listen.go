package gnmi

import (
	"context"
	"net"
	"strconv"
	"sync"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

// endpoint is what `system services extension-service request-response
// grpc` asks for: one listening address, TLS or clear text, a connection
// limit.
type endpoint struct {
	addr        string // host:port
	tls         bool
	certificate string // local-certificate name (tls only)
	maxConns    int
}

// grpcPath is where the service is configured.
var grpcPath = []string{"system", "services", "extension-service", "request-response", "grpc"}

// wanted reads the endpoint from a configuration; ok is false when the
// service is not configured (or inactive).
func wanted(cfg *tree.Node) (endpoint, bool) {
	n := cfg
	for _, name := range grpcPath {
		if n = n.ActiveChild(name); n == nil {
			return endpoint{}, false
		}
	}
	ep := endpoint{maxConns: 5, addr: ":32767"}
	if v, ok := n.Leaf("max-connections"); ok {
		if m, err := strconv.Atoi(v); err == nil {
			ep.maxConns = m
		}
	}
	t := n.ActiveChild("ssl")
	if t == nil {
		t = n.ActiveChild("clear-text")
	} else {
		ep.tls = true
		for _, c := range t.ActiveNamed("local-certificate") {
			ep.certificate = c.Value
			break
		}
	}
	if t == nil {
		return ep, true // max-connections alone: TLS on 32767, which needs a certificate
	}
	port := "32767"
	if v, ok := t.Leaf("port"); ok {
		port = v
	}
	host, _ := t.Leaf("address")
	ep.addr = net.JoinHostPort(host, port)
	return ep, true
}

// Name, Validate, Prepare, Abort and Apply make the server a configd
// subscriber: Validate refuses a TLS service without a usable
// certificate, Apply (re)starts or stops the listener.
func (s *Server) Name() string { return "gnmi" }

// Validate refuses ssl without local-certificate, and a certificate that
// exists but cannot be loaded.
func (s *Server) Validate(_ context.Context, c *configd.Commit) error {
	ep, ok := wanted(c.New)
	if !ok || !ep.tls {
		return nil
	}
	at := schemaPath(c.New, grpcPath)
	if ep.certificate == "" {
		return configd.PathDiagnostic(at, "ssl", "local-certificate is required for ssl")
	}
	if err := checkCertificate(s.cfg.DataDir, ep.certificate); err != nil {
		return configd.PathDiagnostic(at, "ssl", "%v", err)
	}
	return nil
}

func (s *Server) Prepare(context.Context, *configd.Commit) error { return nil }
func (s *Server) Abort(context.Context, *configd.Commit)         {}

// Apply starts, restarts or stops the listener as the new configuration
// says. A port that cannot be opened is logged; the commit stands.
func (s *Server) Apply(_ context.Context, c *configd.Commit) {
	if c.Check || s.cfg.Addr != "" {
		return
	}
	ep, ok := wanted(c.New)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host, _ = c.New.ActiveChild("system").Leaf("host-name")
	if s.closed || (ok && s.cur != nil && *s.cur == ep) || (!ok && s.cur == nil) {
		return
	}
	s.stopLocked()
	if !ok {
		return
	}
	if err := s.listenLocked(ep); err != nil {
		s.log.Error("gnmi: cannot listen", "addr", ep.addr, "err", err)
	}
}

// schemaPath resolves container names from the root of cfg into a path
// (for diagnostics).
func schemaPath(cfg *tree.Node, names []string) tree.Path {
	var p tree.Path
	s := cfg.S
	for _, n := range names {
		if s = s.Child(n); s == nil {
			break
		}
		p = append(p, tree.Step{S: s})
	}
	return p
}

// limitListener refuses connections beyond max open at once: the excess
// is closed at accept, as Junos refuses past max-connections.
type limitListener struct {
	net.Listener
	mu   sync.Mutex
	open int
	max  int
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.open >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open++
		l.mu.Unlock()
		return &limitConn{Conn: c, l: l}, nil
	}
}

type limitConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *limitConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
