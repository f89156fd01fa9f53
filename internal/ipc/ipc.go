// Package ipc is the plumbing daemons and clients talk through: gRPC over
// a Unix socket (or, for PIC daemons on other hosts, TCP with mutual TLS,
// keepalives and bounded handshakes: tcp.go) with a JSON codec,
// so messages are plain Go structs and no protoc step is needed. The same
// code path serves in-process and multi-process deployments: `gnos run`
// connects its CLI to its own socket exactly as `gnos cli` does.
package ipc

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// MaxMessage bounds any message a peer may send (4 MiB is gRPC's default;
// configuration loads travel as files, not messages).
const MaxMessage = 64 << 20

// NewServer returns a gRPC server using the JSON codec.
func NewServer(opts ...grpc.ServerOption) *grpc.Server {
	opts = append([]grpc.ServerOption{grpc.ForceServerCodecV2(codecV2()),
		grpc.MaxRecvMsgSize(MaxMessage), grpc.MaxSendMsgSize(MaxMessage)}, opts...)
	return grpc.NewServer(opts...)
}

// ListenUnix listens on an owner-only Unix socket at path, replacing a stale
// socket file. The directory is created 0700.
func ListenUnix(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("ipc: %s: another daemon is already listening", path)
	}
	_ = os.Remove(path)
	old := umask(0o177)
	l, err := net.Listen("unix", path)
	umask(old)
	if err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("ipc: %w", err)
	}
	return l, nil
}

// DialUnix connects to the socket at path.
func DialUnix(path string) (*grpc.ClientConn, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("ipc: no daemon at %s (is `gnos daemon` running?): %w", path, err)
	}
	abs, err := filepath.Abs(path) // gRPC reads "unix://relative/..." as an authority
	if err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	return Dial("unix://" + abs)
}

// Dial connects to a gRPC target ("unix:///path" or "host:port").
func Dial(target string) (*grpc.ClientConn, error) {
	c, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codecV2()),
			grpc.MaxCallRecvMsgSize(MaxMessage), grpc.MaxCallSendMsgSize(MaxMessage)))
	if err != nil {
		return nil, fmt.Errorf("ipc: %w", err)
	}
	return c, nil
}

// Stream is a typed bidirectional stream.
type Stream[Send, Recv any] struct{ grpc.ClientStream }

// Send sends one message.
func (s Stream[Send, Recv]) Send(m *Send) error { return s.SendMsg(m) }

// Recv receives one message.
func (s Stream[Send, Recv]) Recv() (*Recv, error) {
	m := new(Recv)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// OpenStream opens the bidirectional stream method ("/service/Method").
func OpenStream[Send, Recv any](ctx context.Context, cc *grpc.ClientConn, method string) (Stream[Send, Recv], error) {
	desc := &grpc.StreamDesc{StreamName: method, ClientStreams: true, ServerStreams: true}
	s, err := cc.NewStream(ctx, desc, method)
	return Stream[Send, Recv]{s}, err
}

// Call makes a unary call.
func Call[Req, Resp any](ctx context.Context, cc *grpc.ClientConn, method string, req *Req) (*Resp, error) {
	resp := new(Resp)
	if err := cc.Invoke(ctx, method, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}
