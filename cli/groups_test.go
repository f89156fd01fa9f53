package cli_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"

	"github.com/gnos/gnos/internal/testkit"
)

// TestGroupsGolden: groups and apply-groups set, shown and committed from
// configuration mode; `| display inheritance` with and without its notes;
// an apply-groups naming an undefined group refused at commit.
func TestGroupsGolden(t *testing.T) {
	n, _ := startNode(t)
	out, _ := script(t, n, `
configure
set groups global system domain-name example.net
set groups global system host-name from-group
set groups ge interfaces <ge-*> description "ge port"
set groups ge interfaces <ge-*> mtu 9000
set groups ge interfaces <*> unit <*> family inet
set apply-groups global
set system host-name r1
set interfaces ge-0/0/0 apply-groups ge
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/1 mtu 1500
set interfaces ge-0/0/1 apply-groups ge
set interfaces ge-0/0/1 apply-groups-except global
show | compare
show
show | display set
show | display inheritance
show | display inheritance no-comments
show interfaces | display inheritance
show | display inheritance | display set
edit groups ge
show
top
set apply-groups missing
commit check
delete apply-groups missing
commit
exit
show configuration system | display inheritance
show configuration groups
configure
delete groups ge interfaces <ge-*> mtu
show groups ge
`)
	testkit.Golden(t, "groups.txt", out)
}

// TestGroupServiceSet: a service-set that exists only in a group is
// validated and compiled by the services daemon once applied; an error in
// it names the expanded configuration's path.
func TestGroupServiceSet(t *testing.T) {
	n, _ := startNode(t)
	out, _ := script(t, n, `
configure
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set groups svc services stateful-firewall rule allow-web match-direction input
set groups svc services stateful-firewall rule allow-web term t1 from applications junos-http
set groups svc services stateful-firewall rule allow-web term t1 then accept
set groups svc services service-set edge stateful-firewall-rules nosuch
set groups svc services service-set edge interface-service service-interface ms-0/0/0
set apply-groups svc
commit check
delete groups svc services service-set edge stateful-firewall-rules nosuch
set groups svc services service-set edge stateful-firewall-rules allow-web
commit
show services
show services | display inheritance
`)
	testkit.Golden(t, "groups-service-set.txt", out)
	// servicesd compiled it: one service-set configured on ms-0/0/0 (the
	// PIC's own state depends on picd, which this test does not wait for)
	sum, _ := script(t, n, "show services service-sets summary\n")
	if !regexp.MustCompile(`(?m)^ms-0/0/0 +1 `).MatchString(sum) {
		t.Errorf("show services service-sets summary: got\n%s\nwant ms-0/0/0 with 1 service-set configured", sum)
	}
}

// TestApplyGroupsCompletion: `set … apply-groups ?` offers the groups
// defined in the candidate.
func TestApplyGroupsCompletion(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	s.Exec(ctx, "configure")
	s.Exec(ctx, "set groups alpha system domain-name a.example")
	s.Exec(ctx, "set groups beta system domain-name b.example")
	got := cli.FormatHelp(s.Complete("set interfaces ge-0/0/0 apply-groups "))
	for _, want := range []string{"<apply-groups>", "alpha", "beta"} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %s offered", got, want)
		}
	}
}

// TestValueContainerCompletion: a container holding one value offers the
// value (`<as-number>`), not its leaf's keyword, and after the value the
// statements that may follow it on the line.
func TestValueContainerCompletion(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	s.Exec(context.Background(), "configure")
	got := cli.FormatHelp(s.Complete("set routing-options autonomous-system "))
	if !strings.Contains(got, "<as-number>") || !strings.Contains(got, "loops") {
		t.Errorf("got\n%s\nwant <as-number> and loops offered", got)
	}
	for _, l := range strings.Split(got, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "as-number" {
			t.Errorf("got\n%s\nwant no as-number keyword", got)
		}
	}
	got = cli.FormatHelp(s.Complete("set routing-options autonomous-system 65000 "))
	if !strings.Contains(got, "loops") || !strings.Contains(got, "asdot-notation") {
		t.Errorf("after the value: got\n%s\nwant loops and asdot-notation offered", got)
	}
	if r := s.Exec(context.Background(), "set routing-options autonomous-system 65000 loops 3"); r.Failed {
		t.Fatalf("set: %s", r.Output)
	}
	if r := s.Exec(context.Background(), "show routing-options"); !strings.Contains(r.Output, "autonomous-system 65000 loops 3;") {
		t.Errorf("show routing-options: got %q, want autonomous-system 65000 loops 3;", r.Output)
	}
}
