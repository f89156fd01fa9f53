package configd_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
)

// oldStore is a store file written by main at commit 8b4a105 (schema
// version 2), before the statements took their Junos shapes: rule and
// rule-set references, addresses and application-sets as leaf-lists, empty
// leaves where Junos has presence containers, interface service-sets keyed
// service-set-name. TestOldStoreMigrates opens a copy of it with today's code.
const oldStore = "testdata/store-main-8b4a105.db"

var genOldStore = flag.Bool("gen-old-store", false, "write "+oldStore+" (run only on main at 8b4a105)")

// oldRevisions are the configurations the generator commits, oldest first
// (revision 2, 1, 0), then oldCandidate is left uncommitted in the shared
// candidate. They are written in the shapes of main at 8b4a105.
var oldRevisions = []string{
	`system {
    host-name old-1;
    services {
        ssh;
    }
}
applications {
    application web {
        protocol tcp;
        destination-port 80;
    }
    application-set web-set {
        application web;
        application junos-https;
    }
}
services {
    service-set edge {
        stateful-firewall-rules [ allow-web deny-rest ];
        nat-rules [ src-nat ];
        interface-service {
            service-interface ms-0/0/0;
        }
    }
    stateful-firewall {
        rule allow-web {
            match-direction input;
            term t1 {
                from {
                    source-address [ 10.0.0.0/8 192.0.2.0/24 ];
                    destination-address 198.51.100.10/32;
                    application-sets [ web-set ];
                }
                then {
                    accept;
                }
            }
        }
        rule deny-rest {
            match-direction input-output;
            term t1 {
                then {
                    discard;
                    syslog;
                }
            }
        }
    }
    nat {
        pool p1 {
            address [ 203.0.113.0/28 203.0.113.64/28 ];
            port {
                automatic;
            }
        }
        rule src-nat {
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
chassis {
    fpc 0 {
        pic 0 {
            adaptive-services {
                service-package {
                    extension-provider {
                        data-cores 1;
                        package stateful-firewall;
                        package nat;
                    }
                }
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                service {
                    input {
                        service-set edge;
                    }
                    output {
                        service-set edge;
                    }
                }
                address 192.0.2.1/24;
            }
        }
    }
    ms-0/0/0 {
        unit 0 {
            family inet;
        }
    }
}
`,
	// revision 1: a second rule order, an inactive address and an annotation
	`system {
    host-name old-2;
    services {
        ssh;
    }
}
services {
    service-set edge {
        stateful-firewall-rules [ deny-rest allow-web ];
    }
    stateful-firewall {
        rule allow-web {
            term t1 {
                from {
                    inactive: source-address 172.16.0.0/12;
                    /* lab hosts */
                    destination-address 198.51.100.20/32;
                }
            }
        }
    }
}
`,
	// revision 0: basic-nat44 and reject; allow-web changes (its undo
	// record holds revision 1's addresses in the order entered)
	`system {
    host-name old-3;
}
services {
    stateful-firewall {
        rule allow-web {
            term t1 {
                then {
                    syslog;
                }
            }
        }
        rule deny-rest {
            term t1 {
                then {
                    delete: discard;
                    reject;
                }
            }
        }
    }
    nat {
        rule src-nat {
            term t1 {
                then {
                    translated {
                        translation-type {
                            basic-nat44;
                        }
                    }
                }
            }
        }
    }
}
`,
}

// oldCandidate is the uncommitted change left in the shared candidate.
const oldCandidate = `services {
    nat {
        pool p1 {
            address 203.0.113.32/28;
        }
        pool p2 {
            address 203.0.113.128/28;
            port {
                automatic;
            }
        }
    }
}
`

