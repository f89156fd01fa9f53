// Package pictest runs plugins' data paths in a test, the way a PIC runs
// them: a policy DB, an object cache and a data plane on a fake clock;
// each plugin's policy compiled from a configuration text by the plugin's
// own compiler and installed through its own control handler; packets in
// on the core the steering picks, what leaves captured. A plugin's tests
// (and the scaffold `gnos plugin new` writes) use it instead of wiring the
// data path themselves.
package pictest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/yang"
)

// Options shape a rig.
type Options struct {
	Config     string   // configuration text (with the plugins' YANG in the schema)
	ServiceSet string   // the service-set run as id 1; default "ss1"
	Plugins    []string // its forward chain; the reverse chain runs them backwards
	Cores      int      // data cores; default 1
	Cache      int64    // object-cache bytes; default 16 MB
	PolicyDB   int64    // policy-DB bytes; default 1 MB
	Discard    bool     // keep nothing of what leaves (benchmarks)
}

// Out is a packet that left the data path: a copy, parsed.
type Out struct {
	Side   pic.Side // where it left
	Packet *pic.Packet
}

// Rig is one PIC's data path under test.
type Rig struct {
	Clock *clock.Fake
	DB    *dataplane.PolicyDB
	Cache *dataplane.ObjectCache
	DP    *dataplane.Dataplane

	t   testing.TB
	mu  sync.Mutex // guards out (cores transmit concurrently)
	out []Out
}

// New builds a rig; it fails the test when a policy does not compile or
// a plugin refuses it.
func New(t testing.TB, o Options) *Rig {
	t.Helper()
	o.ServiceSet = cmp.Or(o.ServiceSet, "ss1")
	o.Cores, o.Cache, o.PolicyDB = max(o.Cores, 1), cmp.Or(o.Cache, 16<<20), cmp.Or(o.PolicyDB, 1<<20)
	in, err := Input(o.Config, o.ServiceSet)
	if err != nil {
		t.Fatal(err)
	}
	r := &Rig{t: t, Clock: testkit.Clock(), DB: dataplane.NewPolicyDB(o.PolicyDB, o.Cores),
		Cache: dataplane.NewObjectCache(o.Cache)}
	var plugins []*pic.Plugin
	for _, name := range o.Plugins {
		p := pic.Lookup(name)
		if p == nil {
			t.Fatalf("pictest: plugin %s is not registered (import its package)", name)
		}
		plugins = append(plugins, p)
		policy, _, err := p.Compile(in)
		if err != nil {
			t.Fatalf("pictest: %s: %v", name, err)
		}
		h, ctx := p.Control(), context.Background()
		if err := h.Control(ctx, &pic.ControlEvent{Kind: pic.EvInit, Plugin: p.Slot(), DB: r.DB, Cache: r.Cache}); err != nil {
			t.Fatalf("pictest: %s init: %v", name, err)
		}
		if err := h.Control(ctx, &pic.ControlEvent{Kind: pic.EvPolicyAdd, Plugin: p.Slot(), ServiceSet: 1,
			Name: o.ServiceSet, Gen: 1, Policy: policy}); err != nil {
			t.Fatalf("pictest: %s refused its policy: %v", name, err)
		}
	}
	tx := func(_ int, pkts []*pic.Packet) {
		if o.Discard {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, p := range pkts {
			c := &pic.Packet{}
			c.SetData(p.Data)
			if err := c.Parse(); err != nil {
				t.Errorf("pictest: a packet out does not parse: %v", err)
			}
			r.out = append(r.out, Out{p.Out, c})
		}
	}
	r.DP, err = dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: o.Cores, DB: r.DB, Cache: r.Cache,
		Clock: r.Clock, Plugins: pic.DataPlugins(plugins), Tx: tx})
	if err != nil {
		t.Fatal(err)
	}
	rev := slices.Clone(o.Plugins)
	slices.Reverse(rev)
	ssrb := &dataplane.SSRB{ID: 1, Name: o.ServiceSet, Gen: 1, Forward: o.Plugins, Reverse: rev}
	if v, ok := in.ServiceSet.Leaf("max-flows"); ok { // the service-set's own leaves the data path enforces
		n, _ := strconv.ParseUint(v, 10, 32)
		ssrb.MaxFlows = uint32(n)
	}
	if v, ok := in.ServiceSet.Leaf("tcp-mss"); ok {
		n, _ := strconv.ParseUint(v, 10, 16)
		ssrb.TCPMSS = uint16(n)
	}
	if err := r.DP.SetServiceSet(ssrb); err != nil {
		t.Fatal(err)
	}
	return r
}

