package cli_test

import (
	"context"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit/nodekit"
)

// TestClientInterrupt: an interrupt from the front end (Ctrl-C) ends the
// running line's context over the management socket, and the session
// goes on; an interrupt between lines changes nothing.
func TestClientInterrupt(t *testing.T) {
	n, _ := startNode(t)
	started := nodekit.AddBlockingCommand(n)
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Interrupt(); err != nil { // between lines: ignored
		t.Fatal(err)
	}
	type result struct {
		r   *cli.Response
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := c.Exec("show test-blocking")
		done <- result{r, err}
	}()
	<-started
	if err := c.Interrupt(); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.err != nil || res.r.Output != "stopped: context canceled\n" {
		t.Fatalf("got %+v, %v; want the command stopped by the interrupt", res.r, res.err)
	}
	r, err := c.Exec("show version")
	if err != nil || r.Failed {
		t.Fatalf("session after the interrupt: %+v, %v", r, err)
	}
}
