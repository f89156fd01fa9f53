package netconf

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

const helloMsg = `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>`

// bigEdit is an edit-config of n application entries.
func bigEdit(id string, n int) string {
	var b strings.Builder
	b.WriteString(`<rpc message-id="` + id + `"><edit-config><target><candidate/></target><config><configuration><applications>`)
	for i := range n {
		b.WriteString("<application><name>a")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("</name><destination-port>80</destination-port></application>")
	}
	b.WriteString(`</applications></configuration></config></edit-config></rpc>]]>]]>`)
	return b.String()
}

// A read-only user's edit is refused from its first elements: the body is
// never parsed (a malformed body still gets access-denied, not a parse
// error), and the session goes on.
func TestPermissionBeforeParse(t *testing.T) {
	srv := newTestServer(t)
	in := helloMsg +
		`<rpc message-id="1"><edit-config><target><candidate/></target><config>` + strings.Repeat("<unclosed>", 1000) + `</rpc>]]>]]>` +
		bigEdit("2", 200_000) +
		`<rpc message-id="3"><get-configuration/></rpc>]]>]]>`
	conn := &pipeConn{Reader: strings.NewReader(in)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "ro", LevelView, ""); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	out := conn.out.String()
	for _, id := range []string{"1", "2"} {
		i := strings.Index(out, `message-id="`+id+`"`)
		if i < 0 || !strings.Contains(out[i:min(len(out), i+600)], "<error-tag>access-denied</error-tag>") {
			t.Fatalf("message %s: want access-denied, output:\n%.3000s", id, out)
		}
	}
	if strings.Contains(out, "malformed-message") {
		t.Fatalf("the refused body was parsed:\n%.2000s", out)
	}
	if !strings.Contains(out, `message-id="3"`) {
		t.Fatalf("the session stopped after the refusals")
	}
	t.Logf("%d-byte message refused; %d MB allocated while serving the session", len(in), (after.TotalAlloc-before.TotalAlloc)>>20)
}

// Past the budget shared by all sessions, a message is read to its end,
// dropped and answered resource-denied with its message-id; the session
// stays usable and the budget is whole again afterwards.
func TestInFlightBudget(t *testing.T) {
	srv := newTestServer(t)
	srv.budget = newBudget(1 << 20)
	big := `<rpc message-id="7"><get-configuration>` + strings.Repeat("<x/>", 1<<19) + `</get-configuration></rpc>]]>]]>`
	in := helloMsg + big + `<rpc message-id="8"><get-configuration/></rpc>]]>]]>`
	conn := &pipeConn{Reader: strings.NewReader(in)}
	if err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "admin", LevelConfigure, ""); err != nil {
		t.Fatal(err)
	}
	out := conn.out.String()
	i := strings.Index(out, `message-id="7"`)
	if i < 0 || !strings.Contains(out[i:], "<error-tag>resource-denied</error-tag>") {
		t.Fatalf("want resource-denied for message 7:\n%.2000s", out)
	}
	j := strings.Index(out, `message-id="8"`)
	if j < 0 || strings.Contains(out[j:], "rpc-error") {
		t.Fatalf("message 8 after the refusal: want a reply without error:\n%.2000s", out[i:])
	}
	if n := srv.budget.InFlight(); n != 0 {
		t.Fatalf("budget holds %d bytes after the session", n)
	}
}

// The same over base:1.1 chunked framing.
func TestInFlightBudgetChunked(t *testing.T) {
	srv := newTestServer(t)
	srv.budget = newBudget(1 << 20)
	hello11 := `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>`
	chunk := func(s string) string { return "\n#" + itoa(len(s)) + "\n" + s }
	body := strings.Repeat("<x/>", 1<<19)
	in := hello11 + chunk(`<rpc message-id="7"><get-configuration>`) + chunk(body) + chunk(`</get-configuration></rpc>`) + "\n##\n" +
		chunk(`<rpc message-id="8"><get-configuration/></rpc>`) + "\n##\n"
	conn := &pipeConn{Reader: strings.NewReader(in)}
	if err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "admin", LevelConfigure, ""); err != nil {
		t.Fatal(err)
	}
	out := conn.out.String()
	i := strings.Index(out, `message-id="7"`)
	if i < 0 || !strings.Contains(out[i:], "resource-denied") || !strings.Contains(out[i:], `message-id="8"`) {
		t.Fatalf("chunked: want resource-denied for 7, then 8 served:\n%.2000s", out)
	}
}

// A session over the per-user limit is told why before the close.
func TestSessionOverLimitIsTold(t *testing.T) {
	srv := newTestServer(t)
	srv.cfg.MaxSessionsPerUser = 1
	if _, err := srv.register("u", LevelView, nopCloser{}); err != nil {
		t.Fatal(err)
	}
	conn := &pipeConn{Reader: strings.NewReader(helloMsg)}
	if err := srv.serveNETCONF(context.Background(), conn, nopCloser{}, "u", LevelView, ""); err == nil {
		t.Fatal("second session accepted")
	}
	if out := conn.out.String(); !strings.Contains(out, "resource-denied") || !strings.Contains(out, "too many sessions for u (limit 1)") {
		t.Fatalf("refusal output %q", out)
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
