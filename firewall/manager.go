package firewall

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/google/nftables"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/ifname"
)

// Options configure a Manager.
type Options struct {
	// NetNSFd is an open file descriptor of the network namespace to
	// program; -1 for the process's own.
	NetNSFd int
	Names   *ifname.Map // Junos → Linux interface names
	Log     *slog.Logger
}

// Manager programs the committed firewall filters into nftables: a
// configd subscriber (FRR's phases). Validate compiles; Prepare replaces
// table gnos in one atomic batch; Abort puts the previous filters back;
// Apply makes the new ones current. With no filter and no binding the
// table is removed.
type Manager struct {
	o Options

	mu      sync.Mutex
	applied *Config
	pending *configd.Commit
	next    *Config
}

// NewManager returns a manager for o's namespace.
func NewManager(o Options) *Manager {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Manager{o: o}
}

// Name is the subscriber name.
func (m *Manager) Name() string { return "firewall" }

func (m *Manager) conn() (*nftables.Conn, error) {
	if m.o.NetNSFd >= 0 {
		return nftables.New(nftables.WithNetNSFd(m.o.NetNSFd))
	}
	return nftables.New()
}

func (m *Manager) linux(junos string) (string, error) { return m.o.Names.Linux(junos) }

// Validate compiles the new configuration and spells every bound
// interface for Linux.
func (m *Manager) Validate(_ context.Context, c *configd.Commit) error {
	cfg, err := Compile(c.New)
	if err != nil {
		return err
	}
	for _, b := range cfg.Bindings {
		if _, err := m.linux(b.Interface); err != nil {
			return err
		}
	}
	return nil
}

// Prepare programs the new filters.
func (m *Manager) Prepare(_ context.Context, c *configd.Commit) error {
	cfg, err := Compile(c.New)
	if err != nil {
		return err
	}
	if err := m.install(cfg); err != nil {
		return fmt.Errorf("firewall: programming nftables: %w", err)
	}
	m.mu.Lock()
	m.pending, m.next = c, cfg
	m.mu.Unlock()
	return nil
}

// Abort puts back the filters applied before.
func (m *Manager) Abort(_ context.Context, c *configd.Commit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pending != c {
		return
	}
	m.pending, m.next = nil, nil
	prev := m.applied
	if prev == nil {
		prev = &Config{}
	}
	if err := m.install(prev); err != nil {
		m.o.Log.Error("firewall: putting the previous filters back", "err", err)
	}
}

// Apply makes the prepared filters current; the initial Apply (at start,
// no Prepare) programs them.
func (m *Manager) Apply(_ context.Context, c *configd.Commit) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pending == c {
		m.applied = m.next
		m.pending, m.next = nil, nil
		return
	}
	cfg, err := Compile(c.New)
	if err == nil {
		err = m.install(cfg)
	}
	if err != nil {
		m.o.Log.Error("firewall: filters not applied", "err", err)
		return
	}
	m.applied = cfg
}

func (m *Manager) install(cfg *Config) error {
	cc, err := m.conn()
	if err != nil {
		return err
	}
	if len(cfg.Filters) == 0 && len(cfg.Bindings) == 0 {
		t := &nftables.Table{Name: TableName, Family: nftables.TableFamilyINet}
		cc.AddTable(t)
		cc.DelTable(t)
		return cc.Flush()
	}
	if err := program(cc, cfg, m.linux); err != nil {
		return err
	}
	return cc.Flush()
}

// Counter is one filter counter's totals.
type Counter struct {
	Name           string
	Bytes, Packets uint64
}

// FilterCounters is a filter with its counters, by name.
type FilterCounters struct {
	Family   Family
	Name     string
	Counters []Counter
}

// Counters reads every applied filter's counters from the kernel (reset
// clears them as it reads, for `clear firewall`); filter "" is all of
// them.
func (m *Manager) Counters(filter string, reset bool) ([]FilterCounters, error) {
	m.mu.Lock()
	cfg := m.applied
	m.mu.Unlock()
	if cfg == nil {
		return nil, nil
	}
	vals := map[string]Counter{}
	if len(cfg.Filters) > 0 {
		cc, err := m.conn()
		if err != nil {
			return nil, err
		}
		t := &nftables.Table{Name: TableName, Family: nftables.TableFamilyINet}
		var objs []nftables.Obj
		switch {
		case !reset: // every counter of the table in one dump
			if objs, err = cc.GetObjects(t); err != nil {
				return nil, fmt.Errorf("firewall: reading counters: %w", err)
			}
		case filter == "": // clear firewall all
			if objs, err = cc.ResetObjects(t); err != nil {
				return nil, fmt.Errorf("firewall: clearing counters: %w", err)
			}
		default: // one filter's counters, each read and zeroed at once
			for _, f := range cfg.Filters {
				if f.Name != filter {
					continue
				}
				for _, c := range countersOf(f) {
					got, err := cc.ResetObject(&nftables.CounterObj{Table: t, Name: CounterName(f.Family, f.Name, c)})
					if err != nil {
						return nil, fmt.Errorf("firewall: clearing counter %s of filter %s: %w", c, f.Name, err)
					}
					objs = append(objs, got)
				}
			}
		}
		for _, o := range objs {
			if co, ok := o.(*nftables.CounterObj); ok {
				vals[co.Name] = Counter{Bytes: co.Bytes, Packets: co.Packets}
			}
		}
	}
	var out []FilterCounters
	for _, f := range cfg.Filters {
		if filter != "" && f.Name != filter {
			continue
		}
		fc := FilterCounters{Family: f.Family, Name: f.Name}
		for _, c := range countersOf(f) {
			v := vals[CounterName(f.Family, f.Name, c)]
			v.Name = c
			fc.Counters = append(fc.Counters, v)
		}
		out = append(out, fc)
	}
	return out, nil
}

// countersOf lists f's counter names, sorted.
func countersOf(f *Filter) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range f.Terms {
		if t.Count != "" && !seen[t.Count] {
			seen[t.Count] = true
			out = append(out, t.Count)
		}
	}
	sort.Strings(out)
	return out
}
