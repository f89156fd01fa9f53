package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The rescue configuration: saved from the committed configuration,
// shown, loaded back by rollback rescue whatever was committed since,
// deleted; a damaged rescue file is reported as damaged, naming it.
func TestRescueConfiguration(t *testing.T) {
	n, _ := startNode(t)
	c, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	run := func(line string) string {
		t.Helper()
		r, err := c.Exec(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return r.Output
	}
	if out := run("show system configuration rescue"); !strings.Contains(out, "rescue configuration is not set") {
		t.Errorf("no rescue yet: %q", out)
	}
	run("configure")
	run("set system host-name known-good")
	run("commit")
	run("exit")
	if out := run("request system configuration rescue save"); strings.TrimSpace(out) != "" {
		t.Errorf("rescue save said %q, want nothing", out)
	}
	if out := run("show system configuration rescue"); !strings.Contains(out, "host-name known-good;") {
		t.Errorf("show system configuration rescue: %q", out)
	}
	run("configure")
	run("set system host-name broken")
	run("commit")
	if out := run("rollback rescue"); !strings.Contains(out, "load complete") {
		t.Fatalf("rollback rescue: %q", out)
	}
	if out := run("show | compare"); !strings.Contains(out, "-  host-name broken;") || !strings.Contains(out, "+  host-name known-good;") {
		t.Errorf("show | compare after rollback rescue: %q", out)
	}
	run("commit")
	run("exit")
	if out := run("show configuration system host-name"); !strings.Contains(out, "known-good") {
		t.Errorf("after committing the rescue: %q", out)
	}

	file := filepath.Join(n.Opts.DataDir, "rescue.conf")
	if err := os.WriteFile(file, []byte("system { host-name"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run("show system configuration rescue"); !strings.Contains(out, "damaged") || !strings.Contains(out, file) {
		t.Errorf("a damaged rescue file: %q", out)
	}
	run("request system configuration rescue delete")
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("rescue delete left %s: %v", file, err)
	}
	run("configure")
	if out := run("rollback rescue"); !strings.Contains(out, "rescue configuration is not set") {
		t.Errorf("rollback rescue without one: %q", out)
	}
}
