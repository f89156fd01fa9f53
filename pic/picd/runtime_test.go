package picd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
)

// recorder is a test plugin that records its control events.
var recorded []string

func init() {
	pic.Register(&pic.Plugin{Name: "test-recorder", Restart: true,
		Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Control: func() pic.ControlHandler {
			inner := pic.JSONControl[map[string]string]("test-recorder")
			return pic.ControlFunc(func(ctx context.Context, ev *pic.ControlEvent) error {
				recorded = append(recorded, ev.Kind.String()+" "+ev.Name)
				return inner.Control(ctx, ev)
			})
		}})
}

func ssrb(id uint32, name string, gen uint64, data string) *Update {
	s := &dataplane.SSRB{ID: id, Name: name, Gen: gen, Forward: []string{"test-recorder"},
		Policies: []dataplane.Policy{{Plugin: "test-recorder", Data: json.RawMessage(data)}}}
	return &Update{Op: OpAdd, ID: id, Name: name, Gen: gen, SSRB: s}
}

func TestRuntimeUpdates(t *testing.T) {
	type step struct {
		u         *Update
		resync    string // "begin" | "end" before/instead of u
		wantAck   Ack
		wantEvent string // control event recorded, "" for none
	}
	del := func(id uint32, name string, gen uint64) *Update {
		return &Update{Op: OpDelete, ID: id, Name: name, Gen: gen}
	}
	chg := func(u *Update) *Update { u.Op = OpChange; return u }
	tests := []struct {
		name      string
		steps     []step
		wantHeld  []HeldSSRB
		wantCount Counters
	}{
		{"add change delete", []step{
			{u: ssrb(1, "a", 10, `{"v":"1"}`), wantAck: Ack{ID: 1, Gen: 10, Op: OpAdd}, wantEvent: "policy-add a"},
			{u: chg(ssrb(1, "a", 11, `{"v":"2"}`)), wantAck: Ack{ID: 1, Gen: 11, Op: OpChange}, wantEvent: "policy-change a"},
			{u: del(1, "a", 12), wantAck: Ack{ID: 1, Gen: 12, Op: OpDelete}, wantEvent: "policy-delete a"},
		}, nil, Counters{Adds: 1, Changes: 1, Deletes: 1}},
		{"stale generation rejected", []step{
			{u: ssrb(1, "a", 10, `{}`), wantAck: Ack{ID: 1, Gen: 10, Op: OpAdd}, wantEvent: "policy-add a"},
			{u: chg(ssrb(1, "a", 9, `{"old":"x"}`)), wantAck: Ack{ID: 1, Gen: 9, Op: OpChange, Stale: true}},
			{u: del(1, "a", 8), wantAck: Ack{ID: 1, Gen: 8, Op: OpDelete, Stale: true}},
		}, []HeldSSRB{{ID: 1, Name: "a", Gen: 10}}, Counters{Adds: 1, Stale: 2}},
		{"resync keeps unchanged, sweeps unmentioned", []step{
			{u: ssrb(1, "a", 10, `{}`), wantAck: Ack{ID: 1, Gen: 10, Op: OpAdd}, wantEvent: "policy-add a"},
			{u: ssrb(2, "b", 11, `{}`), wantAck: Ack{ID: 2, Gen: 11, Op: OpAdd}, wantEvent: "policy-add b"},
			{resync: "begin"},
			{u: ssrb(1, "a", 10, `{}`), wantAck: Ack{ID: 1, Gen: 10, Op: OpAdd}},
			{u: ssrb(3, "c", 12, `{}`), wantAck: Ack{ID: 3, Gen: 12, Op: OpAdd}, wantEvent: "policy-add c"},
			{resync: "end", wantEvent: "policy-delete b"},
		}, []HeldSSRB{{ID: 1, Name: "a", Gen: 10}, {ID: 3, Name: "c", Gen: 12}},
			Counters{Adds: 2, Resyncs: 1, Resynced: 2, Swept: 1}},
		{"bad ids refused", []step{
			{u: ssrb(0, "zero", 10, `{}`), wantAck: Ack{ID: 0, Gen: 10, Op: OpAdd, Error: "bad service-set id 0 (1..1048576, and the SSRB's own)"}},
			{u: ssrb(dataplane.MaxServiceSetID+1, "huge", 10, `{}`), wantAck: Ack{ID: dataplane.MaxServiceSetID + 1, Gen: 10, Op: OpAdd,
				Error: "bad service-set id 1048577 (1..1048576, and the SSRB's own)"}},
			{u: func() *Update { u := ssrb(2, "two", 10, `{}`); u.SSRB.ID = 3; return u }(),
				wantAck: Ack{ID: 2, Gen: 10, Op: OpAdd, Error: "bad service-set id 2 (1..1048576, and the SSRB's own)"}},
		}, nil, Counters{Errors: 3}},
		{"unloaded plugin refused", []step{
			{u: &Update{Op: OpAdd, ID: 4, Name: "d", Gen: 1, SSRB: &dataplane.SSRB{ID: 4, Name: "d", Gen: 1,
				Policies: []dataplane.Policy{{Plugin: "nope", Data: json.RawMessage(`{}`)}}}},
				wantAck: Ack{ID: 4, Gen: 1, Op: OpAdd, Error: "plugin nope is not loaded on this PIC"}},
		}, nil, Counters{Adds: 1, Errors: 1}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt, err := newRuntime(ctx, dataplane.Slot{}, Config{Configured: true, Online: true, DataCores: 1, PolicyDBMB: 1,
				ObjectCacheMB: 2, Packages: []string{"test-recorder"}}, 1, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close(context.Background())
			for i, st := range tc.steps {
				recorded = nil
				switch st.resync {
				case "begin":
					rt.BeginResync()
					continue
				case "end":
					if _, err := rt.EndResync(ctx); err != nil {
						t.Fatal(err)
					}
				default:
					ack, err := rt.Apply(ctx, st.u)
					if err != nil {
						t.Fatal(err)
					}
					if ack != st.wantAck {
						t.Errorf("step %d: got ack %+v, want %+v", i, ack, st.wantAck)
					}
				}
				got := ""
				if len(recorded) > 0 {
					got = recorded[0]
				}
				if got != st.wantEvent || len(recorded) > 1 {
					t.Errorf("step %d: got events %q, want %q", i, recorded, st.wantEvent)
				}
			}
			held := rt.Held()
			if len(held) != len(tc.wantHeld) {
				t.Fatalf("held: got %+v, want %+v", held, tc.wantHeld)
			}
			for i := range held {
				if held[i] != tc.wantHeld[i] {
					t.Errorf("held[%d]: got %+v, want %+v", i, held[i], tc.wantHeld[i])
				}
			}
			if got := rt.Counters(); got != tc.wantCount {
				t.Errorf("counters: got %+v, want %+v", got, tc.wantCount)
			}
			if got, want := rt.DB.Stats().Entries, len(tc.wantHeld); tc.name != "unloaded plugin refused" && got != want {
				t.Errorf("policy DB entries: got %d, want %d", got, want)
			}
		})
	}
}

