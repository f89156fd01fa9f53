package cli

// File commands work on the file area (DATA/files) as a small Unix tree
// seen from its own root: "/" is DATA/files, a user's home is
// /home/USER (files.go), and each session has a working directory (its
// home until `set cli directory`). Names are absolute in that tree,
// relative to the working directory, or ~-relative. Everything resolves
// through FilePath, so nothing leaves the area (.., symbolic links).
//
// A few read-only system files are synthesised from the box's state,
// because Junos tools read them: /etc/hosts.junos (PyEZ's current_re
// fact maps the RE's internal addresses through it).
//
// Replies have Junos' element names (directory-list root-path, directory
// name, file-information with file-permissions in decimal and its
// junos:format, file-date in seconds), which PyEZ's FS utility decodes.

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// FileCommands adds file list/show/copy/delete/rename and the CLI's
// working directory commands.
func FileCommands(t *Table) {
	t.Describe("file", "Perform file operations")
	t.Describe("show cli", "Show command-line interface settings")
	t.Add(
		&Command{Words: []string{"file", "list"}, RPC: "file-list", Help: "List file information",
			Args: []Arg{{Name: "detail", Help: "Display detailed output"}, {Name: "path", Positional: true, Help: "Path name"}},
			Run:  fileList, Text: textFileList},
		&Command{Words: []string{"file", "show"}, RPC: "file-show", Help: "Show file contents",
			Args: []Arg{{Name: "filename", Positional: true, Help: "Filename to show"}},
			Run:  fileShow},
		&Command{Words: []string{"file", "copy"}, RPC: "file-copy", Help: "Copy files (local or remote)",
			Args: []Arg{{Name: "source", Positional: true, Help: "Source file"}, {Name: "destination", Positional: true, Help: "Destination file"}},
			Run:  fileCopy},
		&Command{Words: []string{"file", "delete"}, RPC: "file-delete", Help: "Delete files",
			Args: []Arg{{Name: "path", Positional: true, Help: "Name of file to delete"}},
			Run:  fileDelete},
		&Command{Words: []string{"file", "rename"}, RPC: "file-rename", Help: "Rename files",
			Args: []Arg{{Name: "source", Positional: true, Help: "Source file"}, {Name: "destination", Positional: true, Help: "Destination file"}},
			Run:  fileRename},
		&Command{Words: []string{"show", "cli", "directory"}, RPC: "get-cli-working-directory",
			Help: "Show current working directory", Run: showCLIDirectory, Text: textCLIDirectory},
		&Command{Words: []string{"set", "cli", "directory"}, RPC: "set-cli-working-directory",
			Help: "Set working directory", Args: []Arg{{Name: "directory", Positional: true, Help: "Directory name"}},
			Run: setCLIDirectory, Text: textCLIDirectory},
	)
}

// home is the session's home in the file tree.
func (s *Session) home() string { return "/" + filepath.ToSlash(homeRel(s.user)) }

// wd is the session's working directory in the file tree.
func (s *Session) wd() string {
	if s.cwd == "" {
		return s.home()
	}
	return s.cwd
}

// vpath makes name an absolute, clean path of the file tree; ok is false
// when the name climbs above the tree's root.
func (s *Session) vpath(name string) (string, bool) {
	switch {
	case name == "~" || name == "":
		name = s.home()
	case strings.HasPrefix(name, "~/"):
		name = s.home() + name[1:]
	case !strings.HasPrefix(name, "/"):
		name = s.wd() + "/" + name
	}
	rel := path.Clean(strings.TrimPrefix(name, "/"))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return path.Clean("/" + rel), true
}

// resolve returns the real path of name (see FilePath) and its path in
// the file tree. An absolute name is a real path inside the file area,
// or a path of the tree whose folder exists (so /etc/passwd is outside
// the area, not a missing file). write refuses, for a restricted
// session, anything outside the user's home.
func (s *Session) resolve(name string, write bool) (string, string, error) {
	if s.eng.DataDir == "" {
		return "", "", fmt.Errorf("file operations are not available")
	}
	if strings.Contains(name, "\x00") {
		return "", "", fmt.Errorf("invalid file name %q", name)
	}
	if _, err := UserFilePath(s.eng.DataDir, s.user, false, ".", false); err != nil {
		return "", "", err // makes the home
	}
	s.eng.packagesOnce.Do(s.eng.writePackages)
	base := s.eng.FilesDir()
	outside := fmt.Errorf("file %s: outside the file area", name)
	if filepath.IsAbs(name) && within(base, filepath.Clean(name)) {
		name = "/" + filepath.ToSlash(strings.TrimPrefix(filepath.Clean(name), base))
	} else if filepath.IsAbs(name) {
		if fi, err := os.Stat(filepath.Join(base, filepath.Dir(filepath.Clean(name)))); err != nil || !fi.IsDir() {
			return "", "", outside
		}
	}
	v, ok := s.vpath(name)
	if !ok {
		return "", "", outside
	}
	real, err := FilePath(s.eng.DataDir, "."+v)
	if err != nil {
		if strings.Contains(err.Error(), "symbolic link") {
			return "", "", fmt.Errorf("file %s: outside the file area (through a symbolic link)", name)
		}
		return "", "", outside
	}
	if write && s.ownFilesOnly && !within(s.eng.HomeDir(s.user), real) {
		return "", "", fmt.Errorf("%s: permission denied: you may write only in your home directory (%s)", name, s.home())
	}
	return real, v, nil
}

