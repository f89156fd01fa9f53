package format

import (
	"io"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// groupsText is a configuration with groups (a wildcard name, an inactive
// group), apply-groups at two levels and protected statements, written as
// WriteText writes it.
const groupsText = `groups {
    inactive: base {
        system {
            host-name base;
        }
    }
    ifs {
        interfaces {
            <ge-*> {
                description "from ifs";
            }
        }
    }
}
apply-groups [ ifs base ];
protect: system {
    host-name r1;
}
interfaces {
    protect: ge-0/0/0 {
        apply-groups-except base;
        description uplink;
    }
}
`

// TestGroupsAndProtectRoundTrip: text, set and XML each write the groups
// block, apply-groups and protection, and read back the same tree.
func TestGroupsAndProtectRoundTrip(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, groupsText)
	if got := textOf(t, tr); got != groupsText {
		t.Fatalf("text: got\n%s\nwant\n%s", got, groupsText)
	}
	set := written(t, func(w io.Writer) error { return WriteSet(w, tr, nil) })
	for _, line := range []string{
		"set groups base system host-name base\ndeactivate groups base\n",
		`set groups ifs interfaces <ge-*> description "from ifs"`,
		"set apply-groups ifs\nset apply-groups base\n",
		"protect system\n",
		"protect interfaces ge-0/0/0\n",
	} {
		if !strings.Contains(set, line) {
			t.Errorf("set: got\n%s\nwant a line %q", set, line)
		}
	}
	fromSet, err := ParseSet(root, set)
	if err != nil {
		t.Fatalf("ParseSet: %v\n%s", err, set)
	}
	if !tree.Equal(fromSet, tr) {
		t.Errorf("set: read back\n%s\nwant\n%s", textOf(t, fromSet), groupsText)
	}
	xml := written(t, func(w io.Writer) error { return WriteXML(w, tr, true) })
	for _, frag := range []string{`<groups inactive="inactive">`, `<name>&lt;ge-*&gt;</name>`, `<system protect="protect">`,
		`<interface protect="protect">`, `<apply-groups-except>base</apply-groups-except>`} {
		if !strings.Contains(xml, frag) {
			t.Errorf("xml: got\n%s\nwant %s", xml, frag)
		}
	}
	fromXML, _, err := ParseXML(root, strings.NewReader(xml))
	if err != nil {
		t.Fatalf("ParseXML: %v\n%s", err, xml)
	}
	if !tree.Equal(fromXML, tr) {
		t.Errorf("xml: read back\n%s\nwant\n%s", textOf(t, fromXML), groupsText)
	}
}

// TestGroupsTextForms: groups NAME { … } (without the groups block) is
// read too, a tag on the groups block is refused, and a wildcard name is
// only accepted inside a group.
func TestGroupsTextForms(t *testing.T) {
	root := testRoot(t)
	a := parseText(t, root, "groups g { system { host-name x; } }")
	b := parseText(t, root, "groups { g { system { host-name x; } } }")
	if !tree.Equal(a, b) {
		t.Errorf("groups g { … }: got\n%s\nwant\n%s", textOf(t, a), textOf(t, b))
	}
	if _, _, err := ParseText(root, "inactive: groups { g; }"); err == nil {
		t.Errorf("inactive: groups { … }: got no error, want one")
	}
	if _, _, err := ParseText(root, "interfaces { <ge-*> { description x; } }"); err == nil {
		t.Errorf("wildcard name outside a group: got no error, want one")
	}
	var dirs []string
	_, ds, err := ParseText(root, "system {\n    unprotect: host-name x;\n}")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		dirs = append(dirs, d.String())
	}
	if len(dirs) != 1 || !strings.Contains(dirs[0], OpUnprotect) {
		t.Errorf("unprotect: directives got %q, want one unprotect", dirs)
	}
}
