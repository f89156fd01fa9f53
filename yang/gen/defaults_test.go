package gen_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/openconfig/goyang/pkg/yang"

	"github.com/gnos/gnos/yang/gen"
)

const defaultsFile = "../defaults/junos-defaults.conf"

// stmt is one statement of Junos curly-brace text: `words;` or
// `words { body }`.
type stmt struct {
	line  int
	words []string
	block bool
	body  []*stmt
}

// parseConf parses the subset of curly-brace text junos-defaults.conf uses
// (no comments, quotes or leaf-list brackets), insisting on the layout
// `show configuration` prints: 4 spaces per level, one statement a line.
func parseConf(text string) ([]*stmt, error) {
	var root stmt
	stack := []*stmt{&root}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		n := i + 1
		depth := len(stack) - 1
		body := strings.TrimLeft(l, " ")
		indent := len(l) - len(body)
		if body == "}" {
			depth--
		}
		switch {
		case body == "" || strings.ContainsAny(l, "\t\r") || strings.HasSuffix(l, " "):
			return nil, fmt.Errorf("line %d: empty line, tab or trailing space", n)
		case depth < 0:
			return nil, fmt.Errorf("line %d: unbalanced '}'", n)
		case indent != 4*depth:
			return nil, fmt.Errorf("line %d: indented %d, want %d", n, indent, 4*depth)
		}
		parent := stack[len(stack)-1]
		switch {
		case body == "}":
			stack = stack[:len(stack)-1]
		case strings.HasSuffix(body, " {"):
			s := &stmt{line: n, words: strings.Fields(strings.TrimSuffix(body, " {")), block: true}
			parent.body = append(parent.body, s)
			stack = append(stack, s)
		case strings.HasSuffix(body, ";"):
			parent.body = append(parent.body, &stmt{line: n, words: strings.Fields(strings.TrimSuffix(body, ";"))})
		default:
			return nil, fmt.Errorf("line %d: statement ends with neither ';' nor '{'", n)
		}
	}
	if len(stack) != 1 {
		return nil, fmt.Errorf("unterminated block at end of text")
	}
	return root.body, nil
}

// toJSON converts statements to RFC 7951 JSON members of the schema node e
// (a gen.SchemaTree entry), typing values by the schema.
func toJSON(e *yang.Entry, body []*stmt, top bool) (map[string]any, error) {
	obj := map[string]any{}
	for _, s := range body {
		c := e.Dir[s.words[0]]
		if c == nil {
			return nil, fmt.Errorf("line %d: %q is not a child of %s", s.line, s.words[0], e.Path())
		}
		name := c.Name
		if top {
			name = topModule(c.Name) + ":" + c.Name
		}
		switch {
		case c.IsList():
			if len(s.words) != 2 || !s.block {
				return nil, fmt.Errorf("line %d: list %s needs one key and a block", s.line, c.Name)
			}
			m, err := toJSON(c, s.body, false)
			if err != nil {
				return nil, err
			}
			m[c.Key] = s.words[1]
			list, _ := obj[name].([]any)
			obj[name] = append(list, m)
		case c.IsContainer():
			m, err := toJSON(c, s.body, false)
			if err != nil {
				return nil, err
			}
			obj[name] = m
		case c.IsLeaf():
			if c.Type.Kind == yang.Yempty {
				obj[name] = []any{nil}
				continue
			}
			if len(s.words) != 2 || s.block {
				return nil, fmt.Errorf("line %d: leaf %s needs one value", s.line, c.Name)
			}
			obj[name] = leafValue(c.Type, s.words[1])
		default:
			return nil, fmt.Errorf("line %d: unsupported statement %s", s.line, c.Name)
		}
	}
	return obj, nil
}

// leafValue encodes v as RFC 7951 does for type t: 8..32-bit integers as
// numbers, everything else (names, ports, enums) as strings.
func leafValue(t *yang.YangType, v string) any {
	types := []*yang.YangType{t}
	if t.Kind == yang.Yunion {
		types = t.Type
	}
	for _, m := range types {
		switch m.Kind {
		case yang.Yint8, yang.Yint16, yang.Yint32, yang.Yuint8, yang.Yuint16, yang.Yuint32:
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				return json.Number(v)
			}
		}
	}
	return v
}

// topModule returns the module of the top-level node name, from the
// generated Device's struct tags.
func topModule(name string) string {
	rt := reflect.TypeOf(gen.Device{})
	for i := 0; i < rt.NumField(); i++ {
		if f := rt.Field(i); f.Tag.Get("path") == name {
			return f.Tag.Get("module")
		}
	}
	return ""
}

