package netconf

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	msg := []byte(`<?xml version="1.0"?><nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="7"><load-configuration action="merge"><configuration><system><host-name>a&amp;b</host-name></system></configuration></load-configuration></nc:rpc>`)
	root, err := Parse(msg)
	if err != nil {
		t.Fatal(err)
	}
	if root.Name.Local != "rpc" {
		t.Fatalf("root = %s, want rpc", root.Name.Local)
	}
	if id, _ := root.Attr("message-id"); id != "7" {
		t.Fatalf("message-id = %q, want 7", id)
	}
	lc := root.Child("load-configuration")
	if a, _ := lc.Attr("action"); a != "merge" {
		t.Fatalf("action = %q, want merge", a)
	}
	cfg := lc.Child("configuration")
	if got, want := string(cfg.Raw), `<configuration><system><host-name>a&amp;b</host-name></system></configuration>`; got != want {
		t.Fatalf("Raw = %q, want %q", got, want)
	}
	if got := cfg.Child("system").Value("host-name"); got != "a&b" {
		t.Fatalf("host-name = %q, want a&b", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"entity bomb", `<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><rpc>&b;</rpc>`},
		{"external entity", `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rpc>&x;</rpc>`},
		{"undefined entity", `<rpc>&x;</rpc>`},
		{"unclosed", `<rpc><get>`},
		{"mismatched", `<rpc></get>`},
		{"two roots", `<rpc/><rpc/>`},
		{"text outside", `hello<rpc/>`},
		{"empty", ``},
		{"too deep", strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.in)); !errors.Is(err, errBadXML) {
				t.Fatalf("got %v, want a malformed XML error", err)
			}
		})
	}
}

// FuzzParse: no panic; Raw always a well-formed slice that parses again
// to the same element name.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<rpc message-id="1"><get-configuration format="text"><configuration><system/></configuration></get-configuration></rpc>`))
	f.Add([]byte(`<!DOCTYPE r [<!ENTITY a "a">]><rpc>&a;</rpc>`))
	f.Add([]byte(`<nc:rpc xmlns:nc="x"><a b="c">t<![CDATA[<x>]]></a></nc:rpc>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		root, err := Parse(in)
		if err != nil {
			return
		}
		var walk func(n *Node, depth int)
		walk = func(n *Node, depth int) {
			if depth > maxDepth {
				t.Fatalf("depth %d over the limit", depth)
			}
			for _, k := range n.Kids {
				walk(k, depth+1)
			}
		}
		walk(root, 1)
		again, err := Parse(root.Raw)
		if err != nil && !strings.Contains(err.Error(), "namespace") {
			// Raw may lose a namespace declaration of an ancestor, never
			// well-formedness.
			t.Fatalf("Raw %q does not parse: %v", root.Raw, err)
		}
		if err == nil && again.Name.Local != root.Name.Local {
			t.Fatalf("Raw parses to <%s>, want <%s>", again.Name.Local, root.Name.Local)
		}
	})
}

func TestXMLEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\nb\tc", "a\nb\tc"},
		{`<a & "b">`, `&lt;a &amp; "b"&gt;`},
		{"cr\r", "cr&#xD;"},
		{"bell\x07", "bell\uFFFD"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"é", "é"},
	}
	for _, tt := range tests {
		if got := xmlEscape(tt.in); got != tt.want {
			t.Errorf("xmlEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := attrEscape(`"`), "&quot;"; got != want {
			t.Errorf("attrEscape(\") = %q, want %q", got, want)
		}
		if _, err := Parse([]byte(`<a b="` + attrEscape(tt.in) + `">` + xmlEscape(tt.in) + "</a>")); err != nil {
			t.Errorf("escaped %q does not parse: %v", tt.in, err)
		}
	}
}
