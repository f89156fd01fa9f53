package format

import (
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/gnos/gnos/configd/internal/testtree"
	"github.com/gnos/gnos/configd/tree"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "set system host-name r1", []string{"set", "system", "host-name", "r1"}},
		{"blanks", "  set\tsystem  ", []string{"set", "system"}},
		{"quoted", `annotate system "a b"`, []string{"annotate", "system", "a b"}},
		{"escapes", `x "a\"b\\c\nd\q"`, []string{"x", "a\"b\\c\nd\\q"}},
		{"empty quoted", `x ""`, []string{"x", ""}},
		{"brackets", "set a [b c]", []string{"set", "a", "[", "b", "c", "]"}},
		{"pipe", "show|compare", []string{"show", "|", "compare"}},
		{"quoted specials", `x "[a|b]"`, []string{"x", "[a|b]"}},
		{"adjacent quote", `a"b c"d`, []string{"ab cd"}},
		{"none", "   ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tokenize(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := Tokenize(`set "abc`); err == nil {
		t.Errorf("unterminated quote: got no error")
	}
}

func TestTokenizeQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"a b", `a"b`, `a\b`, "a\nb", "", "[x]", "a;b", "x|y", `\n`, "#x"} {
		toks, err := Tokenize("x " + tree.Quote(s))
		if err != nil || len(toks) != 2 || toks[1] != s {
			t.Errorf("Tokenize(quote(%q)) = %q, %v; want [x %q]", s, toks, err, s)
		}
	}
}

func setOf(tb testing.TB, n *tree.Node, prefix tree.Path) string {
	tb.Helper()
	return written(tb, func(w io.Writer) error { return WriteSet(w, n, prefix) })
}

func TestWriteSet(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, `system {
    host-name "r 1";
    servers [ a b ];
    services {
        ssh;
        inactive: telnet;
    }
}
interfaces {
    inactive: ge-0/0/0 {
        /* not shown */
        unit 0 {
            family {
                inet {
                    address 10.0.0.1/24;
                }
            }
        }
    }
}
services {
    service-set S1;
}
routing-options {
    route 10.0.0.0/8 main {
        next-hop 1.1.1.1;
    }
}
`)
	want := `set system host-name "r 1"
set system servers a
set system servers b
set system services ssh
set system services telnet
deactivate system services telnet
set services service-set S1
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
deactivate interfaces ge-0/0/0
set routing-options route 10.0.0.0/8 main next-hop 1.1.1.1
`
	if got := setOf(t, tr, nil); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	ifd := tr.ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/0")
	prefix := tree.Path{tr.ChildNamed("interfaces", "").Step(), ifd.Step()}
	wantSub := "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n"
	if got := setOf(t, ifd, prefix); got != wantSub {
		t.Errorf("subtree: got:\n%s\nwant:\n%s", got, wantSub)
	}
}

func TestSetRoundTrip(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, sampleText)
	back, err := ParseSet(root, setOf(t, tr, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := testtree.WithoutComments(tr); !tree.Equal(back, want) {
		t.Errorf("set form round trip differs:\n got:\n%s\nwant:\n%s", textOf(t, back), textOf(t, want))
	}
}

func TestApplySet(t *testing.T) {
	root := testRoot(t)
	base := "set services rule r term a then accept\nset services rule r term b then discard\nset services rule r term c\n" +
		"set interfaces ge-0/0/0 unit 0\nset system host-name r1\n"
	tests := []struct {
		name, src, want string
	}{
		{"delete", "delete system host-name\ndelete services rule r term b\ndelete system host-name",
			"services {\n    rule r {\n        term a {\n            then {\n                accept;\n            }\n        }\n        term c;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0;\n    }\n}\n"},
		{"edit relative", "edit services rule r\nset term d\ntop\nedit interfaces ge-0/0/0\ndelete unit 0\nup\ndelete ge-0/0/0\ntop delete system\ntop\ndelete services rule r term a\nup 5\ndelete services",
			""},
		{"deactivate activate annotate", "deactivate system host-name\nannotate interfaces \"ifaces\"\nedit services\nannotate rule r \"the rule\"\ndeactivate rule r\nactivate rule r\ntop\ndelete services\n",
			"system {\n    inactive: host-name r1;\n}\n/* ifaces */\ninterfaces {\n    ge-0/0/0 {\n        unit 0;\n    }\n}\n"},
		{"insert", "insert services rule r term c before term a\ninsert services rule r term a after c\ndelete interfaces\ndelete system",
			"services {\n    rule r {\n        term c;\n        term a {\n            then {\n                accept;\n            }\n        }\n        term b {\n            then {\n                discard;\n            }\n        }\n    }\n}\n"},
		{"rename copy", "rename interfaces ge-0/0/0 to ge-0/0/1\ncopy interfaces ge-0/0/1 unit 0 to unit 5\nrename services rule r to rule q\ndelete services\ndelete system",
			"interfaces {\n    ge-0/0/1 {\n        unit 0;\n        unit 5;\n    }\n}\n"},
		{"comments and blanks", "# a comment\n\n   \nset system port 22\r\ndelete services\ndelete interfaces",
			"system {\n    host-name r1;\n    port 22;\n}\n"},
		{"leaf-list brackets", "set system servers [ x y ]\ndelete system host-name\ndelete services\ndelete interfaces",
			"system {\n    servers [ x y ];\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed := tree.NewEditor(tree.New(root))
			if err := ApplySet(ed, root, base+tt.src); err != nil {
				t.Fatal(err)
			}
			if got := textOf(t, ed.Root()); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestApplySetErrors(t *testing.T) {
	root := testRoot(t)
	tests := []struct {
		name, src, want string
	}{
		{"unknown statement", "set system host-name r1\nset system foo bar", "terminal:2:12: syntax error: unknown statement 'foo'"},
		{"delete unknown", "delete nothing-here", "terminal:1:8: syntax error: unknown statement 'nothing-here'"},
		{"unknown command", "frobnicate system", "terminal:1:1: syntax error: unknown command 'frobnicate'"},
		{"extra token", "set system host-name r1 r2", "terminal:1:25: syntax error: unknown statement 'r2'"},
		{"missing value", "set system host-name", "terminal:1:21: syntax error: missing argument <string>"},
		{"range", "set interfaces ge-0/0/0 mtu 1", "terminal:1:29: value 1 is not within range (256..9192) at '1'"},
		{"unterminated", `set system host-name "r1`, "terminal:1:22: syntax error: unterminated quoted string"},
		{"deactivate missing", "deactivate system host-name", "terminal:1:12: system host-name: statement not found"},
		{"edit leaf", "edit system host-name", "terminal:1:6: syntax error: host-name is not a container or list entry"},
		{"bad up", "up x", "terminal:1:4: syntax error: expecting a number of levels"},
		{"annotate without comment", "annotate system", "terminal:1:16: syntax error: expecting a statement and a comment"},
		{"space in multi key", `set routing-options route "a b" t next-hop x`, "terminal:1:5: route: a key of a list with several keys cannot contain a space"},
		{"rename without to", "set services rule r\nrename services rule r", "terminal:2:8: syntax error: expecting PATH to KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed := tree.NewEditor(tree.New(root))
			err := ApplySet(ed, root, tt.src)
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T (%v), want *ParseError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}
