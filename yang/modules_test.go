package yang_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/openconfig/goyang/pkg/yang"
)

// moduleFiles returns every YANG module gnos runs with: the core modules
// and each plugin's, as scripts/yanglint.sh globs them.
func moduleFiles(t *testing.T) []string {
	t.Helper()
	core, err := filepath.Glob("modules/*.yang")
	if err != nil || len(core) == 0 {
		t.Fatalf("no core modules under modules (err %v)", err)
	}
	plugins, err := filepath.Glob("../pic/plugins/*/yang/*.yang")
	if err != nil {
		t.Fatal(err)
	}
	return append(core, plugins...)
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// processed reads and processes every module with goyang, as configd does.
func processed(t *testing.T) *yang.Modules {
	t.Helper()
	ms := yang.NewModules()
	ms.AddPath("modules")
	for _, f := range moduleFiles(t) {
		if err := ms.Read(f); err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
	}
	if errs := ms.Process(); len(errs) > 0 {
		t.Fatalf("Process: %v", errs)
	}
	return ms
}

// schemaTree is the whole configuration schema under one root entry (the
// top-level nodes of every module, augmentations applied), and the module
// of each top-level node.
func schemaTree(t *testing.T) (*yang.Entry, map[string]string) {
	t.Helper()
	ms := processed(t)
	root := &yang.Entry{Name: "device", Kind: yang.DirectoryEntry, Dir: map[string]*yang.Entry{}}
	mods := map[string]string{}
	for _, name := range sortedKeys(ms.Modules) {
		if strings.Contains(name, "@") {
			continue
		}
		e, errs := ms.GetModule(name)
		if len(errs) > 0 {
			t.Fatalf("GetModule(%s): %v", name, errs)
		}
		for k, c := range e.Dir {
			root.Dir[k], mods[k] = c, name
		}
	}
	return root, mods
}

// TestModulesResolve parses all modules together with goyang, as configd
// and the generator do, and checks that every leafref points at a leaf and
// that every node has the description the CLI shows in `?` help.
func TestModulesResolve(t *testing.T) {
	ms := yang.NewModules()
	ms.AddPath("modules")
	for _, f := range moduleFiles(t) {
		if err := ms.Read(f); err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
	}
	if errs := ms.Process(); len(errs) > 0 {
		t.Fatalf("Process: %v", errs)
	}
	var refs int
	var walk func(e *yang.Entry)
	walk = func(e *yang.Entry) {
		if e.Description == "" && !e.IsCase() && e.Parent != nil {
			t.Errorf("%s: no description", e.Path())
		}
		if e.Type != nil && e.Type.Kind == yang.Yleafref {
			refs++
			target := e.Find(e.Type.Path)
			if target == nil || target.Kind != yang.LeafEntry {
				t.Errorf("%s: leafref %q does not resolve to a leaf", e.Path(), e.Type.Path)
			}
		}
		for _, k := range sortedKeys(e.Dir) {
			walk(e.Dir[k])
		}
	}
	for _, name := range sortedKeys(ms.Modules) {
		if strings.Contains(name, "@") {
			continue
		}
		e, errs := ms.GetModule(name)
		if len(errs) > 0 {
			t.Fatalf("GetModule(%s): %v", name, errs)
		}
		walk(e)
	}
	// interfaces: 4 service-set-name, 4 filter, 4 filter lists;
	// applications: 2; sfw: 3; nat: 3; firewall: 6 prefix-list;
	// policy-options: 1 prefix-list.
	if refs != 27 {
		t.Errorf("found %d leafrefs, want 27", refs)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestProtocolNumbers pins the contract the firewall's compiler relies
// on (it reads a name at its YANG enum value): the YANG values of protocol
// names are IANA protocol numbers, and those of ICMP type names ICMP type
// numbers.
func TestProtocolNumbers(t *testing.T) {
	root, _ := schemaTree(t)
	app := root.Dir["applications"].Dir["application"]
	tests := []struct {
		leaf, name string
		want       int64
	}{
		{"protocol", "tcp", 6},
		{"protocol", "udp", 17},
		{"protocol", "icmp", 1},
		{"protocol", "icmp6", 58},
		{"protocol", "sctp", 132},
		{"icmp-type", "echo-request", 8},
		{"icmp6-type", "echo-request", 128},
	}
	for _, tt := range tests {
		got, ok := enumValue(app.Dir[tt.leaf].Type, tt.name)
		if !ok || got != tt.want {
			t.Errorf("%s %s: got value %d (defined %v), want %d", tt.leaf, tt.name, got, ok, tt.want)
		}
	}
}

func enumValue(t *yang.YangType, name string) (int64, bool) {
	if t == nil {
		return 0, false
	}
	if t.Kind == yang.Yenum && t.Enum != nil && t.Enum.IsDefined(name) {
		return t.Enum.Value(name), true
	}
	for _, u := range t.Type {
		if v, ok := enumValue(u, name); ok {
			return v, true
		}
	}
	return 0, false
}