// TestGenOldStore writes oldStore with main's code at 8b4a105; it is kept
// to document how the file was made. It runs only with -gen-old-store.
func TestGenOldStore(t *testing.T) {
	if !*genOldStore {
		t.Skip("run with -gen-old-store on main at 8b4a105 to write " + oldStore)
	}
	path := filepath.Join(t.TempDir(), "gnos.db")
	st, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	c, err := configd.New(context.Background(), configd.Options{Store: st, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Open("alice", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range oldRevisions {
		action := configd.LoadMerge
		if i == 0 {
			action = configd.LoadOverride
		}
		if err := s.Load(action, configd.FormatText, text); err != nil {
			t.Fatalf("revision %d: load: %v", i, err)
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{Comment: "old shapes " + itoa(i+1)}); err != nil {
			t.Fatalf("revision %d: commit: %v", i, err)
		}
		clk.Advance(time.Minute)
	}
	if err := s.Load(configd.LoadMerge, configd.FormatText, oldCandidate); err != nil {
		t.Fatalf("candidate: %v", err)
	}
	s.Close()
	c.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oldStore, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var updateOldStore = flag.Bool("update-old-store", false, "rewrite "+oldStore+".golden")

// TestOldStoreMigrates opens a copy of the store main wrote in the old
// shapes: the migration to schema version 3 runs, and the committed
// configuration, both rollbacks and the shared candidate come back in the
// Junos shapes (printed as Junos prints them, golden file), with entries
// of the lists that became key-ordered stored in key order.
func TestOldStoreMigrates(t *testing.T) {
	b, err := os.ReadFile(oldStore)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gnos.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := db.Open(path, db.Options{NoSync: true})
	if err != nil {
		t.Fatalf("open the old store: %v", err)
	}
	defer st.Close()
	if got := st.SchemaVersion(); got != 4 {
		t.Errorf("schema version after open: got %d, want 4", got)
	}
	chunks, _, err := st.Committed()
	if err != nil {
		t.Fatal(err)
	}
	// main kept source-address in the order entered; the list is key-ordered now
	sorted := "5\t\tsource-address\t10.0.0.0/8\t\n5\ti\tsource-address\t172.16.0.0/12\t\n5\t\tsource-address\t192.0.2.0/24\t\n"
	if got := string(chunks["services\x00stateful-firewall\x00rule\x00allow-web"]); !strings.Contains(got, sorted) {
		t.Errorf("stored rule allow-web chunk:\ngot  %q\nwant it to hold %q", got, sorted)
	}
	undo, _, err := st.RollbackDelta(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(undo["services\x00stateful-firewall\x00rule\x00allow-web"]); !strings.Contains(got, sorted) {
		t.Errorf("rollback 1's rule allow-web chunk:\ngot  %q\nwant it to hold %q", got, sorted)
	}
	cand, err := st.Candidate()
	if err != nil {
		t.Fatal(err)
	}
	pool := "3\t\taddress\t203.0.113.0/28\t\n3\t\taddress\t203.0.113.32/28\t\n3\t\taddress\t203.0.113.64/28\t\n"
	if got := string(cand["services\x00nat\x00pool\x00p1"]); !strings.Contains(got, pool) {
		t.Errorf("candidate's pool p1 chunk:\ngot  %q\nwant it to hold %q", got, pool)
	}
	c, err := configd.New(context.Background(), configd.Options{Store: st, Clock: clock.NewFake(t0),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("configd on the migrated store: %v", err)
	}
	defer c.Close()
	var out strings.Builder
	for n := 0; n <= 2; n++ {
		rev, meta, err := c.Revision(n)
		if err != nil {
			t.Fatalf("rollback %d: %v", n, err)
		}
		fmt.Fprintf(&out, "## rollback %d (%s)\n", n, meta.Comment)
		if err := format.WriteText(&out, rev); err != nil {
			t.Fatal(err)
		}
		if got, _, err := format.ParseText(c.Schema().Root, textOf(t, rev)); err != nil {
			t.Errorf("rollback %d: its text does not parse back: %v", n, err)
		} else if d := tree.Diff(rev, got); len(d) != 0 {
			t.Errorf("rollback %d: text round trip differs: %v", n, d)
		}
	}
	s, err := c.Open("bob", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out.WriteString("## shared candidate\n")
	if err := format.WriteText(&out, s.Candidate()); err != nil {
		t.Fatal(err)
	}
	golden := oldStore + ".golden"
	if *updateOldStore {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("migrated store differs from %s (-update-old-store rewrites it):\n%s", golden, out.String())
	}
	// The migrated configuration commits as it stands.
	set(t, s, c, "system host-name migrated")
	commit(t, s, configd.CommitOptions{})
}

func textOf(t *testing.T, n *tree.Node) string {
	t.Helper()
	var b strings.Builder
	if err := format.WriteText(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
