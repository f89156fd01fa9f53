package validate

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// base is a small valid configuration every case of TestValidate adds to.
const base = `
set system host-name gnos1
set system login class super permissions all
set system login user bob uid 2000
set system login user bob class super
set system login user bob authentication encrypted-password $6$x
set applications application a1 protocol tcp
set applications application a1 destination-port 80
set services stateful-firewall rule r1 match-direction input
set services stateful-firewall rule r1 term t1 from applications a1
set services stateful-firewall rule r1 term t1 then accept
set services service-set S1 stateful-firewall-rules r1
`

// errText renders errors for comparison, one Format block each.
func errText(errs []*Error) string {
	return strings.TrimSpace(String(errs))
}

// checkFullAndIncremental checks that full validation of next reports
// want, and that incremental validation from old reports the same.
func checkFullAndIncremental(t *testing.T, next, old, defs *tree.Node, want string) {
	t.Helper()
	got := errText(Validate(next, Options{Defaults: defs}))
	if want := strings.TrimSpace(want); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if inc := errText(Validate(next, Options{Defaults: defs, Old: old})); inc != got {
		t.Errorf("incremental: got:\n%s\nwant (full):\n%s", inc, got)
	}
}

func TestValidate(t *testing.T) {
	s := testSchema(t)
	defs := load(t, s, defaultsLines)
	tests := []struct {
		name   string
		config string // set lines added to base
		nodefs bool   // validate without the junos-defaults
		want   string // Format blocks, "" for a valid configuration
	}{
		{name: "valid", want: ""},

		// Types, ranges, patterns, enumerations, keys.
		{name: "range", config: "raw system login user bob uid 99", want: `
[edit system login user bob]
  'uid 99'
    value 99 is not within range (100..64000)`},
		{name: "in range", config: "raw system login user bob uid 100", want: ""},
		{name: "pattern", config: "raw system host-name -x", want: `
[edit system]
  'host-name -x'
    invalid value '-x': must match '[A-Za-z0-9][A-Za-z0-9_.-]*'`},
		{name: "enumeration", config: "raw applications application a1 protocol sctp", want: `
[edit applications application a1]
  'protocol sctp'
    invalid value 'sctp': expecting one of icmp, tcp, udp
[edit applications application a1]
  'destination-port 80'
    statement not valid here: when condition failed: ../protocol = 'tcp' or ../protocol = 'udp'`},
		{name: "leaf-list item", config: "raw system login class super permissions root", want: `
[edit system login class super]
  'permissions root'
    invalid value 'root': expecting one of all, configure, view`},
		{name: "list key", config: "raw system login class b@d permissions view", want: `
[edit system login]
  'class b@d'
    name: invalid value 'b@d': must match '[A-Za-z0-9][A-Za-z0-9_.-]*'`},
		{name: "second key of a list", config: "raw routing-options route 10/8 b@d next-hop x", want: `
[edit routing-options]
  'route 10/8 b@d'
    table: invalid value 'b@d': must match '[A-Za-z0-9][A-Za-z0-9_.-]*'`},

		// Leafrefs.
		{name: "leafref missing", config: "set services service-set S1 stateful-firewall-rules R9", want: `
[edit services service-set S1]
  'stateful-firewall-rules R9'
    Referenced rule 'R9' is not defined`},
		{name: "leafref relative path", config: "set system login user bob class admon", want: `
[edit system login user bob]
  'class admon'
    Referenced class 'admon' is not defined`},
		{name: "leafref to a leaf-list's target", config: "set services stateful-firewall rule r1 term t1 from applications nosuch", want: `
[edit services stateful-firewall rule r1 term t1 from]
  'applications nosuch'
    Referenced application 'nosuch' is not defined`},
		{name: "leafref to junos-defaults", config: "set services stateful-firewall rule r1 term t1 from applications junos-http", want: ""},
		{name: "leafref to junos-defaults without them", nodefs: true, config: "set services stateful-firewall rule r1 term t1 from applications junos-http", want: `
[edit services stateful-firewall rule r1 term t1 from]
  'applications junos-http'
    Referenced application 'junos-http' is not defined`},
		{name: "leafref to an inactive target", config: "deactivate services stateful-firewall rule r1", want: `
[edit services service-set S1]
  'stateful-firewall-rules r1'
    Referenced rule 'r1' is not defined`},
		{name: "leafref below an inactive target", config: "set system login class ro\ndeactivate system login\nset system login user bob class ro", want: ""},
		{name: "inactive referrer", config: "set services service-set S2 stateful-firewall-rules R9\ndeactivate services service-set S2", want: ""},
		{name: "key leafref", config: "set applications application-set web application a1\nset applications application-set mail application a1\nset applications application-set mail application-set nosuch", want: `
[edit applications application-set mail]
  'application-set nosuch'
    Referenced application-set 'nosuch' is not defined`},
		{name: "key leafref defined", config: "set applications application-set web application a1\nset applications application-set mail application a1\nset applications application-set mail application-set web", want: ""},

		// Mandatory statements and choices.
		{name: "mandatory leaf", config: "set system login user joe uid 3000\nset system login user joe authentication plain-text-password x", want: `
[edit system login user joe]
  'class'
    Missing mandatory statement: 'class'`},
		{name: "inactive mandatory leaf", config: "deactivate system login user bob class", want: `
[edit system login user bob]
  'class'
    Missing mandatory statement: 'class'`},
		{name: "inactive entry is not checked", config: "set system login user joe uid 3000\ndeactivate system login user joe", want: ""},
		{name: "mandatory choice in an implied container", config: "set system login user joe class super", want: `
[edit system login user joe authentication]
  'password'
    Missing mandatory statement: one of 'encrypted-password', 'plain-text-password'`},
		{name: "mandatory in a presence container", config: "set system services netconf ssh", want: `
[edit system services netconf ssh]
  'port'
    Missing mandatory statement: 'port'`},
		{name: "presence container set", config: "set system services netconf ssh port 830", want: ""},
		{name: "mandatory in the chosen case", config: "set services service-set S1 next-hop-service inside-service-interface ms-0/0/0", want: `
[edit services service-set S1 next-hop-service]
  'outside-service-interface'
    Missing mandatory statement: 'outside-service-interface'`},
		{name: "case chosen completely", config: "set services service-set S1 next-hop-service inside-service-interface ms-0/0/0\nset services service-set S1 next-hop-service outside-service-interface ms-0/0/1", want: ""},
		{name: "mandatory with a when that holds", config: "set applications application p protocol icmp", want: `
[edit applications application p icmp]
  'type'
    Missing mandatory statement: 'type'`},
		{name: "mandatory with a when that fails", config: "set applications application p protocol udp", want: ""},
		{name: "mandatory in a list entry", config: "set services stateful-firewall rule r2 term t1 then accept", want: `
[edit services stateful-firewall rule r2]
  'match-direction'
    Missing mandatory statement: 'match-direction'`},

		// min-elements, max-elements.
		{name: "min-elements zero", config: "set applications application-set web", want: `
[edit applications application-set web]
  'application'
    Missing mandatory statement: 'application'`},
		{name: "min-elements short", config: "set services nat rule n1 tags a", want: `
[edit services nat rule n1]
  'tags'
    Too few 'tags' statements: 1, at least 2 required`},
		{name: "min-elements met", config: "set services nat rule n1 tags a\nset services nat rule n1 tags b", want: ""},
		{name: "max-elements", config: "set services nat rule n1 tags [ a b c d ]", want: `
[edit services nat rule n1]
  'tags'
    Too many 'tags' statements: 4, at most 3 allowed`},
		{name: "max-elements counts active", config: "set services nat rule n1 tags [ a b c d ]\ndeactivate services nat rule n1 tags d", want: ""},

		// must.
		{name: "must with error-message", config: "set chassis fpc 0 pic 0 extension-provider object-cache-size 100\nset chassis fpc 0 pic 0 extension-provider policy-db-size 200", want: `
[edit chassis fpc 0 pic 0]
  'extension-provider'
    policy-db-size must be less than object-cache-size`},
		{name: "must holds", config: "set chassis fpc 0 pic 0 extension-provider object-cache-size 100\nset chassis fpc 0 pic 0 extension-provider policy-db-size 50", want: ""},
		{name: "must on a list entry", config: "set services service-set S1 extension-service sfw", want: `
[edit services]
  'service-set S1'
    service-order forward-flow must be configured when extension-service is configured`},
		{name: "must on a list entry holds", config: "set services service-set S1 extension-service sfw\nset services service-set S1 service-order forward-flow sfw", want: ""},
		{name: "must without error-message", config: "set services service-set S1 nat-rules N1", want: `
[edit services service-set S1]
  'nat-rules N1'
    must condition failed: /services/nat/rule[name = current()]`},
		{name: "must with current holds", config: "set services service-set S1 nat-rules N1\nset services nat rule N1 tags [ a b ]", want: ""},
		{name: "must sees inactive as absent", config: "set services service-set S1 nat-rules N1\nset services nat rule N1 tags [ a b ]\ndeactivate services nat rule N1", want: `
[edit services service-set S1]
  'nat-rules N1'
    must condition failed: /services/nat/rule[name = current()]`},

		// when.
		{name: "when fails", config: "set applications application a1 protocol icmp", want: `
[edit applications application a1]
  'destination-port 80'
    statement not valid here: when condition failed: ../protocol = 'tcp' or ../protocol = 'udp'
[edit applications application a1 icmp]
  'type'
    Missing mandatory statement: 'type'`},
		{name: "when fails on a container", config: "set applications application a2 protocol tcp\nset applications application a2 icmp type 8", want: `
[edit applications application a2]
  'icmp'
    statement not valid here: when condition failed: ../protocol = 'icmp'`},

		// unique.
		{name: "unique", config: "set system login user joe uid 2000\nset system login user joe class super\nset system login user joe authentication plain-text-password x", want: `
[edit system login]
  'user joe'
    uid '2000' is not unique: also used by user bob`},
		{name: "unique values differ", config: "set system login user joe uid 2001\nset system login user joe class super\nset system login user joe authentication plain-text-password x", want: ""},
		{name: "unique ignores inactive entries", config: "set system login user joe uid 2000\nset system login user joe class super\nset system login user joe authentication plain-text-password x\ndeactivate system login user joe", want: ""},
		{name: "unique ignores entries without the leaf", config: "set system login user joe class super\nset system login user joe authentication plain-text-password x", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := load(t, s, base+tt.config)
			d := defs
			if tt.nodefs {
				d = nil
			}
			// Incremental mode from an empty configuration checks
			// everything too, and must agree.
			checkFullAndIncremental(t, root, tree.New(s.Root), d, tt.want)
		})
	}
}
