package validate

import (
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/yang"
)

func TestErrorFormat(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, `
set system login class super
set system login user bob uid 2000
set system login user bob authentication encrypted-password x
`)
	errs := Validate(root, Options{})
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1:\n%s", len(errs), String(errs))
	}
	e := errs[0]
	const wantFormat = "[edit system login user bob]\n  'class'\n    Missing mandatory statement: 'class'"
	if got := e.Format(); got != wantFormat {
		t.Errorf("Format: got\n%q\nwant\n%q", got, wantFormat)
	}
	const wantError = "[edit system login user bob] 'class': Missing mandatory statement: 'class'"
	if got := e.Error(); got != wantError {
		t.Errorf("Error: got %q, want %q", got, wantError)
	}
	if got, want := e.Path.Edit(), "[edit system login user bob]"; got != want {
		t.Errorf("Path: got %s, want %s", got, want)
	}
	if e.Statement != "class" {
		t.Errorf("Statement: got %q, want %q", e.Statement, "class")
	}
	// The root's own statements have the bare [edit] banner.
	e = &Error{Statement: "x", Message: "m"}
	if got, want := e.Format(), "[edit]\n  'x'\n    m"; got != want {
		t.Errorf("Format at the root: got %q, want %q", got, want)
	}
}

// Errors come in the order the statements are displayed, whatever order
// the checks found them in.
func TestErrorOrder(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, `
set services stateful-firewall rule r1 match-direction input
set services stateful-firewall rule r1 term t2 from applications x2
set services stateful-firewall rule r1 term t1 from applications x1
set services service-set S10 stateful-firewall-rules r10
set services service-set S9 stateful-firewall-rules r9
set system login user zed class nosuch
set system login user amy class nosuch
set system login user amy uid 1000
set system login user zed uid 1000
set chassis fpc 1 pic 0 extension-provider object-cache-size 1
set chassis fpc 1 pic 0 extension-provider policy-db-size 2
`)
	var got []string
	for _, e := range Validate(root, Options{}) {
		got = append(got, e.Path.Edit()+" "+e.Statement)
	}
	want := []string{
		"[edit system login user amy] class nosuch",
		"[edit system login user amy authentication] password",
		"[edit system login] user zed",
		"[edit system login user zed] class nosuch",
		"[edit system login user zed authentication] password",
		"[edit chassis fpc 1 pic 0] extension-provider",
		"[edit services service-set S9] stateful-firewall-rules r9",
		"[edit services service-set S10] stateful-firewall-rules r10",
		"[edit services stateful-firewall rule r1 term t2 from] applications x2",
		"[edit services stateful-firewall rule r1 term t1 from] applications x1",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

const badModule = `
module gnos-bad {
  yang-version 1.1;
  namespace "urn:gnos:bad";
  prefix b;
  container box {
    must "count(" {
      error-message "never shown";
    }
    leaf size {
      when "$nope";
      type uint8;
    }
  }
}
`

// Expressions that do not compile are reported by CheckSchema, and on
// each instance rather than silently passing.
func TestInvalidExpressions(t *testing.T) {
	s, err := schema.Compile([]yang.Module{{Name: "gnos-bad", Source: badModule}})
	if err != nil {
		t.Fatal(err)
	}
	if errs := CheckSchema(s.Root); len(errs) != 2 {
		t.Errorf("CheckSchema: got %v, want 2 errors", errs)
	}
	e := tree.NewEditor(tree.New(s.Root))
	if err := e.Set(tree.Path{{S: s.Find("/box")}, {S: s.Find("/box/size"), Value: "1"}}); err != nil {
		t.Fatal(err)
	}
	got := errText(Validate(e.Freeze(), Options{}))
	want := `[edit]
  'box'
    invalid must expression: xpath: count(: offset 6: expected a step, found end of expression
[edit box]
  'size 1'
    invalid when expression: xpath: $nope: offset 0: variables are not supported`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
