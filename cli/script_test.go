package cli_test

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

// startNode boots a node on a temporary directory with a fake clock.
func startNode(t testing.TB) (*compose.Node, *clock.Fake) {
	t.Helper()
	return nodekit.Start(t, compose.Options{})
}

// script runs lines through the same socket and front end as `gnos cli`
// with stdin not a terminal, echoing each line after its prompt.
func script(t *testing.T, n *compose.Node, lines string) (string, bool) {
	t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out strings.Builder
	failed, err := cli.RunScript(c, strings.NewReader(lines), &out, true)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), failed
}

// socketUser is the user the management socket logs a test in as: the
// owner of this process.
func socketUser(t testing.TB) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

func TestScriptedFirstSession(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system host-name r1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set applications application web protocol tcp
set applications application web destination-port 8080
set services stateful-firewall rule allow-web match-direction input
set services stateful-firewall rule allow-web term t1 from applications [ junos-http web ]
set services stateful-firewall rule allow-web term t1 then accept
set services stateful-firewall rule allow-web term t2 then discard
set services service-set edge stateful-firewall-rules allow-web
set services service-set edge interface-service service-interface ms-0/0/0
show | compare
commit comment "first service-set"
exit
show configuration
show system commit
configure
set system host-name r2
delete services stateful-firewall rule allow-web term t2
commit
exit
show configuration | compare rollback 1
show system rollback 1 compare 0
show version
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "first-session.txt", out)
}

func TestScriptedErrors(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system hostname r1
set sys host-na r1
set system host-name
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 999
set services s
set services service-set S1 stateful-firewall-rules nosuch
set services service-set S1 interface-service service-interface ms-0/0/0
commit
show | display set
frobnicate
`)
	if !failed {
		t.Fatalf("errors were not reported as failures")
	}
	testkit.Golden(t, "errors.txt", out)
}

func TestDisplayFormats(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system host-name r1
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
deactivate interfaces ge-0/0/0
annotate system "lab router"
commit
exit
show configuration
show configuration | display set
show configuration | display xml
show configuration | display json
show configuration system
show configuration | match host
show configuration | count
configure
edit interfaces ge-0/0/0
show | display set relative
show | display set
top
show
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "display.txt", out)
}

// What `show configuration` prints (with its ## Last commit and version
// lines) loads back unchanged, as an exported Junos configuration does.
func TestShowConfigurationLoadsBack(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	for _, line := range []string{"configure", "set system host-name r1", "annotate system \"lab\"",
		"set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24", "commit", "exit"} {
		if r := s.Exec(ctx, line); r.Failed {
			t.Fatalf("%s: %s", line, r.Output)
		}
	}
	shown := s.Exec(ctx, "show configuration").Output
	if !strings.HasPrefix(shown, "## Last commit: ") || !strings.Contains(shown, "\nversion "+cli.JunosVersion+";\n") {
		t.Fatalf("show configuration does not start as Junos':\n%s", shown)
	}
	s.Exec(ctx, "configure")
	s.Exec(ctx, "load override terminal")
	for _, l := range strings.Split(shown, "\n") {
		s.Exec(ctx, l)
	}
	if r := s.Exec(ctx, cli.EndOfInput); r.Failed || !strings.Contains(r.Output, "load complete") {
		t.Fatalf("loading show configuration back: %s", r.Output)
	}
	// only the version statement, which the file has and the store did not
	if r := s.Exec(ctx, "show | compare"); strings.Join(strings.Fields(r.Output), " ") != "[edit] + version "+cli.JunosVersion+";" {
		t.Errorf("show | compare after loading it back:\n%s", r.Output)
	}
}

// What `show configuration | display json` prints loads back with `load
// override terminal json` (and detected without `json`), unchanged.
func TestDisplayJSONLoadsBack(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	for _, line := range []string{"configure", "set system host-name r1", "annotate system \"lab\"",
		"set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24", "deactivate interfaces ge-0/0/0",
		"set version " + cli.JunosVersion, "commit", "exit"} {
		if r := s.Exec(ctx, line); r.Failed {
			t.Fatalf("%s: %s", line, r.Output)
		}
	}
	shown := s.Exec(ctx, "show configuration | display json").Output
	if !strings.HasPrefix(shown, "{\n    \"configuration\" : {\n        \"@\" : {\n            \"junos:commit-seconds\" : \"") {
		t.Fatalf("display json does not start as Junos':\n%s", shown)
	}
	for _, load := range []string{"load override terminal json", "load override terminal"} {
		s.Exec(ctx, "configure")
		s.Exec(ctx, "delete system host-name")
		s.Exec(ctx, load)
		for _, l := range strings.Split(shown, "\n") {
			s.Exec(ctx, l)
		}
		if r := s.Exec(ctx, cli.EndOfInput); r.Failed || !strings.Contains(r.Output, "load complete") {
			t.Fatalf("%s: %s", load, r.Output)
		}
		if r := s.Exec(ctx, "show | compare"); strings.TrimSpace(r.Output) != "" {
			t.Errorf("show | compare after %s:\n%s", load, r.Output)
		}
		s.Exec(ctx, "exit")
	}
	s.Exec(ctx, "configure")
	s.Exec(ctx, "load merge terminal json")
	s.Exec(ctx, "system { host-name x; }")
	if r := s.Exec(ctx, cli.EndOfInput); !r.Failed || !strings.Contains(r.Output, "json") {
		t.Errorf("curly-brace text loaded as json: %s", r.Output)
	}
}

func TestScriptedEditOperations(t *testing.T) {
	n, _ := startNode(t)
	home := n.CLI.HomeDir(socketUser(t))
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "extra.set"), []byte(
		"set interfaces ge-0/0/5 description from-file\nset interfaces ge-0/0/6 description also\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "extra.xml"), []byte(
		"<configuration><system><domain-name>example.net</domain-name></system></configuration>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, failed := script(t, n, `
configure
edit services stateful-firewall rule r1
set match-direction input
set term a then accept
set term b then discard
set term c then reject
insert term c before term a
show
up
copy rule r1 to rule r2
rename rule r2 to rule r3
top
annotate services "edge policy"
deactivate services stateful-firewall rule r3
show services
activate services stateful-firewall rule r3
set interfaces ge-0/0/1 description one
set interfaces ge-0/0/2 description two
set interfaces xe-0/0/1 description ten
wildcard delete interfaces ge-*
load merge extra.set
load merge extra.xml
show interfaces
show system
save saved.conf
rollback 0
show | compare
exit
file show saved.conf
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "edit-ops.txt", out)
}

