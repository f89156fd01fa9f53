package servicesd_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// oneNATConf: ss1 (sfw → napt-44) on ms-0/0/0, whose PIC also loads the
// test-fatal plugin (a control handler that panics once when armed,
// without restart support).
var oneNATConf = strings.Replace(sessionsConf, "package nat;", "package nat; package test-fatal;", 1)

// TestSessionsSurvivePICRestart: a plugin without restart support
// panics in its control handler, which restarts the PIC runtime; the
// established sessions of another service-set are saved from the old
// runtime and restored into the new one at the end of its resync: their
// next packets pass the firewall (a new runtime without them drops an
// ACK) and keep their NAT address and port, with the same session ids.
func TestSessionsSurvivePICRestart(t *testing.T) {
	h := start(t)
	h.loadCommit(oneNATConf)
	h.waitSynced("ss1")
	b, _ := h.n.Services.SSRB("ss1")
	p := h.pic(slot00)
	var mapped []string
	for i := 1; i <= 3; i++ {
		mapped = append(mapped, establish(t, p, b.ID, i))
	}
	ids := sessionIDsOf(p)
	old := p.Runtime()

	h.set("set services service-set boom extension-service test-fatal",
		"set services service-set boom service-order forward-flow test-fatal",
		"set services service-set boom interface-service service-interface ms-0/0/0.77")
	armFatal.Store(true)
	if err := h.commit(false); err != nil {
		t.Fatal(err)
	}
	h.waitSynced("boom")
	testkit.Eventually(t, "the sessions restored into the new runtime", func() error {
		st := p.Status()
		if rt := p.Runtime(); rt == old || st.Restarts != 1 || sessionCount(p) != 3 {
			return fmt.Errorf("restarts %d, %d sessions, restore %+v", st.Restarts, sessionCount(p), st.RestartRestore)
		}
		return nil
	})
	if r := p.Status().RestartRestore; r == nil || r.Saved != 3 || r.Restored == nil || r.Restored.Restored != 3 {
		t.Errorf("restart restore: got %+v, want 3 saved and restored", r)
	}
	got := send(t, p, b.ID, tcp(t, 1, pic.TCPAck), tcp(t, 2, pic.TCPAck), tcp(t, 3, pic.TCPAck))
	if fmt.Sprint(got) != fmt.Sprint(mapped) {
		t.Fatalf("after the PIC restart the flows left as %v, want their NAT mappings %v", got, mapped)
	}
	if now := sessionIDsOf(p); fmt.Sprint(now) != fmt.Sprint(ids) {
		t.Errorf("session ids after the restart %v, before %v", now, ids)
	}
	if out := h.cli("show chassis pic fpc-slot 0 pic-slot 0 extensive"); !strings.Contains(out, "restored 3 sessions after the PIC restart") {
		t.Errorf("show chassis pic lacks the restore:\n%s", out)
	}
}

// sessionIDsOf maps d's sessions' client addresses to their session ids.
func sessionIDsOf(d *picd.Daemon) map[string]uint32 {
	out := map[string]uint32{}
	for _, s := range d.Runtime().DP.Sessions(dataplane.SessionFilter{}) {
		out[s.Flows[0].Src.String()] = s.Session
	}
	return out
}
