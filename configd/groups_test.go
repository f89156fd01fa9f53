package configd_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
)

// TestGroupsCommitAndRestart: a commit keeps groups as written, Active
// and subscribers see them applied, an undefined group fails the commit,
// and after a restart the same configuration (with protection) is back.
func TestGroupsCommitAndRestart(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "groups g system domain-name example.net", "apply-groups g", "system host-name r1")
	if err := s.SetProtected(paths(t, h.c, "system", tree.ForRef)[0], true); err != nil {
		t.Fatal(err)
	}
	set(t, s, h.c, "apply-groups nosuch")
	_, err := s.Commit(context.Background(), configd.CommitOptions{})
	if err == nil || !strings.Contains(err.Error(), "'apply-groups nosuch'") || !strings.Contains(err.Error(), "group not defined") {
		t.Fatalf("commit with an undefined group: got %v, want group not defined", err)
	}
	if err := s.Delete(paths(t, h.c, "apply-groups nosuch", tree.ForRef)[0]); err != nil {
		t.Fatal(err)
	}
	commit(t, s, configd.CommitOptions{})
	check := func(when string) {
		t.Helper()
		c := h.c.Committed()
		if c.ChildNamed("groups", "g") == nil || len(c.AllNamed("apply-groups")) != 1 || !c.ChildNamed("system", "").Protected {
			t.Errorf("%s: committed lost groups, apply-groups or protection", when)
		}
		a := h.c.Active()
		if v, _ := a.ChildNamed("system", "").Leaf("domain-name"); v != "example.net" || a.ChildNamed("groups", "g") != nil {
			t.Errorf("%s: active: got domain-name %q (groups %v), want example.net inherited and no groups", when, v, a.ChildNamed("groups", "g") != nil)
		}
	}
	check("after commit")
	h.restart()
	check("after restart")
}

// TestProtectRefusesEdits: every verb on or under a protected statement
// is refused with Junos' warning (of kind Permission) and changes nothing
// there, while the rest of the edit is made.
func TestProtectRefusesEdits(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "system host-name r1", "system domain-name example.net", "interfaces ge-0/0/0 description a", "interfaces ge-0/0/1 description b")
	p := func(line string) tree.Path { return paths(t, h.c, line, tree.ForRef)[0] }
	for _, line := range []string{"system", "interfaces ge-0/0/0"} {
		if err := s.SetProtected(p(line), true); err != nil {
			t.Fatal(err)
		}
	}
	before := s.Candidate()
	for _, tc := range []struct {
		name string
		edit func() error
		want string
	}{
		{"set", func() error { return s.Set(paths(t, h.c, "system host-name r2", tree.ForSet)...) },
			"warning: [system] is protected, 'system host-name r2' cannot be modified"},
		{"delete", func() error { return s.Delete(p("system domain-name")) },
			"warning: [system] is protected, 'system domain-name' cannot be deleted"},
		{"deactivate", func() error { return s.SetActive(p("interfaces ge-0/0/0"), false) },
			"warning: [interfaces ge-0/0/0] is protected, 'interfaces ge-0/0/0' cannot be deactivated"},
		{"annotate", func() error { return s.Annotate(p("system host-name"), "x") },
			"warning: [system] is protected, 'system host-name r1' cannot be annotated"},
		{"rename", func() error { return s.Rename(p("interfaces ge-0/0/0"), "ge-0/0/9") },
			"warning: [interfaces ge-0/0/0] is protected, 'interfaces ge-0/0/0' cannot be renamed"},
		{"load", func() error { return s.Load(configd.LoadMerge, configd.FormatText, "system { time-zone UTC; }") },
			"warning: [system] is protected, 'system time-zone UTC' cannot be modified"},
		{"rollback", func() error { return s.Rollback(0) },
			"warning: [system] is protected, 'system' cannot be modified\n" +
				"warning: [interfaces ge-0/0/0] is protected, 'interfaces ge-0/0/0' cannot be modified"},
	} {
		err := tc.edit()
		if err == nil || err.Error() != tc.want || !errors.Is(err, errkind.Permission) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		if !tree.Equal(s.Candidate().ChildNamed("system", ""), before.ChildNamed("system", "")) ||
			!tree.Equal(s.Candidate().ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/0"),
				before.ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/0")) {
			t.Fatalf("%s: a protected statement changed", tc.name)
		}
	}
	// Deleting the hierarchy deletes what is not protected.
	err := s.Delete(p("interfaces"))
	if err == nil || !strings.Contains(err.Error(), "[interfaces ge-0/0/0] is protected") {
		t.Errorf("delete interfaces: got %v, want the warning for ge-0/0/0", err)
	}
	ifs := s.Candidate().ChildNamed("interfaces", "")
	if ifs.ChildNamed("interface", "ge-0/0/1") != nil || ifs.ChildNamed("interface", "ge-0/0/0") == nil {
		t.Errorf("delete interfaces: got %v, want ge-0/0/0 kept and ge-0/0/1 deleted", ifs.KidSlice())
	}
	if err := s.SetProtected(p("system"), false); err != nil {
		t.Fatal(err)
	}
	set(t, s, h.c, "system host-name r2")
}

// TestGroupsComparePatch: `show | compare` of group and protection
// changes loads back as a patch and gives the same candidate.
func TestGroupsComparePatch(t *testing.T) {
	h := newHarness(t)
	s := h.session(configd.Shared)
	set(t, s, h.c, "groups g1 system domain-name one.example", "groups g2 system time-zone UTC",
		"apply-groups g1", "system host-name r1")
	commit(t, s, configd.CommitOptions{})
	base := s.Candidate()
	if err := s.Delete(paths(t, h.c, "groups g1", tree.ForRef)[0]); err != nil {
		t.Fatal(err)
	}
	set(t, s, h.c, "groups g3 system domain-name three.example", "groups g2 system time-zone Europe/Paris")
	if err := s.SetProtected(paths(t, h.c, "system", tree.ForRef)[0], true); err != nil {
		t.Fatal(err)
	}
	want := s.Candidate()
	var patch strings.Builder
	if err := format.WriteCompare(&patch, base, want); err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{"[edit groups]\n-  g1 {", "+  g3 {", "[edit groups g2 system]", "! protect: system"} {
		if !strings.Contains(patch.String(), frag) {
			t.Errorf("compare: got\n%s\nwant %q", patch.String(), frag)
		}
	}
	// back to base (protection lifted first: override would keep it)
	if err := s.SetProtected(paths(t, h.c, "system", tree.ForRef)[0], false); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(configd.LoadOverride, configd.FormatText, textOf(t, base)); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(configd.LoadPatch, configd.FormatText, patch.String()); err != nil {
		t.Fatalf("load patch: %v\n%s", err, patch.String())
	}
	if got := s.Candidate(); !tree.Equal(got, want) {
		t.Errorf("patch:\n%s\ngave\n%s\nwant\n%s", patch.String(), textOf(t, got), textOf(t, want))
	}
}