func TestAmbiguousOperationalWord(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, "c\n")
	if !failed || !strings.Contains(out, "'c' is ambiguous.") || !strings.Contains(out, "configure") || !strings.Contains(out, "clear") {
		t.Fatalf("got %q, want 'c' is ambiguous with clear and configure", out)
	}
}

func TestPlainTextPasswordStoredHashed(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system login user ops class super-user
set system login user ops authentication plain-text-password-value "s3cret-pw"
set system login user bad class super-user
set system login user bad authentication plain-text-password-value "short"
`)
	if !failed || !strings.Contains(out, "minimum password length is 6") {
		t.Fatalf("short password: got\n%s\nwant a minimum length error", out)
	}
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	s.Exec(context.Background(), "configure")
	// interactive form: asked twice
	r := s.Exec(context.Background(), "set system login user ops2 authentication plain-text-password")
	if r.Question != "New password: " {
		t.Fatalf("got question %q, want New password:", r.Question)
	}
	if r = s.Exec(context.Background(), "an0ther-pw"); r.Question != "Retype new password: " {
		t.Fatalf("got %+v, want the retype question", r)
	}
	s.Exec(context.Background(), "an0ther-pw")
	r = s.Exec(context.Background(), "show system login | display set")
	for _, user := range []string{"ops", "ops2"} {
		if !strings.Contains(r.Output, "user "+user+" authentication encrypted-password \"$6$") {
			t.Fatalf("user %s: got\n%s\nwant a $6$ encrypted-password", user, r.Output)
		}
	}
	if strings.Contains(r.Output, "s3cret-pw") || strings.Contains(r.Output, "an0ther-pw") {
		t.Fatalf("plain-text password kept in the configuration:\n%s", r.Output)
	}
	// the root login's password, the same way
	s.Exec(context.Background(), `set system root-authentication plain-text-password-value "r00t-pw"`)
	if r = s.Exec(context.Background(), "show system root-authentication"); !strings.Contains(r.Output, `encrypted-password "$6$`) {
		t.Fatalf("root-authentication: got\n%s\nwant a $6$ encrypted-password", r.Output)
	}
}

func TestShowInterfacesLayouts(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/1 disable
commit
exit
show interfaces
show interfaces ge-0/0/1
show interfaces terse
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "interfaces.txt", out)
	// every level, wildcards and logical names: cli/ops_interfaces_test.go
}

func TestStatusShowsWhereOthersEdit(t *testing.T) {
	n, _ := startNode(t)
	other := n.CLI.NewSession("bob", "cli")
	defer other.Close()
	other.Exec(context.Background(), "configure")
	other.Exec(context.Background(), "edit services stateful-firewall")
	out, failed := script(t, n, "configure\nstatus\n")
	if failed || !strings.Contains(out, "bob terminal cli") || !strings.Contains(out, "[edit services stateful-firewall]") {
		t.Fatalf("got\n%s\nwant bob at [edit services stateful-firewall]", out)
	}
}

func TestLoadTerminal(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
load merge terminal
system {
    host-name pasted;
}
^D
show system
load set terminal
set system domain-name example.net
delete system host-name
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "load-terminal.txt", out)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	s.Exec(context.Background(), "configure")
	if r := s.Exec(context.Background(), "show system"); !strings.Contains(r.Output, "domain-name example.net;") || strings.Contains(r.Output, "host-name") {
		t.Fatalf("after load set terminal ended by the script's end: got\n%s", r.Output)
	}
}

