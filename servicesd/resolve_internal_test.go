package servicesd

import (
	"slices"
	"sort"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
)

func TestSlotOf(t *testing.T) {
	tests := []struct {
		in   string
		want dataplane.Slot
		ok   bool
	}{
		{"ms-0/0/0", dataplane.Slot{}, true},
		{"ms-0/0/0.12", dataplane.Slot{}, true},
		{"ms-11/3/7.1", dataplane.Slot{FPC: 11, PIC: 3}, true},
		{"ge-0/0/0", dataplane.Slot{}, false},
		{"ms-0/0", dataplane.Slot{}, false},
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

// TestDefaultOrderFromRegistration: a service-set without service-order
// runs its plugins in their registered ChainOrder, those without one last;
// servicesd keeps no list of its own.
func TestDefaultOrderFromRegistration(t *testing.T) {
	noop := func(name string, order int) *pic.Plugin {
		return &pic.Plugin{Name: name, ChainOrder: order,
			Compile: func(*compile.Input) ([]byte, []string, error) { return nil, nil, nil },
			Control: func() pic.ControlHandler { return pic.JSONControl[struct{}](name) }}
	}
	pic.Register(noop("test-order-first", 10))
	pic.Register(noop("test-order-between", 150))
	pic.Register(noop("test-order-none", 0))
	chain := []string{"test-order-none", "nat", "test-order-between", "stateful-firewall", "test-order-first"}
	sort.SliceStable(chain, func(i, j int) bool { return orderOf(chain[i]) < orderOf(chain[j]) })
	want := []string{"test-order-first", "stateful-firewall", "test-order-between", "nat", "test-order-none"}
	if !slices.Equal(chain, want) {
		t.Errorf("default chain: got %v, want %v", chain, want)
	}
}

// TestTCPMSSStatements: the service-set's tcp-mss, else
// service-set-options tcp-session tcp-mss, else none.
func TestTCPMSSStatements(t *testing.T) {
	tests := []struct {
		name, conf string
		want       uint16
	}{
		{"none", "services { service-set s { max-flows 5; } }", 0},
		{"tcp-mss", "services { service-set s { tcp-mss 1360; } }", 1360},
		{"tcp-session", "services { service-set s { service-set-options { tcp-session { tcp-mss 1200; } } } }", 1200},
		{"both: tcp-mss wins", "services { service-set s { tcp-mss 1400; service-set-options { tcp-session { tcp-mss 1200; } } } }", 1400},
		{"inactive tcp-session", "services { service-set s { service-set-options { inactive: tcp-session { tcp-mss 1200; } } } }", 0},
	}
	for _, tc := range tests {
		in, err := pictest.Input(tc.conf, "s")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tcpMSS(in.ServiceSet); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
