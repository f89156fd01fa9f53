package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic"
	_ "github.com/gnos/gnos/pic/plugins/all" // the plugins a picd can load
	"github.com/gnos/gnos/servicesd"
)

// picd runs one PIC daemon against the servicesd of a data directory
// until interrupted, reconnecting (with backoff) whenever servicesd goes
// away: `gnos picd --fpc F --pic P [--data DIR]`.
func picd(ctx context.Context, data string, fpc, picSlot int) error {
	if fpc < 0 || picSlot < 0 {
		return errors.New("picd: --fpc F and --pic P are required")
	}
	slot := pic.Slot{FPC: fpc, PIC: picSlot}
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
