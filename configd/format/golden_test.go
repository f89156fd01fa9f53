package format_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/internal/testtree"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testkit"
	_ "github.com/gnos/gnos/pic/plugins/all" // the sfw and nat modules
	"github.com/gnos/gnos/yang"
)

// The golden files show every format of one realistic configuration
// (testdata/config.conf) against the real gnos schema; go test -update
// rewrites them.

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, name, got)
}

func realConfig(t *testing.T) (*schema.Node, *tree.Node) {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "config.conf"))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := format.ParseText(s.Root, string(src))
	if err != nil {
		t.Fatal(err)
	}
	return s.Root, c
}

func TestGolden(t *testing.T) {
	root, c := realConfig(t)
	var text, set, xml, js, junos, minified bytes.Buffer
	if err := format.WriteText(&text, c); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteSet(&set, c, nil); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteXML(&xml, c, true); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteJSON(&js, c, true); err != nil {
		t.Fatal(err)
	}
	h := &format.Header{Committed: true, Time: time.Unix(1764720000, 0), User: "admin"}
	if err := format.WriteJunosJSON(&junos, c, h, false); err != nil {
		t.Fatal(err)
	}
	if err := format.WriteJunosJSON(&minified, c, h, true); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "config.junos.json.golden", junos.String())
	goldenFile(t, "config.text.golden", text.String())
	goldenFile(t, "config.set.golden", set.String())
	goldenFile(t, "config.xml.golden", xml.String())
	goldenFile(t, "config.json.golden", js.String())

	t.Run("text", func(t *testing.T) {
		back, _, err := format.ParseText(root, text.String())
		if err != nil {
			t.Fatal(err)
		}
		if !tree.Equal(back, c) {
			t.Error("ParseText(WriteText(c)) != c")
		}
	})
	t.Run("set", func(t *testing.T) {
		back, err := format.ParseSet(root, set.String())
		if err != nil {
			t.Fatal(err)
		}
		if !tree.Equal(back, testtree.WithoutComments(c)) {
			t.Error("ParseSet(WriteSet(c)) != c without annotations")
		}
	})
	t.Run("xml", func(t *testing.T) {
		doc := `<configuration xmlns:junos="http://xml.juniper.net/junos/*/junos">` + xml.String() + `</configuration>`
		back, _, err := format.ParseXML(root, strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !tree.Equal(back, c) {
			t.Error("ParseXML(WriteXML(c)) != c")
		}
	})
	t.Run("json", func(t *testing.T) {
		back, _, err := format.ParseJSON(root, strings.NewReader(js.String()))
		if err != nil {
			t.Fatal(err)
		}
		if !tree.Equal(back, c) {
			t.Error("ParseJSON(WriteJSON(c)) != c")
		}
	})
	for name, b := range map[string]*bytes.Buffer{"junos json": &junos, "json-minified": &minified} {
		t.Run(name, func(t *testing.T) {
			if !json.Valid(b.Bytes()) {
				t.Fatalf("not valid JSON:\n%s", b)
			}
			back, _, err := format.ParseJSON(root, bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !tree.Equal(back, c) {
				t.Error("ParseJSON(WriteJunosJSON(c)) != c")
			}
		})
	}
	// json-minified is the indented output without its white space
	var compact bytes.Buffer
	if err := json.Compact(&compact, junos.Bytes()); err != nil || compact.String() != minified.String() {
		t.Errorf("json-minified is not the compact form of the indented output (%v)", err)
	}
}

func TestGoldenCompare(t *testing.T) {
	root, c := realConfig(t)
	ed := tree.NewEditor(c)
	err := format.ApplySet(ed, root, `set system host-name gw2
delete system login user bob
activate services service-set SS-NH
deactivate interfaces ge-0/0/1
set services stateful-firewall rule SFW-IN term allow-web from applications junos-dns-udp
insert services stateful-firewall rule SFW-IN term deny-rest before term allow-web
set interfaces ge-0/0/3 unit 0 family inet address 192.168.1.1/24
annotate routing-options "static only"
set services service-set SS-INSIDE max-flows 200000
delete applications application-set web application app-web-8080
`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := format.WriteCompare(&out, c, ed.Freeze()); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "config.compare.golden", out.String())
}

func TestDefaultsParse(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := format.ParseText(s.Root, yang.Defaults()); err != nil {
		t.Fatalf("junos-defaults.conf: %v", err)
	}
}

// TestJunosPrintedJSON: JSON as a Junos device prints it (header, version,
// [null], metadata, numeric keys) loads as the same configuration as its
// curly-brace text.
func TestJunosPrintedJSON(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "junos-printed.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := format.ParseJSON(s.Root, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := format.ParseText(s.Root, `version 20.4R3.8;
/* lab router */
system {
    inactive: host-name r1;
    login {
        class ops {
            permissions [ view configure ];
        }
        user lab {
            uid 2000;
            class super-user;
        }
    }
}
interfaces {
    ge-0/0/0 {
        disable;
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
}
`)
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Equal(got, want) {
		var g bytes.Buffer
		_ = format.WriteText(&g, got)
		t.Fatalf("Junos JSON loaded as\n%s", g.String())
	}
	// and prints back as Junos printed it
	var out bytes.Buffer
	h := &format.Header{Committed: true, Time: time.Unix(1592316166, 0), User: "lab"}
	if err := format.WriteJunosJSON(&out, got, h, false); err != nil {
		t.Fatal(err)
	}
	if out.String() != string(src) {
		t.Errorf("printed back:\n%s\nwant:\n%s", out.String(), src)
	}
}
