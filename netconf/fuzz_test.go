package netconf

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/db"
)

// newTestServer builds a server on an in-process configd (no listener).
func newTestServer(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	st, err := db.Open(filepath.Join(dir, "gnos.db"), db.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cd, err := configd.New(context.Background(), configd.Options{Store: st, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ops := cli.NewTable()
	cli.BaseCommands(ops)
	s, err := New(Config{Configd: cd, CLI: &cli.Engine{Configd: cd, Ops: ops, DataDir: dir, Version: cli.Version}, DataDir: dir, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// FuzzRPC sends arbitrary messages to a session as a super-user: the
// server must answer each with exactly one rpc-reply (an error for bad
// input) and never panic.
func FuzzRPC(f *testing.F) {
	for _, seed := range []string{
		`<rpc message-id="1"><get-configuration format="text"/></rpc>`,
		`<rpc message-id="2"><load-configuration action="set"><configuration-set>set system host-name x</configuration-set></load-configuration></rpc>`,
		`<rpc message-id="3"><load-configuration format="xml"><configuration><system><host-name>y</host-name></system></configuration></load-configuration></rpc>`,
		`<rpc message-id="4"><edit-config><target><candidate/></target><config><configuration><system operation="delete"/></configuration></config></edit-config></rpc>`,
		`<rpc message-id="5"><get-config><source><running/></source><filter type="subtree"><configuration><system><login><user><name>a</name></user></login></system></configuration></filter></get-config></rpc>`,
		`<rpc message-id="6"><commit-configuration><check/></commit-configuration></rpc>`,
		`<rpc message-id="7"><command format="text">show system commit</command></rpc>`,
		`<rpc message-id="8"><lock><target><candidate/></target></lock></rpc>`,
		`<rpc message-id="9"><get-rollback-information><rollback>0</rollback></get-rollback-information></rpc>`,
		`<rpc><open-configuration><private/></open-configuration></rpc>`,
		`<rpc message-id="10"><edit-config><target><candidate/></target><default-operation>none</default-operation><error-option>continue-on-error</error-option><config><configuration><interfaces><interface operation="create"><name>ge-0/0/0</name><mtu>1500</mtu><unit operation="delete"><name>0</name></unit></interface></interfaces></configuration></config></edit-config></rpc>`,
		`<rpc message-id="11"><edit-config><target><candidate/></target><test-option>test-only</test-option><default-operation>replace</default-operation><config><configuration><system><host-name operation="remove"/></system></configuration></config></edit-config></rpc>`,
		`<rpc message-id="12"><get-config><source><running/></source><filter type="xpath" select="/configuration/system/login/user[name='a']/class | //host-name"/></get-config></rpc>`,
		`<rpc message-id="13"><get><filter><netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><sessions><session><session-id>1</session-id></session></sessions></netconf-state></filter></get></rpc>`,
		`<rpc message-id="14"><get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><identifier>gnos-system</identifier></get-schema></rpc>`,
		`<rpc message-id="15" xmlns:ex="urn:ex" ex:a="b"><get-config><source><running/></source><with-defaults>report-all</with-defaults></get-config></rpc>`,
		`<rpc/>`,
	} {
		f.Add([]byte(seed))
	}
	srv := newTestServer(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		ss, err := srv.register("fuzz", LevelConfigure, nopCloser{})
		if err != nil {
			t.Fatal(err)
		}
		defer ss.release()
		var out strings.Builder
		ss.w = NewWriter(&out)
		if err := ss.handle(context.Background(), msg); err != nil {
			t.Fatalf("handle: %v", err)
		}
		reply := strings.TrimSuffix(out.String(), eom)
		root, err := Parse([]byte(reply))
		if err != nil || root.Name.Local != "rpc-reply" {
			t.Fatalf("reply %q is not an rpc-reply: %v", reply, err)
		}
	})
}
