package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPluginNewScaffoldBuildsAndPasses scaffolds a plugin into the module
// (pic/plugins/scaffoldtestPID, removed at the end), then proves what
// `gnos plugin new` promises: every file is written, the Go is gofmt'ed,
// `go vet` and the generated tests (which compile a policy from a
// configuration and push packets through the data handler) pass, and the
// YANG module passes yanglint when it is installed.
func TestPluginNewScaffoldBuildsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated package (-short)")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("scaffold-test%d", os.Getpid()) // a dash: package scaffoldtestPID
	dir, err := scaffoldPlugin(root, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pkg := filepath.Base(dir)
	if want := strings.ReplaceAll(name, "-", ""); pkg != want {
		t.Fatalf("got directory %s, want %s", pkg, want)
	}
	for _, f := range []string{pkg + ".go", "policy.go", "data.go", pkg + "_test.go", "README.md", "yang/gnos-" + name + ".yang"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("not written: %v", err)
		}
		if strings.HasSuffix(f, ".go") {
			if src, err := format.Source(b); err != nil || !bytes.Equal(src, b) {
				t.Errorf("%s is not gofmt'ed (%v)", f, err)
			}
		}
	}
	if _, err := scaffoldPlugin(root, name); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("scaffolding over it: got %v, want an exists error", err)
	}

	rel := "./" + filepath.ToSlash(filepath.Join("pic", "plugins", pkg))
	for _, args := range [][]string{{"vet", rel}, {"test", "-count=1", rel}} {
		start := time.Now()
		cmd := exec.Command(gobin, args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("go %s: %v", args[0], time.Since(start).Round(time.Millisecond))
	}

	yl, err := exec.LookPath("yanglint")
	if err != nil {
		t.Log("yanglint not installed: the YANG module is not linted (scripts/yanglint.sh installs it)")
		return
	}
	cmd := exec.Command(yl, "-p", "yang/modules", filepath.Join(dir, "yang", "gnos-"+name+".yang"))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("yanglint: %v\n%s", err, out) // warnings fail too, as in scripts/yanglint.sh
	}
}

// TestPluginNewRefusesBadNames: names that would not make a plugin, a Go
// package or a YANG identifier are refused before anything is written.
func TestPluginNewRefusesBadNames(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"", "Upper", "9lives", "under_score", "go", "with/slash", "../escape"} {
		if _, err := scaffoldPlugin(root, name); err == nil {
			t.Errorf("%q: got no error, want one", name)
		}
	}
	if ents, _ := os.ReadDir(root); len(ents) != 0 {
		t.Errorf("wrote %d entries for bad names, want none", len(ents))
	}
}