// writePackages puts the installed software's description in
// /packages/junos, where Junos keeps its install packages (PyEZ's SW
// inventory lists that folder).
func (e *Engine) writePackages() {
	dir := filepath.Join(e.FilesDir(), "packages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	text := fmt.Sprintf("gnos %s (Junos XML API %s)\n", Version, JunosVersion)
	for _, p := range packages() {
		text += p[0] + ": " + p[1] + "\n"
	}
	_ = writeFile(filepath.Join(dir, "junos"), []byte(text))
}

// systemFile returns the content of a synthesised system file.
func (s *Session) systemFile(v string) (string, bool) {
	if v != "/etc/hosts.junos" {
		return "", false
	}
	var b strings.Builder
	b.WriteString("#\n# Internal addresses of the routing engine and FPCs (gnos)\n#\n")
	b.WriteString("128.0.0.1\tmaster\n128.0.0.4\tre0\n128.0.0.5\tre1\n")
	seen := map[string]bool{}
	for _, fp := range pics(s.eng.Configd.Active()) {
		if n, err := strconv.Atoi(fp[0]); err == nil && !seen[fp[0]] && n < 240 {
			seen[fp[0]] = true
			fmt.Fprintf(&b, "128.0.0.%d\tfpc%s\n", 16+n, fp[0])
		}
	}
	return b.String(), true
}

func fileInfo(name string, fi fs.FileInfo) *Elem {
	mode := fi.Mode()
	perm := T("file-permissions", strconv.Itoa(int(mode.Perm())))
	perm.Attrs = []xml.Attr{junosAttr("format", modeString(mode))}
	date := T("file-date", strconv.FormatInt(fi.ModTime().Unix(), 10))
	date.Attrs = []xml.Attr{junosAttr("format", fi.ModTime().UTC().Format("Jan _2 15:04"))}
	owner, links := "-", 1
	if st, ok := sysStat(fi); ok {
		links = st.links
		if u, err := user.LookupId(strconv.Itoa(st.uid)); err == nil {
			owner = u.Username
		} else {
			owner = strconv.Itoa(st.uid)
		}
	}
	e := E("file-information", T("file-name", name), perm, T("file-links", strconv.Itoa(links)),
		T("file-owner", owner), T("file-size", strconv.FormatInt(fi.Size(), 10)), date)
	if fi.IsDir() {
		e.Add(T("file-directory", ""))
	}
	return e
}

// modeString is ls' rendering: drwx------, -rw-r--r--.
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	if m.IsDir() {
		b[0] = 'd'
	} else if m&fs.ModeSymlink != 0 {
		b[0] = 'l'
	}
	for i, c := range "rwxrwxrwx" {
		if m.Perm()&(1<<(8-i)) != 0 {
			b[i+1] = byte(c)
		}
	}
	return string(b)
}

