package servicesd_test

import (
	"slices"
	"strings"
	"testing"
)

// layer3Config is a PIC running service-package layer-3 (no package
// lines) and a service-set that uses both built-in services on it.
const layer3Config = `chassis {
    fpc 0 {
        pic 0 {
            adaptive-services {
                service-package {
                    layer-3;
                }
            }
        }
    }
}
services {
    service-set ss1 {
        nat-rules src-nat;
        next-hop-service {
            inside-service-interface ms-0/0/0.1;
            outside-service-interface ms-0/0/0.2;
        }
        stateful-firewall-rules allow-web;
    }
    stateful-firewall {
        rule allow-web {
            match-direction input;
            term t1 {
                from {
                    source-address {
                        10.0.0.0/8;
                        10.1.0.0/16 except;
                    }
                    applications junos-http;
                }
                then {
                    accept;
                }
            }
        }
    }
    nat {
        pool p1 {
            address 203.0.113.0/28;
            port {
                automatic;
            }
        }
        rule src-nat {
            match-direction input;
            term t1 {
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
interfaces {
    ms-0/0/0 {
        unit 1 {
            family inet;
            service-domain inside;
        }
        unit 2 {
            family inet;
            service-domain outside;
        }
    }
}
`

// TestLayer3ServicePackage: a PIC configured `service-package layer-3`
// loads the built-in services (stateful-firewall, nat) without package
// lines, as an MS-PIC does, and installs a service-set that uses both; a
// plugin outside the layer-3 package is refused at commit check, naming
// the package; layer-2 runs no layer-3 service.
func TestLayer3ServicePackage(t *testing.T) {
	h := start(t)
	h.loadCommit(layer3Config)
	h.waitAll(1)
	var loaded []string
	for _, p := range h.picd().Status().Plugins {
		loaded = append(loaded, p.Name)
	}
	for _, want := range []string{"stateful-firewall", "nat"} {
		if !slices.Contains(loaded, want) {
			t.Errorf("PIC loaded %v, want %s among them", loaded, want)
		}
	}
	if slices.Contains(loaded, "passthru") {
		t.Errorf("PIC loaded %v: passthru is not a layer-3 service", loaded)
	}
	s, ok := h.n.Services.SSRB("ss1")
	if !ok {
		t.Fatal("no SSRB for ss1")
	}
	if got := strings.Join(s.Forward, " "); got != "stateful-firewall nat" {
		t.Errorf("ss1 forward chain: got %q, want %q", got, "stateful-firewall nat")
	}

	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"a plugin outside the layer-3 package",
			[]string{"set services service-set ss1 service-order forward-flow [ stateful-firewall passthru ]"},
			[]string{"[edit services service-set ss1 service-order]", "plugin 'passthru' is not part of service-package layer-3 on fpc 0 pic 0"}},
		{"layer-2 runs no layer-3 service",
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package layer-2"},
			[]string{"[edit services service-set ss1]", "is not part of service-package layer-2 on fpc 0 pic 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.set(tc.lines...)
			defer func() {
				if err := h.s.Rollback(0); err != nil {
					t.Fatal(err)
				}
			}()
			err := h.commit(true)
			if err == nil {
				t.Fatal("commit check succeeded, want failure")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("commit check: got\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}
