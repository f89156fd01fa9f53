package servicesd_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestServicesdLinksNoCLI: servicesd answers queries with data; the
// commands and their renderings are the CLI side's (cli/services), so
// servicesd links no cli package.
func TestServicesdLinksNoCLI(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/gnos/gnos/servicesd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/gnos/gnos/cli" || strings.HasPrefix(dep, "github.com/gnos/gnos/cli/") {
			t.Errorf("servicesd links %s, want no cli package", dep)
		}
	}
}
