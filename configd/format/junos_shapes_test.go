package format_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// TestJunosShapedFixtures loads one configuration written the three ways
// Junos prints it (show configuration, | display set, | display xml as
// PyEZ gets it): address lists as blocks with except, rule references and
// interface service-sets as lists, presence containers (discard, port
// automatic, napt-44, system services, service-order), service-package
// layer-3, a user without class. All three give the same tree, and text
// and set print back byte for byte.
func TestJunosShapedFixtures(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	text, set, xml := read("junos-shapes.conf"), read("junos-shapes.set"), read("junos-shapes.xml")
	fromText, _, err := format.ParseText(s.Root, text)
	if err != nil {
		t.Fatalf("text: %v", err)
	}
	fromSet, err := format.ParseSet(s.Root, set)
	if err != nil {
		t.Fatalf("set: %v", err)
	}
	fromXML, _, err := format.ParseXML(s.Root, strings.NewReader(xml))
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	if d := tree.Diff(fromText, fromSet); len(d) != 0 {
		t.Errorf("set differs from text: %v", d)
	}
	if d := tree.Diff(fromText, fromXML); len(d) != 0 {
		t.Errorf("xml differs from text: %v", d)
	}
	var gotText, gotSet strings.Builder
	if err := format.WriteText(&gotText, fromXML); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteSet(&gotSet, fromXML, nil); err != nil {
		t.Fatal(err)
	}
	if gotText.String() != text {
		t.Errorf("text printed back:\n%s\nwant:\n%s", gotText.String(), text)
	}
	if gotSet.String() != set {
		t.Errorf("set printed back:\n%s\nwant:\n%s", gotSet.String(), set)
	}
	var gotXML strings.Builder
	if err := format.WriteXML(&gotXML, fromText, true); err != nil {
		t.Fatal(err)
	}
	back, _, err := format.ParseXML(s.Root, strings.NewReader("<configuration>"+gotXML.String()+"</configuration>"))
	if err != nil {
		t.Fatalf("xml printed back does not parse: %v", err)
	}
	if !tree.Equal(back, fromText) {
		t.Errorf("ParseXML(WriteXML(c)) != c")
	}
}

// TestAddressListForms: the two forms Junos prints an address list in,
// one statement per entry and one block, and the bracket form gnos printed
// before the lists took their Junos shape, give the same entries; errors
// inside a block name the entry.
func TestAddressListForms(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	at := "services { stateful-firewall { rule r { match-direction input; term t { from { %s } } } } }"
	want := "set services stateful-firewall rule r match-direction input\n" +
		"set services stateful-firewall rule r term t from source-address 10.0.0.0/8\n" +
		"set services stateful-firewall rule r term t from source-address 10.1.0.0/16 except\n"
	tests := []struct {
		name, from, want, err string
	}{
		{name: "statements", from: "source-address 10.0.0.0/8; source-address 10.1.0.0/16 except;", want: want},
		{name: "block", from: "source-address { 10.0.0.0/8; 10.1.0.0/16 except; }", want: want},
		{name: "block with a braced entry", from: "source-address { 10.0.0.0/8; 10.1.0.0/16 { except; } }", want: want},
		{name: "old gnos brackets", from: "source-address [ 10.0.0.0/8 ];", want: "set services stateful-firewall rule r match-direction input\n" +
			"set services stateful-firewall rule r term t from source-address 10.0.0.0/8\n"},
		{name: "bad prefix in a block", from: "source-address { 10.0.0.0/8; nonsense; }", err: "source-address name"},
		{name: "unknown flag in a block", from: "source-address { 10.0.0.0/8 only; }", err: "unknown statement 'only'"},
		{name: "unclosed block", from: "source-address { 10.0.0.0/8;", err: "missing '}'"},
		{name: "tag on the block", from: "inactive: source-address { 10.0.0.0/8; }", err: "on the entries inside source-address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(at, "%s", tc.from, 1)
			if tc.name == "unclosed block" {
				src = "services { stateful-firewall { rule r { match-direction input; term t { from { " + tc.from
			}
			c, _, err := format.ParseText(s.Root, src)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			if err := format.WriteSet(&got, c, nil); err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got.String(), tc.want)
			}
		})
	}
}

