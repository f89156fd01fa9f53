package netconf

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/gnos/gnos/configd"
)

func commitSet(t *testing.T, srv *Server, set string) {
	t.Helper()
	s, err := srv.cfg.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, set); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestConfiguredListeners: `system services` opens and closes ports at
// each commit; a port that cannot be opened fails alone.
func TestConfiguredListeners(t *testing.T) {
	srv := newTestServer(t)
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Addr() != nil {
		t.Fatalf("listening before anything is configured: %v", srv.Addr())
	}
	port := freePort(t)
	commitSet(t, srv, fmt.Sprintf("set system services netconf ssh port %d", port))
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("configured port %d not listening: %v", port, err)
	}
	c.Close()

	srv.mu.Lock()
	want := wantedListeners(srv.cfg.Configd.Committed())
	srv.mu.Unlock()
	if len(want) != 1 || !want[port].netconf || want[port].shell {
		t.Fatalf("wanted listeners = %+v, want NETCONF only on %d", want, port)
	}
	// port 22 may be taken (sshd) or privileged: that listener fails
	// alone and the NETCONF one stays
	commitSet(t, srv, "set system services ssh")
	srv.mu.Lock()
	l22 := srv.listeners[22]
	lnc := srv.listeners[port]
	srv.mu.Unlock()
	if lnc == nil {
		t.Fatalf("NETCONF listener gone after adding ssh")
	}
	if l22 != nil && (!l22.shell || !l22.netconf) {
		t.Fatalf("port 22 listener = %+v, want shell and netconf", l22)
	}

	commitSet(t, srv, "delete system services")
	if _, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		t.Fatalf("port %d still listening after delete system services", port)
	}
}
