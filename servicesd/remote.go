package servicesd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ipc"
)

// servicesd as its own process (`gnos servicesd`): it takes part in
// commits through configd's remote subscription (configd.RunRemote), and
// its operational commands stay in the one CLI table: the configd process
// registers the same commands (words, help, arguments, renderers) with a
// Run that forwards the RPC name and arguments to servicesd's socket,
// where the real command runs.

// CommandMethod runs one of servicesd's operational commands.
const CommandMethod = "/gnos.ServicesCLI/Run"

// CommandReq asks servicesd to run a command.
type CommandReq struct {
	RPC  string   `json:"rpc"`
	Args cli.Args `json:"args,omitempty"`
}

// CommandResp is its reply. Kind names the error's kind (errkind.Name),
// so the CLI renders a forwarded failure as it would a local one.
type CommandResp struct {
	Elem  *cli.Elem `json:"elem,omitempty"`
	Error string    `json:"error,omitempty"`
	Kind  string    `json:"kind,omitempty"`
}

// registerCommands serves CommandMethod on g.
func (s *Servicesd) registerCommands(g *grpc.Server) {
	g.RegisterService(&grpc.ServiceDesc{
		ServiceName: "gnos.ServicesCLI",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Run",
			Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				req := new(CommandReq)
				if err := dec(req); err != nil {
					return nil, err
				}
				return s.runCommand(ctx, req), nil
			},
		}},
	}, nil)
}

// runCommand runs a command from servicesd's own table.
func (s *Servicesd) runCommand(ctx context.Context, req *CommandReq) *CommandResp {
	s.cmdOnce.Do(func() {
		s.cmds = cli.NewTable()
		s.Commands(s.cmds)
	})
	select { // a servicesd that just started answers once it has the configuration
	case <-s.applied:
	case <-ctx.Done():
		return &CommandResp{Error: "servicesd is starting: " + ctx.Err().Error()}
	}
	c := s.cmds.ByRPC(req.RPC)
	if c == nil {
		return &CommandResp{Error: fmt.Sprintf("servicesd has no command %s", req.RPC)}
	}
	e, err := c.Run(ctx, nil, req.Args, nil, io.Discard)
	if err != nil {
		return &CommandResp{Error: err.Error(), Kind: errkind.Name(err)}
	}
	return &CommandResp{Elem: e}
}

// RemoteCommands adds servicesd's commands to t, each forwarded to the
// servicesd process over a connection dial opens when first needed (and
// again after a failure). Close the returned Remote when done.
func RemoteCommands(t *cli.Table, dial func() (*grpc.ClientConn, error)) *Remote {
	r := &Remote{dial: dial}
	defs := cli.NewTable()
	(&Servicesd{}).Commands(defs) // the definitions; their Run is replaced
	t.Merge(defs, func(c *cli.Command) *cli.Command {
		fwd := *c
		rpc := c.RPC
		fwd.Run = func(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
			return r.call(ctx, &CommandReq{RPC: rpc, Args: a})
		}
		return &fwd
	})
	return r
}

// Remote is the connection forwarded commands use.
type Remote struct {
	dial func() (*grpc.ClientConn, error)
	mu   sync.Mutex
	cc   *grpc.ClientConn
}

func (r *Remote) call(ctx context.Context, req *CommandReq) (*cli.Elem, error) {
	r.mu.Lock()
	if r.cc == nil {
		cc, err := r.dial()
		if err != nil {
			r.mu.Unlock()
			return nil, fmt.Errorf("servicesd is not reachable: %w", err)
		}
		r.cc = cc
	}
	cc := r.cc
	r.mu.Unlock()
	resp, err := ipc.Call[CommandReq, CommandResp](ctx, cc, CommandMethod, req)
	if err != nil {
		r.mu.Lock()
		if r.cc == cc { // dial afresh next time (servicesd may have restarted)
			r.cc.Close()
			r.cc = nil
		}
		r.mu.Unlock()
		return nil, fmt.Errorf("servicesd is not reachable: %w", err)
	}
	if resp.Error != "" {
		if k := errkind.Parse(resp.Kind); k != nil {
			return nil, errkind.Errorf(k, "%s", resp.Error)
		}
		return nil, errors.New(resp.Error)
	}
	return resp.Elem, nil
}

// Close drops the connection.
func (r *Remote) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cc != nil {
		r.cc.Close()
		r.cc = nil
	}
}

// cmdTable is servicesd's own command table, for forwarded commands.
type cmdTable struct {
	cmdOnce sync.Once
	cmds    *cli.Table
}
