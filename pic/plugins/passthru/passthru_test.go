package passthru_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/pictest"
	"github.com/gnos/gnos/pic/plugins/passthru"
)

func TestCompile(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	root, _, err := format.ParseText(s.Root, `services {
    service-set a { extension-service passthru; service-order { forward-flow passthru; } }
    service-set b { service-order { forward-flow stateful-firewall; } }
}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ ss, want string }{
		{"a", `{"description":"passthru for service-set a"}`},
		{"b", ""},
	}
	for _, tc := range tests {
		got, _, err := passthru.Compile(&compile.Input{Name: tc.ss, Root: root,
			ServiceSet: root.ChildNamed("services", "").ChildNamed("service-set", tc.ss)})
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.ss, got, err, tc.want)
		}
	}
}

// TestSaveRestore: a passthru session's description travels in its HA
// state blob to another data plane, where the session is restored with
// it, and is freed when the session goes.
func TestSaveRestore(t *testing.T) {
	const cfg = `services { service-set a { extension-service passthru; service-order { forward-flow passthru; } } }`
	opts := pictest.Options{Config: cfg, ServiceSet: "a", Plugins: []string{passthru.Name}}
	a := pictest.New(t, opts)
	a.Send(pic.Input, pic.PacketSpec{Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"),
		Proto: pic.ProtoUDP, SPort: 1000, DPort: 2000})
	saved, err := a.DP.SaveSessions(context.Background(), dataplane.SaveOptions{})
	if err != nil || saved.Sessions != 1 {
		t.Fatalf("saved %d sessions, %v; want 1", saved.Sessions, err)
	}
	b := pictest.New(t, opts)
	st, err := b.DP.RestoreSessions(context.Background(), saved.Records, saved.Sets, 0)
	if err != nil || st.Restored != 1 {
		t.Fatalf("restore: got %+v, %v; want 1 restored", st, err)
	}
	ss := b.DP.Sessions(dataplane.SessionFilter{Extensive: true})
	if len(ss) != 1 || len(ss[0].Plugins) != 1 || ss[0].Plugins[0].Text != "passthru for service-set a" {
		t.Fatalf("got %+v, want one session described \"passthru for service-set a\"", ss)
	}
	if n := b.InUse(passthru.Name); n != 1 {
		t.Errorf("got %d notes in use, want 1", n)
	}
	b.DP.ClearSessions(0, true)
	if n := b.InUse(passthru.Name); n != 0 {
		t.Errorf("got %d notes in use after clear, want 0", n)
	}
}
