package servicesd

import (
	"testing"

	"github.com/gnos/gnos/pic"
)

func TestSlotOf(t *testing.T) {
	tests := []struct {
		in   string
		want pic.Slot
		ok   bool
	}{
		{"ms-0/0/0", pic.Slot{}, true},
		{"ms-0/0/0.12", pic.Slot{}, true},
		{"ms-11/3/7.1", pic.Slot{FPC: 11, PIC: 3}, true},
		{"ge-0/0/0", pic.Slot{}, false},
		{"ms-0/0", pic.Slot{}, false},
	}
	for _, tc := range tests {
		got, ok := slotOf(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("slotOf(%q): got %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGenerationsGrowAcrossEpochs(t *testing.T) {
	a := &Servicesd{epoch: 1}
	b := &Servicesd{epoch: 2} // the next start of servicesd
	var last uint64
	for i := 0; i < 3; i++ {
		last = a.nextGenLocked()
	}
	if first := b.nextGenLocked(); first <= last {
		t.Fatalf("generation after restart %d, want > %d", first, last)
	}
}
