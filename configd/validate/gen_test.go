package validate

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// shape sizes a generated configuration.
type shape struct {
	serviceSets int // one stateful-firewall rule each
	terms       int // terms per rule
	apps        int
}

// perfShape is the performance configuration of the spec: 10,000
// service-sets, 50,000 firewall terms, ~300,000 set lines.
var perfShape = shape{serviceSets: 10000, terms: 5, apps: 200}

// configLines generates a valid configuration as set lines.
func configLines(sh shape) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("set system host-name gnos1")
	add("set system login class super permissions all")
	add("set system login class ro permissions view")
	for i := 1; i <= 10; i++ {
		add("set system login user u%d uid %d", i, 1000+i)
		add("set system login user u%d class %s", i, []string{"super", "ro"}[i%2])
		add("set system login user u%d authentication encrypted-password $6$x%d", i, i)
	}
	add("set system services ssh")
	add("set chassis fpc 0 pic 0 extension-provider object-cache-size 1024")
	add("set chassis fpc 0 pic 0 extension-provider policy-db-size 512")
	add("set chassis fpc 0 pic 0 extension-provider package sfw")
	for k := 1; k <= sh.apps; k++ {
		add("set applications application app%d protocol %s", k, []string{"tcp", "udp"}[k%2])
		add("set applications application app%d destination-port %d", k, 1000+k)
	}
	add("set applications application ping protocol icmp")
	add("set applications application ping icmp type 8")
	add("set applications application-set web application app1")
	add("set applications application-set web application app2")
	add("set applications application-set mail application app3")
	add("set applications application-set mail application-set web")
	for n := 0; n < 10; n++ {
		add("set services nat rule n%d tags a", n)
		add("set services nat rule n%d tags b", n)
	}
	for i := 1; i <= sh.serviceSets; i++ {
		add("set services service-set ss%d stateful-firewall-rules r%d", i, i)
		add("set services service-set ss%d interface-service service-interface ms-0/0/%d", i, i%4)
		add("set services service-set ss%d max-flows %d", i, 1000+i)
		if i%10 == 0 {
			add("set services service-set ss%d extension-service sfw", i)
			add("set services service-set ss%d service-order forward-flow sfw", i)
		}
		if i%100 == 0 {
			add("set services service-set ss%d nat-rules n%d", i, (i/100)%10)
		}
	}
	for i := 1; i <= sh.serviceSets; i++ {
		add("set services stateful-firewall rule r%d match-direction input", i)
		for j := 1; j <= sh.terms; j++ {
			t := fmt.Sprintf("set services stateful-firewall rule r%d term t%d", i, j)
			add("%s from source-address 10.%d.%d.0/24", t, i%250, j)
			add("%s from destination-address 192.168.%d.0/24", t, j)
			add("%s from applications app%d", t, 1+(i+j)%sh.apps)
			add("%s from applications junos-http", t)
			add("%s then accept", t)
		}
	}
	return out
}

const defaultsLines = `
set applications application junos-http protocol tcp
set applications application junos-http destination-port 80
set applications application junos-https protocol tcp
set applications application junos-https destination-port 443
set applications application junos-icmp-all protocol icmp
set applications application junos-icmp-all icmp type 0
`

var (
	perfOnce sync.Once
	perfRoot *tree.Node
)

// perfConfig returns the performance configuration (built once).
func perfConfig(tb testing.TB) (*schema.Schema, *tree.Node, *tree.Node) {
	s := testSchema(tb)
	perfOnce.Do(func() { perfRoot = load(tb, s, strings.Join(configLines(perfShape), "\n")) })
	return s, perfRoot, load(tb, s, defaultsLines)
}

func TestGeneratedConfigIsValid(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, strings.Join(configLines(shape{serviceSets: 50, terms: 3, apps: 10}), "\n"))
	if errs := Validate(root, Options{Defaults: load(t, s, defaultsLines)}); len(errs) > 0 {
		t.Fatalf("got %d errors, want none:\n%s", len(errs), String(errs))
	}
}

func BenchmarkValidateFull(b *testing.B) {
	_, root, defs := perfConfig(b)
	benchFull(b, root, defs)
}

// benchFull measures a full validation of root.
func benchFull(b *testing.B, root, defs *tree.Node) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if errs := Validate(root, Options{Defaults: defs}); len(errs) > 0 {
			b.Fatal(String(errs))
		}
	}
	b.ReportMetric(float64(root.Count()), "nodes")
}
