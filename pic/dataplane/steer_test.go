package dataplane

import (
	"testing"
)

// TestSteerBindings: interface-style bindings steer by interface and
// direction, next-hop units by which unit; a service-set's deletion or
// change of bindings is seen at once (packetio.TestInjectOn goes through
// a port).
func TestSteerBindings(t *testing.T) {
	h := newHarness(t, 2, 1<<20)
	dp := h.dp
	if err := dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 2, Forward: []string{"test-dp-a"}, Reverse: []string{"test-dp-a"},
		ServiceInterface: "ms-0/0/0", Bindings: []Binding{{"ge-0/0/0.0", "input"}, {"ge-0/0/0.0", "output"}, {"ge-0/0/1.5", "input"}}}); err != nil {
		t.Fatal(err)
	}
	if err := dp.SetServiceSet(&SSRB{ID: 2, Name: "nh", Gen: 1, Forward: []string{"test-dp-a"}, Reverse: []string{"test-dp-a"},
		ServiceInterface: "ms-0/0/0.1", Inside: "ms-0/0/0.1", Outside: "ms-0/0/0.2"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ifname string
		dir    Side
		ss     uint32
		side   Side
		ok     bool
	}{
		{"ge-0/0/0.0", Input, 1, Input, true},
		{"ge-0/0/0", Output, 1, Output, true}, // unit 0 by default
		{"ge-0/0/1.5", Input, 1, Input, true},
		{"ge-0/0/1.5", Output, 0, 0, false}, // bound on input only
		{"ge-0/0/2.0", Input, 0, 0, false},
		{"ms-0/0/0.1", Output, 2, Input, true}, // inside unit: input side whatever the direction
		{"ms-0/0/0.2", Input, 2, Output, true},
	} {
		ss, side, ok := dp.Steer(tc.ifname, tc.dir)
		if ss != tc.ss || side != tc.side || ok != tc.ok {
			t.Errorf("Steer(%s, %s) = %d, %s, %v; want %d, %s, %v", tc.ifname, tc.dir, ss, side, ok, tc.ss, tc.side, tc.ok)
		}
	}
	if !dp.ServesInterface(1, "ge-0/0/1") || !dp.ServesInterface(1, "ms-0/0/0") || dp.ServesInterface(2, "ge-0/0/0.0") ||
		!dp.ServesInterface(2, "ms-0/0/0") {
		t.Error("ServesInterface does not match the bindings and service interfaces")
	}

	// A change of bindings replaces the old ones; a deletion removes them.
	if err := dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 3, Forward: []string{"test-dp-a"}, Reverse: []string{"test-dp-a"},
		Bindings: []Binding{{"ge-0/0/3.0", "input"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := dp.Steer("ge-0/0/0.0", Input); ok {
		t.Error("ge-0/0/0.0 still steered after its binding was removed")
	}
	if ss, _, ok := dp.Steer("ge-0/0/3.0", Input); !ok || ss != 1 {
		t.Error("ge-0/0/3.0 not steered to ss1 after the change")
	}
	dp.DeleteServiceSet(2)
	if _, _, ok := dp.Steer("ms-0/0/0.1", Input); ok {
		t.Error("ms-0/0/0.1 still steered after its service-set was deleted")
	}
}
