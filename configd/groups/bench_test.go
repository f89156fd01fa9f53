package groups_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testconfig"
	_ "github.com/gnos/gnos/pic/plugins/all" // the configuration uses stateful-firewall
)

// BenchmarkExpandFrom: the expansion a one-leaf commit makes, with a group
// applied at the top level, on 1,000 and 10,000 service-sets: Expand (the
// whole tree, as before ExpandFrom) beside ExpandFrom (what the edit
// touched).
func BenchmarkExpandFrom(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		var buf bytes.Buffer
		if err := testconfig.WriteText(&buf, testconfig.Shape{ServiceSets: n, TermsPerRule: 5}); err != nil {
			b.Fatal(err)
		}
		old := parse(b, buf.String())
		e := tree.NewEditor(old)
		// the rule edited once already, as on a running box: its lists are
		// in the tree's chunked form from then on (a parser's fresh tree
		// holds plain slices until the first edit copies them)
		for _, l := range []string{"groups common system domain-name example.net", "apply-groups common",
			fmt.Sprintf("services stateful-firewall rule r%d match-direction input", n/2)} {
			ps, err := tree.ParseTokens(schema.MustDefault().Root, splitWords(l), tree.ForSet)
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Set(ps[0]); err != nil {
				b.Fatal(err)
			}
		}
		old = e.Freeze()
		oldExp := groups.Expand(old)
		ps, err := tree.ParseTokens(schema.MustDefault().Root,
			splitWords(fmt.Sprintf("services stateful-firewall rule r%d match-direction output", n/2)), tree.ForSet)
		if err != nil {
			b.Fatal(err)
		}
		e = tree.NewEditor(old)
		if err := e.Set(ps[0]); err != nil {
			b.Fatal(err)
		}
		next := e.Freeze()
		b.Run(fmt.Sprintf("service-sets=%d/Expand", n), func(b *testing.B) {
			for b.Loop() {
				groups.Expand(next)
			}
		})
		b.Run(fmt.Sprintf("service-sets=%d/ExpandFrom", n), func(b *testing.B) {
			for b.Loop() {
				groups.ExpandFrom(old, oldExp, next)
			}
		})
	}
}
