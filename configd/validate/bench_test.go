package validate

import (
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// edit applies set / delete / deactivate lines to root and returns the new
// tree.
func edit(tb testing.TB, root *tree.Node, lines string) *tree.Node {
	tb.Helper()
	e := tree.NewEditor(root)
	for _, line := range strings.Split(lines, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var err error
		switch f[0] {
		case "set":
			ps, perr := tree.ParseTokens(root.S, f[1:], tree.ForSet)
			if perr != nil {
				tb.Fatalf("%s: %v", line, perr)
			}
			for _, p := range ps {
				if err = e.Set(p); err != nil {
					break
				}
			}
		case "delete", "deactivate", "activate":
			ps, perr := tree.ParseTokens(root.S, f[1:], tree.ForRef)
			if perr != nil {
				tb.Fatalf("%s: %v", line, perr)
			}
			switch f[0] {
			case "delete":
				err = e.Delete(ps[0])
			default:
				err = e.SetInactive(ps[0], f[0] == "deactivate")
			}
		case "rename":
			// rename PATH… to KEY
			ps, perr := tree.ParseTokens(root.S, f[1:len(f)-2], tree.ForRef)
			if perr != nil {
				tb.Fatalf("%s: %v", line, perr)
			}
			err = e.Rename(ps[0], f[len(f)-1])
		default:
			tb.Fatalf("%s: unknown operation", line)
		}
		if err != nil {
			tb.Fatalf("%s: %v", line, err)
		}
	}
	return e.Freeze()
}

func benchIncremental(b *testing.B, lines string, wantErrs int) {
	_, old, defs := perfConfig(b)
	next := edit(b, old, lines)
	changes := tree.Diff(old, next)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		errs := Validate(next, Options{Defaults: defs, Changes: changes, Old: old})
		if len(errs) != wantErrs {
			b.Fatalf("got %d errors, want %d:\n%s", len(errs), wantErrs, String(errs))
		}
	}
}

// A one-leaf change: what most commits are.
func BenchmarkValidateIncrementalLeaf(b *testing.B) {
	benchIncremental(b, "set services service-set ss5000 max-flows 7", 0)
}

// A new service-set with its rule and terms.
func BenchmarkValidateIncrementalAddServiceSet(b *testing.B) {
	benchIncremental(b, `
set services service-set new stateful-firewall-rules rnew
set services service-set new interface-service service-interface ms-0/0/1
set services stateful-firewall rule rnew match-direction input
set services stateful-firewall rule rnew term t1 from applications app3
set services stateful-firewall rule rnew term t1 then accept`, 0)
}

// Deleting a rule one service-set refers to: the referrer scan covers the
// 10,000 service-sets' stateful-firewall-rules leaves.
func BenchmarkValidateIncrementalDeleteRule(b *testing.B) {
	benchIncremental(b, "delete services stateful-firewall rule r5000", 1)
}

// Deleting an application: the scan covers the 100,000 applications items
// of the 50,000 terms.
func BenchmarkValidateIncrementalDeleteApplication(b *testing.B) {
	benchIncremental(b, "delete applications application app7", 250)
}

// The extension-provider must, re-checked through its ancestors.
func BenchmarkValidateIncrementalMust(b *testing.B) {
	benchIncremental(b, "set chassis fpc 0 pic 0 extension-provider policy-db-size 2048", 1)
}

// The diff that feeds incremental validation, for comparison (package
// tree's cost, not this package's).
func BenchmarkDiffLeaf(b *testing.B) {
	_, old, _ := perfConfig(b)
	next := edit(b, old, "set services service-set ss5000 max-flows 7")
	b.ReportAllocs()
	for b.Loop() {
		tree.Diff(old, next)
	}
}