// TestLoadPatchTerminal: what `show | compare` printed in one session, pasted into
// `load patch terminal` in another place, makes the same change.
func TestLoadPatchTerminal(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system host-name r1
set system domain-name example.net
commit
set system host-name r2
delete system domain-name
set system time-zone UTC
show | compare
rollback
load patch terminal
[edit system]
-  host-name r1;
+  host-name r2;
-  domain-name example.net;
+  time-zone UTC;
^D
show | compare
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	i := strings.Index(out, "load complete")
	if i < 0 {
		t.Fatalf("no load complete:\n%s", out)
	}
	for _, want := range []string{"-  host-name r1;", "+  host-name r2;", "-  domain-name example.net;", "+  time-zone UTC;"} {
		if !strings.Contains(out[i:], want) {
			t.Errorf("show | compare after load patch lacks %q:\n%s", want, out[i:])
		}
	}
}

// TestSystemLog: system syslog file messages takes gnos' own events:
// the commit that configured it (UI_COMMIT, with its comment), shown with
// show log, filtered with | match, emptied with clear log.
func TestSystemLog(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system syslog file messages any notice
set system syslog file messages authorization info
commit comment "syslog on"
exit
show log
show log messages | match UI_COMMIT
clear log messages
show log messages
show log ../gnos.db
`)
	if !failed {
		t.Fatalf("show log ../gnos.db did not fail:\n%s", out)
	}
	for _, want := range []string{"\nmessages\n", "UI_COMMIT: User 'root' requested 'commit' operation (comment: syslog on)",
		`error: invalid log file name "../gnos.db"`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if strings.Count(out, ": UI_COMMIT: ") != 1 {
		t.Errorf("clear log messages left the commit in the file:\n%s", out)
	}
}

// TestJunosShapesSession: the statements that took their Junos shapes,
// typed as on Junos: rule references one per line and moved with insert,
// an address list with except shown as Junos shows it (a block), presence
// containers set alone, service-package layer-3, and the same
// configuration in set and XML form.
func TestJunosShapesSession(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set chassis fpc 0 pic 0 adaptive-services service-package layer-3
set interfaces ms-0/0/0 unit 0 family inet
set services stateful-firewall rule allow-web match-direction input
set services stateful-firewall rule allow-web term t1 from source-address 10.0.0.0/8
set services stateful-firewall rule allow-web term t1 from source-address 10.1.0.0/16 except
set services stateful-firewall rule allow-web term t1 from applications junos-http
set services stateful-firewall rule allow-web term t1 then accept
set services stateful-firewall rule deny-rest match-direction input
set services stateful-firewall rule deny-rest term t1 then discard
set services service-set edge stateful-firewall-rules allow-web
set services service-set edge stateful-firewall-rules deny-rest
insert services service-set edge stateful-firewall-rules deny-rest before stateful-firewall-rules allow-web
set services service-set edge interface-service service-interface ms-0/0/0
set interfaces ge-0/0/0 unit 0 family inet service input service-set edge
show services
show services | display set
show services service-set edge | display xml
commit
run show chassis pic fpc-slot 0 pic-slot 0 extensive | match Packages
`)
	if failed {
		t.Fatalf("a command failed:\n%s", out)
	}
	testkit.Golden(t, "junos-shapes.txt", out)
}

// TestMonitorStartAndUserMessages: monitor start follows a log file (its
// lines reach the session under *** FILE *** until monitor stop), and a
// system syslog user destination writes its messages to the CLI
// sessions, both after the output of the command during which they came
// (the script's terminal is not one that takes notices at any time).
func TestMonitorStartAndUserMessages(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
configure
set system syslog file messages any notice
set system syslog user * interactive-commands notice
commit comment one
run monitor start messages
run monitor list
set system domain-name a.example
commit comment two
run monitor stop messages
set system domain-name b.example
commit comment three
run monitor start nosuch
`)
	if !failed {
		t.Fatalf("monitor start of a missing file did not fail:\n%s", out)
	}
	for _, want := range []string{
		"\nMessage from syslogd@gnos at ", "UI_COMMIT: User 'root' requested 'commit' operation (comment: one)\n",
		"monitor start \"messages\"\n",
		"\n*** messages ***\n", "UI_COMMIT: User 'root' requested 'commit' operation (comment: two)\n",
		"error: could not start monitoring nosuch: no such log file: nosuch",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if c := strings.Count(out, "*** messages ***"); c != 1 {
		t.Errorf("%d monitor headings, want 1 (commit two only):\n%s", c, out)
	}
	if c := strings.Count(out, "Message from syslogd@"); c != 3 {
		t.Errorf("%d user messages, want 3 (one a commit):\n%s", c, out)
	}
}

// TestHelpReference: help reference and help topic are written from the
// schema's descriptions, for any statement named from the top.
func TestHelpReference(t *testing.T) {
	n, _ := startNode(t)
	out, failed := script(t, n, `
help reference system host-name
help topic system syslog
help reference system bogus
`)
	if !failed {
		t.Fatalf("help reference of an unknown statement did not fail:\n%s", out)
	}
	testkit.Golden(t, "help-reference.txt", out)
}
