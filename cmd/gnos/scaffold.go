package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

var pluginName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// pluginNew scaffolds pic/plugins/NAME in the gnos source tree holding the
// current directory: registration, control handler, policy compiler, a
// test and a README, which build and pass as generated (`gnos plugin new
// NAME`).
func pluginNew(args []string) error {
	if len(args) != 2 || args[0] != "new" {
		return errors.New("plugin: usage: gnos plugin new NAME")
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir, err := scaffoldPlugin(root, args[1])
	if err != nil {
		return err
	}
	fmt.Printf("created %s\nlink it in with an import in pic/plugins/all/all.go, then: go test ./%s\n",
		dir, strings.TrimPrefix(dir, root+string(filepath.Separator)))
	return nil
}

// moduleRoot finds the gnos module above the current directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("plugin: %w", err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/gnos/gnos\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("plugin: run inside the gnos source tree (no go.mod of github.com/gnos/gnos above)")
		}
		dir = parent
	}
}

// scaffoldPlugin writes the plugin's files under root and returns its
// directory.
func scaffoldPlugin(root, name string) (string, error) {
	if !pluginName.MatchString(name) {
		return "", fmt.Errorf("plugin: %q: a plugin name is lower-case letters, digits and dashes", name)
	}
	dir := filepath.Join(root, "pic", "plugins", name)
	if _, err := os.Stat(dir); err == nil {
		return "", fmt.Errorf("plugin: %s exists", dir)
	}
	data := struct{ Name, Pkg, Type string }{name, strings.ReplaceAll(name, "-", ""), "Policy"}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("plugin: %w", err)
	}
	for file, text := range scaffoldFiles {
		var b bytes.Buffer
		if err := template.Must(template.New(file).Parse(text)).Execute(&b, data); err != nil {
			return "", fmt.Errorf("plugin: %w", err)
		}
		path := filepath.Join(dir, strings.ReplaceAll(file, "NAME", data.Pkg))
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return "", fmt.Errorf("plugin: %w", err)
		}
	}
	return dir, nil
}

var scaffoldFiles = map[string]string{
	"NAME.go": `// Package {{.Pkg}} is the {{.Name}} service plugin.
//
// It registers itself from init: servicesd compiles a service-set's policy
// for it with Compile, and the PIC's control core hands the policy to its
// control handler, which publishes it in the policy DB for the data cores.
package {{.Pkg}}

import (
	"encoding/json"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

// Name is the plugin name used in service-order and package lists.
const Name = "{{.Name}}"

// Policy is what a service-set tells this plugin.
type Policy struct {
	ServiceSet string ` + "`json:\"service-set\"`" + `
}

// Compile returns the policy when the service-set names the plugin in
// extension-service or service-order forward-flow; nil otherwise. Return
// the configuration paths you read (compile.Dep) so servicesd recompiles on
// their changes.
func Compile(in *compile.Input) ([]byte, []string, error) {
	used := in.ServiceSet.ChildNamed("extension-service", Name) != nil
	for _, f := range compile.Values(compile.Active(in.ServiceSet, "service-order"), "forward-flow") {
		used = used || f == Name
	}
	if !used {
		return nil, nil, nil
	}
	b, err := json.Marshal(Policy{ServiceSet: in.Name})
	return b, nil, err
}

func init() {
	pic.Register(&pic.Plugin{Name: Name, Mode: pic.SessionBased, Restart: true, Compile: Compile,
		Control: func() pic.ControlHandler { return pic.JSONControl[Policy](Name) }})
}
`,
	"NAME_test.go": `package {{.Pkg}}

import (
	"context"
	"testing"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

func TestControlPublishesPolicy(t *testing.T) {
	p := pic.Lookup(Name)
	if p == nil {
		t.Fatalf("plugin %s is not registered", Name)
	}
	db := pic.NewPolicyDB(1<<20, 1)
	h := p.Control()
	ctx := context.Background()
	if err := h.Control(ctx, &pic.ControlEvent{Kind: pic.EvInit, Plugin: p.Slot(), DB: db}); err != nil {
		t.Fatal(err)
	}
	ev := &pic.ControlEvent{Kind: pic.EvPolicyAdd, Plugin: p.Slot(), ServiceSet: 1, Name: "ss1", Gen: 1,
		Policy: []byte(` + "`" + `{"service-set":"ss1"}` + "`" + `)}
	if err := h.Control(ctx, ev); err != nil {
		t.Fatal(err)
	}
	e := db.Lookup(1, p.Slot())
	if e == nil {
		t.Fatal("policy not published")
	}
	if got, want := e.Value.(*Policy).ServiceSet, "ss1"; got != want {
		t.Fatalf("got service-set %q, want %q", got, want)
	}
	ev.Kind = pic.EvPolicyDelete
	if err := h.Control(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if e := db.Lookup(1, p.Slot()); e != nil {
		t.Fatalf("after delete: got %+v, want nil", e)
	}
}

func TestCompileUnusedIsNil(t *testing.T) {
	got, _, err := Compile(&compile.Input{Name: "ss1"})
	if err != nil || got != nil {
		t.Fatalf("got %q, %v; want nil, nil", got, err)
	}
}
`,
	"README.md": `# {{.Name}}

A gnos service plugin (generated by ` + "`gnos plugin new {{.Name}}`" + `).

## Configuration

Run it on a service-set by naming it, and load it on the PIC:

    set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package {{.Name}}
    set services service-set S extension-service {{.Name}}
    set services service-set S service-order forward-flow {{.Name}}

## Policy

Compile turns the service-set into a Policy (JSON) in servicesd; the
control handler publishes it in the PIC's policy DB under the plugin's id.

## Counters and show output

None yet.
`,
}
