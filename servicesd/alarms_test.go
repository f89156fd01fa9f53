package servicesd_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// Test plugins that fail on the PIC although servicesd accepted the
// commit (no Check): one refuses its policies, one its init, while armed.
var (
	armRefuse   atomic.Bool
	armInitFail atomic.Bool
)

func init() {
	pic.Register(&pic.Plugin{Name: "test-refuser",
		Compile: func(in *compile.Input) ([]byte, []string, error) {
			if in.ServiceSet.ChildNamed("extension-service", "test-refuser") == nil {
				return nil, nil, nil
			}
			b, err := json.Marshal(map[string]string{"ss": in.Name})
			return b, nil, err
		},
		Control: func() pic.ControlHandler {
			inner := pic.JSONControl[map[string]string]("test-refuser")
			return pic.ControlFunc(func(ctx context.Context, ev *pic.ControlEvent) error {
				if (ev.Kind == pic.EvPolicyAdd || ev.Kind == pic.EvPolicyChange) && armRefuse.Load() {
					return errors.New("refused by test")
				}
				return inner.Control(ctx, ev)
			})
		}})
	pic.Register(&pic.Plugin{Name: "test-initfail",
		Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
		Control: func() pic.ControlHandler {
			return pic.ControlFunc(func(_ context.Context, ev *pic.ControlEvent) error {
				if ev.Kind == pic.EvInit && armInitFail.Load() {
					return errors.New("no hardware for test-initfail")
				}
				return nil
			})
		}})
}

// alarmsNow returns servicesd's active alarms.
func (h *harness) alarmsNow() []servicesd.Alarm {
	h.t.Helper()
	as, err := h.n.Services.Alarms(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return as
}

// waitAlarms waits until servicesd reports n alarms.
func (h *harness) waitAlarms(n int) []servicesd.Alarm {
	h.t.Helper()
	var as []servicesd.Alarm
	testkit.Eventually(h.t, fmt.Sprintf("%d alarms", n), func() error {
		if as = h.alarmsNow(); len(as) != n {
			return fmt.Errorf("%d alarms: %+v", len(as), as)
		}
		return nil
	})
	return as
}

func wantIn(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s: got\n%s\nwant it to contain %q", what, out, w)
		}
	}
}

// TestAlarmPICRefusal: a PIC that refuses a service-set anyway (a plugin
// whose refusal servicesd could not foresee) raises a chassis alarm, in
// show chassis alarms (text and XML, the RPC NETCONF serves) and show
// chassis pic, at the injected clock's time; it clears when the PIC takes
// the service-set. Before, the refusal only counted in show chassis pic
// and there was no show chassis alarms.
func TestAlarmPICRefusal(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	if out := h.cli("show chassis alarms"); out != "No alarms currently active\n" {
		t.Fatalf("before the refusal: got %q", out)
	}
	armRefuse.Store(true)
	defer armRefuse.Store(false)
	h.set(ep+"package test-refuser",
		"set services service-set boom extension-service test-refuser",
		"set services service-set boom service-order forward-flow test-refuser",
		"set services service-set boom interface-service service-interface ms-0/0/0.77")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	as := h.waitAlarms(1)
	boom, _ := h.n.Services.SSRB("boom")
	at := h.clk.Now().UTC().Format("2006-01-02 15:04:05 MST")
	if as[0].Time.UTC().Format("2006-01-02 15:04:05 MST") != at {
		t.Errorf("alarm time %v, want the fake clock's %s", as[0].Time, at)
	}
	if got, want := h.cli("show chassis alarms"), "1 alarms currently active\n"+
		"Alarm time               Class  Description\n"+
		at+"  Major  FPC 0 PIC 0 failed to apply configuration\n"; got != want {
		t.Errorf("show chassis alarms: got\n%s\nwant\n%s", got, want)
	}
	wantIn(t, "show chassis alarms | display xml", h.cli("show chassis alarms | display xml"),
		"<alarm-summary>\n            <active-alarm-count>1</active-alarm-count>\n        </alarm-summary>",
		fmt.Sprintf(`<alarm-time junos:seconds="%d">%s</alarm-time>`, as[0].Time.Unix(), at),
		"<alarm-class>Major</alarm-class>",
		"<alarm-description>FPC 0 PIC 0 failed to apply configuration</alarm-description>",
		"<alarm-short-description>FPC 0 PIC 0 cfg fail</alarm-short-description>")
	wantIn(t, "show chassis pic", h.cli("show chassis pic fpc-slot 0 pic-slot 0"),
		"  Alarms:\n    "+at+"  Major  FPC 0 PIC 0 failed to apply configuration\n",
		fmt.Sprintf("refused service-set boom (id %d generation %d): test-refuser: refused by test", boom.ID, boom.Gen))

	armRefuse.Store(false) // the fault clears: the next update of boom is taken
	h.set("set services service-set boom max-flows 5")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitSynced("boom")
	h.waitAlarms(0)
	if out := h.cli("show chassis alarms"); out != "No alarms currently active\n" {
		t.Errorf("after the PIC took boom: got %q", out)
	}
	if e := h.picdPolicy(boom.ID, "test-refuser"); e == nil {
		t.Error("boom's policy is not in the PIC's policy DB")
	}
}

