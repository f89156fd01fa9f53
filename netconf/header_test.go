package netconf_test

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
)

// A whole configuration comes with Junos' header: ## Last commit and the
// version statement in text, junos:commit-* attributes in XML; the
// candidate's with junos:changed-*.
func TestConfigurationHeader(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	text := string(c.rpc(`<get-configuration database="committed" format="text"/>`).Raw)
	if !strings.Contains(text, "## Last commit: ") || !strings.Contains(text, "version "+cli.JunosVersion+";") {
		t.Errorf("text has no header:\n%s", text)
	}
	xml := string(c.rpc(`<get-configuration database="committed"/>`).Raw)
	for _, want := range []string{`junos:commit-seconds="`, `junos:commit-localtime="`, `junos:commit-user="`} {
		if !strings.Contains(xml, want) {
			t.Errorf("committed <configuration> lacks %s:\n%.300s", want, xml)
		}
	}
	c.rpc(`<load-configuration action="set"><configuration-set>set system domain-name h.example</configuration-set></load-configuration>`)
	if xml := string(c.rpc(`<get-configuration/>`).Raw); !strings.Contains(xml, `junos:changed-localtime="`) {
		t.Errorf("candidate <configuration> lacks junos:changed-*:\n%.300s", xml)
	}
	if filtered := string(c.rpc(`<get-configuration format="text"><configuration><system/></configuration></get-configuration>`).Raw); strings.Contains(filtered, "## Last") {
		t.Errorf("a filtered get-configuration has the header:\n%s", filtered)
	}
}
