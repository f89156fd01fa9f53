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
