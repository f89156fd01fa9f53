package pic

import (
	"net/netip"
	"testing"
)

// TestAddressLists: an address matches a list when the longest listed
// prefix holding it is not an except one; an empty list matches
// anything; except entries alone match nothing (as Junos reads them).
func TestAddressLists(t *testing.T) {
	tests := []struct {
		name         string
		plain, exc   []string
		addr         string
		wantMatching bool
	}{
		{"empty list", nil, nil, "192.0.2.1", true},
		{"in a prefix", []string{"10.0.0.0/8"}, nil, "10.1.2.3", true},
		{"outside every prefix", []string{"10.0.0.0/8"}, nil, "192.0.2.1", false},
		{"in an except inside a prefix", []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, "10.1.2.3", false},
		{"in the prefix, outside the except", []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, "10.2.0.1", true},
		{"a longer prefix inside an except", []string{"0.0.0.0/0", "10.1.2.0/24"}, []string{"10.1.0.0/16"}, "10.1.2.3", true},
		{"except alone", nil, []string{"10.1.0.0/16"}, "192.0.2.1", false},
		{"any", []string{"any"}, nil, "2001:db8::1", true},
		{"any except", []string{"any"}, []string{"10.0.0.0/8"}, "10.0.0.1", false},
		{"a host address", []string{"192.0.2.1"}, nil, "192.0.2.1", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := CompileMatch(Addresses{Src: tc.plain, SrcExcept: tc.exc}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := netip.MustParseAddr(tc.addr)
			if got := inPrefixes(m.Src, m.SrcExcept, a); got != tc.wantMatching {
				t.Errorf("%s in %v except %v: got %v, want %v", tc.addr, tc.plain, tc.exc, got, tc.wantMatching)
			}
		})
	}
	if _, err := CompileMatch(Addresses{DstExcept: []string{"nonsense"}}, nil); err == nil {
		t.Errorf("bad except address: got no error, want one")
	}
}
