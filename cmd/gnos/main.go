// Command gnos is the one gnos binary: `gnos run` (all daemons plus the
// CLI on this terminal), `gnos daemon` (all daemons, no CLI), `gnos cli`
// (a CLI client of a running daemon), `gnos netconf` (NETCONF over stdio),
// each daemon as its own process (`gnos configd`, `gnos servicesd`,
// `gnos picd`), `gnos lab` (the live data plane's namespaces) and
// `gnos plugin new`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

const usage = `usage: gnos <command> [--data DIR] [flags]

commands:
  run [--live]          all daemons in one process plus the CLI on this terminal
  daemon [--live]       all daemons in the foreground, no CLI (--live: program
                        Linux interfaces and service real traffic; needs root)
       [--pic-listen ADDR]  (run, daemon, servicesd) also accept PICs of other
                        hosts on ADDR (HOST:PORT, :PORT) over TCP, mutual TLS
  cli [-c "cmd"]        CLI client of a running daemon (-c runs one command;
                        stdin not a terminal runs one command per line)
  netconf               NETCONF over stdin/stdout to a running daemon
  picd --fpc F --pic P  one services PIC daemon, connecting to servicesd
       [--live]         (--live: attach to the service interfaces here)
       [--connect HOST:PORT]  to a servicesd on another host (mutual TLS with
                        DATA/pki/ca.crt and DATA/pki/fpcF-picP.crt/key)
  configd [--live]      configd, CLI engine and NETCONF without servicesd
  servicesd [--live]    servicesd as its own process, subscribed to configd
  plugin new NAME       scaffold pic/plugins/NAME
  pki init              make the PIC CA and servicesd's certificate in DATA/pki
  pki issue --fpc F --pic P [--out DIR] [--days N]
                        issue a PIC slot's certificate (default DIR: DATA/pki/issued)
  pki server            reissue servicesd's certificate (rotation, no restart)
  pki list              the PIC certificates issued, with their state
  pki revoke --fpc F --pic P [--serial HEX]
                        refuse the slot's certificates (or one) from now on
  lab up|down|status    client/router/server network namespaces with gnos
                        --live in the router (root; see README)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet("gnos "+cmd, flag.ExitOnError)
	data := fs.String("data", defaultDataDir(), "data directory (store, socket, files)")
	command := fs.String("c", "", "cli: run this one command and exit")
	echo := fs.Bool("echo", false, "cli: echo each script line after the prompt")
	fpc := fs.Int("fpc", -1, "picd: FPC slot")
	picSlot := fs.Int("pic", -1, "picd: PIC slot")
	live := fs.Bool("live", false, "run, daemon: live data plane (program Linux, TUN service interfaces; root)")
	picListen := fs.String("pic-listen", "", "run, daemon, servicesd: accept PICs of other hosts on HOST:PORT (TCP, mutual TLS)")
	connect := fs.String("connect", "", "picd: the servicesd of another host, HOST:PORT (mutual TLS)")
	var pk pkiFlags
	var pkiArgs []string
	fs.StringVar(&pk.out, "out", "", "pki issue: where to write the PIC's files (default DATA/pki/issued)")
	fs.IntVar(&pk.days, "days", 365, "pki issue: validity in days")
	fs.StringVar(&pk.serial, "serial", "", "pki revoke: the certificate's serial number (hex)")
	_ = fs.Parse(args)
	if cmd == "pki" && fs.NArg() > 0 { // gnos pki SUB --flags: the flags follow the subcommand
		sub := fs.Arg(0)
		_ = fs.Parse(fs.Args()[1:])
		pkiArgs = append([]string{sub}, fs.Args()...)
	}
	if abs, err := filepath.Abs(*data); err == nil {
		*data = abs // sockets and files are named from it; relative names confuse dialers
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	code := 0
	switch cmd {
	case "run":
		code, err = run(ctx, *data, *live, *picListen)
	case "daemon":
		err = daemon(ctx, *data, *live, *picListen)
	case "cli":
		code, err = client(ctx, *data, *command, *echo)
	case "picd":
		err = runPicd(ctx, *data, *fpc, *picSlot, *live, *connect)
	case "configd":
		err = configdCmd(ctx, *data, *live)
	case "servicesd":
		err = servicesdCmd(ctx, *data, *live, *picListen)
	case "pki":
		pk.fpc, pk.pic = *fpc, *picSlot
		err = pkiCmd(*data, pkiArgs, pk)
	case "plugin":
		err = pluginNew(fs.Args())
	case "lab":
		err = labCmd(ctx, *data, fs.Args())
	case "netconf":
		err = netconfStdio(ctx, *data)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "gnos: unknown command %q\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gnos: %v\n", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func defaultDataDir() string {
	if d := os.Getenv("GNOS_DATA"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".gnos")
	}
	return ".gnos"
}
