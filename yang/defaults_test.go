package yang_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/openconfig/goyang/pkg/yang"
)

const defaultsFile = "defaults/junos-defaults.conf"

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
// (an entry of schemaTree), typing values by the schema; at the top
// (top), member names carry their module.
func toJSON(e *yang.Entry, body []*stmt, top map[string]string) (map[string]any, error) {
	obj := map[string]any{}
	for _, s := range body {
		c := e.Dir[s.words[0]]
		if c == nil {
			return nil, fmt.Errorf("line %d: %q is not a child of %s", s.line, s.words[0], e.Path())
		}
		name := c.Name
		if top != nil {
			name = top[c.Name] + ":" + c.Name
		}
		switch {
		case c.IsList():
			if len(s.words) != 2 || !s.block {
				return nil, fmt.Errorf("line %d: list %s needs one key and a block", s.line, c.Name)
			}
			m, err := toJSON(c, s.body, nil)
			if err != nil {
				return nil, err
			}
			m[c.Key] = s.words[1]
			list, _ := obj[name].([]any)
			obj[name] = append(list, m)
		case c.IsContainer():
			m, err := toJSON(c, s.body, nil)
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

// defaultsJSON returns junos-defaults.conf as an RFC 7951 JSON document.
func defaultsJSON(t *testing.T) []byte {
	t.Helper()
	body, err := parseConf(string(readFile(t, defaultsFile)))
	if err != nil {
		t.Fatalf("%s: %v", defaultsFile, err)
	}
	root, mods := schemaTree(t)
	obj, err := toJSON(root, body, mods)
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
	root, _ := schemaTree(t)
	app := root.Dir["applications"].Dir["application"]
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
	ms.AddPath("modules")
	if err := ms.Read("modules/" + module + ".yang"); err != nil {
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

// TestDefaultsLoad reads the predefined applications as the RFC 7951
// document gnos's modules give them and checks a few against the values
// Junos uses.
func TestDefaultsLoad(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(defaultsJSON(t), &doc); err != nil {
		t.Fatal(err)
	}
	apps := "gnos-applications:applications"
	tests := []struct{ name, protocol, port string }{
		{"junos-http", "tcp", "80"},
		{"junos-https", "tcp", "443"},
		{"junos-ssh", "tcp", "22"},
		{"junos-dns-udp", "udp", "53"},
		{"junos-ntp", "udp", "123"},
		{"junos-traceroute", "udp", "33435-33450"},
		{"junos-icmp-all", "icmp", ""},
	}
	for _, tt := range tests {
		a := at(doc, apps, "application", tt.name)
		port, _ := a["destination-port"].(string)
		if a["protocol"] != tt.protocol || port != tt.port {
			t.Errorf("%s: got protocol %v port %q, want %v %q", tt.name, a["protocol"], port, tt.protocol, tt.port)
		}
	}
	if got := at(doc, apps, "application", "junos-icmp-ping")["icmp-type"]; got != "echo-request" {
		t.Errorf("junos-icmp-ping icmp-type: got %v, want echo-request", got)
	}
}
