package netconf_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"google.golang.org/grpc"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/ptytest"
	"github.com/gnos/gnos/netconf"
)

// syncBuffer collects a session's output; every write signals changed.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // capacity 1: a pending "something arrived"
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor blocks until out contains want, failing after 10 s.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		select {
		case <-out.changed:
		case <-timeout:
			t.Fatalf("output %q never contained %q", out.String(), want)
		}
	}
}

func shell(t *testing.T, n *compose.Node, user string) (io.Writer, *syncBuffer) {
	t.Helper()
	sc, err := dialSSH(t, n, user, password(user))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out := newSyncBuffer()
	sess.Stdout = out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return in, out
}

func TestShellLogin(t *testing.T) {
	n, _ := startNode(t)
	in, out := shell(t, n, "admin")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show ver\t\r")
	waitFor(t, out, "Hostname: lab1\r\n")
	io.WriteString(in, "configure\r")
	waitFor(t, out, "admin@lab1# ")
	io.WriteString(in, "set system domain-name shell.example\rcommit and-quit\r")
	waitFor(t, out, "commit complete")
	if v, _ := n.Configd.Committed().ChildNamed("system", "").Leaf("domain-name"); v != "shell.example" {
		t.Fatalf("committed domain-name = %q, want shell.example", v)
	}
}

func TestShellClasses(t *testing.T) {
	n, _ := startNode(t)
	in, out := shell(t, n, "ro")
	waitFor(t, out, "ro@lab1> ")
	io.WriteString(in, "configure\r")
	waitFor(t, out, "error: permission denied")
	io.WriteString(in, "clear system commit\r")
	// (space completion redraws the line as it is typed, so look for the end)
	waitFor(t, out, "commit\r\nerror: permission denied")
	io.WriteString(in, "show system commit\r")
	waitFor(t, out, "test accounts")
}

func TestShellExec(t *testing.T) {
	n, _ := startNode(t)
	sc, err := dialSSH(t, n, "oper", "oper123")
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	sess, _ := sc.NewSession()
	got, err := sess.Output("show version")
	if err != nil || !strings.Contains(string(got), "Hostname: lab1") {
		t.Fatalf("exec show version = %q, %v", got, err)
	}
}

// TestLocalNETCONF speaks NETCONF through the management socket, the path
// of `gnos netconf`.
func TestLocalNETCONF(t *testing.T) {
	n, _ := startNode(t)
	cc, err := ipc.DialUnix(compose.SocketPath(n.Opts.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	st, err := cc.NewStream(context.Background(), &grpc.StreamDesc{StreamName: "Session", ClientStreams: true, ServerStreams: true}, netconf.LocalMethod)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		for {
			var c netconf.Chunk
			if err := st.RecvMsg(&c); err != nil {
				pw.CloseWithError(err)
				return
			}
			pw.Write(c.Data)
		}
	}()
	w := writerFunc(func(p []byte) (int, error) {
		return len(p), st.SendMsg(&netconf.Chunk{Data: append([]byte(nil), p...)})
	})
	c, err := handshake(t, w, pr, true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := ok(t, c.rpc(`<get-configuration database="committed" format="text"/>`))
	if !strings.Contains(r.Value("configuration-text"), "host-name lab1;") {
		t.Fatalf("local get-configuration = %q", r.Value("configuration-text"))
	}
	ok(t, c.rpc(`<load-configuration action="set"><configuration-set>set system domain-name local.example</configuration-set></load-configuration>`))
	ok(t, c.rpc(`<commit-configuration/>`))
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// waitForAfter is waitFor on the output written after mark, as a
// terminal renders it.
func waitForAfter(t *testing.T, out *syncBuffer, mark int, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !strings.Contains(ptytest.Screen(out.String()[mark:], 0), strings.TrimRight(want, " ")) {
		select {
		case <-out.changed:
		case <-timeout:
			t.Fatalf("output after %d %q never contained %q", mark, out.String()[mark:], want)
		}
	}
}

// shellWith opens a login shell, with a pty of terminal type term unless
// term is "" (no pty-req at all).
func shellWith(t *testing.T, n *compose.Node, term string) (io.WriteCloser, *syncBuffer) {
	t.Helper()
	sc, err := dialSSH(t, n, "admin", password("admin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if term != "" {
		if err := sess.RequestPty(term, 24, 80, ssh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := sess.StdinPipe()
	out := newSyncBuffer()
	sess.Stdout = out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return in, out
}

// TestShellWithoutPty: a shell with no pty (ssh -T, a script) gets plain
// output: no echo of what it sends, no CR, no escape sequence, no
// completion of what it typed.
func TestShellWithoutPty(t *testing.T) {
	n, _ := startNode(t)
	in, out := shellWith(t, n, "")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show version\n")
	waitFor(t, out, "Hostname: lab1\n")
	io.WriteString(in, "sh ver\t?\n") // TAB and ? are text here: an error, not a completion list
	waitFor(t, out, "syntax error")
	io.WriteString(in, "exit\n")
	got := out.String()
	for _, bad := range []string{"\r", "\x1b", "show version", "Possible completions", "^"} { // a caret under an unechoed line points at nothing
		if strings.Contains(got, bad) {
			t.Fatalf("output without a pty holds %q:\n%q", bad, got)
		}
	}
}

// TestShellDumbTerminal: a pty with TERM=dumb gets echo and editing, but
// no escape sequence, even when a line is edited in the middle.
func TestShellDumbTerminal(t *testing.T) {
	n, _ := startNode(t)
	in, out := shellWith(t, n, "dumb")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show vrsion\x1b[D\x1b[D\x1b[D\x1b[D\x1b[De\x0c\r")
	waitFor(t, out, "Hostname: lab1\r\n")
	mark := len(out.String())
	io.WriteString(in, "\x12vers") // Ctrl-R finds the command again
	waitFor(t, out, "(reverse-i-search)'vers': show version")
	io.WriteString(in, "\r")
	waitForAfter(t, out, mark, "Hostname: lab1\n")
	io.WriteString(in, "sh\t?\x03")
	waitFor(t, out, "Possible completions:")
	if got := out.String(); strings.Contains(got, "\x1b") {
		t.Fatalf("escape sequence sent to TERM=dumb:\n%q", got)
	}
}
