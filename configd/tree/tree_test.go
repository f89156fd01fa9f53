package tree_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

func root(t testing.TB) *schema.Node {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s.Root
}

func set(t testing.TB, e *tree.Editor, line string) {
	t.Helper()
	ps, err := tree.ParseTokens(e.Root().S, strings.Fields(line), tree.ForSet)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	for _, p := range ps {
		if err := e.Set(p); err != nil {
			t.Fatalf("set %q: %v", line, err)
		}
	}
}

func ref(t testing.TB, r *schema.Node, line string) tree.Path {
	t.Helper()
	ps, err := tree.ParseTokens(r, strings.Fields(line), tree.ForRef)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return ps[0]
}

func TestParseTokensErrors(t *testing.T) {
	r := root(t)
	tests := []struct {
		name, line string
		tok        int
		msg        string
	}{
		{"unknown keyword", "system foo", 1, "syntax error."},
		{"missing value", "system host-name", 2, "missing argument."},
		{"out of range", "chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 999", 9, "not within range"},
		{"ambiguous prefix", "services s", 1, "is ambiguous"},
		{"bad prefix", "interfaces ge-0/0/0 unit 0 family inet address 10.0.0.300/24", 7, "invalid"},
		{"bracket entries unclosed", "services service-set S stateful-firewall-rules [ r1 r2", 7, "expecting ']'"},
		{"bracket entries empty", "services service-set S stateful-firewall-rules [ ]", 5, "missing argument."},
		{"bracket entries then more", "services stateful-firewall rule r term t from source-address [ 10.0.0.0/8 ] except", 11, "syntax error."},
		{"bracket entries bad key", "services stateful-firewall rule r term t from source-address [ 10.0.0.0/8 nope ]", 10, "not a valid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tree.ParseTokens(r, strings.Fields(tc.line), tree.ForSet)
			pe, ok := err.(*tree.PathError)
			if !ok {
				t.Fatalf("got %v, want a *PathError", err)
			}
			if pe.Token != tc.tok || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got token %d %q, want token %d containing %q", pe.Token, pe.Msg, tc.tok, tc.msg)
			}
		})
	}
}

// TestParseTokensSiblings: in a set command a leaf (or leaf-list) may be
// followed by more statements of its container or entry, each its own
// path, as Junos takes `port range low 20000 high 20999`; other modes and
// tokens that are no statement of that level stay errors.
func TestParseTokensSiblings(t *testing.T) {
	r := root(t)
	tests := []struct {
		line string
		want []string
	}{
		{"services nat pool p1 port range low 20000 high 20999",
			[]string{"services nat pool p1 port range low 20000", "services nat pool p1 port range high 20999"}},
		{"interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 primary preferred",
			[]string{"interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 primary",
				"interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 preferred"}},
		{"routing-options static route 0.0.0.0/0 next-hop 192.0.2.254 preference 7",
			[]string{"routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
				"routing-options static route 0.0.0.0/0 preference 7"}},
		{"system host-name r1", []string{"system host-name r1"}},
	}
	for _, tc := range tests {
		ps, err := tree.ParseTokens(r, strings.Fields(tc.line), tree.ForSet)
		if err != nil {
			t.Fatalf("%s: %v", tc.line, err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.line, got, tc.want)
		}
	}
	for _, tc := range []struct {
		line string
		mode tree.ParseMode
		tok  int
	}{
		{"system host-name r1 r2", tree.ForSet, 3},
		{"services nat pool p1 port range low 20000 nonsense 5", tree.ForSet, 8},
		{"services nat pool p1 port range low 20000 high", tree.ForSet, 9},
		{"system host-name r1 domain-name d", tree.ForRef, 3},
	} {
		_, err := tree.ParseTokens(r, strings.Fields(tc.line), tc.mode)
		if pe, ok := err.(*tree.PathError); !ok || pe.Token != tc.tok {
			t.Errorf("%s: got %v, want an error at token %d", tc.line, err, tc.tok)
		}
	}
}