// Input parses a configuration text (with the defaults gnos runs with)
// and returns what a plugin's compiler sees of service-set ss.
func Input(config, ss string) (*compile.Input, error) {
	s, err := schema.Default()
	if err != nil {
		return nil, err
	}
	root, _, err := format.ParseText(s.Root, config)
	if err != nil {
		return nil, err
	}
	defaults, _, err := format.ParseText(s.Root, yang.Defaults())
	if err != nil {
		return nil, err
	}
	set := root.ChildNamed("services", "").ChildNamed("service-set", ss)
	if set == nil {
		return nil, fmt.Errorf("pictest: no service-set %s in the configuration", ss)
	}
	return &compile.Input{Name: ss, Root: root, Defaults: defaults, ServiceSet: set}, nil
}

// Send builds a packet of service-set 1 arriving on side and runs it
// through its data core.
func (r *Rig) Send(side pic.Side, s pic.PacketSpec) {
	r.t.Helper()
	p := &pic.Packet{ServiceSet: 1, Side: side}
	if err := p.Build(s); err != nil {
		r.t.Fatal(err)
	}
	r.Process(p)
}

// Process runs built packets through the data cores, in order, one
// packet at a time, each steered as the data plane's packet sources steer
// it (Dataplane.Route: the session's core; fragments through the fragment
// tracker, which may hold one or bring held ones along).
func (r *Rig) Process(pkts ...*pic.Packet) {
	vecs := make([][]*pic.Packet, r.DP.Cores())
	for _, p := range pkts {
		for i := range vecs {
			vecs[i] = vecs[i][:0]
		}
		r.DP.Route([]*pic.Packet{p}, vecs)
		for i, v := range vecs {
			if len(v) == 0 {
				continue
			}
			c := r.DP.Core(i)
			r.DB.Online(c.ID())
			c.Process(v)
			r.DB.Quiesce(c.ID())
		}
	}
}

// Take returns what left since the last Take.
func (r *Rig) Take() []Out {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.out
	r.out = nil
	return o
}

// Handler is the data handler of a plugin of the rig.
func (r *Rig) Handler(name string) pic.DataHandler {
	if p := pic.Lookup(name); p != nil {
		return r.DP.Handler(p.Slot())
	}
	return nil
}

// InUse is the objects of the object class name in use, -1 when there is
// no such class.
func (r *Rig) InUse(class string) int64 {
	for _, c := range r.Cache.Stats().Classes {
		if c.Name == class {
			return c.InUse
		}
	}
	return -1
}

// handler returns plugin name's data handler and service-set 1 (named ss)
// as the plugin's show and report calls see it.
func (r *Rig) handler(name, ss string) (pic.DataHandler, []pic.ShowSet) {
	p := pic.Lookup(name)
	if p == nil {
		return nil, nil
	}
	var sets []pic.ShowSet
	if e := r.DB.Lookup(1, p.Slot()); e != nil {
		sets = append(sets, pic.ShowSet{ID: 1, Name: ss, Policy: e.Value})
	}
	return r.DP.Handler(p.Slot()), sets
}

// Show asks plugin name's data handler for its rows of a show command
// (pic.Shower) about service-set 1 (named ss); nil when it has none.
func (r *Rig) Show(name, command, ss string) []pic.ShowRow {
	h, sets := r.handler(name, ss)
	if sh, ok := h.(pic.Shower); ok {
		return sh.Show(command, sets)
	}
	return nil
}

// Report asks plugin name's data handler for its events (the PIC's
// heartbeat report, pic.EventReporter) about service-set 1; nil when the
// plugin reports none.
func (r *Rig) Report(name string, ss string) []pic.Message {
	h, sets := r.handler(name, ss)
	er, ok := h.(pic.EventReporter)
	if !ok {
		return nil
	}
	var out []pic.Message
	er.ReportEvents(sets, func(m pic.Message) { out = append(out, m) })
	return out
}