// defaultsJSON returns junos-defaults.conf as an RFC 7951 JSON document.
func defaultsJSON(t *testing.T) []byte {
	t.Helper()
	body, err := parseConf(string(readFile(t, defaultsFile)))
	if err != nil {
		t.Fatalf("%s: %v", defaultsFile, err)
	}
	obj, err := toJSON(gen.SchemaTree["Device"], body, true)
	if err != nil {
		t.Fatalf("%s: %v", defaultsFile, err)
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDefaultsLayout checks that junos-defaults.conf holds only junos-*
// applications, printed as `show configuration applications` prints them:
// statements in schema order, which is the order gnos prints.
func TestDefaultsLayout(t *testing.T) {
	body, err := parseConf(string(readFile(t, defaultsFile)))
	if err != nil {
		t.Fatalf("%s: %v", defaultsFile, err)
	}
	if len(body) != 1 || strings.Join(body[0].words, " ") != "applications" {
		t.Fatalf("top level: got %d statements, want one `applications` block", len(body))
	}
	app := gen.SchemaTree["GnosApplications_Applications_Application"]
	order := schemaOrder(t, "gnos-applications", "application")
	seen := map[string]bool{}
	for _, s := range body[0].body {
		if s.words[0] != "application" || len(s.words) != 2 || !strings.HasPrefix(s.words[1], "junos-") {
			t.Errorf("line %d: got %q, want `application junos-NAME {`", s.line, strings.Join(s.words, " "))
			continue
		}
		name := s.words[1]
		if seen[name] {
			t.Errorf("line %d: application %s defined twice", s.line, name)
		}
		seen[name] = true
		last := -1
		for _, c := range s.body {
			if app.Dir[c.words[0]] == nil {
				t.Errorf("line %d: %s: unknown statement %q", c.line, name, c.words[0])
				continue
			}
			if pos := order[c.words[0]]; pos < last {
				t.Errorf("line %d: %s: %q out of schema order", c.line, name, c.words[0])
			} else {
				last = pos
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("got %d predefined applications, want at least 20", len(seen))
	}
}

// schemaOrder returns the position of each child of list in module's
// top-level container, in YANG statement order.
func schemaOrder(t *testing.T, module, list string) map[string]int {
	t.Helper()
	ms := yang.NewModules()
	ms.AddPath("../modules")
	if err := ms.Read("../modules/" + module + ".yang"); err != nil {
		t.Fatal(err)
	}
	mod := ms.Modules[module]
	if mod == nil {
		t.Fatalf("module %s not found", module)
	}
	order := map[string]int{}
	for _, c := range mod.Container {
		for _, l := range c.List {
			if l.Name != list {
				continue
			}
			for i, s := range l.Statement().SubStatements() {
				order[s.Argument] = i
			}
		}
	}
	if len(order) == 0 {
		t.Fatalf("list %s not found in %s", list, module)
	}
	return order
}

// TestDefaultsLoad loads the predefined applications into the generated
// types and checks a few against the values Junos uses.
func TestDefaultsLoad(t *testing.T) {
	d := loadDevice(t, defaultsJSON(t))
	if err := d.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	tests := []struct {
		name     string
		protocol gen.GnosApplications_Applications_Application_Protocol_Union
		port     string
	}{
		{"junos-http", gen.GnosApplications_Applications_Application_Protocol_tcp, "80"},
		{"junos-https", gen.GnosApplications_Applications_Application_Protocol_tcp, "443"},
		{"junos-ssh", gen.GnosApplications_Applications_Application_Protocol_tcp, "22"},
		{"junos-dns-udp", gen.GnosApplications_Applications_Application_Protocol_udp, "53"},
		{"junos-ntp", gen.GnosApplications_Applications_Application_Protocol_udp, "123"},
		{"junos-traceroute", gen.GnosApplications_Applications_Application_Protocol_udp, "33435-33450"},
		{"junos-icmp-all", gen.GnosApplications_Applications_Application_Protocol_icmp, ""},
	}
	for _, tt := range tests {
		a := d.GetApplications().GetApplication(tt.name)
		if a == nil {
			t.Errorf("%s: not defined", tt.name)
			continue
		}
		if a.Protocol != tt.protocol || a.GetDestinationPort() != tt.port {
			t.Errorf("%s: got protocol %v port %q, want %v %q", tt.name, a.Protocol, a.GetDestinationPort(), tt.protocol, tt.port)
		}
	}
	ping := d.GetApplications().GetApplication("junos-icmp-ping")
	if got, want := ping.IcmpType, gen.GnosApplications_Applications_Application_IcmpType_echo_request; got != want {
		t.Errorf("junos-icmp-ping icmp-type: got %v, want %v", got, want)
	}
}

// TestDefaultsSatisfyReferences: references to junos-* applications resolve
// once the defaults are merged, as gnos does before validating.
func TestDefaultsSatisfyReferences(t *testing.T) {
	user := []byte(`{"gnos-applications:applications": {"application-set": [{"name": "mgmt",
		"application": [{"name": "junos-ssh"}, {"name": "junos-https"}]}]}}`)
	if err := loadDevice(t, user).Validate(); err == nil {
		t.Errorf("without defaults: got no error, want a leafref error for junos-ssh")
	}
	if err := loadDevice(t, defaultsJSON(t), user).Validate(); err != nil {
		t.Errorf("with defaults: got %v, want no error", err)
	}
}
