package netconf_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
)

// rpcErrorSessionID is the error-info <session-id> of r's rpc-error with
// tag, or "" when it has none.
func rpcErrorSessionID(t *testing.T, r *nodeT, tag string) string {
	t.Helper()
	wantError(t, r, tag)
	for _, k := range r.Kids {
		if k.Name.Local == "rpc-error" && k.Value("error-tag") == tag {
			return k.Child("error-info").Value("session-id")
		}
	}
	return ""
}

// cliSession is a CLI session whose front end ends it (as the SSH shell
// and the local socket do) when its login is killed.
func cliSession(t *testing.T, e *cli.Engine, user string) *cli.Session {
	t.Helper()
	s := e.NewSession(user, "cli")
	closed := make(chan struct{})
	s.Login().SetOrigin("192.0.2.7", func() { go func() { s.Close(); close(closed) }() })
	t.Cleanup(func() {
		select {
		case <-closed:
		default:
			s.Close()
		}
	})
	return s
}

// TestKillSessionOfCLISession: CLI and NETCONF sessions share one id
// space, so <kill-session> takes a CLI session's id too: the CLI session
// in configure exclusive is named by lock-denied's session-id, killing it
// ends it, and its lock is free when kill-session replies.
func TestKillSessionOfCLISession(t *testing.T) {
	n, _ := startNode(t)
	ctx := context.Background()
	s := cliSession(t, n.CLI, "admin")
	if r := s.Exec(ctx, "configure exclusive"); strings.Contains(r.Output, "error") {
		t.Fatalf("configure exclusive: %s", r.Output)
	}
	b := dial(t, n, "admin", true)
	id := strconv.Itoa(s.ID())
	if got := rpcErrorSessionID(t, b.rpc(`<lock><target><candidate/></target></lock>`), "lock-denied"); got != id {
		t.Fatalf("lock-denied session-id %q, want the CLI session's %s", got, id)
	}
	ok(t, b.rpc(`<kill-session><session-id>`+id+`</session-id></kill-session>`))
	for _, l := range n.CLI.Logins() {
		if l.Session == s.ID() {
			t.Errorf("killed CLI session %d still logged in", s.ID())
		}
	}
	ok(t, b.rpc(`<lock><target><candidate/></target></lock>`)) // released before kill-session replied
	ok(t, b.rpc(`<unlock><target><candidate/></target></unlock>`))
	// an id no session has is still invalid-value
	wantError(t, b.rpc(`<kill-session><session-id>`+id+`</session-id></kill-session>`), "invalid-value")
}

// TestLogoutSessionOfNETCONFSession: request system logout session N
// takes a NETCONF session-id (the number show system users | display
// xml prints for it) and ends that NETCONF session.
func TestLogoutSessionOfNETCONFSession(t *testing.T) {
	n, _ := startNode(t)
	ctx := context.Background()
	for range 2 { // sessions come and go: terminal numbers are reused, session ids never
		n.CLI.NewSession("admin", "cli").Close()
	}
	a := dial(t, n, "oper", true)
	id := a.hello.Value("session-id")
	for _, l := range n.CLI.Logins() {
		if strconv.Itoa(l.ID) == id {
			t.Fatalf("NETCONF session-id %s is also a terminal number: the test would not tell them apart", id)
		}
	}
	admin := n.CLI.NewSession("admin", "cli")
	defer admin.Close()
	if out := admin.Exec(ctx, "show system users | display xml").Output; !strings.Contains(out, "<session-id>"+id+"</session-id>") {
		t.Fatalf("show system users | display xml does not name NETCONF session %s:\n%s", id, out)
	}
	out := admin.Exec(ctx, "request system logout session "+id).Output
	if want := "Logged out 1 session(s) of session " + id; !strings.Contains(out, want) {
		t.Fatalf("request system logout session %s: got %q, want %q", id, out, want)
	}
	if _, err := a.try(`<get-configuration/>`); err == nil {
		t.Fatalf("logged-out NETCONF session still answers")
	}
}

// TestInUseNamesTheHolder: open-configuration private while another
// session's uncommitted changes hold the shared candidate is in-use, and
// its error-info names that session by its session-id (a NETCONF one
// and a CLI one); with nobody editing it, the reply carries no
// session-id.
func TestInUseNamesTheHolder(t *testing.T) {
	n, _ := startNode(t)
	ctx := context.Background()
	a := dial(t, n, "admin", true)
	b := dial(t, n, "admin", true)
	ok(t, a.rpc(`<load-configuration action="set"><configuration-set>set system domain-name held.example</configuration-set></load-configuration>`))
	if got, want := rpcErrorSessionID(t, b.rpc(`<open-configuration><private/></open-configuration>`), "in-use"), a.hello.Value("session-id"); got != want {
		t.Errorf("in-use session-id %q, want the editing NETCONF session's %s", got, want)
	}
	ok(t, a.rpc(`<discard-changes/>`))
	ok(t, a.rpc(`<close-session/>`))

	s := cliSession(t, n.CLI, "admin")
	for _, line := range []string{"configure", "set system domain-name held.example"} {
		if r := s.Exec(ctx, line); strings.Contains(r.Output, "error") {
			t.Fatalf("%s: %s", line, r.Output)
		}
	}
	if got, want := rpcErrorSessionID(t, b.rpc(`<open-configuration><private/></open-configuration>`), "in-use"), strconv.Itoa(s.ID()); got != want {
		t.Errorf("in-use session-id %q, want the editing CLI session's %s", got, want)
	}
	s.Close() // the change stays in the shared candidate, nobody editing it
	if got := rpcErrorSessionID(t, b.rpc(`<open-configuration><private/></open-configuration>`), "in-use"); got != "" {
		t.Errorf("in-use with no editor: session-id %q, want none", got)
	}
}