// TestRuntimeBudget: the PIC checks an update against policy-db-size with
// servicesd's figure before any control event. Outside a resync, one
// that does not fit is refused whole (the PIC keeps what it held); inside
// a resync it waits for the sweep, which frees what servicesd no longer
// has, and is then applied and acknowledged. Before, the first was
// half-applied (held at its new generation with its old policy) and the
// second refused although it fits once the resync is over.
func TestRuntimeBudget(t *testing.T) {
	ctx := context.Background()
	big := func(id uint32, name string, gen uint64) *Update {
		return ssrb(id, name, gen, `{"v":"`+strings.Repeat("x", 600_000)+`"}`)
	}
	newRT := func(t *testing.T) *Runtime {
		rt, err := newRuntime(ctx, dataplane.Slot{FPC: 1}, Config{Configured: true, Online: true, DataCores: 1, PolicyDBMB: 1,
			ObjectCacheMB: 2, Packages: []string{"test-recorder"}}, 1, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rt.Close(context.Background()) })
		return rt
	}
	t.Run("refused whole", func(t *testing.T) {
		rt := newRT(t)
		for _, u := range []*Update{big(1, "a", 1), ssrb(2, "b", 2, `{}`)} {
			if ack, err := rt.Apply(ctx, u); err != nil || ack.Error != "" {
				t.Fatalf("add %s: %+v, %v", u.Name, ack, err)
			}
		}
		recorded = nil
		u := big(2, "b", 3)
		u.Op = OpChange
		ack, err := rt.Apply(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if want := "policies of the service-sets on fpc 1 pic 0 need 1.1 MB, more than policy-db-size 1 MB"; ack.Error != want {
			t.Errorf("ack error: got %q, want %q", ack.Error, want)
		}
		if len(recorded) != 0 {
			t.Errorf("control events %q for a refused update, want none", recorded)
		}
		if held := rt.Held(); len(held) != 2 || held[1].Gen != 2 {
			t.Errorf("held: got %+v, want b still at generation 2", held)
		}
	})
	t.Run("resync waits for the sweep", func(t *testing.T) {
		rt := newRT(t)
		if ack, err := rt.Apply(ctx, big(1, "a", 1)); err != nil || ack.Error != "" {
			t.Fatalf("add a: %+v, %v", ack, err)
		}
		rt.BeginResync() // servicesd deleted a and added c while the PIC was away
		if _, err := rt.Apply(ctx, big(3, "c", 5)); !errors.Is(err, errDeferred) {
			t.Fatalf("c during the resync: got %v, want it deferred", err)
		}
		acks, err := rt.EndResync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(acks) != 1 || acks[0] != (Ack{ID: 3, Gen: 5, Op: OpAdd}) {
			t.Errorf("acks at the resync's end: got %+v, want c's without error", acks)
		}
		if held := rt.Held(); len(held) != 1 || held[0] != (HeldSSRB{ID: 3, Name: "c", Gen: 5}) {
			t.Errorf("held: got %+v, want c alone", held)
		}
		if e := rt.DB.Lookup(3, pic.Lookup("test-recorder").Slot()); e == nil || e.Gen != 5 {
			t.Errorf("policy DB: got %+v, want c's policy", e)
		}
	})
}

