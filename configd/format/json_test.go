package format

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

func jsonOf(tb testing.TB, n *tree.Node, indent bool) string {
	tb.Helper()
	return written(tb, func(w io.Writer) error { return WriteJSON(w, n, indent) })
}

func TestWriteJSON(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, `/* router */
system {
    host-name r1;
    port 22;
    offset -5;
    counter 18446744073709551615;
    ratio 1.50;
    enabled true;
    mode fast;
    size unlimited;
    inactive: servers a;
    servers b;
    services {
        inactive: ssh;
        telnet;
    }
}
services {
    service-set S1 {
        nat-rules n1;
    }
    nat {
        pool p {
            address 192.0.2.0/24;
        }
    }
}
routing-options {
    route 10.0.0.0/8 main;
}
`)
	want := `{
  "fmt-test:system": {
    "@": {
      "gnos-extensions:comment": "router"
    },
    "host-name": "r1",
    "port": 22,
    "offset": -5,
    "counter": "18446744073709551615",
    "ratio": "1.50",
    "enabled": true,
    "mode": "fast",
    "size": "unlimited",
    "servers": [
      "a",
      "b"
    ],
    "@servers": [
      {
        "gnos-extensions:inactive": true
      },
      null
    ],
    "services": {
      "ssh": {
        "@": {
          "gnos-extensions:inactive": true
        }
      },
      "telnet": [null]
    }
  },
  "fmt-test:services": {
    "fmt-test-aug:nat": {
      "pool": [
        {
          "name": "p",
          "address": [
            "192.0.2.0/24"
          ]
        }
      ]
    },
    "service-set": [
      {
        "name": "S1",
        "fmt-test-aug:nat-rules": "n1"
      }
    ]
  },
  "fmt-test:routing-options": {
    "route": [
      {
        "prefix": "10.0.0.0/8",
        "table": "main"
      }
    ]
  }
}
`
	got := jsonOf(t, tr, true)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	var v any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Errorf("indented output is not valid JSON: %v", err)
	}
	compact := jsonOf(t, tr, false)
	if err := json.Unmarshal([]byte(compact), &v); err != nil {
		t.Errorf("compact output is not valid JSON: %v\n%s", err, compact)
	}
	if strings.ContainsAny(compact, "\n ") {
		t.Errorf("compact output has blanks: %s", compact)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	root := testRoot(t)
	tr := parseText(t, root, sampleText+"system { size 12; offset 0; enabled false; counter 1; ratio 0.5; }\n")
	for _, indent := range []bool{true, false} {
		doc := jsonOf(t, tr, indent)
		back, _, err := ParseJSON(root, strings.NewReader(doc))
		if err != nil {
			t.Fatalf("indent %v: %v\n%s", indent, err, doc)
		}
		if !tree.Equal(back, tr) {
			t.Errorf("indent %v: round trip differs:\n got:\n%s\nwant:\n%s", indent, textOf(t, back), textOf(t, tr))
		}
	}
}

func TestParseJSON(t *testing.T) {
	root := testRoot(t)
	tests := []struct {
		name, in, text string
		dirs           []string
	}{
		{"unqualified and junos wrapper", `{"configuration": {"system": {"host-name": "r1", "port": "22"}}}`,
			"system {\n    host-name r1;\n    port 22;\n}\n", nil},
		{"key last", `{"fmt-test:services": {"service-set": [{"max-flows": 5, "name": "S1"}]}}`,
			"services {\n    service-set S1 {\n        max-flows 5;\n    }\n}\n", nil},
		{"junos metadata", `{"system": {"@": {"comment": "/* sys */"}, "host-name": "r1", "@host-name": {"inactive": true},
			"services": {"ssh": {"@": {"junos:active": true}}, "@": {"operation": "replace"}}}}`,
			"/* sys */\nsystem {\n    inactive: host-name r1;\n    services {\n        ssh;\n    }\n}\n",
			[]string{"active system services ssh", "replace system services", "inactive system host-name r1"}},
		{"delete operations", `{"system": {"host-name": "r1", "@host-name": {"ietf-netconf:operation": "delete"}, "port": 1,
			"services": {"@": {"operation": "delete"}}},
			"interfaces": {"interface": [{"name": "ge-0/0/0", "@": {"operation": "remove"}}]},
			"services": {"service-set": [{"@": {"operation": "delete"}}]}}`,
			"system {\n    port 1;\n}\n",
			[]string{"delete system services", "delete system host-name r1", "delete interfaces ge-0/0/0", "delete services service-set"}},
		{"empty leaf forms", `{"system": {"services": {"telnet": null}}}`, "system {\n    services {\n        telnet;\n    }\n}\n", nil},
		{"unknown metadata skipped", `{"system": {"@": {"x:y": {"a": [1, {"b": 2}]}}, "port": 1}}`, "system {\n    port 1;\n}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, dirs, err := ParseJSON(root, strings.NewReader(tt.in))
			checkParsed(t, tr, dirs, err, tt.text, tt.dirs)
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	root := testRoot(t)
	deep := `{"system": {"@": {"x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "}}}"
	tests := []struct {
		name, in, want string
	}{
		{"unknown member", "{\"system\": {\n\"foo\": 1}}", `json:2:6: system/foo: unknown member "foo"`},
		{"wrong module", `{"fmt-test-aug:system": {}}`, `json:1:23: system: member "fmt-test-aug:system": system is defined by module fmt-test`},
		{"bad value", `{"system": {"port": 70000}}`, `json:1:26: system/port: value 70000 is not within range (0..65535)`},
		{"not an object", `[1]`, `json:1:2: expecting an object`},
		{"syntax", `{"system": {"port": }}`, `json:1:21: system/port: syntax error: invalid character '}' looking for beginning of value`},
		{"truncated", `{"system": {`, `json:1:13: system: unexpected end of input`},
		{"trailing", `{} {}`, `json:1:5: unexpected data after the configuration`},
		{"missing key", `{"services": {"service-set": [{"max-flows": 1}]}}`, `json:1:47: services/service-set: missing key "name"`},
		{"too deep", deep, `json:1:86: system: nesting deeper than 64 levels`},
		{"leaf-list needs array", `{"system": {"servers": "a"}}`, `json:1:27: system/servers: expecting an array`},
		{"metadata for missing leaf", `{"system": {"@port": {"inactive": true}}}`, `json:1:41: system: metadata @port for a missing leaf or leaf-list`},
		{"object for leaf", `{"system": {"port": {}}}`, `json:1:22: system/port: expecting a value for port`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseJSON(root, strings.NewReader(tt.in))
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
