package validate

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// Named incremental scenarios: each edit of a valid configuration, the
// errors incremental validation reports (which full validation must
// report too).
func TestIncremental(t *testing.T) {
	s := testSchema(t)
	defs := load(t, s, defaultsLines)
	old := load(t, s, strings.Join(configLines(shape{serviceSets: 5, terms: 2, apps: 4}), "\n"))
	tests := []struct{ name, edits, want string }{
		{"no change", "", ""},
		{"valid leaf change", "set services service-set ss2 max-flows 7", ""},
		{"delete a referenced rule", "delete services stateful-firewall rule r3", `
[edit services service-set ss3]
  'stateful-firewall-rules r3'
    Referenced rule 'r3' is not defined`},
		{"rename a referenced rule", "rename services stateful-firewall rule r3 to r33", `
[edit services service-set ss3]
  'stateful-firewall-rules r3'
    Referenced rule 'r3' is not defined`},
		{"deactivate a referenced rule", "deactivate services stateful-firewall rule r3", `
[edit services service-set ss3]
  'stateful-firewall-rules r3'
    Referenced rule 'r3' is not defined`},
		{"deactivate the referrer too", "deactivate services stateful-firewall rule r3\ndeactivate services service-set ss3", ""},
		{"delete a referenced class", "delete system login class ro", `
[edit system login user u1]
  'class ro'
    Referenced class 'ro' is not defined
[edit system login user u3]
  'class ro'
    Referenced class 'ro' is not defined
[edit system login user u5]
  'class ro'
    Referenced class 'ro' is not defined
[edit system login user u7]
  'class ro'
    Referenced class 'ro' is not defined
[edit system login user u9]
  'class ro'
    Referenced class 'ro' is not defined`},
		{"delete an application in a set", "delete applications application app2", `
[edit services stateful-firewall rule r3 term t2 from]
  'applications app2'
    Referenced application 'app2' is not defined
[edit services stateful-firewall rule r4 term t1 from]
  'applications app2'
    Referenced application 'app2' is not defined
[edit applications application-set web]
  'application app2'
    Referenced application 'app2' is not defined`},
		{"delete a referenced application-set", "delete applications application-set web", `
[edit applications application-set mail]
  'application-set web'
    Referenced application-set 'web' is not defined`},
		{"delete a mandatory leaf", "delete system login user u2 class", `
[edit system login user u2]
  'class'
    Missing mandatory statement: 'class'`},
		{"delete a mandatory choice", "delete system login user u2 authentication", `
[edit system login user u2 authentication]
  'password'
    Missing mandatory statement: one of 'encrypted-password', 'plain-text-password'`},
		{"a protocol change fails a sibling's when", "set applications application app3 protocol icmp", `
[edit applications application app3]
  'destination-port 1003'
    statement not valid here: when condition failed: ../protocol = 'tcp' or ../protocol = 'udp'
[edit applications application app3 icmp]
  'type'
    Missing mandatory statement: 'type'`},
		{"a protocol change lifts a requirement", "set applications application ping protocol tcp\ndelete applications application ping icmp", ""},
		{"unique broken by a change", "set system login user u4 uid 1003", `
[edit system login]
  'user u4'
    uid '1003' is not unique: also used by user u3`},
		{"must on the changed leaf's ancestor", "set chassis fpc 0 pic 0 extension-provider object-cache-size 10", `
[edit chassis fpc 0 pic 0]
  'extension-provider'
    policy-db-size must be less than object-cache-size`},
		{"must reading another subtree", "delete services nat rule n0", `
[edit services service-set ss100]
  'nat-rules n0'
    must condition failed: /services/nat/rule[name = current()]`},
		{"min-elements broken by a delete", "delete services nat rule n3 tags a", `
[edit services nat rule n3]
  'tags'
    Too few 'tags' statements: 1, at least 2 required`},
		{"added subtree checked whole", "set services service-set new stateful-firewall-rules nosuch\nset services service-set new next-hop-service inside-service-interface ms-0/0/0", `
[edit services service-set new]
  'stateful-firewall-rules nosuch'
    Referenced rule 'nosuch' is not defined
[edit services service-set new next-hop-service]
  'outside-service-interface'
    Missing mandatory statement: 'outside-service-interface'`},
		{"activated subtree checked whole", "deactivate services service-set ss1\nset services service-set ss1 stateful-firewall-rules nosuch", ""},
	}
	// One service-set refers to a nat rule: make it exist in the base.
	old = edit(t, old, "set services service-set ss100 stateful-firewall-rules r1\nset services service-set ss100 nat-rules n0")
	if errs := Validate(old, Options{Defaults: defs}); len(errs) > 0 {
		t.Fatalf("base: got errors, want none:\n%s", String(errs))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := edit(t, old, tt.edits)
			got := errText(Validate(next, Options{Defaults: defs, Changes: tree.Diff(old, next), Old: old}))
			if want := strings.TrimSpace(tt.want); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if full := errText(Validate(next, Options{Defaults: defs})); full != got {
				t.Errorf("full validation disagrees: got:\n%s\nincremental:\n%s", full, got)
			}
			// Old alone means the diff is computed.
			if again := errText(Validate(next, Options{Defaults: defs, Old: old})); again != got {
				t.Errorf("with Old only: got:\n%s\nwant:\n%s", again, got)
			}
		})
	}
}

// An activation after the deactivation is an addition: the subtree is
// checked whole.
func TestIncrementalActivate(t *testing.T) {
	s := testSchema(t)
	old := load(t, s, base+"set services service-set S2 stateful-firewall-rules nosuch\ndeactivate services service-set S2")
	if errs := Validate(old, Options{}); len(errs) > 0 {
		t.Fatalf("base: got errors, want none:\n%s", String(errs))
	}
	next := edit(t, old, "activate services service-set S2")
	got := errText(Validate(next, Options{Old: old}))
	want := `[edit services service-set S2]
  'stateful-firewall-rules nosuch'
    Referenced rule 'nosuch' is not defined`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
