package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/internal/atomicfile"
)

// Pipeline is the parsed `| …` part of a command line. display and
// compare change how a command renders; the rest filter its text.
type Pipeline struct {
	display  string // "", "set", "xml", "json", "detail"
	relative bool   // display set relative
	inherit  int    // display inheritance: inheritWithComments or inheritNoComments
	compare  bool
	rollback int // with compare: rollback N, -1 for the committed configuration
	filters  []func([]string) []string
	save     string
	appendTo bool // save appends (| append); with tee the output is shown too
	tee      bool
	noMore   bool
	// progress, when set, takes a command's text as it is produced (ping's
	// replies): the session streams it to a front end that asked for it
	// (Session.Stream), for a line without pipes.
	progress io.Writer
	hold     bool
	refresh  time.Duration // | refresh [N]: run again every N seconds (refresh.go)
}

// Pipeline.inherit values.
const (
	inheritWithComments = 1 + iota // ## 'x' was inherited from group 'g'
	inheritNoComments
)

func parsePipes(pipes [][]token, lineLen int) (*Pipeline, error) {
	p := &Pipeline{rollback: -1}
	for _, seg := range pipes {
		if len(seg) == 0 {
			return nil, &lineError{pos: lineLen, msg: "syntax error, expecting <pipe command>."}
		}
		name, err := pick(seg[0], []string{"match", "except", "count", "last", "find", "no-more", "display", "compare", "save", "trim", "hold", "append", "tee", "refresh"})
		if err != nil {
			return nil, err
		}
		arg := func() (token, error) {
			if len(seg) < 2 {
				return token{}, &lineError{pos: lineLen, msg: "syntax error, expecting <argument>."}
			}
			return seg[1], nil
		}
		switch name {
		case "match", "except", "find":
			a, err := arg()
			if err != nil {
				return nil, err
			}
			pat := strings.Join(words(seg[1:]), " ")
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, &lineError{pos: a.pos, msg: "error: invalid regular expression: " + pat}
			}
			switch name {
			case "match":
				p.filters = append(p.filters, func(ls []string) []string { return keep(ls, re, true) })
			case "except":
				p.filters = append(p.filters, func(ls []string) []string { return keep(ls, re, false) })
			case "find":
				p.filters = append(p.filters, func(ls []string) []string {
					for i, l := range ls {
						if re.MatchString(l) {
							return ls[i:]
						}
					}
					return nil
				})
			}
		case "count":
			p.filters = append(p.filters, func(ls []string) []string {
				return []string{fmt.Sprintf("Count: %d lines", len(ls))}
			})
		case "last":
			n := 0
			if len(seg) > 1 {
				v, err := strconv.Atoi(seg[1].s)
				if err != nil || v < 1 {
					return nil, &lineError{pos: seg[1].pos, msg: "error: invalid number: " + seg[1].s}
				}
				n = v
			}
			p.filters = append(p.filters, func(ls []string) []string {
				if n == 0 || n > len(ls) {
					return ls
				}
				return ls[len(ls)-n:]
			})
		case "no-more":
			p.noMore = true
		case "hold":
			p.hold = true
		case "refresh":
			p.refresh = time.Second
			if len(seg) > 1 {
				n, err := strconv.Atoi(seg[1].s)
				if err != nil || n < 1 || n > 604800 {
					return nil, errAt(seg, 1, lineLen, "syntax error, expecting <number> (1..604800 seconds).")
				}
				p.refresh = time.Duration(n) * time.Second
			}
		case "append", "tee":
			a, err := arg()
			if err != nil {
				return nil, err
			}
			p.save, p.appendTo, p.tee = a.s, name == "append", name == "tee"
		case "display":
			a, err := arg()
			if err != nil {
				return nil, err
			}
			d, err := pick(a, []string{"set", "xml", "json", "detail", "inheritance"})
			if err != nil {
				return nil, err
			}
			if d == "inheritance" {
				// | display inheritance [no-comments]: the configuration with
				// groups applied; it combines with another | display
				p.inherit = inheritWithComments
				if len(seg) > 2 {
					if _, err := pick(seg[2], []string{"no-comments"}); err != nil {
						return nil, err
					}
					p.inherit = inheritNoComments
				}
				continue
			}
			switch {
			case d == "xml" && len(seg) > 2:
				if _, err := pick(seg[2], []string{"rpc"}); err != nil {
					return nil, err
				}
				d = "xml-rpc"
			case d == "xml" && p.display == "xml-rpc":
				d = "xml-rpc" // NETCONF's <command> adds | display xml
			}
			p.display = d
			if d == "set" && len(seg) > 2 {
				if _, err := pick(seg[2], []string{"relative"}); err != nil {
					return nil, err
				}
				p.relative = true
			}
		case "compare":
			p.compare = true
			if len(seg) > 1 {
				if _, err := pick(seg[1], []string{"rollback"}); err != nil {
					return nil, err
				}
				if len(seg) < 3 {
					return nil, &lineError{pos: lineLen, msg: "syntax error, expecting <number>."}
				}
				n, err := strconv.Atoi(seg[2].s)
				if err != nil || n < 0 || n > 49 {
					return nil, &lineError{pos: seg[2].pos, msg: "error: rollback must be 0..49"}
				}
				p.rollback = n
			}
		case "save":
			a, err := arg()
			if err != nil {
				return nil, err
			}
			p.save = a.s
		case "trim":
			a, err := arg()
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(a.s)
			if err != nil || n < 0 {
				return nil, &lineError{pos: a.pos, msg: "error: invalid number: " + a.s}
			}
			p.filters = append(p.filters, func(ls []string) []string {
				out := make([]string, len(ls))
				for i, l := range ls {
					if len(l) > n {
						out[i] = l[n:]
					}
				}
				return out
			})
		}
	}
	return p, nil
}

