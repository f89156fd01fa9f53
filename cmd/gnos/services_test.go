package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
)

// buildGnos builds the gnos binary into a temporary directory.
func buildGnos(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gnos")
	cmd := exec.Command("go", "build", "-o", bin, ".") // go test puts its GOROOT/bin first in PATH
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProc starts bin with args and waits for a stderr line containing
// ready; the rest of stderr goes to the test log.
func startProc(t *testing.T, bin, ready string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(errp)
	for sc.Scan() {
		if strings.Contains(sc.Text(), ready) {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd
		}
	}
	t.Fatalf("%s %v did not print %q", bin, args, ready)
	return nil
}

type cliConn struct {
	t *testing.T
	c *cli.Client
}

func dialCLI(t *testing.T, dir string) *cliConn {
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &cliConn{t: t, c: c}
}

func (c *cliConn) run(lines ...string) string {
	c.t.Helper()
	var b strings.Builder
	for _, l := range lines {
		r, err := c.c.Exec(l)
		if err != nil {
			c.t.Fatal(err)
		}
		if r.Failed {
			c.t.Fatalf("%s: %s", l, r.Output)
		}
		b.WriteString(r.Output)
	}
	return b.String()
}

var genLine = regexp.MustCompile(`(?m)^\s+(ss\d+)\s+(\d+)\s+(\d+)\s+(\S+)$`)

// picState is what `show chassis pic … extensive` says.
type picState struct {
	out  string
	pid  int
	gens map[string][2]string // name → servicesd generation, PIC generation
}

// waitPIC waits until the show command's state satisfies cond. A failed
// show (servicesd has not applied the commit yet, or is not reachable
// yet) is "not yet" (waitPICOK).
func (c *cliConn) waitPIC(what string, cond func(picState) bool) picState {
	c.t.Helper()
	return c.waitPICOK(what, cond)
}

func inSync(st picState, n int) bool {
	if len(st.gens) != n {
		return false
	}
	for _, g := range st.gens {
		if g[0] != g[1] {
			return false
		}
	}
	return true
}

// threeServiceSets is the configuration session committing a PIC with
// the given data cores and service-sets ss1..ss3 on it.
func threeServiceSets(cores int) []string {
	lines := []string{"configure",
		fmt.Sprintf("set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores %d", cores),
		"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall",
		"set services stateful-firewall rule r1 match-direction input",
		"set services stateful-firewall rule r1 term t1 from applications junos-http",
		"set services stateful-firewall rule r1 term t1 then accept"}
	for i := 1; i <= 3; i++ {
		lines = append(lines,
			fmt.Sprintf("set services service-set ss%d stateful-firewall-rules r1", i),
			fmt.Sprintf("set services service-set ss%d interface-service service-interface ms-0/0/0.%d", i, i))
	}
	return append(lines, "commit", "exit")
}

// TestPicdProcessKillRestart runs `gnos daemon` and a separate `gnos picd`
// process: the picd takes the slot from the in-process one and holds the
// committed SSRBs; killed with SIGKILL and restarted, it reconnects and
// holds exactly the committed SSRBs, with their current generations,
// including a change committed while it was down.
func TestPicdProcessKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs several processes")
	}
	bin := buildGnos(t)
	dir := t.TempDir()
	startProc(t, bin, "daemons running", "daemon", "--data", dir)
	c := dialCLI(t, dir)
	c.run(threeServiceSets(2)...)
	inproc := c.waitPIC("the in-process picd", func(st picState) bool { return inSync(st, 3) })
	if inproc.pid == 0 {
		t.Fatalf("no picd PID shown:\n%s", inproc.out)
	}

	picArgs := []string{"picd", "--fpc", "0", "--pic", "0", "--data", dir}
	ext := startProc(t, bin, "connecting", picArgs...)
	first := c.waitPIC("the picd process", func(st picState) bool { return st.pid == ext.Process.Pid && inSync(st, 3) })

	ext.Process.Signal(syscall.SIGKILL)
	ext.Wait()
	c.waitPIC("the PIC to go away", func(st picState) bool { return strings.Contains(st.out, "picd not connected") })
	c.run("configure", "set services service-set ss2 max-flows 100", "commit", "exit")

	ext2 := startProc(t, bin, "connecting", picArgs...)
	again := c.waitPIC("the restarted picd", func(st picState) bool { return st.pid == ext2.Process.Pid && inSync(st, 3) })
	for name, g := range again.gens {
		old, _ := strconv.ParseUint(first.gens[name][0], 10, 64)
		now, _ := strconv.ParseUint(g[0], 10, 64)
		if name == "ss2" && now <= old || name != "ss2" && now != old {
			t.Errorf("%s: generation %d after restart, was %d (want %s)", name, now, old,
				map[bool]string{true: "greater", false: "unchanged"}[name == "ss2"])
		}
	}
	if !strings.Contains(again.out, "Resyncs") {
		t.Errorf("show chassis pic lacks resync count:\n%s", again.out)
	}
	t.Logf("after restart:\n%s", again.out)
}

// TestPluginNewBuildsAndPasses scaffolds a plugin in the source tree, as
// `gnos plugin new` does, and runs its generated test and go vet.
func TestPluginNewBuildsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("scaffold-test-%d", os.Getpid())
	dir, err := scaffoldPlugin(root, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if _, err := scaffoldPlugin(root, name); err == nil {
		t.Error("scaffolding over an existing plugin: got nil error, want one")
	}
	for _, args := range [][]string{{"test", "-count=1", "."}, {"vet", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v in the generated plugin: %v\n%s", args, err, out)
		}
	}
	for _, f := range []string{"README.md", strings.ReplaceAll(name, "-", "") + ".go"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("generated plugin lacks %s: %v", f, err)
		}
	}
}

func TestPluginNewRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", "Upper", "1digit", "with/slash", "../escape"} {
		if _, err := scaffoldPlugin(t.TempDir(), name); err == nil {
			t.Errorf("%q: got nil error, want one", name)
		}
	}
}

// TestServicesdProcessKillRestart runs configd and servicesd as their own
// processes (`gnos configd`, `gnos servicesd`): servicesd subscribes over
// the management socket and its commands answer through the one CLI;
// killed with SIGKILL, commits go on without it; restarted, it catches up
// with what was committed meanwhile and the PIC is resynced.
func TestServicesdProcessKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs several processes")
	}
	bin := buildGnos(t)
	dir := t.TempDir()
	startProc(t, bin, "configd running", "configd", "--data", dir)
	svc := startProc(t, bin, "servicesd (pid", "servicesd", "--data", dir)
	c := dialCLI(t, dir)
	c.run(threeServiceSets(1)...)
	c.waitPIC("the PIC of the servicesd process", func(st picState) bool { return inSync(st, 3) })

	svc.Process.Signal(syscall.SIGKILL)
	svc.Wait()
	out := c.run("configure", "delete services service-set ss3", "commit", "exit")
	if !strings.Contains(out, "commit complete") {
		t.Fatalf("commit with servicesd down: %s", out)
	}
	r, err := c.c.Exec("show chassis pic fpc-slot 0 pic-slot 0")
	if err != nil || !r.Failed || !strings.Contains(r.Output, "servicesd is not reachable") {
		t.Errorf("show with servicesd down: %+v %v", r, err)
	}

	startProc(t, bin, "servicesd (pid", "servicesd", "--data", dir)
	st := c.waitPIC("the restarted servicesd's PIC", func(st picState) bool { return inSync(st, 2) })
	if _, ok := st.gens["ss3"]; ok {
		t.Errorf("ss3, deleted while servicesd was down, is still held:\n%s", st.out)
	}
}
