package ifmgr

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vishvananda/netns"
)

// worker runs every call that touches Linux on one OS thread locked into
// the network namespace gnos manages. Netlink sockets, TUN attachment
// and /proc/sys/net all act in the namespace of the calling thread, and
// Go moves goroutines between threads: a dedicated thread is the only
// way an in-process node (tests) can manage a namespace other than its
// own without touching the host's.
type worker struct {
	ch   chan func()
	done chan struct{}
}

// startWorker starts the thread; ns is the namespace to enter, or
// netns.None() for the process's own.
func startWorker(ns netns.NsHandle) (*worker, error) {
	w := &worker{ch: make(chan func()), done: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		defer close(w.done)
		runtime.LockOSThread()
		// Never unlocked: a thread moved to another namespace dies with
		// this goroutine instead of going back to the scheduler.
		if int(ns) > 0 {
			if err := netns.Set(ns); err != nil {
				errc <- fmt.Errorf("ifmgr: enter network namespace: %w", err)
				return
			}
		}
		errc <- nil
		for f := range w.ch {
			f()
		}
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return w, nil
}

// do runs f on the worker thread and returns its error.
func (w *worker) do(f func() error) error {
	errc := make(chan error, 1)
	w.ch <- func() { errc <- f() }
	return <-errc
}

// stop ends the thread.
func (w *worker) stop() {
	close(w.ch)
	<-w.done
}

// sysctl writes a /proc/sys/net value (in the worker's namespace).
func sysctl(path, value string) error {
	if err := os.WriteFile("/proc/sys/net/"+path, []byte(value), 0o644); err != nil {
		return fmt.Errorf("ifmgr: sysctl %s: %w", path, err)
	}
	return nil
}

// readSysctl reads a sysctl under /proc/sys/net ("" when it cannot).
func readSysctl(path string) string {
	b, err := os.ReadFile("/proc/sys/net/" + path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