// TestBracketEntries: `name [ k1 k2 ]`, which gnos took when rule
// references and addresses were leaf-lists, still sets one entry per key
// of those lists, in order.
func TestBracketEntries(t *testing.T) {
	ps, err := tree.ParseTokens(root(t), strings.Fields("services service-set S stateful-firewall-rules [ r2 r1 ]"), tree.ForSet)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := []string{"services service-set S stateful-firewall-rules r2", "services service-set S stateful-firewall-rules r1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEditSharingAndDiff(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	set(t, e, "system host-name r1")
	for _, s := range []string{"S1", "S2", "S10"} {
		set(t, e, "services service-set "+s+" interface-service service-interface ms-0/0/0")
	}
	a := e.Freeze()
	// system-ordered list entries are sorted naturally
	var keys []string
	for _, n := range a.ChildNamed("services", "").AllNamed("service-set") {
		keys = append(keys, n.Key)
	}
	if got, want := strings.Join(keys, ","), "S1,S2,S10"; got != want {
		t.Fatalf("service-set order: got %s, want %s", got, want)
	}
	e2 := tree.NewEditor(a)
	set(t, e2, "system host-name r2")
	b := e2.Freeze()
	if a.ChildNamed("services", "") != b.ChildNamed("services", "") {
		t.Fatalf("untouched subtree was copied; want it shared")
	}
	if v, _ := a.ChildNamed("system", "").Leaf("host-name"); v != "r1" {
		t.Fatalf("original changed: got %s, want r1", v)
	}
	ch := tree.Diff(a, b)
	if len(ch) != 1 || ch[0].Old.Value != "r1" || ch[0].New.Value != "r2" {
		t.Fatalf("diff: got %+v, want one change r1 -> r2", ch)
	}
	// delete prunes empty containers
	e3 := tree.NewEditor(b)
	if err := e3.Delete(ref(t, r, "system host-name")); err != nil {
		t.Fatal(err)
	}
	if c := e3.Freeze().ChildNamed("system", ""); c != nil {
		t.Fatalf("empty system container kept: got %v, want nil", c)
	}
}

func TestChoiceReplacesOtherCase(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	set(t, e, "services stateful-firewall rule R1 term T1 then accept")
	set(t, e, "services stateful-firewall rule R1 term T1 then discard")
	then := e.Root().Get(ref(t, r, "services stateful-firewall rule R1 term T1 then"))
	if then == nil || then.NumKids() != 1 || then.Kid(0).S.Name != "discard" {
		t.Fatalf("then: got %+v, want only discard", then)
	}
}

func TestInsertRenameCopy(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	for _, term := range []string{"T1", "T2", "T3"} {
		set(t, e, "services stateful-firewall rule R1 term "+term+" then accept")
	}
	if err := e.Insert(ref(t, r, "services stateful-firewall rule R1 term T3"), true, "T1"); err != nil {
		t.Fatal(err)
	}
	order := func() string {
		var ks []string
		for _, n := range e.Root().Get(ref(t, r, "services stateful-firewall rule R1")).AllNamed("term") {
			ks = append(ks, n.Key)
		}
		return strings.Join(ks, ",")
	}
	if got := order(); got != "T3,T1,T2" {
		t.Fatalf("after insert: got %s, want T3,T1,T2", got)
	}
	if err := e.Rename(ref(t, r, "services stateful-firewall rule R1 term T1"), "T9"); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "T3,T9,T2" {
		t.Fatalf("after rename: got %s, want T3,T9,T2", got)
	}
	if err := e.Copy(ref(t, r, "services stateful-firewall rule R1"), "R2"); err != nil {
		t.Fatal(err)
	}
	if e.Root().Get(ref(t, r, "services stateful-firewall rule R2 term T9 then accept")) == nil {
		t.Fatalf("copy: R2 term T9 missing")
	}
	if err := e.Rename(ref(t, r, "services stateful-firewall rule R1"), "R2"); err == nil {
		t.Fatalf("rename onto an existing entry: got nil error, want one")
	}
}

func TestChunksRoundTrip(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	set(t, e, "system host-name r1")
	set(t, e, "interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24")
	set(t, e, "services service-set S1 interface-service service-interface ms-0/0/0")
	set(t, e, "services stateful-firewall rule R1 match-direction input")
	set(t, e, "services stateful-firewall rule R1 term T2 then accept")
	set(t, e, "services stateful-firewall rule R1 term T1 then discard")
	if err := e.SetInactive(ref(t, r, "services service-set S1"), true); err != nil {
		t.Fatal(err)
	}
	if err := e.Annotate(ref(t, r, "system"), "the box\twith a tab"); err != nil {
		t.Fatal(err)
	}
	a := e.Freeze()
	chunks := tree.AllChunks(a)
	got, err := tree.Assemble(r, chunks)
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(a, got) {
		t.Fatalf("assemble(chunks(a)) != a")
	}
	// a one-leaf change touches one chunk
	e2 := tree.NewEditor(a)
	set(t, e2, "services stateful-firewall rule R1 term T1 then accept")
	b := e2.Freeze()
	d := tree.ChunkDelta(a, b)
	if len(d) != 1 {
		t.Fatalf("chunk delta: got %d chunks, want 1: %q", len(d), d)
	}
	for k, v := range d {
		chunks[k] = v
	}
	got, err = tree.Assemble(r, chunks)
	if err != nil || !tree.Equal(b, got) {
		t.Fatalf("after delta: equal=%v err=%v", tree.Equal(b, got), err)
	}
}

func TestKeyLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"ge-0/0/2", "ge-0/0/10", true},
		{"ge-0/0/10", "ge-0/0/2", false},
		{"S9", "S10", true},
		{"a", "b", true},
		{"a", "a", false},
		{"x01", "x1", false},
	}
	for _, tc := range tests {
		if got := tree.KeyLess(tc.a, tc.b); got != tc.want {
			t.Errorf("KeyLess(%q, %q): got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestApplyChunksRebuildsOldRevision(t *testing.T) {
	r := root(t)
	e := tree.NewEditor(tree.New(r))
	set(t, e, "system host-name old")
	set(t, e, "services service-set S1 interface-service service-interface ms-0/0/0")
	set(t, e, "services service-set S2 interface-service service-interface ms-0/0/0")
	a := e.Freeze()
	e2 := tree.NewEditor(a)
	set(t, e2, "system host-name new")
	set(t, e2, "system domain-name example.net")
	if err := e2.Delete(ref(t, r, "services service-set S1")); err != nil {
		t.Fatal(err)
	}
	set(t, e2, "services service-set S3 interface-service service-interface ms-0/0/0")
	b := e2.Freeze()
	// the reverse delta: for each chunk that changed, a's text
	fwd := tree.ChunkDelta(a, b)
	old := tree.AllChunks(a)
	undo := map[string][]byte{}
	for k := range fwd {
		undo[k] = old[k]
	}
	got, err := tree.ApplyChunks(b, undo)
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(got, a) {
		t.Fatalf("ApplyChunks(b, undo) != a")
	}
}
