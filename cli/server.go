package cli

import (
	"context"
	"fmt"
	"io"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/internal/ipc"
)

// Wire messages of the CLI service.
type (
	// Request is one message from a front end.
	Request struct {
		Open *OpenRequest `json:"open,omitempty"`
		Line *string      `json:"line,omitempty"`
		// Lines: several lines run as a batch (batch.go); the response
		// carries each line's reply in Batch.
		Lines    []string `json:"lines,omitempty"`
		Complete *string  `json:"complete,omitempty"` // completion for this partial line
		// Interrupt stops the line running (Ctrl-C): its context ends.
		// It gets no response of its own; one arriving between lines is
		// ignored.
		Interrupt bool `json:"interrupt,omitempty"`
	}
	// OpenRequest starts the session.
	OpenRequest struct {
		Client string `json:"client"` // "cli", "ssh"
		// Stream: send the output of streaming commands (ping) in
		// Partial responses as it comes (stream.go).
		Stream bool `json:"stream,omitempty"`
	}
	// Response answers a Request.
	Response struct {
		Result
		Prompt      string       `json:"prompt"`
		Banner      string       `json:"banner,omitempty"`
		Completions []Completion `json:"completions,omitempty"`
		// Partial: output of the line still running; the line's own
		// response follows.
		Partial bool `json:"partial,omitempty"`
		// Batch: the replies of the lines of a Lines request that ran,
		// in order (the outer prompt and banner are the last one's).
		Batch []Response `json:"batch,omitempty"`
	}
)

// SessionMethod is the full name of the CLI stream.
const SessionMethod = "/gnos.CLI/Session"

// Register adds the CLI service to a gRPC server. The user of a session
// is the owner of the connecting process (SO_PEERCRED on the Unix socket):
// the socket itself is owner-only, so this names who is at the terminal.
func (e *Engine) Register(s *grpc.Server) {
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: "gnos.CLI",
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName: "Session", ClientStreams: true, ServerStreams: true,
			Handler: func(_ any, st grpc.ServerStream) error { return e.serve(st) },
		}},
	}, nil)
}

func (e *Engine) serve(st grpc.ServerStream) error {
	ctx := st.Context()
	var req Request
	if err := st.RecvMsg(&req); err != nil {
		return err
	}
	if req.Open == nil {
		return fmt.Errorf("cli: first message must open the session")
	}
	user := ipc.PeerUser(ctx)
	release, err := e.Acquire(user)
	if err != nil {
		return status.Error(codes.ResourceExhausted, err.Error())
	}
	defer release()
	s := e.NewSession(user, req.Open.Client)
	defer s.Close()
	if req.Open.Stream {
		// from the goroutine running the line, while the loop below
		// waits for it: one sender at a time
		s.Stream(func(chunk string) {
			st.SendMsg(&Response{Result: Result{Output: chunk, Caret: -1}, Partial: true})
		})
	}
	// request system logout ends the session: the receive loop runs
	// apart, so a kill is seen while the client is idle.
	killed := make(chan struct{})
	var once sync.Once
	s.login.SetOrigin("", func() { once.Do(func() { close(killed) }) })
	if err := st.SendMsg(&Response{Result: Result{Caret: -1}, Prompt: s.Prompt(), Banner: s.Banner()}); err != nil {
		return err
	}
	reqs, errc := receive(st)
	for {
		var req Request
		select {
		case <-killed:
			return st.SendMsg(&Response{Result: Result{Output: "\nSession terminated by request system logout\n", Exit: true, Caret: -1}})
		case req = <-reqs:
		case err := <-errc:
			if err == io.EOF {
				return nil
			}
			return err
		case req = <-reqs:
		}
		var resp Response
		switch {
		case req.Line != nil:
			r, err := execInterruptible(ctx, s, *req.Line, reqs, errc)
			if err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			resp.Result = r
		case len(req.Lines) > 0:
			batch, err := runInterruptible(ctx, reqs, errc, func(lctx context.Context) []Response { return s.ExecBatch(lctx, req.Lines) })
			if err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			resp.Batch = batch
			resp.Result.Caret, resp.Exit = -1, batch[len(batch)-1].Exit
		case req.Complete != nil:
			resp.Result.Caret = -1
			resp.Completions = s.Complete(*req.Complete)
		default:
			continue // an interrupt after its line ended
		}
		resp.Prompt, resp.Banner = s.Prompt(), s.Banner()
		if err := st.SendMsg(&resp); err != nil {
			return err
		}
		if resp.Exit {
			return nil
		}
	}
}

// receive reads the stream's requests in a goroutine, so that a running
// line can hear an interrupt. It ends with the stream.
func receive(st grpc.ServerStream) (<-chan Request, <-chan error) {
	reqs, errc := make(chan Request), make(chan error, 1)
	go func() {
		for {
			var req Request
			if err := st.RecvMsg(&req); err != nil {
				errc <- err
				return
			}
			select {
			case reqs <- req:
			case <-st.Context().Done():
				return
			}
		}
	}()
	return reqs, errc
}

// execInterruptible runs line; an Interrupt request meanwhile cancels its
// context. A front end sends nothing else while a line runs; the stream's
// end is returned once the line has ended.
func execInterruptible(ctx context.Context, s *Session, line string, reqs <-chan Request, errc <-chan error) (Result, error) {
	return runInterruptible(ctx, reqs, errc, func(lctx context.Context) Result { return s.Exec(lctx, line) })
}

// runInterruptible runs fn (a line or a batch) in a goroutine; an
// Interrupt request meanwhile cancels its context.
func runInterruptible[T any](ctx context.Context, reqs <-chan Request, errc <-chan error, fn func(context.Context) T) (T, error) {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan T, 1)
	go func() { done <- fn(lctx) }()
	var streamErr error
	for {
		select {
		case r := <-done:
			return r, streamErr
		case req := <-reqs:
			if req.Interrupt {
				cancel()
			}
		case err := <-errc:
			streamErr = err
			errc = nil
			cancel()
		}
	}
}
