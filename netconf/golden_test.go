package netconf_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
)

// TestGoldenReplies keeps the exact bytes of representative replies under
// testdata/replies.golden (refresh with -update, review in the diff).
func TestGoldenReplies(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", false)
	var b strings.Builder
	b.WriteString("== hello\n")
	hello := string(c.hello.Raw)
	b.WriteString(hello + "\n")
	for _, rpc := range []string{
		`<get-configuration database="committed" format="text"><configuration><system><host-name/></system></configuration></get-configuration>`,
		`<get-configuration database="committed"><configuration><system><host-name/></system></configuration></get-configuration>`,
		`<get-software-information/>`,
		`<command format="text">show version</command>`,
		`<get-the-moon/>`,
		`<load-configuration action="set"><configuration-set>set services stateful-firewall rule R1 term t1 then accept</configuration-set></load-configuration>`,
		`<commit-configuration><check/></commit-configuration>`,
		`<discard-changes/>`,
		`<commit-configuration><check/></commit-configuration>`,
	} {
		c.id++
		id := string(rune('0' + c.id%10))
		if err := c.w.Write([]byte(`<rpc message-id="` + id + `">` + rpc + `</rpc>`)); err != nil {
			t.Fatal(err)
		}
		reply, err := c.r.Read()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("== " + rpc + "\n" + string(reply) + "\n")
	}
	got := b.String()
	// the Go version in show version's package comment changes with the toolchain
	got = regexpGo.ReplaceAllString(got, "(goX.Y.Z")
	// the YANG modules' capabilities follow the modules (TestGetSchema checks them)
	got = regexpModuleCap.ReplaceAllString(got, "")
	path := filepath.Join("testdata", "replies.golden")
	if *testkit.Update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Fatalf("replies differ from %s (run with -update and review):\n%s", path, got)
	}
}

var (
	regexpGo        = regexp.MustCompile(`\(go[0-9.]+`)
	regexpModuleCap = regexp.MustCompile(`<capability>urn:gnos:yang:[^<]*</capability>\n`)
)
