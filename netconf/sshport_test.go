package netconf_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/compose"
)

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// execAt runs command over SSH exec on port, or returns the error.
func execAt(port int, command string) (string, error) {
	sc, err := ssh.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &ssh.ClientConfig{
		User: "oper", Auth: []ssh.AuthMethod{ssh.Password("oper123")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return "", err
	}
	defer sc.Close()
	sess, err := sc.NewSession()
	if err != nil {
		return "", err
	}
	out, err := sess.Output(command)
	return string(out), err
}

// TestSSHPort: `system services ssh port N` moves the CLI's SSH server at
// commit; a port configured for both ssh and netconf serves both, and
// moving it away closes the old port.
func TestSSHPort(t *testing.T) {
	n, _ := startNodeWith(t, compose.Options{})
	cli1, cli2, nc := freeTCPPort(t), freeTCPPort(t), freeTCPPort(t)
	commitLines(t, n, fmt.Sprintf("set system services ssh port %d\nset system services netconf ssh port %d", cli1, nc))
	if out, err := execAt(cli1, "show version"); err != nil || !strings.Contains(out, "Hostname: lab1") {
		t.Fatalf("exec on ssh port %d: %q, %v", cli1, out, err)
	}
	if _, err := execAt(nc, "show version"); err == nil {
		t.Fatalf("the NETCONF-only port %d ran a CLI command", nc)
	}
	commitLines(t, n, fmt.Sprintf("set system services ssh port %d", cli2))
	if out, err := execAt(cli2, "show version"); err != nil || !strings.Contains(out, "Hostname: lab1") {
		t.Fatalf("exec on the new ssh port %d: %q, %v", cli2, out, err)
	}
	if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", cli1)); err == nil {
		c.Close()
		t.Fatalf("old ssh port %d still listening", cli1)
	}
	// ssh and netconf on one port: both served there
	commitLines(t, n, fmt.Sprintf("set system services ssh port %d", nc))
	if out, err := execAt(nc, "show version"); err != nil || !strings.Contains(out, "Hostname: lab1") {
		t.Fatalf("exec on the shared port %d: %q, %v", nc, out, err)
	}
	c := dialNETCONFAt(t, nc)
	c.Close()
}

// dialNETCONFAt opens the netconf subsystem on port and reads the hello.
func dialNETCONFAt(t *testing.T, port int) *ssh.Client {
	t.Helper()
	sc, err := ssh.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &ssh.ClientConfig{
		User: "admin", Auth: []ssh.AuthMethod{ssh.Password("admin123")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := sess.StdoutPipe()
	if err := sess.RequestSubsystem("netconf"); err != nil {
		t.Fatalf("netconf subsystem on port %d: %v", port, err)
	}
	buf := make([]byte, 4096)
	got := ""
	for !strings.Contains(got, "</hello>") {
		k, err := out.Read(buf)
		if err != nil {
			t.Fatalf("reading the hello on port %d: %v (%q)", port, err, got)
		}
		got += string(buf[:k])
	}
	return sc
}
