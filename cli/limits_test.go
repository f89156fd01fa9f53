package cli_test

// Limits a CLI client runs into (docs/reliability.md): sessions per user
// on the management socket, the management socket's message size, the
// size of a configuration file loaded, and file names outside the file
// area. Each refusal names the limit and leaves the state as it was.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/ipc"
)

func dialCLI(t *testing.T, n *compose.Node) (*cli.Client, error) {
	t.Helper()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func TestCLISessionsPerUser(t *testing.T) {
	n, _ := startNode(t)
	n.CLI.MaxSessionsPerUser = 2
	a, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dialCLI(t, n); err == nil || !strings.Contains(err.Error(), "too many sessions") ||
		!strings.Contains(err.Error(), "limit 2") {
		t.Fatalf("third session: got %v, want a refusal naming the limit 2", err)
	}
	// The sessions in place carry on; closing one makes room.
	if r, err := a.Exec("show version"); err != nil || r.Failed {
		t.Fatalf("first session after the refusal: %v %+v", err, r)
	}
	b.Close()
	// The server releases b's slot when its stream ends: poll for it.
	var c *cli.Client
	for i := 0; ; i++ {
		if c, err = dialCLI(t, n); err == nil {
			break
		}
		if i == 500 {
			t.Fatalf("no session after closing one: %v", err)
		}
		waitTick()
	}
	if r, err := c.Exec("show version"); err != nil || r.Failed {
		t.Fatalf("new session: %v %+v", err, r)
	}
}

// TestManagementSocketMessageLimit: a line over ipc.MaxMessage is refused
// by the socket's gRPC limit (that session's stream ends); the daemon
// carries on serving other clients.
func TestManagementSocketMessageLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a 64 MiB message")
	}
	n, _ := startNode(t)
	c, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	line := "set system host-name " + strings.Repeat("x", ipc.MaxMessage)
	_, err = c.Exec(line)
	if err == nil {
		t.Fatal("a line over the message limit was accepted")
	}
	if !strings.Contains(err.Error(), "ResourceExhausted") && !strings.Contains(err.Error(), "larger than max") {
		t.Fatalf("got %v, want the gRPC message-size refusal", err)
	}
	d, err := dialCLI(t, n)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := d.Exec("show configuration system host-name"); err != nil || strings.Contains(r.Output, "xxx") {
		t.Fatalf("after the refusal: %v %+v", err, r)
	}
}

// TestLoadFileOverLimit: a configuration file larger than the load limit
// is refused before it is read (a sparse file: nothing is allocated), and
// the candidate is unchanged.
func TestLoadFileOverLimit(t *testing.T) {
	n, _ := startNode(t)
	files := n.CLI.HomeDir(socketUser(t))
	if err := os.MkdirAll(files, 0o700); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(files, "big.conf")
	if err := os.WriteFile(big, []byte("system { host-name big; }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, configd.DefaultMaxLoad+1); err != nil {
		t.Fatal(err)
	}
	out, failed := script(t, n, "configure\nload merge big.conf\nshow | compare\n")
	if !failed || !strings.Contains(out, "exceeds the limit of 134217728 bytes") {
		t.Fatalf("got\n%s\nwant a refusal naming the limit", out)
	}
	if strings.Contains(out, "host-name big") {
		t.Fatalf("the candidate changed:\n%s", out)
	}
}

// TestFileCommandsStayInFileArea: save, load, file show, file list and
// `| save` refuse names outside DATA/files (relative escapes, absolute
// paths, the store beside it) and create nothing outside it. `file show
// ../../../../etc/passwd` is also in the op-errors golden transcript, and the
// traffic replay refusal in servicesd's TestTrafficCommands.
func TestFileCommandsStayInFileArea(t *testing.T) {
	n, _ := startNode(t)
	outside := filepath.Join(n.Opts.DataDir, "escaped.conf")
	for _, line := range []string{
		"file show ../../../gnos.db",
		"file show /etc/passwd",
		"show version | save ../../../escaped.conf",
		"show version | save " + outside,
		"configure\nsave ../../../escaped.conf\nexit",
		"configure\nsave " + outside + "\nexit",
		"configure\nload merge ../../../gnos.db\nexit",
		"configure\nload merge /etc/passwd\nexit",
		"configure\nload override ../../../../etc/hostname\nexit",
	} {
		out, failed := script(t, n, line+"\n")
		if !failed || !strings.Contains(out, "outside the file area") {
			t.Errorf("%q: got\n%s\nwant 'outside the file area'", line, out)
		}
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Errorf("%s was created (%v)", outside, err)
	}
	// Symbolic links planted in the file area do not lead out of it.
	files := n.CLI.HomeDir(socketUser(t))
	for name, target := range map[string]string{"etc": "/etc", "db": filepath.Join(n.Opts.DataDir, "gnos.db"), "up": "../../.."} {
		if err := os.Symlink(target, filepath.Join(files, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range []string{"file show etc/passwd", "file show db", "show version | save up/escaped.conf",
		"configure\nload merge db\nexit", "file list up"} {
		out, failed := script(t, n, line+"\n")
		if !failed || !strings.Contains(out, "outside the file area (through a symbolic link)") {
			t.Errorf("%q: got\n%s\nwant a refusal of the link", line, out)
		}
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Errorf("%s was created through a link (%v)", outside, err)
	}
	out, _ := script(t, n, "show configuration system\n")
	if strings.Contains(out, "root:") {
		t.Errorf("something was loaded:\n%s", out)
	}
}

// waitTick paces a poll loop (the condition polled is what synchronises).
func waitTick() { <-time.After(10 * time.Millisecond) }

// TestManagementSocketsOwnerOnly: the sockets that need no login (the CLI
// and NETCONF behind `gnos cli` / `gnos netconf`, and servicesd's PIC
// socket) are owner-only files.
func TestManagementSocketsOwnerOnly(t *testing.T) {
	n, _ := startNode(t)
	for _, name := range []string{"gnos.sock", "services.sock"} {
		fi, err := os.Stat(filepath.Join(n.Opts.DataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want an owner-only (0600) socket", name, fi.Mode())
		}
	}
}