func fileList(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	name := a["path"]
	if name == "" {
		name = "."
	}
	real, v, err := s.resolve(name, false)
	if err != nil {
		return nil, err
	}
	list := E("directory-list")
	list.Attrs = []xml.Attr{{Name: xml.Name{Local: "root-path"}, Value: strings.TrimSuffix(s.wd(), "/") + "/"}}
	if a.Has("detail") {
		list.Add(T("list-style", "detail"))
	}
	fi, err := os.Stat(real)
	if err != nil {
		return list.Add(T("output", fmt.Sprintf("%s: %v", a["path"], plainFileErr(err)))), nil
	}
	dir := E("directory")
	if !fi.IsDir() {
		return list.Add(dir.Add(fileInfo(v, fi))), nil
	}
	dirName := strings.TrimSuffix(v, "/") + "/"
	dir.Attrs = []xml.Attr{{Name: xml.Name{Local: "name"}, Value: dirName}}
	dir.Add(T("directory-name", dirName))
	ents, err := os.ReadDir(real)
	if err != nil {
		return nil, fmt.Errorf("could not list %s: %w", a["path"], plainFileErr(err))
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	var total int64
	for _, en := range ents {
		info, err := en.Info()
		if err != nil {
			continue
		}
		total += (info.Size() + 511) / 512
		dir.Add(fileInfo(en.Name(), info))
	}
	dir.Add(T("total-blocks", strconv.FormatInt(total, 10)), T("total-files", strconv.Itoa(len(ents))))
	return list.Add(dir), nil
}

func textFileList(w io.Writer, e *Elem) {
	detail := e.Get("list-style") != nil
	if o := e.Val("output"); o != "" {
		fmt.Fprintln(w, o)
		return
	}
	for _, d := range e.All("directory") {
		if n := d.Val("directory-name"); n != "" {
			fmt.Fprintf(w, "%s:\n", n)
			if detail {
				fmt.Fprintf(w, "total blocks: %s\n", d.Val("total-blocks"))
			}
		}
		for _, f := range d.All("file-information") {
			name := f.Val("file-name")
			if f.Get("file-directory") != nil {
				name += "/"
			}
			if detail {
				fmt.Fprintf(w, "%s %2s %-8s %10s %s %s\n", attr(f.Get("file-permissions"), "format"), f.Val("file-links"),
					f.Val("file-owner"), f.Val("file-size"), attr(f.Get("file-date"), "format"), name)
			} else {
				fmt.Fprintln(w, name)
			}
		}
		if detail && d.Val("directory-name") != "" {
			fmt.Fprintf(w, "total files: %s\n", d.Val("total-files"))
		}
	}
}

func fileShow(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if a["filename"] == "" {
		return nil, fmt.Errorf("missing argument: filename")
	}
	var text string
	v, _ := s.vpath(a["filename"])
	if c, ok := s.systemFile(v); ok {
		text = c
	} else {
		real, vv, err := s.resolve(a["filename"], false)
		if err != nil {
			return nil, err
		}
		v = vv
		b, err := os.ReadFile(real)
		if err != nil {
			return nil, fmt.Errorf("could not read %s: %w", a["filename"], plainFileErr(err))
		}
		text = string(b)
	}
	e := &Elem{Name: "file-content", Text: strings.TrimSuffix(text, "\n")}
	e.Attrs = []xml.Attr{{Name: xml.Name{Local: "filename"}, Value: v}}
	return e, nil
}

// twoFiles resolves the source (read) and destination (write) of copy
// and rename; a destination that is a directory receives the source's
// name.
func (s *Session) twoFiles(a Args) (string, string, error) {
	if a["source"] == "" || a["destination"] == "" {
		return "", "", fmt.Errorf("syntax error, expecting <source> <destination>")
	}
	if v, _ := s.vpath(a["source"]); v == "/etc/hosts.junos" {
		return "", "", fmt.Errorf("%s: system files cannot be copied or renamed", a["source"])
	}
	src, _, err := s.resolve(a["source"], false)
	if err != nil {
		return "", "", err
	}
	dst, _, err := s.resolve(a["destination"], true)
	if err != nil {
		return "", "", err
	}
	if fi, err := os.Stat(src); err != nil {
		return "", "", fmt.Errorf("%s: %w", a["source"], plainFileErr(err))
	} else if fi.IsDir() {
		return "", "", fmt.Errorf("%s: is a directory", a["source"])
	}
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		dst = filepath.Join(dst, filepath.Base(src))
		if !within(s.eng.FilesDir(), dst) {
			return "", "", fmt.Errorf("%s: outside the file area", a["destination"])
		}
	}
	return src, dst, nil
}

func fileCopy(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	src, dst, err := s.twoFiles(a)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", a["source"], plainFileErr(err))
	}
	if err := writeFile(dst, b); err != nil {
		return nil, fmt.Errorf("could not copy to %s: %w", a["destination"], plainFileErr(err))
	}
	return nil, nil
}

func fileRename(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	src, dst, err := s.twoFiles(a)
	if err != nil {
		return nil, err
	}
	if s.ownFilesOnly && !within(s.eng.HomeDir(s.user), src) {
		return nil, fmt.Errorf("%s: permission denied: you may write only in your home directory (%s)", a["source"], s.home())
	}
	if err := os.Rename(src, dst); err != nil {
		return nil, fmt.Errorf("could not rename %s: %w", a["source"], plainFileErr(err))
	}
	return nil, nil
}

func fileDelete(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if a["path"] == "" {
		return nil, fmt.Errorf("syntax error, expecting <path>")
	}
	real, _, err := s.resolve(a["path"], true)
	if err != nil {
		return nil, err
	}
	fi, err := os.Lstat(real)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a["path"], plainFileErr(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", a["path"])
	}
	if err := os.Remove(real); err != nil {
		return nil, fmt.Errorf("could not delete %s: %w", a["path"], plainFileErr(err))
	}
	return nil, nil
}

func showCLIDirectory(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	return E("cli", T("working-directory", s.wd())), nil
}

func setCLIDirectory(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	real, v, err := s.resolve(a["directory"], false)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", a["directory"])
	}
	s.cwd = v
	return showCLIDirectory(context.TODO(), s, nil, nil, nil)
}

func textCLIDirectory(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "Current directory: %s\n", e.Val("working-directory"))
}
