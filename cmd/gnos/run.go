package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/cli/term"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/pki"
)

// run starts every daemon in this process and attaches the CLI through
// the management socket, exactly as `gnos cli` would.
func run(ctx context.Context, data string, live bool, picListen string) (int, error) {
	o := nodeOptions(data, live)
	o.PICListen = picListen
	n, err := compose.Start(ctx, o)
	if err != nil {
		return 1, err
	}
	defer n.Close()
	return client(ctx, data, "", false)
}

// daemon runs every daemon until interrupted.
func daemon(ctx context.Context, data string, live bool, picListen string) error {
	o := nodeOptions(data, live)
	o.PICListen = picListen
	return serve(ctx, o, "daemons running")
}

// configdCmd runs configd with the CLI engine, the management socket and
// NETCONF, without servicesd: `gnos servicesd` runs it as its own process
// and subscribes over the management socket.
func configdCmd(ctx context.Context, data string, live bool) error {
	o := nodeOptions(data, live)
	o.ServicesApart = true
	return serve(ctx, o, "configd running (servicesd apart: start `gnos servicesd`)")
}

// serve runs a node until interrupted, once started saying what runs
// (tests wait for it) and where its management socket is.
func serve(ctx context.Context, o compose.Options, running string) error {
	n, err := compose.Start(ctx, o)
	if err != nil {
		return err
	}
	if n.PICAddr != "" {
		fmt.Fprintf(os.Stderr, "gnos: servicesd accepts PICs of other hosts on %s (mutual TLS, CA in %s)\n", n.PICAddr, pki.Dir(o.DataDir))
	}
	fmt.Fprintf(os.Stderr, "gnos: %s; management socket %s\n", running, compose.SocketPath(o.DataDir))
	<-ctx.Done()
	return n.Close()
}

// client runs a CLI front end against the daemon's socket: one command
// (-c), a script (stdin not a terminal) or the interactive terminal.
func client(ctx context.Context, data, command string, echo bool) (int, error) {
	c, err := cli.DialSocket(ctx, compose.SocketPath(data), "cli")
	if err != nil {
		return 1, err
	}
	defer c.Close()
	if command != "" {
		failed, err := cli.RunScript(c, strings.NewReader(command), os.Stdout, echo)
		return exitCode(failed), err
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		failed, err := cli.RunScript(c, os.Stdin, os.Stdout, echo)
		return exitCode(failed), err
	}
	return 0, term.Interactive(c)
}

func exitCode(failed bool) int {
	if failed {
		return 1
	}
	return 0
}
