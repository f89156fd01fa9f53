package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"
)

var pluginName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// pluginNew scaffolds pic/plugins/NAME (dashes dropped) in the gnos source
// tree holding the current directory (`gnos plugin new NAME`):
// registration, policy compiler, control and data handlers, a YANG module
// augmenting services, a test that pushes packets through it and a
// README, which build and pass as generated.
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
	rel := filepath.ToSlash(strings.TrimPrefix(dir, root+string(filepath.Separator)))
	fmt.Printf("created %s (see its README.md)\nlink it in with an import of github.com/gnos/gnos/%s in pic/plugins/all/all.go, then: go test ./%s\n",
		dir, rel, rel)
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

// templates is the plugin skeleton, one template per generated file:
// paths end in .tmpl (so the go tool does not build them here) and spell
// PKG and NAME where the package and plugin names go.
//
//go:embed plugintmpl
var templates embed.FS

// scaffold is what the templates see.
type scaffold struct {
	Name       string // plugin name, e.g. "rate-limit"
	Pkg        string // Go package and directory, e.g. "ratelimit"
	Module     string // YANG module, e.g. "gnos-rate-limit"
	Prefix     string // YANG prefix
	Date       string // YANG revision
	ChainOrder int
}

// scaffoldPlugin writes the plugin's files under root/pic/plugins/PKG and
// returns that directory. It writes nothing when the directory exists
// and removes what it wrote when a file fails.
func scaffoldPlugin(root, name string) (dir string, err error) {
	pkg := strings.ReplaceAll(name, "-", "")
	if !pluginName.MatchString(name) || token.IsKeyword(pkg) {
		return "", fmt.Errorf("plugin: %q: a plugin name is lower-case letters, digits and dashes, starting with a letter (and not a Go keyword)", name)
	}
	data := scaffold{Name: name, Pkg: pkg, Module: "gnos-" + name, Prefix: pkg,
		Date: time.Now().Format(time.DateOnly), ChainOrder: 300}
	dir = filepath.Join(root, "pic", "plugins", pkg)
	if _, err := os.Stat(dir); err == nil {
		return "", fmt.Errorf("plugin: %s exists", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("plugin: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	err = fs.WalkDir(templates, "plugintmpl", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "plugintmpl/"), ".tmpl")
		rel = strings.NewReplacer("PKG", pkg, "NAME", name).Replace(rel)
		b, err := render(p, rel, data)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("plugin: %w", err)
	}
	return dir, nil
}

// render executes template file tmpl for the generated file rel; Go
// source comes out gofmt'ed whatever length the names substituted have.
func render(tmpl, rel string, data scaffold) ([]byte, error) {
	t, err := template.ParseFS(templates, tmpl)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(rel, ".go") {
		return b.Bytes(), nil
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	return src, nil
}
