package loginthrottle

import (
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// TestFailDelays: a pair's delay doubles per recent failure up to max,
// other pairs are not slowed, and a pair quiet for the memory window
// starts again at base.
func TestFailDelays(t *testing.T) {
	clk := clock.NewFake(time.Unix(1e9, 0))
	th := New(clk, 250*time.Millisecond, time.Second, 2)
	for i, want := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, time.Second} {
		if got := th.Fail("admin", "192.0.2.1"); got != want {
			t.Errorf("failure %d: delay %v, want %v", i+1, got, want)
		}
	}
	if got := th.Fail("admin", "192.0.2.2"); got != 250*time.Millisecond {
		t.Errorf("another address: delay %v, want the base", got)
	}
	if got := th.Fail("ops", "192.0.2.1"); got != 250*time.Millisecond {
		t.Errorf("another user: delay %v, want the base", got)
	}
	clk.Advance(10*time.Minute + time.Second)
	if got := th.Fail("admin", "192.0.2.1"); got != 250*time.Millisecond {
		t.Errorf("after the memory window: delay %v, want the base", got)
	}
}

// TestAdmitBound: an address holds at most maxPending unauthenticated
// connections; a released one makes room; other addresses are apart.
func TestAdmitBound(t *testing.T) {
	th := New(clock.NewFake(time.Unix(1e9, 0)), time.Millisecond, time.Millisecond, 2)
	for i := range 2 {
		if !th.Admit("a") {
			t.Fatalf("connection %d refused", i+1)
		}
	}
	if th.Admit("a") {
		t.Error("third unauthenticated connection admitted, want refused")
	}
	if !th.Admit("b") {
		t.Error("another address refused")
	}
	th.Release("a")
	if !th.Admit("a") {
		t.Error("connection after a release refused")
	}
}

// TestTrackedBound: past maxTracked pairs the table is pruned, never
// growing without bound.
func TestTrackedBound(t *testing.T) {
	th := New(clock.NewFake(time.Unix(1e9, 0)), time.Millisecond, time.Second, 1)
	for i := 0; i < 3*maxTracked; i++ {
		th.Fail("u", string(rune('a'+i%26))+time.Duration(i).String())
	}
	if n := len(th.fails); n > maxTracked {
		t.Errorf("%d pairs tracked, want at most %d", n, maxTracked)
	}
}
