package netconf_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/netconf/crypt"
)

func commitLines(t *testing.T, n *compose.Node, lines ...string) {
	t.Helper()
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, strings.Join(lines, "\n")+"\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestRootLogin: `system root-authentication` is the root login (class
// super-user), and `services ssh root-login` decides how root may come
// in over SSH: deny-password (the default) takes keys only, allow takes
// the password too, deny refuses root.
func TestRootLogin(t *testing.T) {
	n, clk := startNode(t)
	// refused logins are answered after the throttle's delay (fake clock)
	failLogin(t, n, clk, "root", "rootpw1", 250*time.Millisecond) // no root-authentication yet
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	spub, _ := ssh.NewPublicKey(pub)
	signer, _ := ssh.NewSignerFromKey(priv)
	h, _ := crypt.Crypt("rootpw1", "$6$rootsalt")
	commitLines(t, n, `set system root-authentication encrypted-password "`+h+`"`,
		`set system root-authentication ssh-ed25519 "`+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spub)))+`"`)
	withKey := func() error {
		c, err := ssh.Dial("tcp", n.Netconf.Addr().String(), &ssh.ClientConfig{User: "root",
			Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
		if err == nil {
			c.Close()
		}
		return err
	}
	failLogin(t, n, clk, "root", "rootpw1", 500*time.Millisecond) // deny-password, the default
	if err := withKey(); err != nil {
		t.Errorf("root with its key under deny-password: %v", err)
	}
	commitLines(t, n, "set system services ssh root-login allow")
	c, err := dialSSH(t, n, "root", "rootpw1")
	if err != nil {
		t.Fatalf("root with its password under root-login allow: %v", err)
	}
	sess, _ := c.NewSession()
	out, _ := sess.Output("show system commit")
	c.Close()
	if !strings.Contains(string(out), "root") {
		t.Errorf("root's session: %q", out)
	}
	commitLines(t, n, "set system services ssh root-login deny")
	if err := withKey(); err == nil {
		t.Error("root logged in with a key under root-login deny")
	}
}

// TestLoginMessageAndAnnouncement: the login message is the SSH banner
// (before authentication), the announcement follows the login in the
// CLI.
func TestLoginMessageAndAnnouncement(t *testing.T) {
	n, _ := startNode(t)
	commitLines(t, n, `set system login message "Authorized use only\nAll activity is logged"`,
		`set system login announcement "Maintenance tonight"`)
	var banner string
	c, err := ssh.Dial("tcp", n.Netconf.Addr().String(), &ssh.ClientConfig{User: "admin",
		Auth:            []ssh.AuthMethod{ssh.Password(password("admin"))},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		BannerCallback:  func(m string) error { banner = m; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if banner != "Authorized use only\nAll activity is logged\n" {
		t.Errorf("SSH banner %q", banner)
	}
	_, out := shell(t, n, "admin")
	waitFor(t, out, "Maintenance tonight")
}
