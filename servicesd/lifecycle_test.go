package servicesd_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
)

// Test plugins whose control handler panics once when armed: one supports
// restart, the other does not.
var (
	armRestartable atomic.Bool
	armFatal       atomic.Bool
)

func panicky(name string, arm *atomic.Bool, restart bool) *pic.Plugin {
	return &pic.Plugin{Name: name, Restart: restart,
		Compile: func(in *compile.Input) ([]byte, []string, error) {
			if in.ServiceSet.ChildNamed("extension-service", name) == nil {
				return nil, nil, nil
			}
			b, err := json.Marshal(map[string]string{"ss": in.Name})
			return b, nil, err
		},
		Control: func() pic.ControlHandler {
			inner := pic.JSONControl[map[string]string](name)
			return pic.ControlFunc(func(ctx context.Context, ev *pic.ControlEvent) error {
				if ev.Kind == pic.EvPolicyAdd && arm.CompareAndSwap(true, false) {
					panic("test panic in " + name)
				}
				return inner.Control(ctx, ev)
			})
		}}
}

func init() {
	pic.Register(panicky("test-restartable", &armRestartable, true))
	pic.Register(panicky("test-fatal", &armFatal, false))
}

// TestPluginPanic: a plugin that panics in its control handler is
// restarted and resynced when it supports restart; otherwise the PIC is
// restarted and resynced. Either way the PIC ends up holding every SSRB,
// and the show commands say what happened.
func TestPluginPanic(t *testing.T) {
	tests := []struct {
		name         string
		plugin       string
		arm          *atomic.Bool
		wantPICRest  uint64
		wantPlugRest uint64
		wantShow     []string
		wantLog      string
	}{
		{"restartable plugin", "test-restartable", &armRestartable, 0, 1,
			[]string{"test-restartable", "restarted  restarts 1 (last panic: test panic in test-restartable)",
				"plugin test-restartable restarted after a panic"},
			"pic: restarting plugin and resyncing its policies"},
		{"plugin without restart", "test-fatal", &armFatal, 1, 0,
			[]string{"PIC restarts                     1", "plugin test-fatal panicked (test panic in test-fatal); it does not support restart: restarting the PIC"},
			"pic: restarting the PIC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			h.loadCommit(h.shape(3))
			h.waitAll(3)
			h.set("set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package "+tc.plugin,
				"set services service-set boom extension-service "+tc.plugin,
				"set services service-set boom service-order forward-flow "+tc.plugin,
				"set services service-set boom interface-service service-interface ms-0/0/0.77")
			tc.arm.Store(true)
			if err := h.commit(false); err != nil {
				t.Fatal(err)
			}
			h.waitAll(3)
			h.waitSynced("boom")
			st := h.picd().Status()
			if st.Restarts != tc.wantPICRest {
				t.Errorf("PIC restarts: got %d, want %d", st.Restarts, tc.wantPICRest)
			}
			var found bool
			for _, p := range st.Plugins {
				if p.Name == tc.plugin {
					found = true
					if p.Restarts != tc.wantPlugRest || p.Policies != 1 {
						t.Errorf("plugin: got %d restarts and %d policies, want %d and 1", p.Restarts, p.Policies, tc.wantPlugRest)
					}
				}
			}
			if !found {
				t.Fatalf("plugin %s not loaded: %+v", tc.plugin, st.Plugins)
			}
			if got := len(st.SSRBs); got != 4 {
				t.Errorf("PIC holds %d SSRBs, want 4", got)
			}
			ss, _ := h.n.Services.SSRB("boom")
			if e := h.picdPolicy(ss.ID, tc.plugin); e == nil {
				t.Errorf("policy of boom for %s not in the policy DB after the restart", tc.plugin)
			}
			if log := h.log.String(); !strings.Contains(log, "pic: plugin control handler panicked") || !strings.Contains(log, tc.wantLog) {
				t.Errorf("log lacks the panic and %q:\n%s", tc.wantLog, log)
			}
			out := h.cli("show chassis pic fpc-slot 0 pic-slot 0 extensive", "show services service-sets plug-ins")
			for _, w := range tc.wantShow {
				if !strings.Contains(out, w) {
					t.Errorf("show output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// picdPolicy reads the PIC's policy DB.
func (h *harness) picdPolicy(id uint32, plugin string) *dataplane.Entry {
	rt := h.picd().Runtime()
	if rt == nil {
		return nil
	}
	return rt.DB.Lookup(id, pic.Lookup(plugin).Slot())
}

// TestPICOfflineOnline: request chassis pic offline empties the PIC;
// commits meanwhile are not sent; online resyncs it to what is committed.
func TestPICOfflineOnline(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(5))
	h.waitAll(5)
	out := h.cli("request chassis pic fpc-slot 0 pic-slot 0 offline")
	if !strings.Contains(out, "fpc 0 pic 0 will be offline") {
		t.Fatalf("got %q", out)
	}
	h.waitState("offline")
	h.set("set services service-set ss2 max-flows 7")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	if got := h.n.Services.LastCommitUpdates(); got != 0 {
		t.Errorf("sent %d updates to an offline PIC, want 0", got)
	}
	if out := h.cli("show chassis pic fpc-slot 0 pic-slot 0"); !strings.Contains(out, "Offline (requested)") {
		t.Errorf("show chassis pic: want Offline (requested):\n%s", out)
	}
	h.cli("request chassis pic fpc-slot 0 pic-slot 0 online")
	h.waitAll(5)
	st := h.picd().Status()
	ss2, _ := h.n.Services.SSRB("ss2")
	for _, held := range st.SSRBs {
		if held.Name == "ss2" && held.Gen != ss2.Gen {
			t.Errorf("ss2: PIC holds gen %d, want %d", held.Gen, ss2.Gen)
		}
	}
	if st.State != "online" || len(st.SSRBs) != 5 {
		t.Errorf("after online: got state %s with %d SSRBs, want online with 5", st.State, len(st.SSRBs))
	}
}

// TestChassisChangeRestartsPIC: changing data-cores restarts the PIC
// runtime cleanly (new incarnation) and resyncs it.
func TestChassisChangeRestartsPIC(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(5))
	h.waitAll(5)
	inc := h.picd().Status().Incarnation
	h.set("set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 4")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitIncarnation(inc + 1)
	h.waitAll(5)
	st := h.picd().Status()
	if st.DataCores != 4 || len(st.SSRBs) != 5 {
		t.Errorf("got %d data cores and %d SSRBs, want 4 and 5", st.DataCores, len(st.SSRBs))
	}
}
