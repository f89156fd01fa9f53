package pic

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/gnos/gnos/pic/compile"
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
		{"the same prefix plain and except", []string{"10.0.0.0/8"}, []string{"10.0.0.0/8"}, "10.0.0.1", false},
		{"IPv6 in a prefix", []string{"2001:db8::/32"}, nil, "2001:db8:1::1", true},
		{"IPv6 in an except", []string{"2001:db8::/32"}, []string{"2001:db8:1:2::/64"}, "2001:db8:1:2::9", false},
		{"IPv6 past a /72 except", []string{"2001:db8::/32"}, []string{"2001:db8:1:2:ff00::/72"}, "2001:db8:1:2:fe00::1", true},
		{"IPv4 address, IPv6 prefixes", []string{"::/0"}, nil, "10.0.0.1", false},
		{"IPv6 address, IPv4 prefixes", []string{"0.0.0.0/0"}, nil, "2001:db8::1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := CompileMatch(Addresses{Src: tc.plain, SrcExcept: tc.exc}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := netip.MustParseAddr(tc.addr)
			b := a.As16()
			if got := m.src.holds(&b, a.Is6()); got != tc.wantMatching {
				t.Errorf("%s in %v except %v: got %v, want %v", tc.addr, tc.plain, tc.exc, got, tc.wantMatching)
			}
		})
	}
	if _, err := CompileMatch(Addresses{DstExcept: []string{"nonsense"}}, nil); err == nil {
		t.Errorf("bad except address: got no error, want one")
	}
}

// TestICMPCodeNames: an application's icmp-code / icmp6-code takes the
// code names Junos uses, at the code they have under the application's
// type (port-unreachable is 3 in ICMP, 4 in ICMPv6); a name of another
// type, or without a type, is an error naming it.
func TestICMPCodeNames(t *testing.T) {
	tests := []struct {
		name      string
		app       compile.App
		typ, code int
		err       string
	}{
		{"icmp name", compile.App{Protocol: "icmp", ICMPType: "unreachable", ICMPCode: "port-unreachable"}, 3, 3, ""},
		{"icmp fragmentation-needed", compile.App{Protocol: "icmp", ICMPType: "unreachable", ICMPCode: "fragmentation-needed"}, 3, 4, ""},
		{"icmp ttl-eq-zero-during-transit", compile.App{Protocol: "icmp", ICMPType: "time-exceeded", ICMPCode: "ttl-eq-zero-during-transit"}, 11, 0, ""},
		{"icmp number", compile.App{Protocol: "icmp", ICMPType: "timestamp", ICMPCode: "0"}, 13, 0, ""},
		{"icmp6 name", compile.App{Protocol: "icmp6", ICMP6Type: "destination-unreachable", ICMP6Code: "port-unreachable"}, 1, 4, ""},
		{"icmp6 ttl-eq-zero-during-reassembly", compile.App{Protocol: "icmp6", ICMP6Type: "time-exceeded", ICMP6Code: "ttl-eq-zero-during-reassembly"}, 3, 1, ""},
		{"a name of another type", compile.App{Protocol: "icmp", ICMPType: "echo-request", ICMPCode: "host-unreachable"}, 0, 0,
			"icmp-code host-unreachable: host-unreachable is a code of type unreachable (3), which is not matched here"},
		{"a name without its type", compile.App{Protocol: "icmp6", ICMP6Code: "unrecognized-option"}, 0, 0,
			"icmp6-code unrecognized-option: unrecognized-option is a code of type parameter-problem (4): name that type too"},
		{"an ICMP name as an ICMPv6 code", compile.App{Protocol: "icmp6", ICMP6Type: "destination-unreachable", ICMP6Code: "fragmentation-needed"}, 0, 0,
			`icmp6-code fragmentation-needed: unknown code "fragmentation-needed"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.app.Name = "a"
			m, err := CompileMatch(Addresses{}, []compile.App{tc.app})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a := m.Apps[0]; a.ICMPType != tc.typ || a.ICMPCode != tc.code {
				t.Errorf("got type %d code %d, want type %d code %d", a.ICMPType, a.ICMPCode, tc.typ, tc.code)
			}
			k := &FlowKey{Proto: m.Apps[0].Proto}
			if ok, _ := m.Matches(k, uint8(tc.typ), uint8(tc.code)); !ok {
				t.Errorf("type %d code %d: not matched", tc.typ, tc.code)
			}
			if ok, _ := m.Matches(k, uint8(tc.typ), uint8(tc.code)+1); ok {
				t.Errorf("type %d code %d: matched, want only code %d", tc.typ, tc.code+1, tc.code)
			}
		})
	}
}

// TestAddressListsAgainstNetip: compiled lists decide as the
// longest-prefix rule does on netip prefixes, for random lists of both
// families and addresses in and near their prefixes.
func TestAddressListsAgainstNetip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	randAddr := func(v6 bool) netip.Addr {
		var b [16]byte
		for i := range b { // few values: addresses fall in each other's prefixes
			b[i] = [...]byte{0, 0, 0xff, 0x80, 0x40, byte(rng.Uint32())}[rng.IntN(6)]
		}
		if !v6 {
			return netip.AddrFrom4([4]byte(b[12:]))
		}
		return netip.AddrFrom16(b)
	}
	randPrefix := func() netip.Prefix {
		v6 := rng.IntN(2) == 1
		a := randAddr(v6)
		return netip.PrefixFrom(a, rng.IntN(a.BitLen()+1)).Masked()
	}
	longest := func(ps []netip.Prefix, a netip.Addr) int {
		best := -1
		for _, p := range ps {
			if p.Contains(a) && p.Bits() > best {
				best = p.Bits()
			}
		}
		return best
	}
	for range 2000 {
		var ps, ex []netip.Prefix
		for range rng.IntN(4) {
			ps = append(ps, randPrefix())
		}
		for range rng.IntN(3) {
			ex = append(ex, randPrefix())
		}
		l := compileList(ps, ex)
		all := append(append([]netip.Prefix(nil), ps...), ex...)
		for range 20 {
			a := randAddr(rng.IntN(2) == 1)
			if len(all) > 0 && rng.IntN(2) == 0 { // a prefix's address with one bit flipped
				b := all[rng.IntN(len(all))].Addr().AsSlice()
				bit := rng.IntN(8 * len(b))
				b[bit/8] ^= 0x80 >> (bit % 8)
				a, _ = netip.AddrFromSlice(b)
			}
			want := len(ps) == 0 && len(ex) == 0
			if !want {
				plain := longest(ps, a)
				want = plain >= 0 && plain > longest(ex, a)
			}
			b := a.As16()
			if got := l.holds(&b, a.Is6()); got != want {
				t.Fatalf("%s in %v except %v: got %v, want %v", a, ps, ex, got, want)
			}
		}
	}
}