// TestCompareAddressList: show | compare shows an added or deleted entry
// of an address list in the block the configuration shows it in.
func TestCompareAddressList(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	at := "services { stateful-firewall { rule r { match-direction input; term t { from { %s } } } } }"
	parse := func(from string) *tree.Node {
		n, _, err := format.ParseText(s.Root, strings.Replace(at, "%s", from, 1))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a := parse("source-address { 10.0.0.0/8; 192.0.2.0/24; }")
	b := parse("source-address { 10.0.0.0/8; 10.1.0.0/16 except; }")
	var out strings.Builder
	if err := format.WriteCompare(&out, a, b); err != nil {
		t.Fatal(err)
	}
	want := `[edit services stateful-firewall rule r term t from]
+      source-address {
+          10.1.0.0/16 except;
+      }
-      source-address {
-          192.0.2.0/24;
-      }
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestJSONOldShapes: JSON gnos printed before the statements took their
// Junos shapes (a list of keys as an array of strings, [null] for what is
// now a presence container) still loads, to the same tree as today's.
func TestJSONOldShapes(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	old := `{"configuration": {"gnos-services:services": {
  "service-set": [{"name": "edge", "gnos-stateful-firewall:stateful-firewall-rules": ["deny-rest", "allow-web"]}],
  "gnos-stateful-firewall:stateful-firewall": {"rule": [{"name": "deny-rest", "match-direction": "input",
    "term": [{"name": "t1", "from": {"source-address": ["10.0.0.0/8", "192.0.2.0/24"]}, "then": {"discard": [null]}}]}]}}}}`
	now := `{"configuration": {"gnos-services:services": {
  "service-set": [{"name": "edge", "gnos-stateful-firewall:stateful-firewall-rules": [{"name": "deny-rest"}, {"name": "allow-web"}]}],
  "gnos-stateful-firewall:stateful-firewall": {"rule": [{"name": "deny-rest", "match-direction": "input",
    "term": [{"name": "t1", "from": {"source-address": [{"name": "192.0.2.0/24"}, {"name": "10.0.0.0/8"}]}, "then": {"discard": {}}}]}]}}}}`
	a, _, err := format.ParseJSON(s.Root, strings.NewReader(old))
	if err != nil {
		t.Fatalf("old shapes: %v", err)
	}
	b, _, err := format.ParseJSON(s.Root, strings.NewReader(now))
	if err != nil {
		t.Fatalf("Junos shapes: %v", err)
	}
	if d := tree.Diff(a, b); len(d) != 0 {
		t.Errorf("old and Junos shapes differ: %v", d)
	}
	for _, bad := range []string{
		`{"configuration": {"gnos-services:services": {"service-set": [{"name": "edge", "gnos-stateful-firewall:stateful-firewall-rules": ["bad rule"]}]}}}`,
		`{"configuration": {"system": {"services": [1]}}}`,
	} {
		if _, _, err := format.ParseJSON(s.Root, strings.NewReader(bad)); err == nil {
			t.Errorf("%s: got no error, want one", bad)
		}
	}
}

// TestXMLOldShapes: XML gnos printed before the lists of keys took their
// Junos shape (<stateful-firewall-rules>R</stateful-firewall-rules>)
// still loads, to the same tree as the Junos shape; text beside key
// elements is refused.
func TestXMLOldShapes(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	old := `<configuration><services><service-set><name>edge</name><stateful-firewall-rules>deny-rest</stateful-firewall-rules>` +
		`<stateful-firewall-rules>allow-web</stateful-firewall-rules></service-set></services></configuration>`
	now := `<configuration><services><service-set><name>edge</name><stateful-firewall-rules><name>deny-rest</name></stateful-firewall-rules>` +
		`<stateful-firewall-rules><name>allow-web</name></stateful-firewall-rules></service-set></services></configuration>`
	a, _, err := format.ParseXML(s.Root, strings.NewReader(old))
	if err != nil {
		t.Fatalf("old shape: %v", err)
	}
	b, _, err := format.ParseXML(s.Root, strings.NewReader(now))
	if err != nil {
		t.Fatalf("Junos shape: %v", err)
	}
	if !tree.Equal(a, b) {
		t.Errorf("old and Junos shapes differ: %v", tree.Diff(a, b))
	}
	for _, bad := range []string{
		`<configuration><services><service-set><name>edge</name><stateful-firewall-rules>x<name>y</name></stateful-firewall-rules></service-set></services></configuration>`,
		`<configuration><services><service-set><name>edge</name><stateful-firewall-rules>bad rule</stateful-firewall-rules></service-set></services></configuration>`,
		`<configuration><system>text</system></configuration>`,
	} {
		if _, _, err := format.ParseXML(s.Root, strings.NewReader(bad)); err == nil {
			t.Errorf("%s: got no error, want one", bad)
		}
	}
}

// TestValueContainers: Junos' containers holding one value
// (autonomous-system's as-number, a static route's preference
// metric-value, a filter's filter-name) read and print with the value on
// the statement's line in text and set, and as the container in XML and
// JSON; a bad value is refused naming the statement; a value leaf with a
// flag of its own falls back to the block form, which reads back.
func TestValueContainers(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	c, err := format.ParseSet(s.Root, "set routing-options autonomous-system 65000\n"+
		"set routing-options static route 10.0.0.0/8 preference 7\n"+
		"set interfaces ge-0/0/0 unit 0 family inet6 filter output f6\n")
	if err != nil {
		t.Fatal(err)
	}
	var text, xml, jsn, rfc strings.Builder
	if err := format.WriteText(&text, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"    autonomous-system 65000;\n", "        route 10.0.0.0/8 {\n            preference 7;\n", "                filter {\n                    output f6;\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text: got\n%s\nwant it to hold %q", text.String(), want)
		}
	}
	if err := format.WriteXML(&xml, c, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<autonomous-system><as-number>65000</as-number></autonomous-system>",
		"<preference><metric-value>7</metric-value></preference>", "<output><filter-name>f6</filter-name></output>"} {
		if !strings.Contains(xml.String(), want) {
			t.Errorf("xml: got %s, want it to hold %s", xml.String(), want)
		}
	}
	if err := format.WriteJunosJSON(&jsn, c, nil, true); err != nil {
		t.Fatal(err)
	}
	if want := `"autonomous-system":{"as-number":"65000"}`; !strings.Contains(jsn.String(), want) {
		t.Errorf("junos json: got %s, want it to hold %s", jsn.String(), want)
	}
	if err := format.WriteJSON(&rfc, c, false); err != nil {
		t.Fatal(err)
	}
	back, _, err := format.ParseJSON(s.Root, strings.NewReader(rfc.String()))
	if err != nil || !tree.Equal(back, c) {
		t.Errorf("ParseJSON(WriteJSON(c)): err %v, equal %v", err, err == nil && tree.Equal(back, c))
	}
	fromText, _, err := format.ParseText(s.Root, text.String())
	if err != nil || !tree.Equal(fromText, c) {
		t.Errorf("ParseText(WriteText(c)): err %v", err)
	}

	for _, bad := range []string{"routing-options { autonomous-system x65; }", "routing-options { static { route 10.0.0.0/8 { preference abc; } } }"} {
		_, _, err := format.ParseText(s.Root, bad)
		if err == nil {
			t.Errorf("%s: got no error, want one", bad)
		} else if !strings.Contains(err.Error(), "autonomous-system") && !strings.Contains(err.Error(), "preference") {
			t.Errorf("%s: got %v, want the statement named", bad, err)
		}
	}
	if _, err := format.ParseSet(s.Root, "set routing-options autonomous-system 65000 65001"); err == nil {
		t.Errorf("two values: got no error, want one")
	}

	// Junos (and Ansible's junos_routing_options) also write the value as
	// the container's text
	x, _, err := format.ParseXML(s.Root, strings.NewReader("<configuration><routing-options><autonomous-system>\n65000\n</autonomous-system></routing-options></configuration>"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := x.ActiveChild("routing-options").ActiveChild("autonomous-system").Leaf("as-number"); got != "65000" {
		t.Errorf("<autonomous-system>65000</autonomous-system>: as-number %q, want 65000", got)
	}
	for _, bad := range []string{"<autonomous-system>x1</autonomous-system>", "<autonomous-system>1<as-number>2</as-number></autonomous-system>"} {
		if _, _, err := format.ParseXML(s.Root, strings.NewReader("<configuration><routing-options>"+bad+"</routing-options></configuration>")); err == nil {
			t.Errorf("%s: got no error, want one", bad)
		}
	}

	// show | compare of a changed value: the statement's old and new lines
	changed, err := format.ParseSet(s.Root, "set routing-options autonomous-system 65001\n"+
		"set routing-options static route 10.0.0.0/8 preference 7\n"+
		"set interfaces ge-0/0/0 unit 0 family inet6 filter output f6\n")
	if err != nil {
		t.Fatal(err)
	}
	var cmp strings.Builder
	if err := format.WriteCompare(&cmp, c, changed); err != nil {
		t.Fatal(err)
	}
	if want := "[edit routing-options]\n-  autonomous-system 65000;\n+  autonomous-system 65001;\n"; cmp.String() != want {
		t.Errorf("compare: got\n%s\nwant\n%s", cmp.String(), want)
	}

	// the container's other statements follow the value on its line in
	// text (Junos: `autonomous-system 65000 loops 2 asdot-notation;`),
	// one set line each; set takes them on the value's line too
	opts, err := format.ParseSet(s.Root, "set routing-options autonomous-system 65000 loops 2 asdot-notation\n")
	if err != nil {
		t.Fatal(err)
	}
	var ot, os strings.Builder
	if err := format.WriteText(&ot, opts); err != nil {
		t.Fatal(err)
	}
	if want := "routing-options {\n    autonomous-system 65000 loops 2 asdot-notation;\n}\n"; ot.String() != want {
		t.Errorf("options: got\n%s\nwant\n%s", ot.String(), want)
	}
	if err := format.WriteSet(&os, opts, nil); err != nil {
		t.Fatal(err)
	}
	if want := "set routing-options autonomous-system 65000\nset routing-options autonomous-system loops 2\nset routing-options autonomous-system asdot-notation\n"; os.String() != want {
		t.Errorf("options set: got\n%s\nwant\n%s", os.String(), want)
	}
	for _, src := range []string{ot.String(), "<configuration><routing-options><autonomous-system>65000<loops>2</loops><asdot-notation/></autonomous-system></routing-options></configuration>"} {
		var back *tree.Node
		if strings.HasPrefix(src, "<") {
			back, _, err = format.ParseXML(s.Root, strings.NewReader(src))
		} else {
			back, _, err = format.ParseText(s.Root, src)
		}
		if err != nil || !tree.Equal(back, opts) {
			t.Errorf("%s: err %v, want the same statements", src, err)
		}
	}
	if back, err := format.ParseSet(s.Root, os.String()); err != nil || !tree.Equal(back, opts) {
		t.Errorf("set lines: err %v, want the same statements", err)
	}
	if _, err := format.ParseSet(s.Root, "set routing-options autonomous-system 65000 loops 11"); err == nil {
		t.Errorf("loops 11: got no error, want one")
	}

	flagged := "routing-options {\n    autonomous-system {\n        /* ours */\n        as-number 65000;\n    }\n}\n"
	f, _, err := format.ParseText(s.Root, flagged)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := format.WriteText(&out, f); err != nil {
		t.Fatal(err)
	}
	if out.String() != flagged {
		t.Errorf("annotated value: got\n%s\nwant\n%s", out.String(), flagged)
	}
}
