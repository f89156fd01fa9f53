package all_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPluginsLinkOnlyTheSDK: no plugin, and not the data path, links the
// daemon, servicesd or gRPC.
func TestPluginsLinkOnlyTheSDK(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/gnos/gnos/pic/plugins/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"google.golang.org/grpc", "github.com/gnos/gnos/pic/picd", "github.com/gnos/gnos/servicesd"} {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("plugins link %s, want only the SDK (pic, pic/compile), configd/tree and yang", dep)
			}
		}
	}
}
