package netconf_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	"github.com/gnos/gnos/netconf"
	"github.com/gnos/gnos/netconf/crypt"
)

// Test accounts: one per predefined class.
var accounts = []struct{ user, class, password string }{
	{"admin", "super-user", "admin123"},
	{"oper", "operator", "oper123"},
	{"ro", "read-only", "ro123"},
}

// startNode boots a node on a temporary directory with a fake clock, its
// SSH server on an ephemeral port, and the test accounts committed.
func startNode(t testing.TB) (*compose.Node, *clock.Fake) {
	t.Helper()
	return startNodeWith(t, compose.Options{NetconfAddr: "127.0.0.1:0"})
}

// startNodeWith is startNode with other options (no NetconfAddr: the SSH
// server listens only where `system services` says).
func startNodeWith(t testing.TB, opts compose.Options) (*compose.Node, *clock.Fake) {
	t.Helper()
	n, clk := nodekit.Start(t, opts)
	var set strings.Builder
	set.WriteString("set system host-name lab1\n")
	for _, a := range accounts {
		h, err := crypt.Crypt(a.password, "$6$testsalt"+a.user)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&set, "set system login user %s class %s\n", a.user, a.class)
		fmt.Fprintf(&set, "set system login user %s authentication encrypted-password \"%s\"\n", a.user, h)
	}
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, set.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{Comment: "test accounts"}); err != nil {
		t.Fatal(err)
	}
	return n, clk
}

func password(user string) string {
	for _, a := range accounts {
		if a.user == user {
			return a.password
		}
	}
	return ""
}

// dialSSH logs in with a password.
func dialSSH(t testing.TB, n *compose.Node, user, pw string) (*ssh.Client, error) {
	t.Helper()
	return ssh.Dial("tcp", n.Netconf.Addr().String(), &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.Password(pw)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// client is a minimal NETCONF client for tests.
type client struct {
	t     testing.TB
	ssh   *ssh.Client
	sess  *ssh.Session
	r     *netconf.Reader
	w     *netconf.Writer
	in    io.Writer // unframed
	hello *netconf.Node
	id    int
}

// dial opens a NETCONF session as user; base11 offers base:1.1 framing.
func dial(t testing.TB, n *compose.Node, user string, base11 bool) *client {
	t.Helper()
	sc, err := dialSSH(t, n, user, password(user))
	if err != nil {
		t.Fatalf("ssh login as %s: %v", user, err)
	}
	t.Cleanup(func() { sc.Close() })
	c, err := openNETCONF(t, sc, base11)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openNETCONF(t testing.TB, sc *ssh.Client, base11 bool) (*client, error) {
	sess, err := sc.NewSession()
	if err != nil {
		return nil, err
	}
	in, err := sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestSubsystem("netconf"); err != nil {
		return nil, err
	}
	return handshake(t, in, out, base11, sc, sess)
}

func handshake(t testing.TB, in io.Writer, out io.Reader, base11 bool, sc *ssh.Client, sess *ssh.Session) (*client, error) {
	c := &client{t: t, ssh: sc, sess: sess, r: netconf.NewReader(out, 256<<20), w: netconf.NewWriter(in), in: in}
	msg, err := c.r.Read()
	if err != nil {
		return nil, fmt.Errorf("reading hello: %w", err)
	}
	if c.hello, err = netconf.Parse(msg); err != nil {
		return nil, err
	}
	caps := `<capability>urn:ietf:params:netconf:base:1.0</capability>`
	if base11 {
		caps += `<capability>urn:ietf:params:netconf:base:1.1</capability>`
	}
	if err := c.w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>` + caps + `</capabilities></hello>`)); err != nil {
		return nil, err
	}
	if base11 {
		c.r.Chunked()
		c.w.Chunked()
	}
	return c, nil
}

// rpc sends one operation and returns the parsed <rpc-reply>.
func (c *client) rpc(op string) *netconf.Node {
	c.t.Helper()
	r, err := c.try(op)
	if err != nil {
		c.t.Fatalf("rpc %s: %v", op, err)
	}
	return r
}

func (c *client) try(op string) (*netconf.Node, error) {
	c.id++
	id := fmt.Sprint(c.id)
	msg := `<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="` + id + `">` + op + `</nc:rpc>`
	return c.raw([]byte(msg), id)
}

func (c *client) raw(msg []byte, id string) (*netconf.Node, error) {
	if err := c.w.Write(msg); err != nil {
		return nil, err
	}
	b, err := c.r.Read()
	if err != nil {
		return nil, err
	}
	r, err := netconf.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("bad reply %q: %w", b, err)
	}
	if got, _ := r.Attr("message-id"); id != "" && got != id {
		return nil, fmt.Errorf("reply message-id %q, want %q", got, id)
	}
	return r, nil
}

// errors returns the error-messages of a reply.
func errorsOf(r *netconf.Node) []string {
	var out []string
	for _, k := range r.Kids {
		if k.Name.Local == "rpc-error" {
			out = append(out, k.Value("error-tag")+": "+k.Value("error-message"))
		}
	}
	return out
}

// ok fails the test when the reply carries an rpc-error.
func ok(t testing.TB, r *netconf.Node) *netconf.Node {
	t.Helper()
	if errs := errorsOf(r); len(errs) > 0 {
		t.Fatalf("got rpc-error %q, want success", errs)
	}
	return r
}

// wantError fails unless the reply carries an rpc-error with tag.
func wantError(t testing.TB, r *netconf.Node, tag string) {
	t.Helper()
	for _, k := range r.Kids {
		if k.Name.Local == "rpc-error" && k.Value("error-tag") == tag {
			return
		}
	}
	t.Fatalf("got %q, want an rpc-error with tag %s", errorsOf(r), tag)
}

type nodeT = netconf.Node

func has(t *testing.T, r *netconf.Node, name string) {
	t.Helper()
	if !r.Has(name) {
		t.Fatalf("got children %v, want <%s>", names(r), name)
	}
}

func names(r *netconf.Node) []string {
	var out []string
	for _, k := range r.Kids {
		out = append(out, k.Name.Local)
	}
	return out
}
