package netconf_test

import (
	"strings"
	"testing"
)

// load-configuration with replace-pattern on <configuration> replaces
// across the candidate, as `replace pattern` does in the CLI.
func TestLoadReplacePattern(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	c.rpc(`<load-configuration action="set"><configuration-set>set interfaces ge-0/0/1 description "to 172.17.1.5"
set interfaces ge-0/0/2 description "to 172.17.1.5"</configuration-set></load-configuration>`)
	r := c.rpc(`<load-configuration><configuration replace-pattern="172\.17\.1\.5" with="172.16.1.1" upto="1"/></load-configuration>`)
	if r.Child("load-configuration-results") == nil {
		t.Fatalf("reply %s", r.Raw)
	}
	r = c.rpc(`<get-configuration format="text"><configuration><interfaces/></configuration></get-configuration>`)
	text := string(r.Raw)
	if strings.Count(text, "172.16.1.1") != 1 || strings.Count(text, "172.17.1.5") != 1 {
		t.Errorf("upto 1 replaced otherwise:\n%s", text)
	}
	if r := c.rpc(`<load-configuration><configuration replace-pattern="(" with="x"/></load-configuration>`); r.Child("rpc-error") == nil || !strings.Contains(string(r.Raw), "invalid pattern") {
		t.Errorf("bad pattern: %s", r.Raw)
	}
}
