package validate

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/tree"
)

// randomEdit returns one edit of the small generated configuration, as an
// edit line for edit(). Many of them make it invalid on purpose.
func randomEdit(r *rand.Rand, root *tree.Node, sh shape) string {
	ss := func() int { return 1 + r.IntN(sh.serviceSets+2) }
	app := func() string {
		if r.IntN(4) == 0 {
			return []string{"junos-http", "junos-https", "nosuch", "ping"}[r.IntN(4)]
		}
		return fmt.Sprintf("app%d", 1+r.IntN(sh.apps+2))
	}
	switch r.IntN(24) {
	case 0, 1, 2:
		// Delete, deactivate or activate a random statement.
		var paths []tree.Path
		var inactive []bool
		root.Walk(func(p tree.Path, n *tree.Node) bool {
			paths = append(paths, p)
			inactive = append(inactive, n.Inactive)
			return true
		})
		i := r.IntN(len(paths))
		op := []string{"delete", "deactivate", "activate"}[r.IntN(3)]
		if inactive[i] {
			op = "activate"
		} else if op == "activate" {
			op = "delete"
		}
		return op + " " + strings.Join(paths[i].Tokens(true), " ")
	case 3:
		return fmt.Sprintf("set services service-set ss%d max-flows %d", ss(), r.IntN(3))
	case 4:
		return fmt.Sprintf("set services service-set ss%d stateful-firewall-rules r%d", ss(), ss())
	case 5:
		return fmt.Sprintf("set services service-set ss%d extension-service sfw", ss())
	case 6:
		return fmt.Sprintf("set services service-set ss%d nat-rules n%d", ss(), r.IntN(12))
	case 7:
		return fmt.Sprintf("set services service-set ss%d next-hop-service inside-service-interface ms-0/0/0", ss())
	case 8:
		return fmt.Sprintf("set services stateful-firewall rule r%d term t%d from applications %s", ss(), 1+r.IntN(sh.terms+1), app())
	case 9:
		return fmt.Sprintf("set services stateful-firewall rule r%d term t%d from source-address %s", ss(), 1+r.IntN(sh.terms), []string{"10.0.0.0/8", "bad"}[r.IntN(2)])
	case 10:
		return fmt.Sprintf("delete applications application app%d", 1+r.IntN(sh.apps))
	case 11:
		return fmt.Sprintf("rename applications application app%d to app%d", 1+r.IntN(sh.apps), 100+r.IntN(5))
	case 12:
		return fmt.Sprintf("set applications application app%d protocol %s", 1+r.IntN(sh.apps), []string{"tcp", "udp", "icmp"}[r.IntN(3)])
	case 13:
		return fmt.Sprintf("set system login user u%d uid %d", 1+r.IntN(12), 1001+r.IntN(12))
	case 14:
		return fmt.Sprintf("set system login user u%d class %s", 1+r.IntN(12), []string{"super", "ro", "none"}[r.IntN(3)])
	case 15:
		return fmt.Sprintf("delete system login class %s", []string{"super", "ro"}[r.IntN(2)])
	case 16:
		return fmt.Sprintf("set chassis fpc 0 pic 0 extension-provider policy-db-size %d", 500+r.IntN(1000))
	case 17:
		return fmt.Sprintf("set chassis fpc 0 pic 0 extension-provider package p%d", r.IntN(3))
	case 18:
		return fmt.Sprintf("set services nat rule n%d tags %c", r.IntN(12), 'a'+r.IntN(4))
	case 19:
		return fmt.Sprintf("set applications application-set web application %s", app())
	case 20:
		return "set system services netconf ssh"
	case 21:
		return fmt.Sprintf("set applications application-set mail application-set %s", []string{"web", "mail", "nosuch"}[r.IntN(3)])
	case 22:
		return []string{"delete applications application-set web", "rename applications application-set web to web2",
			"deactivate applications application-set web", "activate applications application-set web"}[r.IntN(4)]
	default:
		return fmt.Sprintf("rename services stateful-firewall rule r%d to r%d", ss(), 100+r.IntN(5))
	}
}

// tryEdit applies line, or returns nil when the edit does not apply
// (deleting what is not there, renaming onto an existing entry, …).
func tryEdit(root *tree.Node, line string) (out *tree.Node) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	t := &fatalRecorder{}
	out = edit(t, root, line)
	if t.failed {
		return nil
	}
	return out
}

// fatalRecorder is a testing.TB whose Fatalf stops the edit without
// failing the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(string, ...any) {
	f.failed = true
	panic("edit failed")
}

var seed = flag.Uint64("seed", 1, "random seed of TestIncrementalMatchesFull")

// Incremental validation after random edits of a valid configuration
// must report exactly what full validation reports.
func TestIncrementalMatchesFull(t *testing.T) {
	s := testSchema(t)
	sh := shape{serviceSets: 12, terms: 3, apps: 6}
	base := load(t, s, strings.Join(configLines(sh), "\n"))
	defs := load(t, s, defaultsLines)
	if errs := Validate(base, Options{Defaults: defs}); len(errs) > 0 {
		t.Fatalf("base configuration: got errors, want none:\n%s", String(errs))
	}
	trials := 2000
	if testing.Short() {
		trials = 300
	}
	r := rand.New(rand.NewPCG(*seed, 2))
	old := base
	invalid := 0
	for trial := 0; trial < trials; trial++ {
		var lines []string
		next := old
		for k := 1 + r.IntN(3); k > 0; k-- {
			line := randomEdit(r, next, sh)
			if n := tryEdit(next, line); n != nil {
				next = n
				lines = append(lines, line)
			}
		}
		full := String(Validate(next, Options{Defaults: defs}))
		inc := String(Validate(next, Options{Defaults: defs, Changes: tree.Diff(old, next), Old: old}))
		if inc != full {
			t.Fatalf("trial %d, edits:\n  %s\nincremental got:\n%s\nfull (want):\n%s", trial, strings.Join(lines, "\n  "), inc, full)
		}
		if full == "" {
			old = next // walk on from valid configurations
		} else {
			invalid++
			if r.IntN(4) == 0 {
				old = base
			}
		}
	}
	t.Logf("%d trials, %d invalid", trials, invalid)
}
