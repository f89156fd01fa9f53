package ifname

import (
	"strings"
	"testing"
)

func TestLinux(t *testing.T) {
	m, err := Parse([]byte("# host wiring\nge-0/0/1 eth1\nge-0/0/2.7 vlan7  # one unit\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ junos, want, err string }{
		{"ge-0/0/0", "ge-0-0-0", ""},
		{"ge-0/0/0.0", "ge-0-0-0", ""},
		{"ge-0/0/0.5", "ge-0-0-0.5", ""},
		{"ms-0/0/0.1", "ms-0-0-0.1", ""},
		{"lo0.0", "lo", ""},
		{"fxp0", "fxp0", ""},
		{"ge-0/0/1", "eth1", ""},
		{"ge-0/0/1.5", "eth1.5", ""},
		{"ge-0/0/2.7", "vlan7", ""},
		{"ge-0/0/2.8", "ge-0-0-2.8", ""},
		{"ms-11/3/999.16385", "", "longer than 15"},
		{"ge-0/0/0.x", "", "bad unit"},
	} {
		got, err := m.Linux(tc.junos)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %q, %v; want error containing %q", tc.junos, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.junos, got, err, tc.want)
		}
	}
	var none *Map
	if got, _ := none.Linux("xe-1/2/3.4"); got != "xe-1-2-3.4" {
		t.Errorf("nil map: got %q, want xe-1-2-3.4", got)
	}
}

func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"fields":    "ge-0/0/0\n",
		"too long":  "ge-0/0/0 a-very-long-linux-name\n",
		"slash":     "ge-0/0/0 a/b\n",
		"duplicate": "ge-0/0/0 a\nge-0/0/0 b\n",
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: got no error, want one", name)
		}
	}
}

func TestLogical(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bare physical is unit 0", "ge-0/0/0", "ge-0/0/0.0"},
		{"unit kept", "ge-0/0/0.5", "ge-0/0/0.5"},
		{"unit 0 kept", "ms-0/0/0.0", "ms-0/0/0.0"},
		{"leading zeros normalised", "ge-0/0/0.05", "ge-0/0/0.5"},
		{"empty stays empty", "", ""},
		{"bad unit unchanged", "ge-0/0/0.x", "ge-0/0/0.x"},
		{"no slots", "lo0", "lo0.0"},
	} {
		if got := Logical(tc.in); got != tc.want {
			t.Errorf("%s: Logical(%q): got %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestLogicalDoesNotAllocate(t *testing.T) {
	name := "ge-0/0/0.10"
	if n := testing.AllocsPerRun(100, func() { _ = Logical(name) }); n != 0 {
		t.Errorf("Logical(%q): got %v allocations, want 0", name, n)
	}
}

func TestWithinAndHasUnit(t *testing.T) {
	for _, tc := range []struct {
		name, ifd string
		within    bool
	}{
		{"ge-0/0/0", "ge-0/0/0", true},
		{"ge-0/0/0.5", "ge-0/0/0", true},
		{"ge-0/0/00", "ge-0/0/0", false},
		{"ge-0/0/1.0", "ge-0/0/0", false},
	} {
		if got := Within(tc.name, tc.ifd); got != tc.within {
			t.Errorf("Within(%q, %q): got %v, want %v", tc.name, tc.ifd, got, tc.within)
		}
	}
	if !HasUnit("ge-0/0/0.0") || HasUnit("ge-0/0/0") {
		t.Errorf("HasUnit: got %v, %v; want true, false", HasUnit("ge-0/0/0.0"), HasUnit("ge-0/0/0"))
	}
	if got := Unit("ge-0/0/0", "7"); got != "ge-0/0/0.7" {
		t.Errorf("Unit: got %q, want ge-0/0/0.7", got)
	}
}

func TestService(t *testing.T) {
	for _, tc := range []struct {
		in       string
		fpc, pic int
		ok       bool
	}{
		{"ms-0/0/0", 0, 0, true},
		{"ms-0/0/0.12", 0, 0, true},
		{"ms-11/3/7.1", 11, 3, true},
		{"ge-0/0/0", 0, 0, false},
		{"ms-0/0", 0, 0, false},
		{"ms-0/0/0/0", 0, 0, false},
		{"ms-0/0/0.", 0, 0, false},
		{"ms-0/0/0.x", 0, 0, false},
		{"ms-a/0/0", 0, 0, false},
		{"ms-0/0/0.1.2", 0, 0, false},
	} {
		f, p, ok := ServiceSlot(tc.in)
		if f != tc.fpc || p != tc.pic || ok != tc.ok {
			t.Errorf("ServiceSlot(%q): got %d %d %v, want %d %d %v", tc.in, f, p, ok, tc.fpc, tc.pic, tc.ok)
		}
		if got := IsService(tc.in); got != strings.HasPrefix(tc.in, "ms-") {
			t.Errorf("IsService(%q): got %v", tc.in, got)
		}
	}
	if got := Service(1, 2); got != "ms-1/2/0" {
		t.Errorf("Service(1, 2): got %q, want ms-1/2/0", got)
	}
	if f, p, ok := ServiceSlot(Service(4, 5)); f != 4 || p != 5 || !ok {
		t.Errorf("ServiceSlot(Service(4, 5)): got %d %d %v, want 4 5 true", f, p, ok)
	}
	for _, tc := range []struct {
		linux string
		want  bool
	}{{"ms-0-0-0.1", true}, {"ms-1-2-0", true}, {"ge-0-0-0", false}, {"eth0", false}} {
		if got := IsServiceLink(tc.linux); got != tc.want {
			t.Errorf("IsServiceLink(%q): got %v, want %v", tc.linux, got, tc.want)
		}
	}
	m := &Map{}
	if ln, err := m.Linux("ms-3/1/0.4"); err != nil || !IsServiceLink(ln) {
		t.Errorf("Linux(ms-3/1/0.4) = %q, %v: want a name IsServiceLink accepts", ln, err)
	}
}

func FuzzServiceSlot(f *testing.F) {
	for _, s := range []string{"ms-0/0/0", "ms-11/3/7.1", "ge-0/0/0", "ms-0/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fpc, pic, ok := ServiceSlot(s)
		if !ok {
			return
		}
		if !IsService(s) {
			t.Errorf("ServiceSlot(%q) ok but IsService false", s)
		}
		if f2, p2, ok2 := ServiceSlot(Service(fpc, pic)); f2 != fpc || p2 != pic || !ok2 {
			t.Errorf("ServiceSlot(Service(%d, %d)): got %d %d %v, want %d %d true", fpc, pic, f2, p2, ok2, fpc, pic)
		}
	})
}

// BenchmarkLogical measures the per-packet spelling the data path's
// steering lookup does (dataplane.Dataplane.Steer).
func BenchmarkLogical(b *testing.B) {
	b.ReportAllocs()
	for _, name := range []string{"ge-0/0/0.0", "ms-0/0/0.16385"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_ = Logical(name)
			}
		})
	}
}
