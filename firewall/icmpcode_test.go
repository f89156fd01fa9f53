package firewall

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	goyang "github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/internal/icmpname"
)

// icmpCodeConf names ICMP and ICMPv6 codes the way Junos does, beside a
// number.
const icmpCodeConf = `
firewall {
    family inet {
        filter errors {
            term pmtu {
                from {
                    protocol icmp;
                    icmp-type unreachable;
                    icmp-code [ fragmentation-needed port-unreachable ];
                }
                then accept;
            }
            term ttl {
                from {
                    protocol icmp;
                    icmp-type [ time-exceeded parameter-problem ];
                    icmp-code [ ttl-eq-zero-during-transit required-option-missing ];
                }
                then accept;
            }
            term redirect-by-number {
                from {
                    protocol icmp;
                    icmp-type redirect;
                    icmp-code 1;
                }
                then accept;
            }
        }
    }
    family inet6 {
        filter errors6 {
            term unreach {
                from {
                    next-header icmp6;
                    icmp-type destination-unreachable;
                    icmp-code [ port-unreachable no-route-to-destination ];
                }
                then accept;
            }
        }
    }
}
`

func icmpPkt(v6 bool, typ, code uint8) *Packet {
	src, dst, proto := "203.0.113.9", "198.51.100.1", uint8(1)
	if v6 {
		src, dst, proto = "2001:db8::9", "2001:db8::1", 58
	}
	return &Packet{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Protocol: proto, HasL4: true,
		ICMPType: typ, ICMPCode: code}
}

// TestICMPCodeNames: icmp-code takes Junos' code names at their codes
// under their type (ICMPv6's port-unreachable is 4, ICMP's 3), and
// numbers.
func TestICMPCodeNames(t *testing.T) {
	c := compiled(t, icmpCodeConf)
	f, f6 := c.Filter(Inet, "errors"), c.Filter(Inet6, "errors6")
	if f == nil || f6 == nil {
		t.Fatal("filters not compiled")
	}
	for _, tc := range []struct {
		name string
		got  []uint8
		want []uint8
	}{
		{"unreachable codes", f.Terms[0].ICMPCodes, []uint8{4, 3}},
		{"time-exceeded and parameter-problem codes", f.Terms[1].ICMPCodes, []uint8{0, 1}},
		{"a number", f.Terms[2].ICMPCodes, []uint8{1}},
		{"ICMPv6 destination-unreachable codes", f6.Terms[0].ICMPCodes, []uint8{4, 0}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	tests := []struct {
		name      string
		f         *Filter
		p         *Packet
		term      int
		wantMatch Action
	}{
		{"fragmentation needed", f, icmpPkt(false, 3, 4), 0, Accept},
		{"port unreachable", f, icmpPkt(false, 3, 3), 0, Accept},
		{"host unreachable is not named", f, icmpPkt(false, 3, 1), -1, Discard},
		{"ttl exceeded in transit", f, icmpPkt(false, 11, 0), 1, Accept},
		{"time-exceeded code 1 matches by required-option-missing (codes are ORed across the types, as in Junos)", f, icmpPkt(false, 11, 1), 1, Accept},
		{"redirect for host by number", f, icmpPkt(false, 5, 1), 2, Accept},
		{"ICMPv6 port unreachable (4)", f6, icmpPkt(true, 1, 4), 0, Accept},
		{"ICMPv6 code 3 (address unreachable) is not named", f6, icmpPkt(true, 1, 3), -1, Discard},
	}
	for _, tt := range tests {
		if v := tt.f.Match(tt.p); v.Term != tt.term || v.Action != tt.wantMatch {
			t.Errorf("%s: got term %d action %d, want term %d action %d", tt.name, v.Term, v.Action, tt.term, tt.wantMatch)
		}
	}
}

// TestICMPCodeNameNeedsItsType: a code name under another type, or with
// no type, is refused at compile (commit) time with the name in the
// error, rather than matching that number under every type.
func TestICMPCodeNameNeedsItsType(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, want string }{
		{"another type", "protocol icmp; icmp-type echo-request; icmp-code port-unreachable;",
			"icmp-code port-unreachable: port-unreachable is a code of type unreachable (3), which is not matched here"},
		{"no type", "protocol icmp; icmp-code ttl-eq-zero-during-transit;",
			"icmp-code ttl-eq-zero-during-transit: ttl-eq-zero-during-transit is a code of type time-exceeded (11): name that type too"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, _, err := format.ParseText(s.Root, "firewall { family inet { filter f { term t { from { "+tc.from+" } then accept; } } } }")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(root)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestICMPCodeEnumerations: the YANG enumerations that CLI completion
// and validation read list exactly the names internal/icmpname resolves,
// for applications and for firewall filters of both families.
func TestICMPCodeEnumerations(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	at := func(path ...string) *schema.Node {
		n := s.Root
		for _, p := range path {
			if n = n.Child(p); n == nil {
				t.Fatalf("no schema node %v", path)
			}
		}
		return n
	}
	for _, tc := range []struct {
		path []string
		fam  icmpname.Family
	}{
		{[]string{"applications", "application", "icmp-code"}, icmpname.V4},
		{[]string{"applications", "application", "icmp6-code"}, icmpname.V6},
		{[]string{"firewall", "family", "inet", "filter", "term", "from", "icmp-code"}, icmpname.V4},
		{[]string{"firewall", "family", "inet6", "filter", "term", "from", "icmp-code"}, icmpname.V6},
	} {
		got, want := enumNames(at(tc.path...).Type), icmpname.Names(tc.fam)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: YANG names %v, want %v", tc.path, got, want)
		}
	}
}

func enumNames(t *goyang.YangType) []string {
	if t == nil {
		return nil
	}
	if t.Kind == goyang.Yenum && t.Enum != nil {
		return t.Enum.Names()
	}
	var out []string
	for _, u := range t.Type {
		out = append(out, enumNames(u)...)
	}
	return out
}
