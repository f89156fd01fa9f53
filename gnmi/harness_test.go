package gnmi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openconfig/gnmi/client"
	gclient "github.com/openconfig/gnmi/client/gnmi"
	gpb "github.com/openconfig/gnmi/proto/gnmi"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit/nodekit"
	"github.com/gnos/gnos/netconf/crypt"
)

// Test accounts: one per predefined class.
var accounts = []struct{ user, class, password string }{
	{"admin", "super-user", "admin123"},
	{"oper", "operator", "oper123"},
	{"ro", "read-only", "ro123"},
}

// startNode boots a node with its gNMI server in clear text on an
// ephemeral port and the test accounts committed (host-name lab1).
func startNode(t testing.TB, opts compose.Options) (*compose.Node, *clock.Fake) {
	t.Helper()
	if opts.GNMIAddr == "" {
		opts.GNMIAddr = "127.0.0.1:0"
	}
	return startNodeWith(t, opts)
}

// startNodeWith is startNode without a gNMI address of its own: the
// server listens where the configuration says.
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
	commitSet(t, n, set.String())
	return n, clk
}

// commitSet loads set lines into the shared candidate and commits them.
func commitSet(t testing.TB, n *compose.Node, lines string) {
	t.Helper()
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, lines); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
}

// dial connects the openconfig reference client (client/gnmi) as user.
func dial(t testing.TB, n *compose.Node, user, password string) *gclient.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := gclient.New(ctx, client.Destination{
		Addrs:       []string{n.GNMI.Addr().String()},
		Timeout:     10 * time.Second,
		Credentials: &client.Credentials{Username: user, Password: password},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*gclient.Client)
}

// path builds a gNMI path from "/a/b[k=v]/c" (a '/' inside brackets
// belongs to the key).
func path(s string) *gpb.Path {
	p := &gpb.Path{}
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == '/' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	parts = append(parts, s[start:])
	for _, part := range parts {
		if part == "" {
			continue
		}
		e := &gpb.PathElem{Name: part}
		if i := strings.IndexByte(part, '['); i >= 0 {
			e.Name = part[:i]
			e.Key = map[string]string{}
			for _, kv := range strings.Split(strings.Trim(part[i:], "[]"), "][") {
				k, v, _ := strings.Cut(kv, "=")
				e.Key[k] = v
			}
		}
		p.Elem = append(p.Elem, e)
	}
	return p
}

// getJSON Gets one path and returns its JSON value as text.
func getJSON(t testing.TB, c *gclient.Client, p string, enc gpb.Encoding) (string, error) {
	t.Helper()
	resp, err := c.Get(context.Background(), &gpb.GetRequest{Path: []*gpb.Path{path(p)}, Encoding: enc})
	if err != nil {
		return "", err
	}
	if len(resp.GetNotification()) != 1 || len(resp.GetNotification()[0].GetUpdate()) != 1 {
		t.Fatalf("Get %s: got %v, want one notification with one update", p, resp)
	}
	v := resp.GetNotification()[0].GetUpdate()[0].GetVal()
	if enc == gpb.Encoding_JSON_IETF {
		return string(v.GetJsonIetfVal()), nil
	}
	return string(v.GetJsonVal()), nil
}
