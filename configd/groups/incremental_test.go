package groups_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

const incrementalBase = `set groups g1 interfaces <ge-*> mtu 9000
set groups g1 interfaces <ge-*> unit 0 description from-g1
set groups g2 system domain-name example.net
set groups g2 services service-set <*> max-flows 100
set apply-groups g2
set interfaces apply-groups g1
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24
set interfaces xe-0/0/0 unit 0 family inet address 10.0.2.1/24
set system host-name r1
set services service-set s1 interface-service service-interface ms-0/0/0
set services service-set s2 interface-service service-interface ms-0/0/0
set services service-set s3 max-flows 7
set services service-set s3 interface-service service-interface ms-0/0/0
`

func applySet(t *testing.T, root *tree.Node, lines string) *tree.Node {
	t.Helper()
	e := tree.NewEditor(root)
	if err := format.ApplySet(e, schema.MustDefault().Root, lines); err != nil {
		t.Fatalf("%s: %v", lines, err)
	}
	return e.Freeze()
}

// TestExpandFromMatchesExpand: the incremental expansion of an edited
// configuration is the full expansion, whatever the edit touches (a
// leaf, an applied level, apply-groups themselves, a group), and what the
// edit did not touch is the committed expansion's own nodes.
func TestExpandFromMatchesExpand(t *testing.T) {
	old := applySet(t, tree.New(schema.MustDefault().Root), incrementalBase)
	oldExp := groups.Expand(old)
	for _, edit := range []string{
		"set system host-name r2",
		"set interfaces ge-0/0/1 unit 0 description explicit",
		"set interfaces ge-0/0/2 unit 0 family inet address 10.0.3.1/24",
		"set services service-set s4 interface-service service-interface ms-0/0/0",
		"delete interfaces apply-groups g1",
		"set interfaces apply-groups-except g2",
		"set services apply-groups g1",
		"delete apply-groups g2",
		"set groups g2 system domain-name changed.net",
		"deactivate groups g1",
		"deactivate interfaces apply-groups g1",
		"delete services service-set s3 max-flows",
	} {
		t.Run(edit, func(t *testing.T) {
			var next *tree.Node
			switch {
			case len(edit) > 11 && edit[:11] == "deactivate ":
				ps, err := tree.ParseTokens(schema.MustDefault().Root, splitWords(edit[11:]), tree.ForSet)
				if err != nil {
					t.Fatal(err)
				}
				e := tree.NewEditor(old)
				if err := e.SetInactive(ps[0], true); err != nil {
					t.Fatal(err)
				}
				next = e.Freeze()
			default:
				next = applySet(t, old, edit)
			}
			want := text(t, groups.Expand(next))
			got := groups.ExpandFrom(old, oldExp, next)
			if g := text(t, got); g != want {
				t.Fatalf("ExpandFrom:\n%s\nExpand:\n%s", g, want)
			}
		})
	}
	// a leaf edit under system: the expanded interfaces and services are
	// the committed expansion's nodes, not new ones
	next := applySet(t, old, "set system host-name r2")
	got := groups.ExpandFrom(old, oldExp, next)
	for _, top := range []string{"interfaces", "services"} {
		if a, b := oldExp.ChildNamed(top, ""), got.ChildNamed(top, ""); a == nil || a != b {
			t.Errorf("%s untouched by the edit: got a new expansion, want the committed one reused", top)
		}
	}
	if groups.ExpandFrom(old, oldExp, old) != oldExp {
		t.Errorf("an unchanged configuration: want the committed expansion itself")
	}
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, r := range s {
		if r == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
			continue
		}
		w += string(r)
	}
	if w != "" {
		out = append(out, w)
	}
	return out
}

// TestExpandFromLongList: the same on a 600-entry service-set list (long
// enough that the tree keeps it in chunks), with a group applied at the
// top that reaches the list (every entry inherits) and one that does not
// (the list expands to itself and ExpandFrom steps over the shared
// chunks): edits in the middle, at the ends, additions and deletions.
func TestExpandFromLongList(t *testing.T) {
	for _, group := range []string{
		"set groups g system domain-name example.net\nset apply-groups g\n",
		"set groups g services service-set <*> max-flows 100\nset apply-groups g\n",
		// an entry's own apply-groups: the list above inherits nothing
		"set groups g system domain-name example.net\nset apply-groups g\nset groups h services service-set <*> max-flows 100\n",
		"set groups g system domain-name example.net\nset apply-groups g\nset groups h services service-set <*> max-flows 100\n" +
			"set services service-set s5 apply-groups h\n",
	} {
		var b []byte
		b = append(b, group...)
		for i := range 600 {
			b = append(b, "set services service-set s"...)
			b = append(b, itoa(i)...)
			b = append(b, " interface-service service-interface ms-0/0/0\n"...)
		}
		old := applySet(t, tree.New(schema.MustDefault().Root), string(b))
		oldExp := groups.Expand(old)
		for _, edit := range []string{
			"set services service-set s300 max-flows 7",
			"set services service-set s0 max-flows 7",
			"set services service-set s599 max-flows 7",
			"set services service-set s3000 interface-service service-interface ms-0/0/0",
			"delete services service-set s301",
			"set system host-name r2",
			"set services service-set s300 apply-groups h",
			"set services service-set s0 apply-groups h",
			"set services service-set s599 apply-groups h",
			"set services service-set s3001 apply-groups h",
		} {
			if strings.Contains(edit, "apply-groups h") && !strings.Contains(group, "groups h ") {
				continue
			}
			var next *tree.Node
			if len(edit) > 7 && edit[:7] == "delete " {
				ps, err := tree.ParseTokens(schema.MustDefault().Root, splitWords(edit[7:]), tree.ForRef)
				if err != nil {
					t.Fatal(err)
				}
				e := tree.NewEditor(old)
				if err := e.Delete(ps[0]); err != nil {
					t.Fatal(err)
				}
				next = e.Freeze()
			} else {
				next = applySet(t, old, edit)
			}
			want := text(t, groups.Expand(next))
			if got := text(t, groups.ExpandFrom(old, oldExp, next)); got != want {
				t.Errorf("%q after %q: ExpandFrom differs from Expand", edit, group)
			}
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
