package groups_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/configd/validate"
)

func parse(t testing.TB, src string) *tree.Node {
	t.Helper()
	n, _, err := format.ParseText(schema.MustDefault().Root, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return n
}

func text(t *testing.T, n *tree.Node) string {
	t.Helper()
	var b strings.Builder
	if err := format.WriteText(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestExpand(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{{
		name: "top-level apply-groups, explicit wins",
		in: `groups {
    g1 {
        system {
            host-name from-g1;
            domain-name example.net;
        }
    }
}
apply-groups g1;
system {
    host-name r1;
}`,
		want: `system {
    host-name r1;
    domain-name example.net;
}
`,
	}, {
		name: "first group listed wins, nearer level before outer",
		in: `groups {
    outer {
        system {
            host-name outer;
            domain-name outer.net;
            time-zone UTC;
        }
    }
    a {
        system {
            host-name a;
        }
    }
    b {
        system {
            host-name b;
            domain-name b.net;
        }
    }
}
apply-groups outer;
system {
    apply-groups [ a b ];
}`,
		want: `system {
    host-name a;
    domain-name b.net;
    time-zone UTC;
}
`,
	}, {
		name: "wildcard names match entries, create none",
		in: `groups {
    ge {
        interfaces {
            <ge-*> {
                description "from group";
                mtu 9000;
            }
            <*> {
                mtu 1500;
            }
        }
    }
}
apply-groups ge;
interfaces {
    ge-0/0/0 {
        mtu 1400;
    }
    ge-0/0/1;
    xe-0/0/0;
}`,
		want: `interfaces {
    ge-0/0/0 {
        description "from group";
        mtu 1400;
    }
    ge-0/0/1 {
        description "from group";
        mtu 9000;
    }
    xe-0/0/0 {
        mtu 1500;
    }
}
`,
	}, {
		name: "apply-groups-except stops an outer group below",
		in: `groups {
    ge {
        interfaces {
            <*> {
                mtu 9000;
            }
        }
    }
}
apply-groups ge;
interfaces {
    ge-0/0/0;
    ge-0/0/1 {
        apply-groups-except ge;
    }
}`,
		want: `interfaces {
    ge-0/0/0 {
        mtu 9000;
    }
    ge-0/0/1;
}
`,
	}, {
		name: "exact entries are created, inactive parts ignored",
		in: `groups {
    svc {
        interfaces {
            ge-0/0/5 {
                description made;
                inactive: mtu 1000;
            }
        }
    }
    inactive: off {
        system {
            host-name off;
        }
    }
}
apply-groups [ svc off missing ];`,
		want: `interfaces {
    ge-0/0/5 {
        description made;
    }
}
`,
	}, {
		name: "apply-groups at a list entry",
		in: `groups {
    u {
        interfaces {
            <*> {
                unit <*> {
                    description unit-desc;
                }
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            apply-groups u;
        }
        unit 1;
    }
}`,
		want: `interfaces {
    ge-0/0/0 {
        unit 0 {
            description unit-desc;
        }
        unit 1;
    }
}
`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			in := parse(t, tc.in)
			got := text(t, groups.Expand(in))
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestExpandSharesUntouched(t *testing.T) {
	in := parse(t, "system {\n    host-name r1;\n}\ninterfaces {\n    ge-0/0/0;\n}")
	if got := groups.Expand(in); got != in {
		t.Errorf("a configuration without groups: got a copy, want the same tree")
	}
	in = parse(t, "groups {\n    g {\n        system {\n            host-name g;\n        }\n    }\n}\napply-groups g;\ninterfaces {\n    ge-0/0/0;\n}")
	out := groups.Expand(in)
	if a, b := in.ChildNamed("interfaces", ""), out.ChildNamed("interfaces", ""); a != b {
		t.Errorf("interfaces inherit nothing: got a copy, want the same subtree")
	}
}

func TestExpandTrace(t *testing.T) {
	in := parse(t, "groups {\n    g {\n        system {\n            domain-name x.net;\n        }\n    }\n}\napply-groups g;\nsystem {\n    host-name r1;\n}")
	out, org := groups.ExpandTrace(in)
	sys := out.ChildNamed("system", "")
	if g, ok := org[sys]; ok {
		t.Errorf("system is explicit: got origin %q, want none", g)
	}
	if g := org[sys.ChildNamed("domain-name", "")]; g != "g" {
		t.Errorf("domain-name origin: got %q, want g", g)
	}
}

// TestValidateSkipsGroupContents: validation checks a group's statements
// where they apply, not inside the group (full and incremental checks).
func TestValidateSkipsGroupContents(t *testing.T) {
	src := `groups {
    g {
        interfaces {
            ge-0/0/0 {
                unit 0 {
                    family inet {
                        service {
                            input {
                                service-set nosuch;
                            }
                        }
                    }
                }
            }
        }
    }
}`
	raw := parse(t, src)
	if errs := validate.Validate(raw, validate.Options{}); len(errs) > 0 {
		t.Errorf("group not applied, full check: got %v, want no errors", errs)
	}
	empty := tree.New(raw.S)
	if errs := validate.Validate(raw, validate.Options{Old: empty}); len(errs) > 0 {
		t.Errorf("group not applied, incremental check: got %v, want no errors", errs)
	}
	applied := parse(t, src+"\napply-groups g;")
	if errs := validate.Validate(groups.Expand(applied), validate.Options{}); len(errs) == 0 {
		t.Errorf("group applied: got no errors, want the undefined service-set")
	}
}
