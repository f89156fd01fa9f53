package all_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// goList lists the packages matching pattern with their direct and
// transitive imports.
func goList(t *testing.T, pattern string) []struct {
	ImportPath, Name string
	Imports, Deps    []string
} {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command("go", "list", "-json=ImportPath,Name,Imports,Deps", pattern).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []struct {
		ImportPath, Name string
		Imports, Deps    []string
	}
	for d := json.NewDecoder(strings.NewReader(string(out))); d.More(); {
		var p struct {
			ImportPath, Name string
			Imports, Deps    []string
		}
		if err := d.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func under(dep, pkg string) bool { return dep == pkg || strings.HasPrefix(dep, pkg+"/") }

// TestPluginsLinkOnlyTheSDK: no plugin, and not the data path, links the
// daemon, servicesd or gRPC; a plugin imports the SDK (pic, pic/compile),
// never the data path's own package.
func TestPluginsLinkOnlyTheSDK(t *testing.T) {
	for _, p := range append(goList(t, "github.com/gnos/gnos/pic/plugins/..."), goList(t, "github.com/gnos/gnos/pic/dataplane")...) {
		for _, dep := range p.Deps {
			for _, bad := range []string{"google.golang.org/grpc", "github.com/gnos/gnos/pic/picd", "github.com/gnos/gnos/servicesd"} {
				if under(dep, bad) {
					t.Errorf("%s links %s, want only the SDK (pic, pic/compile), configd/tree and yang", p.ImportPath, dep)
				}
			}
		}
		if p.Name == "dataplane" {
			continue
		}
		for _, imp := range p.Imports {
			if under(imp, "github.com/gnos/gnos/pic/dataplane") {
				t.Errorf("plugin %s imports %s: the SDK (package pic) names what a plugin uses of the data path", p.ImportPath, imp)
			}
		}
	}
}
