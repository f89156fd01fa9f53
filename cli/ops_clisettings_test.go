package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testkit"
)

// The session settings Ansible's network_cli sends at login, show cli,
// show cli history, timestamps and the pipes that write files or show
// the RPC, in one session as a user types them.
func TestCLISettingsAndPipes(t *testing.T) {
	n, clk := startNode(t)
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	ctx := context.Background()
	var out strings.Builder
	run := func(line string) {
		r := s.Exec(ctx, line)
		out.WriteString("> " + line + "\n" + r.Output)
		clk.Advance(time.Second)
	}
	for _, line := range []string{
		"set cli screen-length 0", "set cli screen-width 1024", "set cli timestamp disable",
		"set cli terminal xterm", "show cli",
		"set cli screen-length lots", "set cli screen-width 10", "set cli terminal teletype",
		"set cli timestamp", "show version | display xml rpc", "set cli timestamp disable",
		"show interfaces terse ge-0/0/0 | display xml rpc",
		"show version | save v.txt", "show version | match Model | append v.txt", "file show v.txt",
		"show version | except gnos | tee t.txt", "file show t.txt",
		"show version | hold | match Hostname",
		"show cli history 3",
	} {
		run(line)
	}
	testkit.Golden(t, "cli-settings.txt", out.String())
	if r := s.Exec(ctx, "set cli screen-length 40"); r.ScreenLength != 40 || r.NoMore {
		t.Errorf("after screen-length 40: ScreenLength %d, NoMore %v; want 40, false", r.ScreenLength, r.NoMore)
	}
	if r := s.Exec(ctx, "set cli screen-length 0"); !r.NoMore {
		t.Errorf("after screen-length 0: NoMore false, want true (no paging)")
	}
	if r := s.Exec(ctx, "show version | hold"); !r.Hold {
		t.Errorf("| hold: Result.Hold false")
	}
}

// file copy, rename, delete and set cli directory move about the file
// area, and nothing leads out of it.
func TestFileCommands(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(n.CLI.FilesDir(), "shared"), 0o700); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range []string{
		"show version | save a.txt", "file copy a.txt b.txt", "file rename b.txt c.txt",
		"file copy c.txt /shared", "file list /shared", "file delete c.txt", "file show c.txt",
		"file copy a.txt ../../../../x", "file delete /etc/hosts.junos", "file copy /etc/hosts.junos x",
		"file delete /shared", "file rename nothing.txt x",
		"set cli directory /shared", "show cli directory", "file list", "file show a.txt", "file show ~/a.txt",
		"set cli directory /nowhere", "set cli directory ~", "show cli directory",
		"file show /etc/hosts.junos",
	} {
		r := s.Exec(ctx, line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	testkit.Golden(t, "file-commands.txt", out.String())
	if _, err := os.Stat(filepath.Join(n.CLI.FilesDir(), "shared", "c.txt")); err != nil {
		t.Errorf("file copy c.txt /shared: %v", err)
	}
	if _, err := os.Stat(filepath.Join(n.CLI.HomeDir("admin"), "c.txt")); !os.IsNotExist(err) {
		t.Errorf("file delete c.txt: the file is still there (%v)", err)
	}
}

// The top level lists what gnos has with Junos' help, `s` is ambiguous
// between set and show as on Junos, and help apropos searches the table.
func TestTopLevelHelp(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	var out strings.Builder
	for _, line := range []string{"help", "s", "help apropos logout", "configure", "run help apropos uptime", "exit", "help apropos zzzz", "he ap storage"} {
		r := s.Exec(context.Background(), line)
		out.WriteString("> " + line + "\n" + r.Output)
	}
	out.WriteString("> ?\n")
	for _, c := range s.Complete("") {
		out.WriteString("  " + c.Text + "\n")
	}
	testkit.Golden(t, "top-level-help.txt", out.String())
}

// | display detail prints each statement's help from the schema above
// it, as Junos does.
func TestDisplayDetail(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("admin", "cli")
	defer s.Close()
	ctx := context.Background()
	for _, l := range []string{"configure", "set system host-name detailed", "set system domain-name example.net", "commit", "exit"} {
		if r := s.Exec(ctx, l); r.Failed {
			t.Fatalf("%s: %s", l, r.Output)
		}
	}
	r := s.Exec(ctx, "show configuration system | display detail")
	testkit.Golden(t, "display-detail.txt", r.Output)
	if !strings.Contains(r.Output, "##\n") || !strings.Contains(r.Output, "host-name detailed;") {
		t.Errorf("display detail: got %q, want ## help blocks and the statements", r.Output)
	}
}
