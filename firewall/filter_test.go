package firewall

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
)

// edgeConf is an edge router's protect filter, written as Junos prints it.
const edgeConf = `
policy-options {
    prefix-list mgmt {
        192.0.2.0/24;
        2001:db8::/32;
    }
}
firewall {
    family inet {
        filter protect {
            term ssh-from-mgmt {
                from {
                    source-prefix-list mgmt;
                    protocol tcp;
                    destination-port ssh;
                }
                then {
                    count ssh;
                    accept;
                }
            }
            term no-ssh {
                from {
                    protocol tcp;
                    destination-port 22;
                }
                then {
                    count ssh-denied;
                    reject tcp-reset;
                }
            }
            term web {
                from {
                    destination-address 10.0.0.0/8;
                    destination-address 10.1.0.0/16 except;
                    protocol [ tcp udp ];
                    destination-port [ http https 8000-8099 ];
                }
                then accept;
            }
            term ping {
                from {
                    protocol icmp;
                    icmp-type echo-request;
                }
                then {
                    count icmp;
                    next term;
                }
            }
            term icmp {
                from {
                    protocol icmp;
                }
                then accept;
            }
            term new-tcp {
                from {
                    tcp-initial;
                }
                then {
                    discard;
                }
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                filter {
                    input protect;
                }
                address 198.51.100.1/24;
            }
        }
    }
}
`

func compiled(t *testing.T, text string) *Config {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	root, _, err := format.ParseText(s.Root, text)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(root)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tcp(src, dst string, dport uint16, flags uint8) *Packet {
	return &Packet{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Protocol: 6, HasL4: true,
		SrcPort: 40000, DstPort: dport, TCPFlags: flags}
}

func TestCompileAndMatch(t *testing.T) {
	c := compiled(t, edgeConf)
	if len(c.Bindings) != 1 || !reflect.DeepEqual(c.Bindings[0], Binding{Interface: "ge-0/0/0.0", Family: Inet, Input: []string{"protect"}}) {
		t.Fatalf("bindings %+v", c.Bindings)
	}
	f := c.Filter(Inet, "protect")
	if f == nil || len(f.Terms) != 6 {
		t.Fatalf("filter %+v", f)
	}
	const ack, syn = 0x10, 0x02
	echo := &Packet{Src: netip.MustParseAddr("203.0.113.9"), Dst: netip.MustParseAddr("198.51.100.1"),
		Protocol: 1, HasL4: true, ICMPType: 8}
	reply := *echo
	reply.ICMPType = 0
	later := tcp("203.0.113.9", "10.2.0.1", 80, 0)
	later.HasL4 = false // a later fragment: no ports
	tests := []struct {
		name string
		p    *Packet
		term int
		act  Action
		cnt  []string
	}{
		{"ssh from the management prefix-list", tcp("192.0.2.7", "198.51.100.1", 22, syn), 0, Accept, []string{"ssh"}},
		{"ssh from elsewhere is reset", tcp("203.0.113.9", "198.51.100.1", 22, syn), 1, Reject, []string{"ssh-denied"}},
		{"web to 10/8", tcp("203.0.113.9", "10.2.0.1", 8080, ack), 2, Accept, nil},
		{"web to the except /16 falls through", tcp("203.0.113.9", "10.1.2.3", 80, ack), -1, Discard, nil},
		{"a new connection to 10.1/16 hits tcp-initial", tcp("203.0.113.9", "10.1.2.3", 80, syn), 5, Discard, nil},
		{"echo request counts then goes on to icmp", echo, 4, Accept, []string{"icmp"}},
		{"echo reply goes to icmp uncounted", &reply, 4, Accept, nil},
		{"a later fragment matches no port term", later, -1, Discard, nil},
		{"port outside the range", tcp("203.0.113.9", "10.2.0.1", 8100, ack), -1, Discard, nil},
	}
	for _, tt := range tests {
		v := f.Match(tt.p)
		if v.Term != tt.term || v.Action != tt.act || len(v.Counters) != len(tt.cnt) {
			t.Errorf("%s: got term %d action %d counters %v; want term %d action %d counters %v",
				tt.name, v.Term, v.Action, v.Counters, tt.term, tt.act, tt.cnt)
			continue
		}
		for i := range tt.cnt {
			if v.Counters[i] != tt.cnt[i] {
				t.Errorf("%s: counters %v, want %v", tt.name, v.Counters, tt.cnt)
			}
		}
	}
	if f.Terms[1].Reject != TCPReset {
		t.Errorf("no-ssh rejects with %d, want tcp-reset", f.Terms[1].Reject)
	}
}

func TestInactiveStatementsAreNotCompiled(t *testing.T) {
	c := compiled(t, `firewall {
    family inet {
        filter f {
            inactive: term t1 {
                then discard;
            }
            term t2 {
                then accept;
            }
        }
    }
}
`)
	if f := c.Filter(Inet, "f"); f == nil || len(f.Terms) != 1 || f.Terms[0].Name != "t2" {
		t.Fatalf("filter %+v", f)
	}
}

func TestUnknownFilterBinding(t *testing.T) {
	s, _ := schema.Default()
	root, _, err := format.ParseText(s.Root, "interfaces { ge-0/0/0 { unit 0 { family inet { filter { input nope; } } } } }\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(root); err == nil {
		t.Fatal("a binding to a filter that does not exist compiled")
	}
}