// TestAlarmPICNotResponding: a picd whose heartbeat stops is dropped and
// its PIC alarmed with the cause, at the fake clock's time; the alarm
// clears when a picd is back and in sync. (The silent picd is a raw
// stream that took the slot from the embedded one.)
func TestAlarmPICNotResponding(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	cc, err := ipc.DialUnix(servicesd.SocketPath(h.n.Opts.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot00, PID: 1 << 30}}); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "the embedded picd to stand down", func() bool { return h.n.PICs.Daemon(slot00) == nil })
	if as := h.alarmsNow(); len(as) != 0 {
		t.Fatalf("alarms while a picd holds the slot: %+v", as)
	}
	var as []servicesd.Alarm
	testkit.Eventually(t, "servicesd to drop the silent picd", func() error {
		if as = h.alarmsNow(); len(as) == 0 {
			h.clk.Advance(picd.HeartbeatInterval)
			return errors.New("no alarm yet")
		}
		return nil
	})
	if a := as[0]; a.Description != "FPC 0 PIC 0 not responding" || a.Reason != "heartbeat timed out" ||
		a.Class != "Major" || a.Time.Before(testkit.Epoch.Add(servicesd.BootGrace)) || a.Time.After(h.clk.Now()) {
		t.Errorf("alarm: got %+v, want FPC 0 PIC 0 not responding (heartbeat timed out) at the time it was dropped", a)
	}
	at := as[0].Time.UTC().Format("2006-01-02 15:04:05 MST")
	wantIn(t, "show chassis alarms", h.cli("show chassis alarms"),
		"1 alarms currently active\n", at+"  Major  FPC 0 PIC 0 not responding\n")
	wantIn(t, "show chassis pic", h.cli("show chassis pic fpc-slot 0 pic-slot 0"),
		"Offline (picd not connected)", "FPC 0 PIC 0 not responding\n      heartbeat timed out\n")
	// and the system log has chassisd's message, once
	if c := strings.Count(h.log.String(), "Taking PIC 0 in FPC 0 offline: heartbeat timed out"); c != 1 ||
		!strings.Contains(h.log.String(), "tag=CHASSISD_PIC_OFFLINE_NOTICE") {
		t.Errorf("%d CHASSISD_PIC_OFFLINE_NOTICE messages, want 1:\n%s", c, h.log.String())
	}

	h.n.PICs.Start(slot00) // a picd is back: resynced, the alarm clears
	h.waitAll(2)
	h.waitAlarms(0)
}

// TestAlarmPICFailsToStart: a PIC whose runtime cannot start (a plugin
// refuses its init) stays connected, says why, and is alarmed; a Config
// it can run clears the alarm. Before, the picd dropped its stream and
// reconnected in a loop, and nothing said why.
func TestAlarmPICFailsToStart(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	armInitFail.Store(true)
	defer armInitFail.Store(false)
	h.set(ep + "package test-initfail")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	as := h.waitAlarms(1)
	if a := as[0]; a.Description != "FPC 0 PIC 0 failed to start" || !strings.Contains(a.Reason, "no hardware for test-initfail") {
		t.Errorf("alarm: got %+v, want FPC 0 PIC 0 failed to start, with the plugin's error", a)
	}
	wantIn(t, "show chassis pic", h.cli("show chassis pic fpc-slot 0 pic-slot 0"),
		"  State                            Failed\n", "  Fault ", "no hardware for test-initfail",
		"Major  FPC 0 PIC 0 failed to start\n")
	if !h.picdConnected() {
		t.Error("the failed picd dropped its stream")
	}

	armInitFail.Store(false)
	h.set("delete chassis fpc 0 pic 0 adaptive-services service-package extension-provider package test-initfail")
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitAll(2)
	h.waitAlarms(0)
	if st := h.picd().Status(); st.State != "online" || st.Fault != "" {
		t.Errorf("after a Config it can run: state %s, fault %q; want online and none", st.State, st.Fault)
	}
}
