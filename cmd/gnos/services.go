package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic"
	_ "github.com/gnos/gnos/pic/plugins/all" // the plugins a picd can load
	"github.com/gnos/gnos/servicesd"
)

// Flags of the services subcommands. main's shared flag set knows only
// --data and the CLI flags, so init takes --fpc and --pic out of os.Args
// before main parses it.
var picFlags struct {
	fpc, pic int
	set      bool
	err      error
}

func init() {
	if len(os.Args) < 2 || os.Args[1] != "picd" {
		return
	}
	rest := os.Args[:2]
	picFlags.fpc, picFlags.pic = -1, -1
	for i := 2; i < len(os.Args); i++ {
		a := os.Args[i]
		var dst *int
		switch a {
		case "--fpc", "-fpc":
			dst = &picFlags.fpc
		case "--pic", "-pic":
			dst = &picFlags.pic
		default:
			rest = append(rest, a)
			continue
		}
		if i+1 >= len(os.Args) {
			picFlags.err = fmt.Errorf("picd: %s needs a value", a)
			break
		}
		v, err := strconv.Atoi(os.Args[i+1])
		if err != nil || v < 0 {
			picFlags.err = fmt.Errorf("picd: %s %q: not a slot number", a, os.Args[i+1])
		}
		*dst = v
		i++
	}
	os.Args = rest
}

// picd runs one PIC daemon against the servicesd of a data directory
// until interrupted, reconnecting (with backoff) whenever servicesd goes
// away: `gnos picd --fpc F --pic P [--data DIR]`.
func picd(ctx context.Context, data string) error {
	if picFlags.err != nil {
		return picFlags.err
	}
	if picFlags.fpc < 0 || picFlags.pic < 0 {
		return errors.New("picd: --fpc F and --pic P are required")
	}
	slot := pic.Slot{FPC: picFlags.fpc, PIC: picFlags.pic}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := pic.New(pic.Options{Slot: slot, Log: log,
		Dial: func() (*grpc.ClientConn, error) { return ipc.DialUnix(servicesd.SocketPath(data)) }})
	fmt.Fprintf(os.Stderr, "gnos: picd %s (pid %d) connecting to %s\n", slot, os.Getpid(), servicesd.SocketPath(data))
	err := d.Run(ctx)
	if errors.Is(err, pic.ErrSuperseded) {
		fmt.Fprintf(os.Stderr, "gnos: %v\n", err)
		return nil
	}
	return err
}

// servicesdCmd would run servicesd as its own process. servicesd is a
// commit subscriber of configd, and configd offers subscriptions only
// in-process so far, so it runs inside `gnos daemon`.
func servicesdCmd(context.Context, string) error {
	return errors.New("servicesd: runs inside `gnos daemon` until configd serves commit subscriptions over IPC; " +
		"PIC daemons can run as their own processes with `gnos picd --fpc F --pic P`")
}
