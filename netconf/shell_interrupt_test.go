package netconf_test

import (
	"context"
	"io"
	"testing"

	"github.com/gnos/gnos/cli"
)

// TestShellInterrupt: Ctrl-C while a command runs (ping, in live mode)
// ends the command's context; what was typed ahead still reaches the
// prompt.
func TestShellInterrupt(t *testing.T) {
	n, _ := startNode(t)
	started := make(chan struct{}, 1)
	n.CLI.Ops.Add(&cli.Command{Words: []string{"show", "test-blocking"}, RPC: "test-blocking",
		Run: func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
			started <- struct{}{}
			<-ctx.Done()
			return &cli.Elem{Name: "x", Text: "stopped: " + ctx.Err().Error()}, nil
		}})
	in, out := shell(t, n, "admin")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show test-blocking\r")
	<-started
	io.WriteString(in, "show version\r\x03")
	waitFor(t, out, "^C\r\nstopped: context canceled\r\n")
	waitFor(t, out, "Hostname: lab1\r\n")
}
