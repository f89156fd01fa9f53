package pic_test

import (
	"testing"

	"github.com/gnos/gnos/pic"
)

// TestEventRing: each core's queue keeps its events in order up to its
// size, drops (and counts) past it, and Drain hands at most max, leaving
// the rest for the next drain.
func TestEventRing(t *testing.T) {
	r := pic.NewEventRing(2, 3) // rounded up to 4 a core
	for i := range 6 {
		r.Put(0, &pic.Event{Code: uint16(i)})
	}
	r.Put(1, &pic.Event{Code: 100})
	if d := r.Dropped(); d != 2 {
		t.Errorf("dropped %d, want 2 (core 0 holds 4)", d)
	}
	var got []uint16
	if n := r.Drain(3, func(e *pic.Event) { got = append(got, e.Code) }); n != 3 {
		t.Errorf("drained %d, want 3", n)
	}
	r.Drain(10, func(e *pic.Event) { got = append(got, e.Code) })
	want := []uint16{0, 1, 2, 3, 100}
	if len(got) != len(want) {
		t.Fatalf("drained %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("drained %v, want %v", got, want)
		}
	}
	if !r.Put(0, &pic.Event{Code: 7}) {
		t.Error("put after a drain refused")
	}
}
