package icmpname

import "testing"

// TestCode: a name resolves to its code under its own type only; the
// same name means another code in ICMPv6; numbers pass under any type.
func TestCode(t *testing.T) {
	tests := []struct {
		name  string
		f     Family
		s     string
		types []uint8
		want  uint8
		err   bool
	}{
		{"ICMP port-unreachable", V4, "port-unreachable", []uint8{3}, 3, false},
		{"ICMPv6 port-unreachable", V6, "port-unreachable", []uint8{1}, 4, false},
		{"precedence-cutoff-in-effect", V4, "precedence-cutoff-in-effect", []uint8{3}, 15, false},
		{"redirect-for-tos-and-host", V4, "redirect-for-tos-and-host", []uint8{5}, 3, false},
		{"one of several types", V4, "ttl-eq-zero-during-reassembly", []uint8{3, 11}, 1, false},
		{"unrecognized-option", V6, "unrecognized-option", []uint8{4}, 2, false},
		{"a number under any type", V4, "7", nil, 7, false},
		{"another type's name", V4, "port-unreachable", []uint8{11}, 0, true},
		{"a name without a type", V6, "address-unreachable", nil, 0, true},
		{"an ICMP-only name in ICMPv6", V6, "fragmentation-needed", []uint8{1}, 0, true},
		{"above 255", V4, "256", nil, 0, true},
	}
	for _, tc := range tests {
		got, err := Code(tc.f, tc.s, tc.types)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: got %d, %v; want %d, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

// TestNamesUnique: within a family a name stands for one type and code.
func TestNamesUnique(t *testing.T) {
	for _, f := range []Family{V4, V6} {
		seen := map[string]bool{}
		for _, n := range Names(f) {
			if seen[n] {
				t.Errorf("family %d: %s listed twice", f, n)
			}
			seen[n] = true
		}
		if len(seen) != len(byName[f]) {
			t.Errorf("family %d: %d names, %d indexed", f, len(seen), len(byName[f]))
		}
	}
}
