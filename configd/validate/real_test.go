package validate

import (
	"bytes"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testconfig"
	_ "github.com/gnos/gnos/pic/plugins/all" // the plugins' modules
	"github.com/gnos/gnos/yang"
)

// realSchema returns gnos's schema (core modules and plugins) and the
// junos-defaults tree.
func realSchema(tb testing.TB) (*schema.Schema, *tree.Node) {
	tb.Helper()
	s, err := schema.Default()
	if err != nil {
		tb.Fatal(err)
	}
	defs, _, err := format.ParseText(s.Root, yang.Defaults())
	if err != nil {
		tb.Fatalf("junos-defaults: %v", err)
	}
	return s, defs
}

func TestRealSchemaExpressionsCompile(t *testing.T) {
	s, defs := realSchema(t)
	for _, err := range CheckSchema(s.Root) {
		t.Errorf("got %v, want every must, when and leafref path to compile", err)
	}
	if errs := Validate(defs, Options{}); len(errs) > 0 {
		t.Errorf("junos-defaults: got errors, want none:\n%s", String(errs))
	}
}

const realBase = `
set system host-name gw1
set system login class ops permissions all
set system login user bob uid 2000
set system login user bob class ops
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider object-cache-size 2048
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider policy-db-size 1024
set interfaces ms-0/0/0 unit 0 family inet
set services service-set S1 stateful-firewall-rules R1
set services service-set S1 interface-service service-interface ms-0/0/0.0
set services stateful-firewall rule R1 match-direction input
set services stateful-firewall rule R1 term T1 from applications junos-http
set services stateful-firewall rule R1 term T1 then accept
`

