package format

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

func xmlOf(tb testing.TB, n *tree.Node, indent bool) string {
	tb.Helper()
	return written(tb, func(w io.Writer) error { return WriteXML(w, n, indent) })
}

func TestWriteXML(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, `system {
    /* name & more */
    host-name "a<b>";
    servers [ x y ];
    services {
        inactive: ssh;
        telnet;
    }
}
interfaces {
    ge-0/0/0 {
        disable;
        unit 0;
    }
}
routing-options {
    route 10.0.0.0/8 main;
}
`)
	want := `<system>
    <junos:comment>/* name &amp; more */</junos:comment>
    <host-name>a&lt;b&gt;</host-name>
    <servers>x</servers>
    <servers>y</servers>
    <services>
        <ssh inactive="inactive"/>
        <telnet/>
    </services>
</system>
<interfaces>
    <interface>
        <name>ge-0/0/0</name>
        <disable/>
        <unit>
            <name>0</name>
        </unit>
    </interface>
</interfaces>
<routing-options>
    <route>
        <prefix>10.0.0.0/8</prefix>
        <table>main</table>
    </route>
</routing-options>
`
	if got := xmlOf(t, tr, true); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	compact := "<system><junos:comment>/* name &amp; more */</junos:comment><host-name>a&lt;b&gt;</host-name>"
	if got := xmlOf(t, tr, false); !strings.HasPrefix(got, compact) {
		t.Errorf("compact: got %q, want prefix %q", got, compact)
	}
}

func TestXMLRoundTrip(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, sampleText)
	for _, indent := range []bool{true, false} {
		doc := `<configuration xmlns:junos="http://xml.juniper.net/junos/23.4R1/junos">` + xmlOf(t, tr, indent) + "</configuration>"
		back, _, err := ParseXML(root, strings.NewReader(doc))
		if err != nil {
			t.Fatalf("indent %v: %v\n%s", indent, err, doc)
		}
		if !tree.Equal(back, tr) {
			t.Errorf("indent %v: round trip differs:\n got:\n%s\nwant:\n%s", indent, textOf(t, back), textOf(t, tr))
		}
	}
}

func TestParseXML(t *testing.T) {
	root := testRoot(t)
	tests := []struct {
		name, in, text string
		dirs           []string
	}{
		{"bare elements", "<system><host-name>r1</host-name></system><system><port>22</port></system>",
			"system {\n    host-name r1;\n    port 22;\n}\n", nil},
		{"netconf wrapper and namespaces", `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><configuration><system xmlns="urn:x"><host-name>r1</host-name></system></configuration></config>`,
			"system {\n    host-name r1;\n}\n", nil},
		{"key after children", "<services><service-set><max-flows>5</max-flows><name>S1</name></service-set></services>",
			"services {\n    service-set S1 {\n        max-flows 5;\n    }\n}\n", nil},
		{"operations", `<configuration xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">
<system><host-name nc:operation="delete"/><services replace="replace"><ssh/></services></system>
<interfaces><interface delete="delete"><name>ge-0/0/1</name></interface>
<interface inactive="inactive"><name>ge-0/0/2</name></interface>
<interface active="active"><name>ge-0/0/3</name></interface></interfaces>
<services><service-set operation="remove"/></services>
</configuration>`,
			"system {\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    inactive: ge-0/0/2;\n    ge-0/0/3;\n}\n",
			[]string{"delete system host-name", "replace system services", "delete interfaces ge-0/0/1",
				"inactive interfaces ge-0/0/2", "active interfaces ge-0/0/3", "delete services service-set"}},
		{"comment before leaf-list item", `<system xmlns:junos="http://xml.juniper.net/junos/*/junos"><servers>a</servers><junos:comment>/* b! */</junos:comment><servers>b</servers></system>`,
			"system {\n    servers a;\n    /* b! */\n    servers b;\n}\n", nil},
		{"empty non-presence containers merge nothing", "<system><host-name>r1</host-name><services/></system><interfaces/>",
			"system {\n    host-name r1;\n}\n", nil},
		{"whitespace around elements", "\n<system>\n  <services>\n    <telnet>\n    </telnet>\n  </services>\n</system>\n",
			"system {\n    services {\n        telnet;\n    }\n}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, dirs, err := ParseXML(root, strings.NewReader(tt.in))
			checkParsed(t, tr, dirs, err, tt.text, tt.dirs)
		})
	}
}

func TestParseXMLErrors(t *testing.T) {
	root := testRoot(t)
	deep := strings.Repeat("<configuration>", 70) + strings.Repeat("</configuration>", 70)
	tests := []struct {
		name, in, want string
	}{
		{"unknown element", "<system>\n<foo/></system>", "xml:2:7: system/foo: unknown element <foo>"},
		{"bad value", "<interfaces><interface><name>ge-0/0/0</name><mtu>1</mtu></interface></interfaces>", "xml:1:57: interfaces/interface/mtu: value 1 is not within range (256..9192)"},
		{"missing key", "<services><service-set><max-flows>5</max-flows></service-set></services>", "xml:1:62: services/service-set: missing key <name>"},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><system><host-name>&lol2;</host-name></system>`, "xml:1:86: DOCTYPE and entity declarations are not allowed"},
		{"undefined entity", "<system><host-name>&lol;</host-name></system>", "xml:1:25: syntax error: invalid character entity &lol;"},
		{"too deep", deep, "xml:1:976: .../configuration/configuration/configuration/configuration/configuration/configuration/configuration/configuration: nesting deeper than 64 elements"},
		{"element in leaf", "<system><host-name><x/></host-name></system>", "xml:1:24: system/host-name: unexpected element <x> in a leaf"},
		{"text in container", "<system>oops</system>", "xml:1:13: system: unexpected text \"oops\""},
		{"bad operation", `<system operation="frob"/>`, "xml:1:27: system: invalid operation \"frob\""},
		{"truncated", "<system><host-name>r1</host-name>", "xml:1:34: syntax error: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseXML(root, strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T (%v), want *ParseError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}
