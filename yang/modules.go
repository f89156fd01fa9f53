// Package yang holds gnos's configuration models: the YANG 1.1 modules that
// shape the Junos-style hierarchy and the predefined junos-* defaults.
// configd compiles the modules with goyang at start-up (configd/schema);
// no Go types are generated from them, since nothing would use them (the
// gNMI state module's ygot types live apart, in yang/state). The tests
// here check the modules themselves: goyang resolves them, yanglint
// enforces their must/when/unique/mandatory, and the defaults fit them.
//
// Core modules are embedded from yang/modules. Each service plugin brings its
// own module that augments `services` (the way an SDK provider brings its own
// configuration) and registers it from its package's init with Register, so
// the schema a daemon compiles is exactly the set of plugins linked into it.
package yang

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed modules/*.yang
var core embed.FS

//go:embed defaults/*.conf
var defaults embed.FS

// Module is one YANG module's source.
type Module struct {
	Name   string // module name, e.g. "gnos-system"
	Source string // YANG text
}

var registry struct {
	mu      sync.Mutex
	modules map[string]Module
}

// Register adds a plugin's module. It panics on a duplicate name, which is a
// programming error caught at start-up.
func Register(name, source string) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.modules == nil {
		registry.modules = map[string]Module{}
	}
	if _, dup := registry.modules[name]; dup {
		panic(fmt.Sprintf("yang: module %q registered twice", name))
	}
	registry.modules[name] = Module{Name: name, Source: source}
}

// Modules returns the core modules followed by the registered plugin
// modules, each group sorted by name so schema compilation is deterministic.
func Modules() []Module {
	var out []Module
	entries, err := fs.ReadDir(core, "modules")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	for _, e := range entries {
		b, err := core.ReadFile(path.Join("modules", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, Module{Name: strings.TrimSuffix(e.Name(), ".yang"), Source: string(b)})
	}
	registry.mu.Lock()
	var plug []Module
	for _, m := range registry.modules {
		plug = append(plug, m)
	}
	registry.mu.Unlock()
	sort.Slice(plug, func(i, j int) bool { return plug[i].Name < plug[j].Name })
	return append(out, plug...)
}

// Defaults returns the predefined configuration (the junos-defaults group:
// junos-* applications) in curly-brace text. It is present for validation
// and for the data path without being part of the user's configuration.
func Defaults() string {
	var b strings.Builder
	entries, _ := fs.ReadDir(defaults, "defaults")
	for _, e := range entries {
		t, _ := defaults.ReadFile(path.Join("defaults", e.Name()))
		b.Write(t)
	}
	return b.String()
}
