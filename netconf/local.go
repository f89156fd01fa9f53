package netconf

import (
	"io"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/ipc"
)

// LocalMethod is the gRPC stream behind `gnos netconf`: raw NETCONF bytes
// in both directions over the owner-only management socket.
const LocalMethod = "/gnos.NETCONF/Session"

// Chunk is one message of the local stream: a piece of the byte stream.
type Chunk struct {
	Data []byte `json:"data"`
}

// RegisterLocal adds the local NETCONF service to the management socket's
// gRPC server. Whoever can open the owner-only socket owns the daemon, so
// the session runs as that user with the super-user class, as the local
// CLI does.
func (s *Server) RegisterLocal(g *grpc.Server) {
	g.RegisterService(&grpc.ServiceDesc{
		ServiceName: "gnos.NETCONF",
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName: "Session", ClientStreams: true, ServerStreams: true,
			Handler: func(_ any, st grpc.ServerStream) error { return s.serveLocal(st) },
		}},
	}, nil)
}

// streamRW adapts a gRPC stream of Chunks to an io.ReadWriteCloser.
// Close makes the handler return, which ends the stream.
type streamRW struct {
	st   grpc.ServerStream
	buf  []byte
	done chan struct{}
	once sync.Once
}

func (s *streamRW) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		var c Chunk
		if err := s.st.RecvMsg(&c); err != nil {
			return 0, io.EOF
		}
		s.buf = c.Data
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func (s *streamRW) Write(p []byte) (int, error) {
	if err := s.st.SendMsg(&Chunk{Data: p}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *streamRW) Close() error {
	s.once.Do(func() { close(s.done) })
	return nil
}

func (s *Server) serveLocal(st grpc.ServerStream) error {
	rw := &streamRW{st: st, done: make(chan struct{})}
	ended := make(chan error, 1)
	go func() { ended <- s.serveNETCONF(st.Context(), rw, rw, ipc.PeerUser(st.Context()), LevelConfigure, "") }()
	select {
	case err := <-ended:
		return err
	case <-rw.done: // killed
		return nil
	}
}
