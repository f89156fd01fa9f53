package format

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteSet writes n's subtree as `| display set` does: one `set` line per
// leaf, leaf-list item, and childless container or list entry, in display
// order, each with the full path (prefix, the path of n, first), and a
// `deactivate` line after the lines of each inactive statement.
// Annotations are not part of set form.
func WriteSet(w io.Writer, n *tree.Node, prefix tree.Path) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, writeBuffer)
	}
	sw := setWriter{w: bw}
	for _, tok := range prefix.Tokens(false) {
		sw.push(tree.Quote(tok))
	}
	sw.kids(n.KidSlice())
	return bw.Flush()
}

type setWriter struct {
	w    *bufio.Writer
	path []byte // quoted tokens of the current path, space-separated
}

func (sw *setWriter) push(tok string) {
	if len(sw.path) > 0 {
		sw.path = append(sw.path, ' ')
	}
	sw.path = append(sw.path, tok...)
}

func (sw *setWriter) emit(verb string) {
	sw.w.WriteString(verb)
	sw.w.WriteByte(' ')
	sw.w.Write(sw.path)
	sw.w.WriteByte('\n')
}

func (sw *setWriter) kids(kids []*tree.Node) {
	for _, c := range kids {
		mark := len(sw.path)
		sw.head(c)
		switch {
		case c.S.Kind == schema.Leaf:
			pathEnd := len(sw.path)
			if !c.S.IsEmptyType() || c.Value != "" {
				sw.push(tree.Quote(c.Value))
			}
			sw.emit("set")
			sw.path = sw.path[:pathEnd]
			sw.flagLines(c)
		case len(c.KidSlice()) == 0:
			sw.emit("set")
			sw.flagLines(c)
		default:
			sw.kids(c.KidSlice())
			sw.flagLines(c)
		}
		sw.path = sw.path[:mark]
	}
}

// flagLines writes the lines that flag statement c (its path pushed, a
// leaf without its value): deactivate, then protect.
func (sw *setWriter) flagLines(c *tree.Node) {
	if c.Inactive {
		sw.emit("deactivate")
	}
	if c.Protected {
		sw.emit("protect")
	}
}

// head pushes the tokens naming c (for a leaf, without its value).
func (sw *setWriter) head(c *tree.Node) {
	s := c.S
	switch s.Kind {
	case schema.List:
		if !s.Flat {
			sw.push(s.Name)
		}
		keyParts(s, c.Key, func(_ int, k string) { sw.push(tree.Quote(k)) })
	case schema.LeafList:
		sw.push(s.Name)
		sw.push(tree.Quote(c.Value))
	default:
		if s.Parent != nil && s.Parent.Value == s {
			return // the value goes on the container's path: autonomous-system 65000
		}
		sw.push(s.Name)
	}
}

// ParseSet builds a configuration from set-form commands (see ApplySet),
// starting from an empty tree for schema node root.
func ParseSet(root *schema.Node, src string) (*tree.Node, error) {
	ed := tree.NewEditor(tree.New(root))
	if err := ApplySet(ed, root, src); err != nil {
		return nil, err
	}
	return ed.Freeze(), nil
}