// TestRuntimeLifecycle: a plugin's control handler meets init, its
// policies, then stop and destroy when the runtime closes, in that order.
func TestRuntimeLifecycle(t *testing.T) {
	ctx := context.Background()
	recorded = nil
	rt, err := newRuntime(ctx, dataplane.Slot{}, Config{Configured: true, Online: true, DataCores: 1, PolicyDBMB: 1,
		ObjectCacheMB: 2, Packages: []string{"test-recorder"}}, 1, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*Update{ssrb(1, "a", 1, `{}`), {Op: OpDelete, ID: 1, Name: "a", Gen: 2}} {
		if ack, err := rt.Apply(ctx, u); err != nil || ack.Error != "" {
			t.Fatalf("apply %+v: %+v, %v", u, ack, err)
		}
	}
	rt.Close(ctx)
	want := "init |policy-add a|policy-delete a|stop |destroy "
	if got := strings.Join(recorded, "|"); got != want {
		t.Errorf("got events %q, want %q", got, want)
	}
}

// lifecycleData records the session events of test-lifecycle (on the
// data core, read after the data plane synced).
type lifecycleData struct{}

func (lifecycleData) Data(ev pic.DataEvent, c *pic.DataCtx) pic.Result {
	if ev == pic.EvSessionDestroy {
		recordedMu.Lock()
		recorded = append(recorded, fmt.Sprintf("session-destroy (policy published %v)", c.Policy != nil))
		recordedMu.Unlock()
	}
	return pic.ResultForward
}

var recordedMu sync.Mutex

func init() {
	pic.Register(&pic.Plugin{Name: "test-lifecycle", Restart: true,
		Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Data:    func() pic.DataHandler { return lifecycleData{} },
		Control: func() pic.ControlHandler {
			inner := pic.JSONControl[map[string]string]("test-lifecycle")
			return pic.ControlFunc(func(ctx context.Context, ev *pic.ControlEvent) error {
				recordedMu.Lock()
				recorded = append(recorded, ev.Kind.String()+" "+ev.Name)
				recordedMu.Unlock()
				return inner.Control(ctx, ev)
			})
		}})
}

// TestServiceSetGoesAway: a deleted service-set's sessions are destroyed
// on their cores, with the policy still published, before the plugin's
// policy delete (the SDK's lifecycle guarantee).
func TestServiceSetGoesAway(t *testing.T) {
	ctx := context.Background()
	rt, err := newRuntime(ctx, dataplane.Slot{}, Config{Configured: true, Online: true, DataCores: 1, PolicyDBMB: 1,
		ObjectCacheMB: 2, Packages: []string{"test-lifecycle"}}, 1, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	u := ssrb(1, "a", 1, `{}`)
	u.SSRB.Forward, u.SSRB.Policies[0].Plugin = []string{"test-lifecycle"}, "test-lifecycle"
	if ack, err := rt.Apply(ctx, u); err != nil || ack.Error != "" {
		t.Fatalf("add: %+v, %v", ack, err)
	}
	p := &pic.Packet{ServiceSet: 1, Side: pic.Input}
	if err := p.Build(pic.PacketSpec{Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"),
		Proto: pic.ProtoUDP, SPort: 1, DPort: 2}); err != nil {
		t.Fatal(err)
	}
	rt.DP.Inject([]*pic.Packet{p})
	rt.DP.Sync()
	recordedMu.Lock()
	recorded = nil
	recordedMu.Unlock()
	if ack, err := rt.Apply(ctx, &Update{Op: OpDelete, ID: 1, Name: "a", Gen: 2}); err != nil || ack.Error != "" {
		t.Fatalf("delete: %+v, %v", ack, err)
	}
	recordedMu.Lock()
	defer recordedMu.Unlock()
	want := "session-destroy (policy published true)|policy-delete a"
	if got := strings.Join(recorded, "|"); got != want {
		t.Errorf("got events %q, want %q", got, want)
	}
}
