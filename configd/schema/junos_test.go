package schema_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/schema"
)

// junosNode is one data node of Juniper's published model, as a
// `yanglint -f tree` printout shows it.
type junosNode struct {
	kind     schema.Kind
	keys     string
	presence bool
	optional bool   // `?` on a leaf
	typ      string // last column: empty, string, union, …
	choice   string // the choice it sits in, "" when none
}

var treeLine = regexp.MustCompile(`^(.*?)\+--(rw|ro) (\S+?)([?*!]?)(?: \[([^\]]+)\])?(?:\s+(\S+))?\s*$`)
var choiceLine = regexp.MustCompile(`^(.*?)\+--rw \(([^)]+)\)\??\s*$`)
var caseLine = regexp.MustCompile(`^(.*?)\+--:\(([^)]+)\)\s*$`)

// readJunos reads every tree file in dir into schema paths
// ("/services/service-set/name") and the deepest path each section covers.
func readJunos(t *testing.T, dir string) (map[string]junosNode, map[string]int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tree files in %s", dir)
	}
	out := map[string]junosNode{}
	covered := map[string]int{} // section path -> depth below it printed
	depthRe := regexp.MustCompile(`^## (\S+)\s+\(depth (\d+)`)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		type frame struct {
			col    int
			path   string
			choice string
		}
		var stack []frame
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := sc.Text()
			if m := depthRe.FindStringSubmatch(line); m != nil {
				p := strings.TrimPrefix(m[1], "/configuration")
				d := 0
				for _, c := range m[2] {
					d = d*10 + int(c-'0')
				}
				covered[p] = d
				parent := p[:strings.LastIndex(p, "/")]
				stack = []frame{{col: -1, path: parent}}
				continue
			}
			col := strings.Index(line, "+--")
			if col < 0 {
				continue
			}
			for len(stack) > 1 && stack[len(stack)-1].col >= col {
				stack = stack[:len(stack)-1]
			}
			top := stack[len(stack)-1]
			if m := choiceLine.FindStringSubmatch(line); m != nil {
				stack = append(stack, frame{col: col, path: top.path, choice: m[2]})
				continue
			}
			if caseLine.MatchString(line) {
				stack = append(stack, frame{col: col, path: top.path, choice: top.choice})
				continue
			}
			m := treeLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			n := junosNode{keys: m[5], typ: m[6], choice: top.choice}
			switch {
			case m[4] == "*" && m[5] != "":
				n.kind = schema.List
			case m[4] == "*":
				n.kind = schema.LeafList
			case m[6] == "":
				n.kind, n.presence = schema.Container, m[4] == "!"
			default:
				n.kind, n.optional = schema.Leaf, m[4] == "?"
			}
			p := top.path + "/" + m[3]
			out[p] = n
			stack = append(stack, frame{col: col, path: p})
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out, covered
}

// inCoverage reports whether Junos' printout reaches path: below a section
// and within its depth.
func inCoverage(covered map[string]int, path string) bool {
	for sec, d := range covered {
		if path == sec {
			return true
		}
		if strings.HasPrefix(path, sec+"/") && strings.Count(path[len(sec):], "/") <= d {
			return true
		}
	}
	return false
}

// gnosOnly are statements gnos adds that Junos' model lacks (their YANG
// description says so) or that the published trees do not print.
var gnosOnly = map[string]string{
	"/chassis/fpc/pic/adaptive-services/service-package/extension-provider/control-cores":     "JUNOS SDK, not in the published model",
	"/chassis/fpc/pic/adaptive-services/service-package/extension-provider/data-cores":        "JUNOS SDK, not in the published model",
	"/chassis/fpc/pic/adaptive-services/service-package/extension-provider/object-cache-size": "JUNOS SDK, not in the published model",
	"/chassis/fpc/pic/adaptive-services/service-package/extension-provider/policy-db-size":    "JUNOS SDK, not in the published model",
	"/interfaces/interface/redundancy-options/hot-standby":                                    "documented by Juniper for rsp interfaces, not in the published model",
	"/system/services/extension-service/request-response/grpc/clear-text":                     "older Junos releases; labs",
	"/system/services/extension-service/request-response/grpc/clear-text/address":             "older Junos releases; labs",
	"/system/services/extension-service/request-response/grpc/clear-text/port":                "older Junos releases; labs",
}

