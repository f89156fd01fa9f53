package format

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

const sampleText = `system {
    host-name r1;
    /* the secret */
    secret "$6$abc"; ## SECRET-DATA
    port 22;
    servers [ a b c ];
    services {
        ssh;
        inactive: telnet;
    }
}
interfaces {
    ge-0/0/0 {
        description "uplink to core";
        mtu 1500;
        unit 0 {
            family {
                inet {
                    address 10.0.0.1/24;
                }
            }
        }
    }
    inactive: ge-0/0/1 {
        disable;
    }
}
services {
    service-set S1 {
        rules [ r2 r1 ];
        interface-service {
            service-interface ms-0/0/0;
        }
    }
    service-set S2;
    rule r1 {
        term t2 {
            then {
                accept;
            }
        }
        term t1 {
            from {
                source-address 10.0.0.0/8;
            }
            then {
                discard;
                syslog;
            }
        }
    }
    nat {
        pool p1 {
            address 192.0.2.0/24;
        }
    }
}
routing-options {
    route 0.0.0.0/0 main {
        next-hop 10.0.0.254;
    }
}
`

func TestTextRoundTrip(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, sampleText)
	printed := textOf(t, tr)
	again := parseText(t, root, printed)
	if !tree.Equal(tr, again) {
		t.Fatalf("ParseText(WriteText(c)) != c; printed:\n%s", printed)
	}
	if got := textOf(t, again); got != printed {
		t.Fatalf("printing is not stable:\n got:\n%s\nwant:\n%s", got, printed)
	}
	// The sample is in display order except where modules interleave, so
	// every one of its lines must be printed.
	for _, line := range strings.Split(sampleText, "\n") {
		if !strings.Contains(printed, line) {
			t.Errorf("line %q missing from the printed configuration", line)
		}
	}
}

