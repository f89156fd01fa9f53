package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	_ "github.com/gnos/gnos/pic/plugins/all" // the plugins a picd can load
	"github.com/gnos/gnos/servicesd"
)

// runPicd runs one PIC daemon against the servicesd of a data directory
// until interrupted, reconnecting (with backoff) whenever servicesd goes
// away: `gnos picd --fpc F --pic P [--data DIR] [--connect HOST:PORT]`.
// With --connect it dials the servicesd of another host over TCP with
// mutual TLS, with the slot's certificate from DATA/pki.
func runPicd(ctx context.Context, data string, fpc, picSlot int, live bool, connect string) error {
	if fpc < 0 || picSlot < 0 {
		return errors.New("picd: --fpc F and --pic P are required")
	}
	slot := dataplane.Slot{FPC: fpc, PIC: picSlot}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	o := picd.Options{Slot: slot, Log: log,
		Dial: compose.DialServicesd(data), StateDir: compose.PICStateDir(data)}
	target := servicesd.SocketPath(data)
	if connect != "" {
		var err error
		if o.Dial, err = compose.DialServicesdTLS(connect, pki.Dir(data), slot, nil); err != nil {
			return fmt.Errorf("picd: %w", err)
		}
		target = connect + " (mutual TLS)"
	}
	if live { // attach to the service interfaces of this namespace
		var err error
		if o.Live, err = compose.HostNet(data); err != nil {
			return err
		}
	}
	d := picd.New(o)
	fmt.Fprintf(os.Stderr, "gnos: picd %s (pid %d) connecting to %s\n", slot, os.Getpid(), target)
	err := d.Run(ctx)
	if errors.Is(err, picd.ErrSuperseded) {
		fmt.Fprintf(os.Stderr, "gnos: %v\n", err)
		return nil
	}
	return err
}

// servicesdCmd runs servicesd as its own process beside `gnos configd`:
// its own store (DATA/servicesd.db), the PIC socket, in-process picds
// (superseded by any `gnos picd` for the same slot), and a commit
// subscription to configd over the management socket, renewed whenever
// configd comes back.
func servicesdCmd(ctx context.Context, data string, live bool, picListen string) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	o := nodeOptions(data, live)
	o.Log = log
	o.PICListen = picListen
	sv, err := compose.StartServices(ctx, o)
	if err != nil {
		return err
	}
	if sv.PICAddr != "" {
		fmt.Fprintf(os.Stderr, "gnos: servicesd accepts PICs of other hosts on %s (mutual TLS, CA in %s)\n", sv.PICAddr, pki.Dir(data))
	}
	fmt.Fprintf(os.Stderr, "gnos: servicesd (pid %d) serving %s, subscribing to configd at %s\n", os.Getpid(),
		servicesd.SocketPath(data), compose.SocketPath(data))
	<-ctx.Done()
	return sv.Close()
}
