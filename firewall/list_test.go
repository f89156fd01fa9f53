package firewall

import (
	"net/netip"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// listConf binds a filter list: ssh-only accepts SSH and lets the rest
// fall through (no term takes it), icmp-only accepts ICMP; what neither
// takes is discarded after the last filter.
const listConf = `firewall {
    family inet {
        filter ssh-only {
            term ssh {
                from {
                    protocol tcp;
                    destination-port ssh;
                }
                then {
                    count ssh;
                    accept;
                }
            }
        }
        filter icmp-only {
            term icmp {
                from {
                    protocol icmp;
                }
                then {
                    count icmp;
                    accept;
                }
            }
        }
    }
}
interfaces {
    ge-0/0/1 {
        unit 0 {
            family inet {
                filter {
                    input-list [ ssh-only icmp-only ];
                    output ssh-only;
                }
            }
        }
    }
}
`

func TestFilterList(t *testing.T) {
	c := compiled(t, listConf)
	want := Binding{Interface: "ge-0/0/1.0", Family: Inet, Input: []string{"ssh-only", "icmp-only"}, Output: []string{"ssh-only"}}
	if len(c.Bindings) != 1 || !reflect.DeepEqual(c.Bindings[0], want) {
		t.Fatalf("bindings %+v, want [%+v]", c.Bindings, want)
	}
	list := []*Filter{c.Filter(Inet, "ssh-only"), c.Filter(Inet, "icmp-only")}
	icmp := &Packet{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"), Protocol: 1, HasL4: true, ICMPType: 8}
	for _, tt := range []struct {
		name     string
		p        *Packet
		action   Action
		counters []string
	}{
		{"the first filter takes ssh", tcp("192.0.2.1", "192.0.2.2", 22, 0x02), Accept, []string{"ssh"}},
		{"icmp falls through to the second", icmp, Accept, []string{"icmp"}},
		{"what neither takes is discarded", tcp("192.0.2.1", "192.0.2.2", 80, 0x02), Discard, nil},
	} {
		v := MatchList(list, tt.p)
		if v.Action != tt.action || !reflect.DeepEqual(v.Counters, tt.counters) {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, v.Action, v.Counters, tt.action, tt.counters)
		}
	}
	// alone, the first filter discards ICMP (its own implicit discard)
	if v := list[0].Match(icmp); v.Action != Discard {
		t.Errorf("ssh-only alone: got %v for icmp, want discard", v.Action)
	}
}

// TestProgramFilterList checks the kernel's rules for a list: one chain
// jumping into each filter's terms in order, then the drop.
func TestProgramFilterList(t *testing.T) {
	ns := enterNetNS(t)

	m := NewManager(Options{NetNSFd: int(ns)})
	cfg := compiled(t, listConf)
	cc, err := m.conn()
	if err != nil {
		t.Fatal(err)
	}
	if err := program(cc, cfg, func(j string) (string, error) { return "ge1", nil }); err != nil {
		t.Fatal(err)
	}
	if err := cc.Flush(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nft", "list", "table", "inet", TableName).CombinedOutput()
	if err != nil {
		t.Fatalf("nft list table: %v\n%s", err, out)
	}
	table := string(out)
	i := strings.Index(table, `chain list-inet-ssh-only,icmp-only {`)
	if i < 0 {
		t.Fatalf("no list chain in\n%s", table)
	}
	got := table[i:]
	got = got[:strings.Index(got, "}")]
	a, b, d := strings.Index(got, "jump filter-inet-ssh-only/0/0"), strings.Index(got, "jump filter-inet-icmp-only/0/0"), strings.LastIndex(got, "drop")
	if a < 0 || b < a || d < b {
		t.Errorf("list chain: got\n%s\nwant ssh-only's term, icmp-only's term, then drop", got)
	}
	all, _ := exec.Command("nft", "list", "chain", "inet", TableName, "input").CombinedOutput()
	if !strings.Contains(string(all), "jump list-inet-ssh-only,icmp-only") || !strings.Contains(string(all), `iifname "ge1"`) {
		t.Errorf("input chain: got\n%s\nwant a jump to the list chain for ge1", all)
	}
}