func TestParseTextNormalizes(t *testing.T) {
	root := testRoot(t)
	tests := []struct {
		name, in, want string
	}{
		{"sorted entries", "services { service-set S10; service-set S9; service-set S1; }",
			"services {\n    service-set S1;\n    service-set S9;\n    service-set S10;\n}\n"},
		{"user order kept", "services { rule r { term b; term a; } }",
			"services {\n    rule r {\n        term b;\n        term a;\n    }\n}\n"},
		{"schema order", "system { port 22; host-name r1; }",
			"system {\n    host-name r1;\n    port 22;\n}\n"},
		{"repeated merge", "system { host-name a; } system { host-name b; port 1; }",
			"system {\n    host-name b;\n    port 1;\n}\n"},
		{"choice last wins", "services { rule r { term t { then { accept; discard; } } } }",
			"services {\n    rule r {\n        term t {\n            then {\n                discard;\n            }\n        }\n    }\n}\n"},
		{"hash comments", "# top\nsystem { # trailing\n host-name r1; ## SECRET-DATA\n}\n",
			"system {\n    host-name r1;\n}\n"},
		{"single leaf-list value", "system { servers [ a ]; }", "system {\n    servers a;\n}\n"},
		{"leaf-list items accumulate", "system { servers a; servers b; servers a; }", "system {\n    servers [ a b ];\n}\n"},
		{"multi key", `routing-options { route 10.0.0.0/8 main { next-hop 1.1.1.1; } }`,
			"routing-options {\n    route 10.0.0.0/8 main {\n        next-hop 1.1.1.1;\n    }\n}\n"},
		{"byte order mark and CRLF", "\ufeffsystem {\r\n    host-name r1;\r\n}\r\n", "system {\n    host-name r1;\n}\n"},
		{"one-liner", "routing-options { route 10.0.0.0/8 main next-hop 1.1.1.1; }",
			"routing-options {\n    route 10.0.0.0/8 main {\n        next-hop 1.1.1.1;\n    }\n}\n"},
		{"empty block dropped", "system { services { } host-name r1; }", "system {\n    host-name r1;\n}\n"},
		{"empty statement kept", "system { services; }", "system {\n    services;\n}\n"},
		{"quoted escapes", `system { host-name "a \"b\" \\ c"; }`, "system {\n    host-name \"a \\\"b\\\" \\\\ c\";\n}\n"},
		{"tag on its own line", "interfaces {\n    inactive:\n    ge-0/0/0;\n}\n", "interfaces {\n    inactive: ge-0/0/0;\n}\n"},
		{"quoted flat key that reads as a keyword", `interfaces { "interface" { mtu 1500; } }`,
			"interfaces {\n    \"interface\" {\n        mtu 1500;\n    }\n}\n"},
		{"multi-line comment", "system {\n    /* one\n two */\n    host-name r1;\n}\n", "system {\n    /* one\n two */\n    host-name r1;\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textOf(t, parseText(t, root, tt.in))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestParseTextErrors(t *testing.T) {
	root := testRoot(t)
	tests := []struct {
		name, in, want string
	}{
		{"unknown statement", "system {\n    host-name r1;\n    foo;\n}\n", "terminal:3:5: syntax error: unknown statement 'foo'"},
		{"unknown top", "bogus { }", "terminal:1:1: syntax error: unknown statement 'bogus'"},
		{"range", "interfaces {\n    ge-0/0/0 {\n        mtu 99999;\n    }\n}\n", "terminal:3:13: mtu: value 99999 is not within range (256..9192)"},
		{"bad key", "interfaces { GE { } }", "terminal:1:14: interface name: invalid value 'GE': must match '[a-z]+[0-9-]*(/[0-9]+)*'"},
		{"missing brace", "system {\n    host-name r1;\n", "terminal:3:1: syntax error: missing '}'"},
		{"extra brace", "system { }\n}", "terminal:2:1: syntax error: unexpected '}'"},
		{"missing semicolon", "system { host-name r1 }", "terminal:1:23: syntax error: expecting ';' after host-name"},
		{"missing value", "system { host-name; }", "terminal:1:19: syntax error: missing value of host-name"},
		{"block after leaf", "system { host-name r1 { } }", "terminal:1:23: syntax error: expecting ';' after host-name"},
		{"unterminated string", "system { host-name \"r1; }", "terminal:1:20: syntax error: unterminated quoted string"},
		{"unterminated comment", "system { /* x }", "terminal:1:10: syntax error: unterminated comment"},
		{"key leaf as statement", "services { service-set S1 { name S2; } }", "terminal:1:29: syntax error: unknown statement 'name'"},
		{"missing key", "services { service-set; }", "terminal:1:23: syntax error: missing name of service-set"},
		{"blank in multi key", `routing-options { route 10.0.0.0/8 "main table"; }`, "terminal:1:36: route: a key of a list with several keys cannot contain a space"},
		{"one-liner unknown", "routing-options { route 10.0.0.0/8 main via x; }", "terminal:1:41: syntax error: unknown statement 'via'"},
		{"stray semicolon", "system { ; }", "terminal:1:10: syntax error: unexpected ';'"},
		{"empty leaf with value", "system { services { telnet yes; } }", "terminal:1:28: syntax error: expecting ';' after telnet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseText(root, tt.in)
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T, want *ParseError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestParseTextDirectives(t *testing.T) {
	root := testRoot(t)
	src := `system {
    delete: host-name;
    replace: services {
        ssh;
    }
    delete: servers [ a b ];
}
interfaces {
    active: ge-0/0/1;
    delete: ge-0/0/2;
    inactive: ge-0/0/3;
}
services {
    delete: service-set;
}
`
	tr, dirs, err := ParseText(root, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dirs {
		got = append(got, d.String())
	}
	want := []string{
		"delete system host-name",
		"replace system services",
		"delete system servers a",
		"delete system servers b",
		"active interfaces ge-0/0/1",
		"delete interfaces ge-0/0/2",
		"inactive interfaces ge-0/0/3",
		"delete services service-set",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("directives:\n got: %q\nwant: %q", got, want)
	}
	wantText := "system {\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    ge-0/0/1;\n    inactive: ge-0/0/3;\n}\n"
	if got := textOf(t, tr); got != wantText {
		t.Errorf("tree:\n got:\n%s\nwant:\n%s", got, wantText)
	}
	if last := dirs[len(dirs)-1].Path; !last[len(last)-1].All {
		t.Errorf("delete: service-set; got a path without All, want All")
	}
}

func TestWriteTextCommentEnd(t *testing.T) {
	root := testRoot(t)
	ed := tree.NewEditor(parseText(t, root, "system { host-name r1; }"))
	if err := ApplySet(ed, root, `annotate system "a */ b"`); err != nil {
		t.Fatal(err)
	}
	want := "/* a * / b */\nsystem {\n    host-name r1;\n}\n"
	if got := textOf(t, ed.Root()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTextSubtree(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, sampleText)
	ss := tr.ChildNamed("services", "").ChildNamed("service-set", "S1")
	want := "rules [ r2 r1 ];\ninterface-service {\n    service-interface ms-0/0/0;\n}\n"
	if got := textOf(t, ss); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Equal to a tree built by edits.
	ed := tree.NewEditor(tree.New(root))
	if err := ApplySet(ed, root, "set services service-set S1 rules r2\nset services service-set S1 rules r1\nset services service-set S1 interface-service service-interface ms-0/0/0"); err != nil {
		t.Fatal(err)
	}
	want2 := ed.Root().ChildNamed("services", "").ChildNamed("service-set", "S1")
	if !tree.Equal(ss, want2) {
		t.Errorf("parsed subtree differs from the one built by edits:\n%s\n%s", textOf(t, ss), textOf(t, want2))
	}
}

func TestParseTextManyEntries(t *testing.T) {
	root := testRoot(t)
	for _, n := range []int{1, 63, 64, 65, 300, 1500} {
		var b strings.Builder
		b.WriteString("services {\n")
		for i := n - 1; i >= 0; i-- { // reverse order: every insert is at the front
			fmt.Fprintf(&b, "service-set S%d { max-flows %d; }\nrule r { term t%d; }\n", i, i, i)
		}
		b.WriteString("}\n")
		tr := parseText(t, root, b.String())
		svc := tr.ChildNamed("services", "")
		sets := svc.AllNamed("service-set")
		if len(sets) != n {
			t.Fatalf("n=%d: got %d service-sets, want %d", n, len(sets), n)
		}
		for i, s := range sets {
			if want := fmt.Sprintf("S%d", i); s.Key != want {
				t.Fatalf("n=%d: entry %d is %s, want %s", n, i, s.Key, want)
			}
		}
		terms := svc.ChildNamed("rule", "r").AllNamed("term")
		if len(terms) != n || terms[0].Key != fmt.Sprintf("t%d", n-1) {
			t.Fatalf("n=%d: got %d terms starting with %s, want %d in input order", n, len(terms), terms[0].Key, n)
		}
	}
}
