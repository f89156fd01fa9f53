// Package compose is gnos' composition root: the one package that knows
// every component and wires them into a running system — the store,
// configd, the CLI engine behind the management socket, servicesd, the PIC
// daemons, the interface manager and the NETCONF server. Nothing imports
// it but the commands (cmd/gnos) and integration tests; the components it
// composes never import each other through it. `gnos run` and
// `gnos daemon` start one; integration tests start one on a temporary
// directory with a fake clock, which makes it the in-process harness.
package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/cli/services"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/eventlog"
	"github.com/gnos/gnos/firewall"
	"github.com/gnos/gnos/ifmgr"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/netconf"
	"github.com/gnos/gnos/pic/picd"
	_ "github.com/gnos/gnos/pic/plugins/all" // built-in service plugins
	"github.com/gnos/gnos/servicesd"
	"github.com/vishvananda/netns"
	"google.golang.org/grpc"
)

// Options configure a node.
type Options struct {
	DataDir string
	Clock   clock.Clock // default: real time
	Log     *slog.Logger
	NoSync  bool // store without fsync: tests and benchmarks only
	// NetconfAddr, when set, makes the SSH server (NETCONF and CLI logins)
	// listen there instead of on the ports `system services` configures;
	// tests use "127.0.0.1:0" for an ephemeral port.
	NetconfAddr string
	// Live, when set, runs the live data plane (needs root): the
	// interface manager programs Linux from the configuration and the
	// in-process picds service real traffic through TUN service
	// interfaces. Unset, gnos touches no Linux interface.
	Live *Live
	// ServicesApart: servicesd runs as its own process (`gnos servicesd`,
	// StartServices). This node serves configd's commit subscriptions
	// to it and answers servicesd's commands through its socket; it starts
	// neither servicesd nor PIC daemons.
	ServicesApart bool
	// PICListen, when set ("HOST:PORT", ":PORT"), makes servicesd accept
	// PICs of other hosts there over TCP with mutual TLS (remote.go).
	PICListen string
}

// Live configures the live data plane.
type Live struct {
	// NetNS is the network namespace gnos manages; zero or
	// (netns.None()): the one it runs in.
	NetNS netns.NsHandle
}

// Node is a running gnos system.
type Node struct {
	Opts    Options
	Store   *db.Store
	Configd *configd.Configd
	CLI     *cli.Engine
	// servicesd and the in-process PIC daemons (issue 4).
	Services *servicesd.Servicesd
	PICs     *picd.Supervisor
	Ifmgr    *ifmgr.Manager    // the live data plane's interface manager, or nil
	Firewall *firewall.Manager // the live data plane's firewall filters (nftables), or nil
	Events   *eventlog.Log     // the system log (system syslog)
	Netconf  *netconf.Server   // SSH server: NETCONF, CLI logins
	grpc     *grpc.Server
	lis      net.Listener
	// servicesClient answers servicesd's commands when it runs apart.
	servicesClient *servicesd.Client
	// PICAddr is where servicesd listens for PICs of other hosts, if it does.
	PICAddr string
	done    chan error
}

// SocketPath is the management socket under a data directory.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, "gnos.sock") }

// DialServicesd returns a dialer of servicesd's socket under a data
// directory: how picds and the CLI side of a servicesd apart
// reach it.
func DialServicesd(dataDir string) func() (*grpc.ClientConn, error) {
	return func() (*grpc.ClientConn, error) { return ipc.DialUnix(servicesd.SocketPath(dataDir)) }
}

// PICStateDir is where the picds of a data directory keep their session
// snapshots (pic/picd/snapshot.go).
func PICStateDir(dataDir string) string { return filepath.Join(dataDir, "pic") }

