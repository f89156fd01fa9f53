package configd_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
)

// valueStore is a store file written by main at 078d4fd (schema version
// 3), when autonomous-system, a static route's preference and an
// interface's filter input/output were leaves; they are Junos' containers
// holding one value now (as-number, metric-value, filter-name).
// TestValueStoreMigrates opens a copy of it with today's code.
const valueStore = "testdata/store-main-078d4fd.db"

var genValueStore = flag.Bool("gen-value-store", false, "write "+valueStore+" (run only on main at 078d4fd)")

// valueRevisions are committed oldest first (revisions 2, 1, 0), then
// valueCandidate is left in the shared candidate. Text reads the same in
// both shapes.
var valueRevisions = []string{
	`routing-options {
    static {
        route 0.0.0.0/0 {
            next-hop 192.0.2.254;
            preference 7;
        }
    }
    autonomous-system 65000;
}
firewall {
    family inet {
        filter in-f {
            term t {
                then accept;
            }
        }
    }
    family inet6 {
        filter in6 {
            term t {
                then accept;
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                filter {
                    input in-f;
                    output in-f;
                }
                address 192.0.2.1/24;
            }
            family inet6 {
                filter {
                    input in6;
                }
            }
        }
    }
}
routing-instances {
    vr1 {
        instance-type virtual-router;
        routing-options {
            static {
                route 10.9.0.0/16 {
                    discard;
                    preference 9;
                }
            }
        }
    }
}
`,
	// revision 1: an inactive autonomous-system, an annotated preference
	`routing-options {
    static {
        route 0.0.0.0/0 {
            /* backup path */
            preference 8;
        }
    }
    inactive: autonomous-system 65001;
}
`,
	// revision 0: a new number, one filter fewer
	`routing-options {
    active: autonomous-system 65002;
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                filter {
                    delete: output;
                }
            }
        }
    }
}
`,
}

// valueCandidate is the uncommitted change left in the shared candidate:
// a group and an IPv6 static route with a preference.
const valueCandidate = `groups {
    g1 {
        routing-options {
            autonomous-system 65100;
        }
    }
}
routing-options {
    rib inet6.0 {
        static {
            route ::/0 {
                next-hop 2001:db8::1;
                preference 20;
            }
        }
    }
}
`

// TestGenValueStore writes valueStore with main's code at 078d4fd; it is
// kept to document how the file was made. It runs only with
// -gen-value-store.
func TestGenValueStore(t *testing.T) {
	if !*genValueStore {
		t.Skip("run with -gen-value-store on main at 078d4fd to write " + valueStore)
	}
	path := filepath.Join(t.TempDir(), "gnos.db")
	st, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 12, 3, 13, 0, 0, 0, time.UTC))
	c, err := configd.New(context.Background(), configd.Options{Store: st, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Open("alice", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range valueRevisions {
		if err := s.Load(configd.LoadMerge, configd.FormatText, text); err != nil {
			t.Fatalf("revision %d: load: %v", i, err)
		}
		if _, err := s.Commit(context.Background(), configd.CommitOptions{Comment: "leaf values " + itoa(i+1)}); err != nil {
			t.Fatalf("revision %d: commit: %v", i, err)
		}
		clk.Advance(time.Minute)
	}
	if err := s.Load(configd.LoadMerge, configd.FormatText, valueCandidate); err != nil {
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
	if err := os.WriteFile(valueStore, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var updateValueStore = flag.Bool("update-value-store", false, "rewrite "+valueStore+".golden")

// TestValueStoreMigrates opens a copy of the store main wrote with the
// leaves: the migration to schema version 4 runs; the committed chunks,
// rollback 1's undo record and the candidate (a group's copy too) hold the
// containers; every revision and the candidate print as before (golden
// file), XML has Junos' containers, and the configuration commits.
func TestValueStoreMigrates(t *testing.T) {
	b, err := os.ReadFile(valueStore)
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
	for key, want := range map[string]string{
		"routing-options":                                 "1\t\tautonomous-system\t\t\n2\t\tas-number\t65002\t\n",
		"interfaces\x00interface\x00ge-0/0/0":             "6\t\tinput\t\t\n7\t\tfilter-name\tin-f\t\n",
		"routing-instances\x00instance\x00vr1":            "\tpreference\t\t\n",
		"routing-options\x00static\x00route\x000.0.0.0/0": "3\t\tpreference\t\tbackup path\n4\t\tmetric-value\t8\t\n",
	} {
		if got := string(chunks[key]); !strings.Contains(got, want) {
			t.Errorf("committed chunk %q:\ngot  %q\nwant it to hold %q", key, got, want)
		}
	}
	undo, _, err := st.RollbackDelta(1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(undo["routing-options"]), "1\ti\tautonomous-system\t\t\n2\t\tas-number\t65001\t\n"; !strings.Contains(got, want) {
		t.Errorf("rollback 1's routing-options chunk:\ngot  %q\nwant it to hold %q", got, want)
	}
	cand, err := st.Candidate()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(cand["groups\x00g1"]), "2\t\tautonomous-system\t\t\n3\t\tas-number\t65100\t\n"; !strings.Contains(got, want) {
		t.Errorf("candidate's group g1:\ngot  %q\nwant it to hold %q", got, want)
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
		out.WriteString("## rollback " + itoa(n) + " (" + meta.Comment + ")\n")
		if err := format.WriteText(&out, rev); err != nil {
			t.Fatal(err)
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
	golden := valueStore + ".golden"
	if *updateValueStore {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("migrated store differs from %s (-update-value-store rewrites it):\n%s", golden, out.String())
	}
	rev0, _, err := c.Revision(0)
	if err != nil {
		t.Fatal(err)
	}
	var xml strings.Builder
	if err := format.WriteXML(&xml, rev0, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<autonomous-system><as-number>65002</as-number></autonomous-system>",
		"<input><filter-name>in-f</filter-name></input>", "<preference><metric-value>9</metric-value></preference>"} {
		if !strings.Contains(xml.String(), want) {
			t.Errorf("committed XML lacks %s:\n%s", want, xml.String())
		}
	}
	// The migrated configuration (and candidate) commits as it stands.
	set(t, s, c, "system host-name migrated")
	commit(t, s, configd.CommitOptions{})
}
