package ifmgr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/ifname"
)

// Options configure the interface manager.
type Options struct {
	// NetNS is the network namespace to manage; zero or netns.None():
	// the namespace gnos runs in.
	NetNS netns.NsHandle
	// Names maps Junos names to Linux names (nil: the default rule).
	Names *ifname.Map
	Log   *slog.Logger
}

// Manager is the interface manager, a configd subscriber.
//
// Locking: mu guards the fields below it; configd's lock (held while it
// calls the subscriber) comes first. Linux is only touched on the worker
// thread.
type Manager struct {
	o Options
	w *worker

	mu        sync.Mutex
	validated *configd.Commit // the commit Validate last built
	built     *desired        // its desired state, for Prepare
	applied   *desired        // what Linux was last programmed with
	pending   *configd.Commit // the commit Prepare programmed
	next      *desired        // its desired state
	j         journal         // and how to take it back
	swept     bool            // leftovers of an earlier run removed
}

// ErrNotPermitted is returned by New without CAP_NET_ADMIN.
var ErrNotPermitted = errors.New("ifmgr: managing Linux interfaces needs root (CAP_NET_ADMIN)")

// Permitted reports whether this process may program Linux networking:
// root, or CAP_NET_ADMIN in its effective set.
func Permitted() bool {
	if os.Geteuid() == 0 {
		return true
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && caps&(1<<unix.CAP_NET_ADMIN) != 0
		}
	}
	return false
}

// New starts an interface manager for o.NetNS. It fails without root:
// callers then run without one (inert).
func New(o Options) (*Manager, error) {
	if !Permitted() {
		return nil, ErrNotPermitted
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Names == nil {
		o.Names = &ifname.Map{}
	}
	w, err := startWorker(o.NetNS)
	if err != nil {
		return nil, err
	}
	m := &Manager{o: o, w: w, applied: newDesired()}
	if err := w.do(enableForwarding); err != nil {
		w.stop()
		return nil, err
	}
	return m, nil
}

// Close stops the worker thread. Linux keeps its configuration.
func (m *Manager) Close() { m.w.stop() }

// Name is the subscriber name.
func (m *Manager) Name() string { return "ifmgr" }

// Names returns the name mapping in use.
func (m *Manager) Names() *ifname.Map { return m.o.Names }

// Validate checks the configuration can be spelled for Linux and that
// every link it names exists.
func (m *Manager) Validate(_ context.Context, c *configd.Commit) error {
	d, err := build(c.New, m.o.Names)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.validated, m.built = c, d
	m.mu.Unlock()
	return m.w.do(func() error { return check(d) })
}

// desiredFor returns what c asks of Linux, built once: by Validate,
// which configd runs on the same commit just before Prepare. m.mu is
// held.
func (m *Manager) desiredFor(c *configd.Commit) (*desired, error) {
	d := m.built
	if m.validated != c {
		var err error
		if d, err = build(c.New, m.o.Names); err != nil {
			return nil, err
		}
	}
	m.validated, m.built = nil, nil
	return d, nil
}

// Prepare programs Linux with the new configuration, keeping a journal:
// a failure halfway undoes what was done and fails the commit; Abort
// undoes it all when a later step fails.
func (m *Manager) Prepare(_ context.Context, c *configd.Commit) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.desiredFor(c)
	if err != nil {
		return err
	}
	var j journal
	err = m.w.do(func() error {
		if err := check(d); err != nil {
			return err
		}
		var err error
		j, err = run(plan(m.applied, d), false, m.warn)
		return err
	})
	if err != nil {
		var ce *configd.CommitError
		if errors.As(err, &ce) {
			return err
		}
		return fmt.Errorf("programming Linux: %w", err)
	}
	m.pending, m.next, m.j = c, d, j
	return nil
}

// Abort takes back what Prepare did.
func (m *Manager) Abort(_ context.Context, c *configd.Commit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pending != c {
		return
	}
	j := m.j
	m.pending, m.next, m.j = nil, nil, nil
	_ = m.w.do(func() error { j.undo(m.warn); return nil })
}

// Apply makes the prepared state current. For the initial Apply (at
// start, no Prepare) it programs what it can and logs the rest.
func (m *Manager) Apply(_ context.Context, c *configd.Commit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pending == c {
		m.applied = m.next
		m.pending, m.next, m.j = nil, nil, nil
		return
	}
	d, err := m.desiredFor(c)
	if err != nil {
		m.o.Log.Error("ifmgr: configuration not applied to Linux", "err", err)
		return
	}
	_ = m.w.do(func() error {
		if !m.swept {
			sweep(d, m.warn)
			m.swept = true
		}
		_, err := run(plan(m.applied, d), true, m.warn)
		return err
	})
	m.applied = d
}

func (m *Manager) warn(err error) { m.o.Log.Warn("ifmgr: Linux change failed", "err", err) }

// OpenQueues attaches n queues to the service interface junos (a Junos
// logical name, ms-0/0/0.1), in the managed namespace. picd reads and
// writes them.
func (m *Manager) OpenQueues(junos string, n int) ([]*os.File, error) {
	ln, err := m.o.Names.Linux(junos)
	if err != nil {
		return nil, err
	}
	var files []*os.File
	err = m.w.do(func() (err error) {
		files, err = openQueues(ln, n)
		return err
	})
	return files, err
}
