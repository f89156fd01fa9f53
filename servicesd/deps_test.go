package servicesd_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/dataplane"
)

const depsConf = `
chassis {
    fpc 0 {
        pic 0 {
            adaptive-services {
                service-package {
                    extension-provider {
                        package stateful-firewall;
                        package nat;
                        package passthru;
                    }
                }
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family {
                inet {
                    service {
                        input {
                            service-set ss-c;
                        }
                    }
                    address 192.0.2.1/24;
                }
            }
        }
    }
}
applications {
    application myapp {
        protocol tcp;
        destination-port 8080;
    }
}
services {
    service-set ss-a {
        stateful-firewall-rules ra;
        interface-service {
            service-interface ms-0/0/0.1;
        }
    }
    service-set ss-b {
        stateful-firewall-rules rb;
        nat-rules nb;
        next-hop-service {
            inside-service-interface ms-0/0/0.2;
            outside-service-interface ms-0/0/0.3;
        }
        tcp-mss 1360;
    }
    service-set ss-c {
        extension-service passthru;
        service-order {
            forward-flow [ stateful-firewall passthru ];
        }
        stateful-firewall-rules rb;
        interface-service {
            service-interface ms-0/0/0.4;
        }
    }
    stateful-firewall {
        rule ra {
            match-direction input;
            term t1 {
                from {
                    applications myapp;
                }
                then {
                    accept;
                }
            }
        }
        rule rb {
            match-direction input-output;
            term t1 {
                then {
                    accept;
                }
            }
        }
    }
    nat {
        pool p1 {
            address 203.0.113.0/24;
            port {
                automatic;
            }
        }
        rule nb {
            match-direction input;
            term t1 {
                from {
                    source-address 10.0.0.0/8;
                }
                then {
                    translated {
                        source-pool p1;
                        translation-type {
                            napt-44;
                        }
                    }
                }
            }
        }
    }
}
`

var depsSets = []string{"ss-a", "ss-b", "ss-c"}

func (h *harness) gens() map[string]uint64 {
	out := map[string]uint64{}
	for _, n := range depsSets {
		if s, ok := h.n.Services.SSRB(n); ok {
			out[n] = s.Gen
		}
	}
	return out
}

// TestSSRBGolden checks the SSRBs resolved from a configuration using
// every built-in plugin, bindings and a service-order (testdata/ssrbs.json,
// refreshed with -update).
func TestSSRBGolden(t *testing.T) {
	h := start(t)
	h.loadCommit(depsConf)
	var all []*dataplane.SSRB
	for _, n := range depsSets {
		s, ok := h.n.Services.SSRB(n)
		if !ok {
			t.Fatalf("no SSRB for %s", n)
		}
		all = append(all, s)
	}
	got, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, "ssrbs.json", string(got)+"\n")
}

// TestDependencies: a change to something a policy reads (an application,
// a NAT pool, a shared rule, an interface binding) re-sends exactly the
// service-sets that read it.
func TestDependencies(t *testing.T) {
	h := start(t)
	h.loadCommit(depsConf)
	h.waitSynced(depsSets...)
	tests := []struct {
		name    string
		lines   []string
		changed []string
		deleted []string
	}{
		{"application", []string{"set applications application myapp destination-port 8081"}, []string{"ss-a"}, nil},
		{"nat pool", []string{"set services nat pool p1 address 198.51.100.0/24"}, []string{"ss-b"}, nil},
		{"shared rule", []string{"set services stateful-firewall rule rb term t1 then discard"}, []string{"ss-b", "ss-c"}, nil},
		{"interface binding", []string{"set interfaces ge-0/0/0 unit 0 family inet service output service-set ss-c"}, []string{"ss-c"}, nil},
		{"tcp-mss", []string{"set services service-set ss-c tcp-mss 1400"}, []string{"ss-c"}, nil},
		{"tcp-session tcp-mss", []string{"set services service-set ss-a service-set-options tcp-session tcp-mss 1300"}, []string{"ss-a"}, nil},
		{"unrelated", []string{"set system host-name elsewhere", "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.9/24"}, nil, nil},
		{"deactivate", []string{"deactivate services service-set ss-a"}, nil, []string{"ss-a"}},
		{"activate", []string{"activate services service-set ss-a"}, []string{"ss-a"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := h.gens()
			if tc.name == "deactivate" || tc.name == "activate" {
				h.editCLI(tc.lines...)
			} else {
				h.set(tc.lines...)
			}
			if err := h.commit(false); err != nil {
				t.Fatal(err)
			}
			after := h.gens()
			var changed, deleted []string
			for _, n := range depsSets {
				_, was := before[n]
				_, is := after[n]
				switch {
				case was && !is:
					deleted = append(deleted, n)
				case is && after[n] != before[n]:
					changed = append(changed, n)
				}
			}
			sort.Strings(changed)
			if !equal(changed, tc.changed) || !equal(deleted, tc.deleted) {
				t.Errorf("got changed %q deleted %q, want changed %q deleted %q", changed, deleted, tc.changed, tc.deleted)
			}
			if got, want := h.n.Services.LastCommitUpdates(), len(tc.changed)+len(tc.deleted); got != want {
				t.Errorf("sent %d updates, want %d", got, want)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestShowGolden renders the services show commands on the configuration
// of TestSSRBGolden (testdata/show.txt, refreshed with -update).
func TestShowGolden(t *testing.T) {
	h := start(t)
	h.loadCommit(depsConf)
	h.waitSynced(depsSets...)
	got := h.cli("show services service-sets summary", "show services service-sets plug-ins",
		"show services service-sets memory-usage", "show services service-sets summary | display xml")
	testkit.Golden(t, "show.txt", got)
}