// ApplySet executes set-form configuration commands, one a line, through
// ed (whose root has schema node root): set, delete, activate, deactivate,
// annotate PATH "text", rename PATH to KEY, copy PATH to KEY, insert PATH
// before|after KEY, and edit PATH / up [N] / top / exit, which move the
// level later paths are relative to (`top CMD` runs one command from the
// top). Blank lines and lines starting with `#` are skipped. As in Junos
// `load set`, deleting a statement that is not there is not an error.
//
// It stops at the first error, a *ParseError naming line and column; the
// edits of earlier lines stay applied to ed (discard the Editor to drop
// them).
func ApplySet(ed *tree.Editor, root *schema.Node, src string) error {
	if errs := applySet(ed, root, src, false); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ApplySetAll is ApplySet that goes on past errors, as Junos' load does:
// a line with an error changes nothing and is reported (with its edit
// level and text); the other lines apply.
func ApplySetAll(ed *tree.Editor, root *schema.Node, src string) ParseErrors {
	return applySet(ed, root, src, true)
}

func applySet(ed *tree.Editor, root *schema.Node, src string, all bool) ParseErrors {
	a := setApplier{ed: ed, root: root}
	src = strings.TrimPrefix(src, bom)
	var errs ParseErrors
	for ln := 1; src != ""; ln++ {
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		line = strings.TrimSuffix(line, "\r")
		if err := a.run(line); err != nil {
			pe := &ParseError{Source: "terminal", Line: ln, Col: 1, Msg: err.Error()}
			var le *lineError
			if errors.As(err, &le) {
				pe.Col, pe.Msg = le.off+1, le.msg
			}
			pe.Edit, pe.Statement = a.cur.Edit(), strings.TrimSpace(line)
			if errs = append(errs, pe); !all {
				return errs
			}
		}
	}
	return errs
}

// lineError is an error at a byte offset of the current line.
type lineError struct {
	off int
	msg string
}

func (e *lineError) Error() string { return e.msg }

type setApplier struct {
	ed   *tree.Editor
	root *schema.Node
	cur  tree.Path // the `edit` level
	text string    // the current line
	toks []string
	offs []int
}

func (a *setApplier) errAt(tok int, format string, args ...any) error {
	off := len(a.text)
	if tok < len(a.offs) {
		off = a.offs[tok]
	}
	return &lineError{off: off, msg: fmt.Sprintf(format, args...)}
}

func (a *setApplier) run(line string) error {
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed == "" || trimmed[0] == '#' {
		return nil
	}
	toks, offs, err := tokenize(line, a.toks[:0], a.offs[:0])
	if err != nil {
		var te *tokenizeError
		errors.As(err, &te)
		return &lineError{off: te.off, msg: "syntax error: unterminated quoted string"}
	}
	a.text, a.toks, a.offs = line, toks, offs
	return a.command(0)
}

// command runs the command starting at token i.
func (a *setApplier) command(i int) error {
	if i >= len(a.toks) {
		return nil
	}
	args := i + 1
	switch a.toks[i] {
	case "set":
		return a.set(args)
	case "delete":
		return a.delete(args)
	case "activate", "deactivate":
		return a.activate(args, a.toks[i] == "deactivate")
	case "protect", "unprotect":
		return a.protect(args, a.toks[i] == "protect")
	case "annotate":
		return a.annotate(args)
	case "rename", "copy":
		return a.renameOrCopy(args, a.toks[i] == "copy")
	case "insert":
		return a.insert(args)
	case "edit":
		return a.edit(args)
	case "top":
		if args < len(a.toks) {
			saved := a.cur
			a.cur = nil
			err := a.command(args)
			a.cur = saved
			return err
		}
		a.cur = nil
		return nil
	case "up", "exit":
		n := 1
		if a.toks[i] == "up" && args < len(a.toks) {
			v, err := strconv.Atoi(a.toks[args])
			if err != nil || v < 1 {
				return a.errAt(args, "syntax error: expecting a number of levels")
			}
			n = v
		}
		a.cur = a.cur[:max(0, len(a.cur)-n)]
		return nil
	}
	return a.errAt(i, "syntax error: unknown command '%s'", a.toks[i])
}

// paths resolves toks[from:to] relative to the edit level.
func (a *setApplier) paths(from, to int, mode tree.ParseMode) ([]tree.Path, error) {
	base := tree.SchemaOf(a.root, a.cur)
	ps, err := tree.ParseTokens(base, a.toks[from:to], mode)
	if err != nil {
		var pe *tree.PathError
		if errors.As(err, &pe) {
			return nil, a.pathError(from, to, pe)
		}
		return nil, a.errAt(from, "%v", err)
	}
	for _, p := range ps {
		for _, st := range p {
			if len(st.S.Keys) > 1 && !st.All && strings.Count(st.Key, " ") != len(st.S.Keys)-1 {
				return nil, a.errAt(from, "%s: a key of a list with several keys cannot contain a space", st.S.Name)
			}
		}
	}
	if len(a.cur) > 0 {
		for i, p := range ps {
			ps[i] = a.cur.Append(p...)
		}
	}
	return ps, nil
}

func (a *setApplier) pathError(from, to int, pe *tree.PathError) error {
	tok := from + pe.Token
	msg := strings.TrimSuffix(pe.Msg, ".")
	switch {
	case msg == "syntax error" && tok < to && pe.Expect != nil:
		msg = fmt.Sprintf("syntax error: unknown statement '%s'", a.toks[tok])
	case msg == "syntax error" && tok < to:
		msg = fmt.Sprintf("syntax error: unexpected '%s'", a.toks[tok])
	case msg == "missing argument" && len(pe.Expect) > 0:
		msg = "syntax error: missing argument " + pe.Expect[0]
	case msg == "missing argument":
		msg = "syntax error: missing argument"
	}
	if tok > to {
		tok = to
	}
	return a.errAt(tok, "%s", msg)
}

func (a *setApplier) set(args int) error {
	if args >= len(a.toks) {
		return a.errAt(args, "syntax error: missing statement")
	}
	ps, err := a.paths(args, len(a.toks), tree.ForSet)
	if err != nil {
		return err
	}
	for _, p := range ps {
		// A leaf-list value "[" or "]" could not be written back in set
		// form: Tokenize cannot tell it from the brackets.
		if last := p[len(p)-1]; last.S.Kind == schema.LeafList && (last.Value == "[" || last.Value == "]") {
			return a.errAt(args, "syntax error: unexpected '%s'", last.Value)
		}
		if err := a.ed.Set(p); err != nil {
			return a.errAt(args, "%v", err)
		}
	}
	return nil
}

func (a *setApplier) delete(args int) error {
	ps := []tree.Path{a.cur}
	if args < len(a.toks) {
		var err error
		if ps, err = a.paths(args, len(a.toks), tree.ForRef); err != nil {
			return err
		}
	}
	for _, p := range ps {
		if err := a.ed.Delete(p); err != nil && !errors.Is(err, tree.ErrNotFound) {
			return a.errAt(args, "%v", err)
		}
	}
	return nil
}

func (a *setApplier) activate(args int, inactive bool) error {
	return a.eachPath(args, func(p tree.Path) error { return a.ed.SetInactive(p, inactive) })
}

func (a *setApplier) protect(args int, protected bool) error {
	return a.eachPath(args, func(p tree.Path) error { return a.ed.SetProtected(p, protected) })
}

// eachPath applies f to every path the statement from toks[args] names
// (a wildcard names several), as activate and protect do.
func (a *setApplier) eachPath(args int, f func(tree.Path) error) error {
	if args >= len(a.toks) {
		return a.errAt(args, "syntax error: missing statement")
	}
	ps, err := a.paths(args, len(a.toks), tree.ForRef)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := f(p); err != nil {
			return a.errAt(args, "%s: %v", p.String(), err)
		}
	}
	return nil
}

