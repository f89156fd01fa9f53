package netconf

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// pipeConn is a session transport: client bytes in, server bytes out.
type pipeConn struct {
	io.Reader
	out bytes.Buffer
}

func (p *pipeConn) Write(b []byte) (int, error) { return p.out.Write(b) }

// TestEOMTooBig: a base:1.0 message over the limit gets a too-big
// rpc-error and ends the session.
func TestEOMTooBig(t *testing.T) {
	srv := newTestServer(t)
	srv.cfg.MaxMessage = 1000
	hello := `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>`
	in := hello + `<rpc message-id="1"><get-configuration/></rpc>]]>]]>` +
		"<rpc>" + strings.Repeat("x", 5000) + "</rpc>]]>]]>" +
		`<rpc message-id="3"><get-configuration/></rpc>]]>]]>`
	conn := &pipeConn{Reader: strings.NewReader(in)}
	err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "admin", "", LevelConfigure)
	if err == nil || !strings.Contains(err.Error(), "too big") {
		t.Fatalf("session ended with %v, want a too-big error", err)
	}
	out := conn.out.String()
	if !strings.Contains(out, `message-id="1"`) || !strings.Contains(out, "<error-tag>too-big</error-tag>") {
		t.Fatalf("output %q: want the first reply and a too-big rpc-error", out)
	}
	if strings.Contains(out, `message-id="3"`) {
		t.Fatalf("a message after the too-big one was answered")
	}
	if srv.Sessions() != 0 {
		t.Fatalf("sessions = %d after the end, want 0", srv.Sessions())
	}
}

// TestHelloErrors: a session needs the client's hello first, without a
// session-id and with a base capability.
func TestHelloErrors(t *testing.T) {
	srv := newTestServer(t)
	for _, in := range []string{
		`<rpc message-id="1"><get/></rpc>]]>]]>`,
		`<hello><capabilities/><session-id>4</session-id></hello>]]>]]>`,
		`not xml]]>]]>`,
		`<hello><capabilities><capability>urn:example:no-base</capability></capabilities></hello>]]>]]>`,
		`<hello/>]]>]]>`,
	} {
		conn := &pipeConn{Reader: strings.NewReader(in)}
		if err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "admin", "", LevelConfigure); err == nil {
			t.Errorf("input %q: session accepted, want an error", in)
		}
	}
}

func TestSessionsPerUser(t *testing.T) {
	srv := newTestServer(t)
	srv.cfg.MaxSessionsPerUser = 2
	a, err1 := srv.register("u", LevelView, nopCloser{})
	_, err2 := srv.register("u", LevelView, nopCloser{})
	_, err3 := srv.register("u", LevelView, nopCloser{})
	if err1 != nil || err2 != nil || err3 == nil {
		t.Fatalf("register x3 = %v, %v, %v; want the third refused", err1, err2, err3)
	}
	if _, err := srv.register("v", LevelView, nopCloser{}); err != nil {
		t.Fatalf("another user refused: %v", err)
	}
	a.release()
	if _, err := srv.register("u", LevelView, nopCloser{}); err != nil {
		t.Fatalf("register after a release: %v", err)
	}
}
