package format_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// The performance configuration: 10,000 service-sets, each with its own
// stateful-firewall rule of 5 terms (50,000 terms), as in the SPEC.
const (
	benchServiceSets = 10000
	benchTerms       = 5
)

var bench struct {
	once sync.Once
	root *schema.Node
	text string
	tree *tree.Node
	err  error
}

func benchConfig(b *testing.B) (*schema.Node, string, *tree.Node) {
	b.Helper()
	bench.once.Do(func() {
		s, err := schema.Default()
		if err != nil {
			bench.err = err
			return
		}
		bench.root = s.Root
		bench.text = genConfig(benchServiceSets, benchTerms)
		bench.tree, _, bench.err = format.ParseText(s.Root, bench.text)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.root, bench.text, bench.tree
}

// genConfig writes a configuration of n service-sets with terms terms
// per rule, in display order.
func genConfig(n, terms int) string {
	var b strings.Builder
	b.WriteString("system {\n    host-name perf;\n}\nservices {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `    service-set SS%d {
        interface-service {
            service-interface ms-0/0/0.%d;
        }
        max-flows 10000;
        stateful-firewall-rules SFW%d;
    }
`, i, i%16000, i)
	}
	b.WriteString("    stateful-firewall {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "        rule SFW%d {\n            match-direction input;\n", i)
		for t := 0; t < terms; t++ {
			fmt.Fprintf(&b, `            term t%d {
                from {
                    destination-address 10.%d.%d.0/24;
                    applications [ junos-http junos-https ];
                }
                then {
                    accept;
                }
            }
`, t, i/256%256, i%256)
		}
		b.WriteString("        }\n")
	}
	b.WriteString("    }\n}\n")
	return b.String()
}

func lines(s string) float64 { return float64(strings.Count(s, "\n")) }

func BenchmarkParseText(b *testing.B) {
	root, text, _ := benchConfig(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := format.ParseText(root, text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(lines(text), "lines")
}

func BenchmarkWriteText(b *testing.B) {
	_, text, t := benchConfig(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := format.WriteText(io.Discard, t); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(lines(text), "lines")
}

func BenchmarkWriteSet(b *testing.B) {
	_, _, t := benchConfig(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := format.WriteSet(io.Discard, t, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplySet(b *testing.B) {
	root, _, t := benchConfig(b)
	var set bytes.Buffer
	if err := format.WriteSet(&set, t, nil); err != nil {
		b.Fatal(err)
	}
	src := set.String()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := format.ParseSet(root, src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(lines(src), "lines")
}

func BenchmarkWriteXML(b *testing.B) {
	_, _, t := benchConfig(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := format.WriteXML(io.Discard, t, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseXML(b *testing.B) {
	root, _, t := benchConfig(b)
	var doc bytes.Buffer
	if err := format.WriteXML(&doc, t, false); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := format.ParseXML(root, bytes.NewReader(doc.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	_, _, t := benchConfig(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := format.WriteJSON(io.Discard, t, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSON(b *testing.B) {
	root, _, t := benchConfig(b)
	var doc bytes.Buffer
	if err := format.WriteJSON(&doc, t, false); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := format.ParseJSON(root, bytes.NewReader(doc.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompareOneLeaf is `show | compare` after a one-leaf change.
func BenchmarkCompareOneLeaf(b *testing.B) {
	root, _, t := benchConfig(b)
	ed := tree.NewEditor(t)
	if err := format.ApplySet(ed, root, "set services service-set SS5000 max-flows 20000"); err != nil {
		b.Fatal(err)
	}
	changed := ed.Freeze()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := format.WriteCompare(io.Discard, t, changed); err != nil {
			b.Fatal(err)
		}
	}
}