// Start opens the store and starts the daemons and the management socket.
func Start(ctx context.Context, o Options) (*Node, error) {
	if o.DataDir == "" {
		return nil, errors.New("node: a data directory is required")
	}
	if o.Log == nil {
		o.Log = defaultLog()
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := os.Chmod(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	// The system log (system syslog): every daemon's records also go to
	// the destinations the committed configuration names.
	// Its user destinations write to CLI sessions: the engine, made
	// below, is bound late.
	var users atomic.Pointer[cli.Engine]
	events := eventlog.New(eventlog.Options{Dir: LogDir(o.DataDir), Clock: o.Clock, Users: func(user, text string) {
		if e := users.Load(); e != nil {
			e.Notice(user, text)
		}
	}})
	o.Log = slog.New(events.Handler(o.Log.Handler()))
	st, err := db.Open(filepath.Join(o.DataDir, "gnos.db"), db.Options{NoSync: o.NoSync})
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n := &Node{Opts: o, Store: st, Events: events, done: make(chan error, 1)}
	n.Configd, err = configd.New(ctx, configd.Options{Store: st, Clock: o.Clock, Log: o.Log,
		RescueFile: filepath.Join(o.DataDir, "rescue.conf")})
	if err != nil {
		return n.abort(err)
	}
	n.Configd.Subscribe(ctx, events)
	ops := cli.NewTable()
	cli.BaseCommands(ops)
	cli.SystemCommands(ops)
	cli.RescueCommands(ops)
	cli.FirewallCommands(ops)
	cli.LogCommands(ops)
	cli.NetworkCommands(ops) // show route, arp, neighbours, ping
	// --- servicesd (issue 4): resolves service-sets into SSRBs and keeps the
	// PICs in sync over DATA/services.sock; every PIC configured under
	// chassis gets an in-process picd dialing that socket (a separate
	// `gnos picd` process for the same slot supersedes it).
	n.PICs = &picd.Supervisor{Clock: o.Clock, Log: o.Log,
		Dial: DialServicesd(o.DataDir), StateDir: PICStateDir(o.DataDir)}
	// --- live data plane (issue 7): the interface manager subscribes
	// before servicesd, so service interfaces exist before any PIC hears
	// of a service-set using them, and a servicesd failure in Prepare
	// undoes what it programmed.
	if o.Live != nil {
		if err := n.startLive(ctx); err != nil {
			return n.abort(err)
		}
	}
	// --- end live data plane
	if o.ServicesApart {
		n.servicesClient = servicesd.NewClient(DialServicesd(o.DataDir))
		services.Commands(ops, n.servicesClient, o.DataDir)
	} else {
		n.Services, err = servicesd.New(servicesd.Options{Store: st, Clock: o.Clock, Log: o.Log,
			OnPICConfigured: n.PICs.Start})
		if err == nil {
			err = n.Services.Listen(servicesd.SocketPath(o.DataDir))
		}
		if err == nil && o.PICListen != "" {
			n.PICAddr, err = listenPICs(n.Services, o)
		}
		if err != nil {
			return n.abort(err)
		}
		n.Configd.Subscribe(ctx, n.Services)
		services.Commands(ops, n.Services, o.DataDir)
	}
	// --- end servicesd
	n.CLI = &cli.Engine{Configd: n.Configd, Ops: ops, DataDir: o.DataDir, Version: cli.Version, Logs: events}
	users.Store(n.CLI)
	if n.Ifmgr != nil {
		n.CLI.Links = n.Ifmgr.Link // live data plane: show interfaces reads netlink
		n.CLI.Net = n.Ifmgr        // show route, arp, neighbours, ping
	}
	if n.Firewall != nil {
		n.CLI.Firewall = n.Firewall // show firewall reads the kernel's counters
	}
	n.CLI.Daemons = n.daemons // show system processes
	n.lis, err = ipc.ListenUnix(SocketPath(o.DataDir))
	if err != nil {
		return n.abort(err)
	}
	n.grpc = ipc.NewServer(ipc.PeerCredentials())
	n.CLI.Register(n.grpc)
	n.Configd.RegisterRemote(n.grpc) // commit subscriptions of daemons in other processes
	// --- netconf: SSH server (NETCONF subsystem, CLI logins) listening as
	// `system services` configures (or on Options.NetconfAddr), and the
	// local NETCONF service behind `gnos netconf`. A port that cannot be
	// opened is logged and fails alone.
	n.Netconf, err = netconf.New(netconf.Config{Configd: n.Configd, CLI: n.CLI,
		DataDir: o.DataDir, Log: o.Log, Clock: o.Clock, Addr: o.NetconfAddr})
	if err == nil {
		err = n.Netconf.Start(ctx)
	}
	if err != nil {
		return n.abort(err)
	}
	n.Netconf.RegisterLocal(n.grpc)
	// --- end netconf
	go func() { n.done <- n.grpc.Serve(n.lis) }()
	return n, nil
}

// Close stops the daemons and closes the store.
func (n *Node) Close() error {
	n.Netconf.Close() // netconf
	n.closeServices()
	if n.Ifmgr != nil {
		n.Ifmgr.Close() // live data plane
	}
	n.grpc.Stop()
	<-n.done
	n.Configd.Close()
	return n.Store.Close()
}

// abort undoes a Start that failed with err: whatever was started is
// stopped, in the reverse order.
func (n *Node) abort(err error) (*Node, error) {
	if n.lis != nil {
		n.lis.Close()
	}
	n.closeServices()
	if n.Ifmgr != nil {
		n.Ifmgr.Close()
	}
	if n.Configd != nil {
		n.Configd.Close()
	}
	n.Store.Close()
	return nil, err
}

// closeServices stops the in-process picds, then servicesd (or drops the
// connection to the one running apart); what was never started is skipped.
func (n *Node) closeServices() {
	if n.servicesClient != nil {
		n.servicesClient.Close()
	}
	if n.PICs != nil {
		n.PICs.Close()
	}
	if n.Services != nil {
		n.Services.Close()
	}
}

// defaultLog logs warnings and errors to standard error.
func defaultLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// LogDir is where the system log's files are (show log FILE).
func LogDir(dataDir string) string { return filepath.Join(dataDir, "log") }