// The constraints of gnos's own modules, through the messages a user
// sees.
func TestRealSchema(t *testing.T) {
	s, defs := realSchema(t)
	tests := []struct{ name, config, want string }{
		{"valid", "", ""},
		{"undefined firewall rule", "set services service-set S1 stateful-firewall-rules R9", `
[edit services service-set S1]
  'stateful-firewall-rules R9'
    Referenced rule 'R9' is not defined`},
		{"undefined nat rule", "set services service-set S1 nat-rules N9", `
[edit services service-set S1]
  'nat-rules N9'
    Referenced rule 'N9' is not defined`},
		{"policy-db-size must", "set chassis fpc 0 pic 0 adaptive-services service-package extension-provider policy-db-size 4096", `
[edit chassis fpc 0 pic 0 adaptive-services service-package]
  'extension-provider'
    policy-db-size must be less than object-cache-size`},
		{"extension-service needs service-order", "set services service-set S1 extension-service ext1", `
[edit services]
  'service-set S1'
    service-order forward-flow must be configured when extension-service is configured`},
		{"source translation needs a pool", "set services nat rule N1 match-direction input\nset services nat rule N1 term T1 then translated translation-type napt-44", `
[edit services nat rule N1 term T1 then]
  'translated'
    source-pool must be configured for source translation`},
		{"application port needs tcp or udp", "set applications application a1 protocol icmp\nset applications application a1 destination-port 80", `
[edit applications application a1]
  'destination-port 80'
    statement not valid here: when condition failed: ../protocol = 'tcp' or ../protocol = 'udp' or ../protocol = 'sctp' or ../protocol = '6' or ../protocol = '17' or ../protocol = '132'`},
		{"undefined application", "set services stateful-firewall rule R1 term T1 from applications nosuch", `
[edit services stateful-firewall rule R1 term T1 from]
  'applications nosuch'
    Referenced application 'nosuch' is not defined`},
		{"interface service-set", "set interfaces ge-0/0/1 unit 0 family inet service input service-set S9", `
[edit interfaces ge-0/0/1 unit 0 family inet service input]
  'service-set S9'
    Referenced service-set 'S9' is not defined`},
		{"vlan-id needs vlan-tagging", "set interfaces ge-0/0/1 unit 5 vlan-id 5", `
[edit interfaces ge-0/0/1 unit 5]
  'vlan-id 5'
    vlan-id needs vlan-tagging on the interface`},
		{"tagged unit needs a vlan-id", "set interfaces ge-0/0/1 vlan-tagging\nset interfaces ge-0/0/1 unit 5", `
[edit interfaces ge-0/0/1]
  'unit 5'
    VLAN ID must be specified on tagged ethernet interfaces`},
		{"vlan-id unique", "set interfaces ge-0/0/1 vlan-tagging\nset interfaces ge-0/0/1 unit 5 vlan-id 5\nset interfaces ge-0/0/1 unit 6 vlan-id 5", `
[edit interfaces ge-0/0/1]
  'unit 6'
    vlan-id '5' is not unique: also used by unit 5`},
		{"no vlan-tagging on lo0", "set interfaces lo0 vlan-tagging", `
[edit interfaces lo0]
  'vlan-tagging'
    vlan-tagging is for ethernet interfaces`},
		{"one primary address", "set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.1/24 primary\nset interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24 primary", `
[edit interfaces ge-0/0/1 unit 0 family inet]
  'address 10.0.0.1/24'
    only one primary address per family of a logical interface
[edit interfaces ge-0/0/1 unit 0 family inet]
  'address 10.0.1.1/24'
    only one primary address per family of a logical interface`},
		{"family mtu within the interface mtu", "set interfaces ge-0/0/1 mtu 1500\nset interfaces ge-0/0/1 unit 0 family inet6 mtu 1600", `
[edit interfaces ge-0/0/1 unit 0 family inet6]
  'mtu 1600'
    family mtu is larger than the interface mtu`},
		{"interface in two routing instances", "set routing-instances a interface ge-0/0/1.0\nset routing-instances b interface ge-0/0/1.0", `
[edit routing-instances a]
  'interface ge-0/0/1.0'
    interface is in more than one routing instance
[edit routing-instances b]
  'interface ge-0/0/1.0'
    interface is in more than one routing instance`},
		{"an instance's own IPv6 table", "set routing-instances a routing-options rib b.inet6.0 static route ::/0 discard", `
[edit routing-instances a routing-options]
  'rib b.inet6.0'
    a routing instance's IPv6 table is NAME.inet6.0, NAME the instance's`},
		{"reserved instance name", "set routing-instances master instance-type virtual-router", `
[edit routing-instances]
  'master'
    routing instance name is reserved`},
		{"mandatory match-direction", "delete services stateful-firewall rule R1 match-direction", `
[edit services stateful-firewall rule R1]
  'match-direction'
    Missing mandatory statement: 'match-direction'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := load(t, s, realBase)
			checkFullAndIncremental(t, edit(t, old, tt.config), old, defs, tt.want)
		})
	}
}

var (
	realPerfOnce sync.Once
	realPerf     *tree.Node
)

// realPerfConfig is internal/testconfig's performance configuration
// (10,000 service-sets, 50,000 terms) in gnos's own schema.
func realPerfConfig(tb testing.TB) (*tree.Node, *tree.Node) {
	s, defs := realSchema(tb)
	realPerfOnce.Do(func() {
		var b bytes.Buffer
		if err := testconfig.WriteText(&b, testconfig.Performance); err != nil {
			tb.Fatal(err)
		}
		n, _, err := format.ParseText(s.Root, b.String())
		if err != nil {
			tb.Fatal(err)
		}
		realPerf = n
	})
	return realPerf, defs
}

func BenchmarkRealFull(b *testing.B) {
	root, defs := realPerfConfig(b)
	benchFull(b, root, defs)
}

func benchReal(b *testing.B, lines string, wantErrs int) {
	old, defs := realPerfConfig(b)
	next := edit(b, old, lines)
	changes := tree.Diff(old, next)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if errs := Validate(next, Options{Defaults: defs, Changes: changes, Old: old}); len(errs) != wantErrs {
			b.Fatalf("got %d errors, want %d:\n%s", len(errs), wantErrs, String(errs))
		}
	}
}

func BenchmarkRealIncrementalLeaf(b *testing.B) {
	benchReal(b, "set services stateful-firewall rule r5000 term t3 from source-address 10.9.9.0/24", 0)
}

func BenchmarkRealIncrementalDeleteRule(b *testing.B) {
	benchReal(b, "delete services stateful-firewall rule r5000", 1)
}