func keep(ls []string, re *regexp.Regexp, match bool) []string {
	var out []string
	for _, l := range ls {
		if re.MatchString(l) == match {
			out = append(out, l)
		}
	}
	return out
}

// apply runs the text filters over in and writes to out (or saves).
func (p *Pipeline) apply(s *Session, in *bytes.Buffer, out io.Writer) error {
	if len(p.filters) == 0 && p.save == "" {
		_, err := out.Write(in.Bytes())
		return err
	}
	text := strings.TrimSuffix(in.String(), "\n")
	var lines []string
	if text != "" {
		lines = strings.Split(text, "\n")
	}
	for _, f := range p.filters {
		lines = f(lines)
	}
	res := strings.Join(lines, "\n")
	if len(lines) > 0 {
		res += "\n"
	}
	if p.save != "" {
		path, err := s.filePath(p.save, true)
		if err != nil {
			return err
		}
		if err := p.write(path, res); err != nil {
			return fmt.Errorf("could not save %s: %w", p.save, err)
		}
		if p.tee {
			_, err := io.WriteString(out, res)
			return err
		}
		fmt.Fprintf(out, "Wrote %d lines of output to '%s'\n", len(lines), p.save)
		return nil
	}
	_, err := io.WriteString(out, res)
	return err
}

// write saves res to path, or appends it for | append.
func (p *Pipeline) write(path, res string) error {
	if !p.appendTo {
		return writeFile(path, []byte(res))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(res); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// FilesDir is the folder under the data directory that `save`, `load`,
// `| save` and `file list|show` work in. The store, the sockets and the
// SSH host key live beside it, out of reach of file commands.
func (e *Engine) FilesDir() string { return filepath.Join(e.DataDir, "files") }

// FilePath resolves a file name given to a command inside the file area
// of dataDir (DATA/files), refusing anything that would leave it (..,
// absolute paths elsewhere, NULs). Commands of other daemons (traffic
// replay and capture in servicesd) use it too.
func FilePath(dataDir, name string) (string, error) {
	base := filepath.Join(dataDir, "files")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("file area: %w", err)
	}
	if name == "" || strings.Contains(name, "\x00") {
		return "", fmt.Errorf("invalid file name %q", name)
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	p = filepath.Clean(p)
	if !within(base, p) {
		return "", fmt.Errorf("file %s: outside the file area", name)
	}
	// A symbolic link inside the area must not lead out of it: resolve
	// what exists of the path (the file, or its folder for a new one).
	realBase, err := filepath.EvalSymlinks(base)
	if err != nil {
		return "", fmt.Errorf("file area: %w", err)
	}
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		var dir string
		if dir, err = filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			real = filepath.Join(dir, filepath.Base(p))
		}
	}
	if err == nil && !within(realBase, real) {
		return "", fmt.Errorf("file %s: outside the file area (through a symbolic link)", name)
	}
	return p, nil
}

// within reports whether p is base or below it.
func within(base, p string) bool {
	return p == base || strings.HasPrefix(p, base+string(filepath.Separator))
}

// writeFile replaces a file atomically: a failed write leaves no half
// file.
func writeFile(path string, data []byte) error { return atomicfile.Write(path, data) }

// pick resolves t against choices by unique prefix.
func pick(t token, choices []string) (string, error) { return pickHelp(t, choices, nil) }

// pickHelp is pick whose ambiguity error lists each possible completion
// with its help, as Junos does.
func pickHelp(t token, choices []string, help map[string]string) (string, error) {
	var m []string
	for _, c := range choices {
		if c == t.s {
			return c, nil
		}
		if strings.HasPrefix(c, t.s) {
			m = append(m, c)
		}
	}
	switch len(m) {
	case 1:
		return m[0], nil
	case 0:
		return "", &lineError{pos: t.pos, msg: "syntax error, expecting " + expectList(choices) + "."}
	}
	return "", &lineError{pos: t.pos, msg: fmt.Sprintf("'%s' is ambiguous.\nPossible completions:\n%s", t.s, indentList(m, help))}
}

func expectList(cs []string) string {
	if len(cs) == 1 {
		return "<" + cs[0] + ">"
	}
	return "<command>"
}

func indentList(cs []string, help map[string]string) string {
	var b strings.Builder
	for _, c := range cs {
		if h := help[c]; h != "" {
			fmt.Fprintf(&b, "  %-20s %s\n", c, h)
		} else {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