func (a *setApplier) annotate(args int) error {
	if len(a.toks)-args < 2 {
		return a.errAt(len(a.toks), "syntax error: expecting a statement and a comment")
	}
	last := len(a.toks) - 1
	ps, err := a.paths(args, last, tree.ForRef)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := a.ed.Annotate(p, a.toks[last]); err != nil {
			return a.errAt(args, "%s: %v", p.String(), err)
		}
	}
	return nil
}

// target finds the split `PATH word REF` of toks[args:] for rename, copy
// (word "to") and insert (words "before" and "after"): PATH names an entry
// and REF is its list's keyword (optional) and key, or a leaf-list value.
func (a *setApplier) target(args int, words ...string) (tree.Path, int, string, error) {
	for w := len(a.toks) - 2; w > args; w-- {
		if !isOneOf(a.toks[w], words) {
			continue
		}
		ps, err := a.paths(args, w, tree.ForRef)
		if err != nil || len(ps) != 1 || len(ps[0]) == 0 {
			continue
		}
		p := ps[0]
		last := p[len(p)-1]
		if last.All || (last.S.Kind != schema.List && last.S.Kind != schema.LeafList) {
			continue
		}
		ref := a.toks[w+1:]
		if len(ref) > 1 && ref[0] == last.S.Name {
			ref = ref[1:]
		}
		want := 1
		if last.S.Kind == schema.List {
			want = len(last.S.Keys)
		}
		if len(ref) != want {
			continue
		}
		if err := a.checkID(last.S, ref); err != nil {
			return nil, 0, "", err
		}
		return p, w, strings.Join(ref, " "), nil
	}
	if _, err := a.paths(args, len(a.toks), tree.ForRef); err != nil {
		return nil, 0, "", err
	}
	return nil, 0, "", a.errAt(args, "syntax error: expecting PATH %s KEY", strings.Join(words, "|"))
}

// checkID checks the key parts (or leaf-list value) ref, the last tokens
// of the line, given for list or leaf-list s: their type, no blank inside
// one of several keys, and no flat list key that would read as a keyword.
func (a *setApplier) checkID(s *schema.Node, ref []string) error {
	at := len(a.toks) - len(ref)
	for i, v := range ref {
		leaf := s
		if s.Kind == schema.List {
			if leaf = s.Child(s.Keys[i]); leaf == nil {
				continue
			}
		}
		if err := leaf.CheckValue(v); err != nil {
			return a.errAt(at+i, "%v", err)
		}
		if err := keyPartCheck(s, v); err != nil {
			return a.errAt(at+i, "%v", err)
		}
	}
	if s.Kind == schema.List && s.Flat && s.Parent.Child(ref[0]) != nil {
		return a.errAt(at, "syntax error: '%s' is a keyword here", ref[0])
	}
	return nil
}

func isOneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func (a *setApplier) renameOrCopy(args int, copy bool) error {
	p, _, key, err := a.target(args, "to")
	if err != nil {
		return err
	}
	if copy {
		err = a.ed.Copy(p, key)
	} else {
		err = a.ed.Rename(p, key)
	}
	if err != nil {
		return a.errAt(args, "%s: %v", p.String(), err)
	}
	return nil
}

func (a *setApplier) insert(args int) error {
	p, w, ref, err := a.target(args, "before", "after")
	if err != nil {
		return err
	}
	if err := a.ed.Insert(p, a.toks[w] == "before", ref); err != nil {
		return a.errAt(args, "%s: %v", p.String(), err)
	}
	return nil
}

func (a *setApplier) edit(args int) error {
	if args >= len(a.toks) {
		return nil
	}
	ps, err := a.paths(args, len(a.toks), tree.ForRef)
	if err != nil {
		return err
	}
	p := ps[0]
	if last := p[len(p)-1]; last.All || (last.S.Kind != schema.Container && last.S.Kind != schema.List) {
		return a.errAt(args, "syntax error: %s is not a container or list entry", last.S.Name)
	}
	a.cur = p
	return nil
}