// knownDiffs are differences gnos keeps on purpose.
var knownDiffs = map[string]string{
	"/services/stateful-firewall/rule/match-direction: mandatory in gnos, optional in Junos": "a rule applies only with one",
	"/services/nat/rule/match-direction: mandatory in gnos, optional in Junos":               "a rule applies only with one",
	// vlan-id is the only case gnos models of Junos' vlan_choice; outside
	// a choice, the unit list's `unique "vlan-id"` can name it.
	"/interfaces/interface/unit/vlan-id: in a choice: no in gnos, yes in Junos": "unique vlan-id per interface",
}

// TestJunosShapes compares every node gnos models with Juniper's published
// model (the tree printouts under shared/reference/junos-yang: found by
// $GNOS_JUNOS_YANG, else beside the repository as in the shared workspace,
// else the test is skipped): kind (container, list, leaf, leaf-list), list keys,
// presence containers, empty leaves, and leaves gnos makes mandatory where
// Junos has them optional. gnos may type leaves more strictly, so value
// types other than `empty` are not compared.
func TestJunosShapes(t *testing.T) {
	dir := os.Getenv("GNOS_JUNOS_YANG")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "reference", "junos-yang")
		if _, err := os.Stat(dir); err != nil {
			t.Skip("set GNOS_JUNOS_YANG to the directory of the Junos tree printouts (shared/reference/junos-yang)")
		}
	}
	ref, covered := readJunos(t, dir)
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	s.Root.Walk(func(n *schema.Node) {
		p := n.Path()
		if p == "" || gnosOnly[p] != "" || p == "/groups" || strings.HasPrefix(p, "/groups/") {
			return // groups is a copy of the whole schema
		}
		if n.Name == "apply-groups" || n.Name == "apply-groups-except" {
			return // at every level in Junos too; the printouts leave them out
		}
		if !inCoverage(covered, p) {
			return
		}
		j, ok := ref[p]
		if !ok {
			if !n.IsKey() {
				t.Errorf("%s: not in the Junos model", p)
			}
			return
		}
		for _, d := range shapeDiffs(n, j) {
			if msg := p + ": " + d; knownDiffs[msg] == "" {
				t.Error(msg)
			}
		}
	})
}

// junosUserOrdered are the lists and leaf-lists Junos' .yang marks
// ordered-by user (the tree printouts do not show it).
var junosUserOrdered = []string{
	"/services/service-set/stateful-firewall-rules",
	"/services/service-set/nat-rules",
	"/services/service-set/service-order/forward-flow",
	"/services/service-set/service-order/reverse-flow",
	"/services/stateful-firewall/rule/term",
	"/services/nat/rule/term",
	"/interfaces/interface/unit/family/inet/service/input/service-set",
	"/interfaces/interface/unit/family/inet/service/output/service-set",
	"/interfaces/interface/unit/family/inet6/service/input/service-set",
	"/interfaces/interface/unit/family/inet6/service/output/service-set",
}

func TestJunosUserOrdered(t *testing.T) {
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range junosUserOrdered {
		n := s.Find(p)
		switch {
		case n == nil:
			t.Errorf("%s: missing", p)
		case !n.UserOrder:
			t.Errorf("%s: got system order, want ordered-by user as in Junos", p)
		}
	}
}

func shapeDiffs(n *schema.Node, j junosNode) []string {
	var out []string
	if n.Kind != j.kind {
		return []string{"gnos has a " + n.Kind.String() + ", Junos a " + j.kind.String()}
	}
	switch n.Kind {
	case schema.List:
		if got := strings.Join(n.Keys, " "); got != j.keys {
			out = append(out, "keyed "+got+" in gnos, "+j.keys+" in Junos")
		}
	case schema.Container:
		if n.Presence != j.presence {
			out = append(out, "presence "+yesno(n.Presence)+" in gnos, "+yesno(j.presence)+" in Junos")
		}
	case schema.Leaf:
		if (j.typ == "empty") != n.IsEmptyType() {
			out = append(out, "empty leaf "+yesno(n.IsEmptyType())+" in gnos, "+yesno(j.typ == "empty")+" in Junos")
		}
		if n.Mandatory && j.optional {
			out = append(out, "mandatory in gnos, optional in Junos")
		}
	}
	if (n.Case != nil) != (j.choice != "") {
		out = append(out, "in a choice: "+yesno(n.Case != nil)+" in gnos, "+yesno(j.choice != "")+" in Junos")
	}
	return out
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
