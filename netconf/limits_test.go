package netconf_test

import (
	"strings"
	"testing"
)

// TestHostileInputsOverSSH sends, over a real NETCONF session in both
// framings, the inputs the limits exist for: an RPC nested past the
// message parser's depth (128), a JSON configuration nested past the
// configuration parsers' depth (64, inside an annotation the parser
// skips), deep XML and text nesting (refused at the first element the
// schema does not allow), an entity bomb, an external entity, an
// undefined entity. Each gets an rpc-error; the session
// carries on and the candidate is unchanged. (Message size: see
// TestHugeMessageEndsOnlyThatSession and TestEOMTooBig.)
func TestHostileInputsOverSSH(t *testing.T) {
	n, _ := startNode(t)
	deep := func(open, close string, k int) string { return strings.Repeat(open, k) + strings.Repeat(close, k) }
	// An op is wrapped in an <rpc>, unless it is a whole message (DOCTYPE
	// first). A message the server cannot parse gets a reply without
	// message-id. tag "" means any rpc-error (the configuration parsers
	// report depth as invalid-value or bad-element).
	tests := []struct{ name, op, tag string }{
		{"rpc nested 200 deep", `<get-configuration>` + deep("<a>", "</a>", 200) + `</get-configuration>`, "malformed-message"},
		{"XML nested 100 deep in a leaf", `<load-configuration action="merge"><configuration><system><host-name>` +
			deep("<b>", "</b>", 100) + `</host-name></system></configuration></load-configuration>`, ""},
		{"JSON nested 10000 deep in an annotation", `<load-configuration action="merge" format="json"><configuration-json>{"configuration":{"system":{"@":{"junk":` +
			deep("[", "]", 10000) + `}}}}</configuration-json></load-configuration>`, ""},
		{"text nested 10000 deep", `<load-configuration action="merge" format="text"><configuration-text>` +
			deep("system { ", "} ", 10000) + `</configuration-text></load-configuration>`, ""},
		{"entity bomb", `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
			`<rpc message-id="x"><load-configuration action="merge"><configuration><system><host-name>&c;</host-name></system></configuration></load-configuration></rpc>`, "malformed-message"},
		{"external entity", `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			`<rpc message-id="x"><load-configuration action="merge"><configuration><system><host-name>&xxe;</host-name></system></configuration></load-configuration></rpc>`, "malformed-message"},
		{"entity reference in a configuration", `<load-configuration action="merge"><configuration><system><host-name>&lol;</host-name></system></configuration></load-configuration>`, "malformed-message"},
	}
	for _, base11 := range []bool{false, true} {
		c := dial(t, n, "admin", base11)
		for _, tt := range tests {
			t.Run(map[bool]string{false: "base1.0 ", true: "base1.1 "}[base11]+tt.name, func(t *testing.T) {
				var r *nodeT
				var err error
				switch {
				case strings.HasPrefix(tt.op, "<!DOCTYPE"):
					r, err = c.raw([]byte(tt.op), "") // a whole message
				case tt.tag == "malformed-message":
					r, err = c.raw([]byte(`<rpc message-id="x">`+tt.op+`</rpc>`), "")
				default:
					r, err = c.try(tt.op)
				}
				if err != nil {
					t.Fatalf("session ended: %v", err)
				}
				errs := errorsOf(r)
				if len(errs) == 0 {
					t.Fatalf("accepted, want an rpc-error")
				}
				t.Logf("%v", errs)
				if tt.tag != "" {
					wantError(t, r, tt.tag)
				}
				// The session carries on and the candidate is unchanged.
				d := ok(t, c.rpc(`<get-configuration compare="rollback" rollback="0" format="text"/>`))
				if out := strings.TrimSpace(d.Child("configuration-information").Value("configuration-output")); out != "" {
					t.Fatalf("candidate changed after %v:\n%s", errs, out)
				}
			})
		}
	}
}
