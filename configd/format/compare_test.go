package format

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

func compareOf(tb testing.TB, a, b *tree.Node) string {
	tb.Helper()
	var sb strings.Builder
	if err := WriteCompare(&sb, a, b); err != nil {
		tb.Fatal(err)
	}
	return sb.String()
}

const compareBase = `system {
    host-name r1;
    port 22;
}
services {
    service-set S1 {
        rules [ r1 r2 ];
        max-flows 10;
    }
    rule r1 {
        term a;
        term b;
        term c;
    }
}
interfaces {
    ge-0/0/0 {
        mtu 1500;
        unit 0 {
            family {
                inet {
                    address 10.0.0.1/24;
                }
            }
        }
    }
}
`

func TestWriteCompare(t *testing.T) {
	root := testRoot(t)
	base := parseText(t, root, compareBase)
	tests := []struct {
		name, set, want string
	}{
		{"no change", "", ""},
		{"leaf value", "set system host-name r2",
			"[edit system]\n-  host-name r1;\n+  host-name r2;\n"},
		{"added subtree", "set routing-options route 0.0.0.0/0 main next-hop 10.0.0.254",
			"[edit]\n+ routing-options {\n+     route 0.0.0.0/0 main {\n+         next-hop 10.0.0.254;\n+     }\n+ }\n"},
		{"deleted entry", "delete services service-set S1",
			"[edit services]\n-  service-set S1 {\n-      rules [ r1 r2 ];\n-      max-flows 10;\n-  }\n"},
		{"flat list margins", "set interfaces ge-0/0/1 description x\ndelete interfaces ge-0/0/0 mtu\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24",
			"[edit interfaces ge-0/0/0]\n-    mtu 1500;\n[edit interfaces ge-0/0/0 unit 0 family inet]\n+       address 10.0.0.2/24;\n[edit interfaces]\n+   ge-0/0/1 {\n+       description x;\n+   }\n"},
		{"several under one header", "set system host-name r2\ndelete system port",
			"[edit system]\n-  host-name r1;\n+  host-name r2;\n-  port 22;\n"},
		{"deactivate", "deactivate services service-set S1\ndeactivate system port",
			"[edit system]\n!  inactive: port 22;\n[edit services]\n!  inactive: service-set S1 { ... }\n"},
		{"activate", "deactivate services service-set S1", ""},
		{"annotate", "annotate system \"the box\"",
			"[edit]\n+ /* the box */\n  system { ... }\n"},
		{"leaf-list", "set services service-set S1 rules r3",
			"[edit services service-set S1]\n-   rules [ r1 r2 ];\n+   rules [ r1 r2 r3 ];\n"},
		{"leaf-list order", "delete services service-set S1 rules\nset services service-set S1 rules [ r2 r1 ]",
			"[edit services service-set S1]\n-   rules [ r1 r2 ];\n+   rules [ r2 r1 ];\n"},
		{"moved term", "insert services rule r1 term c before term a",
			"[edit services rule r1]\n!   term c;\n    term a;\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed := tree.NewEditor(base)
			if err := ApplySet(ed, root, tt.set); err != nil {
				t.Fatal(err)
			}
			b := ed.Freeze()
			a := base
			if tt.name == "activate" {
				a, b = b, base
				tt.want = "[edit services]\n!  active: service-set S1 { ... }\n"
			}
			if got := compareOf(t, a, b); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestWriteCompareAt(t *testing.T) {
	root := testRoot(t)
	a := parseText(t, root, compareBase)
	b := parseText(t, root, strings.Replace(compareBase, "max-flows 10;", "max-flows 20;", 1))
	sa := a.ChildNamed("services", "").ChildNamed("service-set", "S1")
	sb := b.ChildNamed("services", "").ChildNamed("service-set", "S1")
	prefix := tree.Path{a.ChildNamed("services", "").Step(), sa.Step()}
	var out strings.Builder
	if err := WriteCompareAt(&out, sa, sb, prefix); err != nil {
		t.Fatal(err)
	}
	want := "[edit services service-set S1]\n-   max-flows 10;\n+   max-flows 20;\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
