package ipc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/peer"
)

// TCP between hosts: gRPC's own TLS credentials (mutual TLS, the
// configurations come from internal/pki), HTTP/2 keepalives so a dead
// path is noticed even while the application is quiet, and bounded
// handshakes and connection attempts, so nothing waits on an unreachable
// peer for longer than those bounds.
const (
	// KeepaliveTime is how long a connection may be idle before a
	// keepalive ping, KeepaliveTimeout how long the ping may go
	// unanswered before the connection is closed.
	KeepaliveTime    = 10 * time.Second
	KeepaliveTimeout = 5 * time.Second
	// HandshakeTimeout bounds a server-side TLS handshake; ConnectTimeout
	// a client's connection attempt (TCP and TLS).
	HandshakeTimeout = 5 * time.Second
	ConnectTimeout   = 5 * time.Second
)

// TLSServerOptions are the server options of a TCP listener: mutual TLS
// with cfg, keepalives, a bounded handshake. refused, when set, hears of
// every handshake that failed (the peer's address and why): with TLS 1.3
// the client often sees only a closed connection, so the reason is on the
// server's side.
func TLSServerOptions(cfg *tls.Config, refused func(addr string, err error)) []grpc.ServerOption {
	creds := credentials.NewTLS(cfg)
	if refused != nil {
		creds = reporting{TransportCredentials: creds, refused: refused}
	}
	return []grpc.ServerOption{
		grpc.Creds(creds),
		grpc.ConnectionTimeout(HandshakeTimeout),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: KeepaliveTime, Timeout: KeepaliveTimeout}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: KeepaliveTime / 2, PermitWithoutStream: true}),
	}
}

// ListenTCP listens on addr ("HOST:PORT", ":PORT"; port 0 picks one).
func ListenTCP(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	return l, nil
}

// DialTLS connects to a gRPC server at addr ("HOST:PORT") with mutual TLS
// cfg. dialer, when set, makes the TCP connection (tests dial from
// another network namespace); nil is the default dialer.
func DialTLS(addr string, cfg *tls.Config, dialer func(context.Context, string) (net.Conn, error)) (*grpc.ClientConn, error) {
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(credentials.NewTLS(cfg)),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: KeepaliveTime, Timeout: KeepaliveTimeout, PermitWithoutStream: true}),
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: ConnectTimeout,
			Backoff: backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second}}),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codecV2()),
			grpc.MaxCallRecvMsgSize(MaxMessage), grpc.MaxCallSendMsgSize(MaxMessage)),
	}
	if dialer != nil {
		opts = append(opts, grpc.WithContextDialer(dialer))
	}
	c, err := grpc.NewClient("passthrough:///"+addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	return c, nil
}

// PeerCertificate returns the verified client certificate of a TLS peer;
// ok is false on a Unix socket.
func PeerCertificate(ctx context.Context) (*x509.Certificate, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return nil, false
	}
	ti, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(ti.State.PeerCertificates) == 0 {
		return nil, false
	}
	return ti.State.PeerCertificates[0], true
}

// reporting is gRPC's TLS credentials, reporting failed server handshakes.
type reporting struct {
	credentials.TransportCredentials
	refused func(addr string, err error)
}

func (r reporting) ServerHandshake(c net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, ai, err := r.TransportCredentials.ServerHandshake(c)
	if err != nil {
		r.refused(c.RemoteAddr().String(), err)
	}
	return conn, ai, err
}

func (r reporting) Clone() credentials.TransportCredentials {
	return reporting{TransportCredentials: r.TransportCredentials.Clone(), refused: r.refused}
}
