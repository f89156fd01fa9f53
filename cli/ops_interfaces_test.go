package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
)

// TestShowInterfacesLevels shows the interfaces at every level Junos
// has, by name, logical name and wildcard (PyEZ's tables send
// '[afgxe][et]-*'), in text and XML.
func TestShowInterfacesLevels(t *testing.T) {
	n, _ := startNode(t)
	if out, failed := script(t, n, routerSetup); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	out, failed := script(t, n, `
show interfaces terse
show interfaces brief ge-0/0/0
show interfaces ge-0/0/0
show interfaces detail ge-0/0/0.0
show interfaces extensive lo0
show interfaces media ge-0/0/1
show interfaces statistics ge-0/0/1
show interfaces descriptions
show interfaces ge-* terse
show interfaces "[afgxe][et]-*" terse
show interfaces ge-0/0/0.0 terse
show interfaces media "[afgxe][et]-*" | display xml
clear interfaces statistics ge-0/0/0
clear interfaces statistics all
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "interfaces-levels.txt", out)
	bad, failed := script(t, n, "show interfaces terse brief\nshow interfaces xe-*\nclear interfaces statistics\nclear interfaces statistics xe-0/0/9\n")
	if !failed {
		t.Errorf("bad arguments accepted:\n%s", bad)
	}
	testkit.Golden(t, "interfaces-errors.txt", bad)
}

// TestShowInterfacesEdge: VLAN units (VLAN-Tag in the flags), a disabled
// unit, a family mtu, primary and preferred addresses.
func TestShowInterfacesEdge(t *testing.T) {
	n, _ := startNode(t)
	if out, failed := script(t, n, `
configure
set interfaces ge-0/0/0 vlan-tagging
set interfaces ge-0/0/0 unit 100 vlan-id 100
set interfaces ge-0/0/0 unit 100 family inet mtu 1400
set interfaces ge-0/0/0 unit 100 family inet address 10.0.1.1/24
set interfaces ge-0/0/0 unit 100 family inet address 10.0.1.2/24 preferred
set interfaces ge-0/0/0 unit 100 family inet address 10.0.3.1/24 primary
set interfaces ge-0/0/0 unit 200 vlan-id 200
set interfaces ge-0/0/0 unit 200 disable
set interfaces ge-0/0/0 unit 200 family inet address 10.0.2.1/24
commit
exit
`); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	out, failed := script(t, n, "show interfaces ge-0/0/0\nshow interfaces terse ge-0/0/0\nshow interfaces ge-0/0/0.100 | display xml\n")
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "interfaces-edge.txt", out)
}

// TestShowInterfacesScrapable: the default layout has the lines screen
// scrapers (TextFSM templates for Junos) key on, shaped as Junos prints
// them.
func TestShowInterfacesScrapable(t *testing.T) {
	n, _ := startNode(t)
	if out, failed := script(t, n, routerSetup); failed {
		t.Fatalf("setup failed:\n%s", out)
	}
	out, _ := script(t, n, "show interfaces\n")
	for _, re := range []string{
		`(?m)^Physical interface: ge-0/0/0, Enabled, Physical link is Down$`,
		`(?m)^Physical interface: lo0, Enabled, Physical link is Up$`,
		`(?m)^  Description: uplink$`,
		`(?m)^  Link-level type: Ethernet, MTU: 1514, Link-mode: Full-duplex, Speed: Unspecified$`,
		`(?m)^  Logical interface ge-0/0/0\.0$`,
		`(?m)^        Destination: 192\.0\.2/24, Local: 192\.0\.2\.1, Broadcast: 192\.0\.2\.255$`,
		`(?m)^        Destination: 2001:db8::/64, Local: 2001:db8::1$`,
		`(?m)^        Local: 10\.255\.0\.1$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("show interfaces lacks %s:\n%s", re, out)
		}
	}
	if strings.Count(out, "Physical interface:") != 3 {
		t.Errorf("want ge-0/0/0, ge-0/0/1 and lo0:\n%s", out)
	}
}
