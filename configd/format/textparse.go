package format

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// ParseText parses curly-brace configuration relative to schema node root
// (the schema root for a whole configuration). It accepts what WriteText
// prints and what Junos accepts in `load merge` text:
//   - `/* */` comments, kept as the annotation of the statement that
//     follows; `#` comments to the end of the line, dropped (so
//     `## SECRET-DATA` is fine);
//   - the tags `inactive:` (the statement is inactive), `active:`,
//     `replace:` and `delete:` (a deleted statement is not added to the
//     tree); each tag also comes back as a Directive;
//   - one-liners such as `route 0.0.0.0/0 next-hop 192.0.2.1;`;
//   - the entries of a list of one key as one block, as Junos prints
//     address lists: `source-address { 10.0.0.0/8; 10.1.0.0/16 except; }`
//     is `source-address 10.0.0.0/8; source-address 10.1.0.0/16 except;`;
//   - statements in any order: repeated containers and entries merge, a
//     repeated leaf keeps its last value, a block left empty adds nothing.
//
// Errors are *ParseError with Source "terminal", located at the offending
// token.
func ParseText(root *schema.Node, src string) (*tree.Node, []Directive, error) {
	p := &textParser{lex: lexer{src: src}}
	if strings.HasPrefix(src, bom) {
		p.lex.pos = len(bom)
	}
	t := tree.New(root)
	if err := p.parse(t); err != nil {
		return nil, nil, err
	}
	tree.Settle(t)
	return t, p.dirs, nil
}

// ParseTextAll is ParseText that goes on past errors, as Junos' load
// does: a statement with an error is skipped whole (with its block) and
// reported, with its edit path and text; the rest is parsed. Only an
// error the lexer cannot get past (an unterminated string or comment)
// ends the parse, reported last.
func ParseTextAll(root *schema.Node, src string) (*tree.Node, []Directive, ParseErrors) {
	p := &textParser{lex: lexer{src: src}, recover: true}
	if strings.HasPrefix(src, bom) {
		p.lex.pos = len(bom)
	}
	t := tree.New(root)
	if err := p.parse(t); err != nil {
		p.report(err, -1)
	}
	tree.Settle(t)
	return t, p.dirs, p.errs
}

// bom is a UTF-8 byte order mark, which editors may put at the start of a
// file; parsers skip it.
const bom = "\ufeff"

type textParser struct {
	lex     lexer
	b       builder
	stack   []*tree.Node // open statements, the root first
	path    []tree.Step  // path of stack[1:] (for directives)
	dirs    []Directive
	comment string // pending annotation for the next statement
	hasNote bool
	vals    []string       // scratch for leaf-list values
	pops    []int          // per open brace, how many stack frames it opened (2 for `family inet {`)
	groups  []*schema.Node // per open brace, the list whose entries it holds (`source-address {`), else nil

	recover bool        // ParseTextAll: report a bad statement, skip it, go on
	errs    ParseErrors // what recover reported
	last    token       // the last token consumed
}

func (p *textParser) errorf(off int, format string, args ...any) error {
	return errorAt("terminal", p.lex.src, off, format, args...)
}

func (p *textParser) next() (token, error) {
	tok, err := p.lex.next()
	if err != nil {
		e := errorAt("terminal", p.lex.src, tok.off, "%v", err)
		e.fatal = true
		return tok, e
	}
	p.last = tok
	return tok, nil
}

// take consumes a token peekValue returned.
func (p *textParser) take(tok token) {
	p.lex.pos = tok.end
	p.last = tok
}

// fail ends the parse with err, or (recovering) reports it, skips the
// statement that began at start and goes on.
func (p *textParser) fail(err error, start int) error {
	if !p.recover {
		return err
	}
	if pe, ok := err.(*ParseError); ok && pe.fatal {
		return err
	}
	p.report(err, start)
	return p.skip()
}

// report records a recovered error with the edit path it occurred at and
// the text of the statement that began at start (-1: none).
func (p *textParser) report(err error, start int) {
	pe, ok := err.(*ParseError)
	if !ok {
		pe = errorAt("terminal", p.lex.src, p.lex.pos, "%v", err)
	}
	pe.Edit = tree.Path(p.path).Edit()
	if start >= 0 {
		pe.Statement = statementText(p.lex.src[start:])
	}
	p.errs = append(p.errs, pe)
	p.comment, p.hasNote = "", false
}

// skip passes the rest of a statement that failed: up to its ';', or past
// its block; a '}' closing the enclosing block (or the end) is left for
// parse.
func (p *textParser) skip() error {
	depth := 0
	switch p.last.kind {
	case tSemi:
		return nil
	case tLBrace:
		depth = 1
	case tRBrace, tEOF:
		p.lex.pos = p.last.off
		return nil
	}
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch tok.kind {
		case tEOF:
			p.lex.pos = tok.off
			return nil
		case tSemi:
			if depth == 0 {
				return nil
			}
		case tLBrace:
			depth++
		case tRBrace:
			if depth == 0 {
				p.lex.pos = tok.off
				return nil
			}
			if depth--; depth == 0 {
				return nil
			}
		}
	}
}

// statementText is the statement at the start of src as an error quotes
// it: its first line, up to and including its ';' or '{'.
func statementText(src string) string {
	line, _, _ := strings.Cut(src, "\n")
	if i := strings.IndexAny(line, ";{"); i >= 0 {
		line = line[:i+1]
	}
	return strings.TrimSpace(line)
}

func (p *textParser) parse(root *tree.Node) error {
	p.stack = append(p.stack, root)
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch tok.kind {
		case tEOF:
			if len(p.pops) > 0 {
				return p.errorf(tok.off, "syntax error: missing '}'")
			}
			return nil
		case tRBrace:
			if len(p.pops) == 0 {
				err := p.errorf(tok.off, "syntax error: unexpected '}'")
				if !p.recover {
					return err
				}
				p.report(err, -1) // nothing to skip: the '}' is consumed
				continue
			}
			k := p.pops[len(p.pops)-1]
			p.pops = p.pops[:len(p.pops)-1]
			p.groups = p.groups[:len(p.groups)-1]
			for ; k > 0; k-- {
				n := p.stack[len(p.stack)-1]
				p.stack = p.stack[:len(p.stack)-1]
				p.path = p.path[:len(p.path)-1]
				if prunable(n) { // `services { delete: x; }` leaves no empty services
					removeKid(p.stack[len(p.stack)-1], n)
				}
			}
			p.comment, p.hasNote = "", false // a comment closing a block has nothing to annotate
		case tComment:
			if p.hasNote {
				p.comment += "\n" + tok.text
			} else {
				p.comment, p.hasNote = tok.text, true
			}
		case tWord, tString:
			if err := p.statement(tok); err != nil {
				if err := p.fail(err, tok.off); err != nil {
					return err
				}
			}
		default:
			if err := p.fail(p.errorf(tok.off, "syntax error: unexpected '%s'", tok.text), tok.off); err != nil {
				return err
			}
		}
	}
}

// tags are the Junos operators that may precede a statement.
type tags struct{ inactive, active, replace, delete, protect, unprotect bool }

// set records tag word w and reports whether it is one.
func (tg *tags) set(w string) bool {
	switch w {
	case "inactive:":
		tg.inactive = true
	case "active:":
		tg.active = true
	case "replace:":
		tg.replace = true
	case "delete:":
		tg.delete = true
	case "protect:":
		tg.protect = true
	case "unprotect:":
		tg.unprotect = true
	default:
		return false
	}
	return true
}

func (p *textParser) statement(tok token) error {
	var tg tags
	for tok.kind == tWord && tg.set(tok.text) {
		var err error
		if tok, err = p.next(); err != nil {
			return err
		}
	}
	if tok.kind != tWord && tok.kind != tString {
		return p.errorf(tok.off, "syntax error: expecting a statement")
	}
	parent := p.stack[len(p.stack)-1]
	if g, err := p.group(parent.S, tok, tg); g || err != nil {
		return err
	}
	st, values, err := p.head(parent.S, tok, tg.delete)
	if err != nil {
		return err
	}
	s := st.S
	end, err := p.next()
	if err != nil {
		return err
	}
	comment, hasNote := p.comment, p.hasNote
	p.comment, p.hasNote = "", false
	if tg.delete {
		if end.kind != tSemi {
			return p.errorf(end.off, "syntax error: expecting ';' after %s", s.Name)
		}
		p.directives(st, values, OpDelete)
		return nil
	}
	if s.Kind == schema.LeafList {
		if err := p.terminator(end, s, false); err != nil {
			return err
		}
		for _, v := range values {
			it := p.b.child(parent, s, "", v)
			p.flags(it, tg, comment, hasNote)
		}
		p.tagDirectives(st, values, tg)
		return nil
	}
	// A one-liner: `route 0.0.0.0/0 next-hop 192.0.2.1;` sets statements
	// of the entry on the same line, as Junos prints some lists. The whole
	// line is read before anything is built: a statement with an error
	// leaves nothing behind (load reports it and goes on).
	type part struct {
		st     tree.Step
		values []string
	}
	var chain []part
	curS, compact := s, false
	for (end.kind == tWord || end.kind == tString) && (curS.Kind == schema.Container || curS.Kind == schema.List) {
		cst, cvalues, err := p.head(curS, end, false)
		if err != nil {
			return err
		}
		if len(chain) == 0 && s.Compact && cst.S.Kind == schema.Container {
			// `family inet {`: a compact container's child opens the block
			chain, curS, compact = append(chain, part{st: cst}), cst.S, true
			if end, err = p.next(); err != nil {
				return err
			}
			break
		}
		chain = append(chain, part{cst, slices.Clone(cvalues)})
		if cst.S.Kind == schema.Container || cst.S.Kind == schema.List {
			curS = cst.S
		}
		if end, err = p.next(); err != nil {
			return err
		}
	}
	if err := p.terminator(end, curS, curS != s && !compact); err != nil {
		return err
	}
	n := p.b.child(parent, s, st.Key, st.Value)
	p.flags(n, tg, comment, hasNote)
	p.tagDirectives(st, nil, tg)
	cur := n
	for _, c := range chain {
		if c.st.S.Kind == schema.LeafList {
			for _, v := range c.values {
				p.b.child(cur, c.st.S, "", v)
			}
			continue
		}
		if k := p.b.child(cur, c.st.S, c.st.Key, c.st.Value); k.S.Kind == schema.Container || k.S.Kind == schema.List {
			cur = k
		}
	}
	var compactStep *tree.Step
	if compact {
		compactStep = &chain[0].st
	}
	if end.kind == tLBrace {
		p.stack = append(p.stack, n)
		p.path = append(p.path, st)
		pops := 1
		if compactStep != nil {
			p.stack = append(p.stack, cur)
			p.path = append(p.path, *compactStep)
			pops = 2
		}
		p.pops = append(p.pops, pops)
		p.groups = append(p.groups, nil)
	}
	return nil
}

// group opens a block of list entries (`source-address {`) when tok names
// a list of one key under ps and a '{' follows it; it reports whether it
// did. The entries become children of the open statement: the block opens
// no stack frame.
func (p *textParser) group(ps *schema.Node, tok token, tg tags) (bool, error) {
	if tok.kind != tWord || p.openGroup() != nil {
		return false, nil
	}
	s := ps.Child(tok.text)
	if s == nil || s.Kind != schema.List || s.Flat || len(s.Keys) != 1 {
		return false, nil
	}
	next, err := p.peekValue()
	if err != nil {
		return false, err
	}
	if next.kind == tLBrack {
		return true, p.bracketKeys(s, tg)
	}
	if next.kind != tLBrace {
		return false, nil
	}
	p.take(next)
	if tg != (tags{}) {
		return true, p.errorf(tok.off, "syntax error: put inactive:, replace: or delete: on the entries inside %s { … }", s.Name)
	}
	p.pops = append(p.pops, 0)
	p.groups = append(p.groups, s)
	return true, nil
}

// bracketKeys reads `name [ k1 k2 ];` for a list of one key: the form
// gnos printed for rule references and addresses before they took Junos'
// shape of lists, accepted so that text saved then still loads. Each key
// becomes an entry.
func (p *textParser) bracketKeys(s *schema.Node, tg tags) error {
	keys, err := p.values(s.Child(s.Keys[0]), false)
	if err != nil {
		return err
	}
	keys = slices.Clone(keys)
	end, err := p.next()
	if err != nil {
		return err
	}
	if end.kind != tSemi {
		return p.errorf(end.off, "syntax error: expecting ';' after %s", s.Name)
	}
	parent := p.stack[len(p.stack)-1]
	comment, hasNote := p.comment, p.hasNote
	p.comment, p.hasNote = "", false
	for _, k := range keys {
		st := tree.Step{S: s, Key: k}
		if tg.delete {
			p.directives(st, nil, OpDelete)
			continue
		}
		n := p.b.child(parent, s, k, "")
		p.flags(n, tg, comment, hasNote)
		p.tagDirectives(st, nil, tg)
	}
	return nil
}

// openGroup returns the list whose entry block is the innermost open
// brace, or nil.
func (p *textParser) openGroup() *schema.Node {
	if len(p.groups) == 0 {
		return nil
	}
	return p.groups[len(p.groups)-1]
}

// terminator checks what ends a statement of schema s: `;`, or `{` for a
// container or list entry (not inside a one-liner).
func (p *textParser) terminator(end token, s *schema.Node, inline bool) error {
	switch {
	case end.kind == tSemi:
		return nil
	case end.kind == tLBrace && (s.Kind == schema.Container || s.Kind == schema.List) && !inline:
		return nil
	case (s.Kind == schema.Container || s.Kind == schema.List) && !inline:
		return p.errorf(end.off, "syntax error: expecting ';' or '{' after %s", s.Name)
	}
	return p.errorf(end.off, "syntax error: expecting ';' after %s", s.Name)
}

// head reads what names a statement under schema node ps, starting at tok:
// its keyword (or a flat list's key) and then its key(s) or value(s).
// With del, keys and values may be left out (the step has All set for a
// list or leaf-list). Leaf-list values come back apart from the step.
func (p *textParser) head(ps *schema.Node, tok token, del bool) (tree.Step, []string, error) {
	if v := ps.Value; v != nil && (tok.kind == tString || ps.Child(tok.text) == nil) {
		// a container holding one value has it on its line, without the
		// leaf's keyword: `autonomous-system 65000;`
		if err := p.b.check(v, tok.text); err != nil {
			return tree.Step{}, nil, p.errorf(tok.off, "%s: %v", ps.Name, err)
		}
		return tree.Step{S: v, Value: tok.text}, nil, nil
	}
	s, key, err := p.keyword(ps, tok)
	if err != nil {
		return tree.Step{}, nil, err
	}
	st := tree.Step{S: s, Key: key}
	var values []string
	switch s.Kind {
	case schema.List:
		if key == "" || len(s.Keys) > 1 {
			if st, err = p.keys(st, del); err != nil {
				return st, nil, err
			}
		}
	case schema.Leaf:
		if !s.IsEmptyType() {
			v, _, err := p.value(s, del)
			if err != nil {
				return st, nil, err
			}
			st.Value = v
		}
	case schema.LeafList:
		if values, err = p.values(s, del); err != nil {
			return st, nil, err
		}
		st.All = values == nil
	}
	return st, values, nil
}

// keyword resolves the token naming a statement under schema node ps: a
// child keyword, or the key of ps's flat list (`ge-0/0/0 {` under
// interfaces).
func (p *textParser) keyword(ps *schema.Node, tok token) (*schema.Node, string, error) {
	if g := p.openGroup(); g != nil && g.Parent == ps {
		// inside `source-address {`: each statement starts with an entry's key
		if err := p.checkKey(g, 0, tok); err != nil {
			return nil, "", err
		}
		return g, tok.text, nil
	}
	if tok.kind == tWord {
		if c := ps.Child(tok.text); c != nil && !c.IsKey() {
			return c, "", nil
		}
	}
	fl := ps.FlatList()
	if fl == nil {
		return nil, "", p.errorf(tok.off, "syntax error: unknown statement '%s'", tok.text)
	}
	if err := p.checkKey(fl, 0, tok); err != nil {
		return nil, "", err
	}
	return fl, tok.text, nil
}

// keys reads the remaining keys of a list entry (all of them, or all but
// the first for a flat list). With del, a list named without keys stands
// for all its entries.
func (p *textParser) keys(st tree.Step, del bool) (tree.Step, error) {
	parts := make([]string, 0, len(st.S.Keys))
	if st.Key != "" {
		parts = append(parts, st.Key)
	}
	if len(st.S.Keys) > 1 && len(parts) == 1 {
		if err := keyPartCheck(st.S, parts[0]); err != nil {
			return st, p.errorf(p.lex.pos, "%v", err)
		}
	}
	for len(parts) < len(st.S.Keys) {
		tok, err := p.peekValue()
		if err != nil {
			return st, err
		}
		if tok.kind != tWord && tok.kind != tString {
			if del && len(parts) == 0 {
				st.All = true
				return st, nil
			}
			return st, p.errorf(tok.off, "syntax error: missing %s of %s", st.S.Keys[len(parts)], st.S.Name)
		}
		p.take(tok)
		if err := p.checkKey(st.S, len(parts), tok); err != nil {
			return st, err
		}
		if err := keyPartCheck(st.S, tok.text); err != nil {
			return st, p.errorf(tok.off, "%v", err)
		}
		parts = append(parts, tok.text)
	}
	st.Key = strings.Join(parts, " ")
	return st, nil
}

func (p *textParser) checkKey(list *schema.Node, i int, tok token) error {
	k := list.Child(list.Keys[i])
	if k == nil {
		return nil
	}
	if err := p.b.check(k, tok.text); err != nil {
		return p.errorf(tok.off, "%s %s: %v", list.Name, k.Name, err)
	}
	return nil
}

// peekValue returns the next token without consuming it (p.lex.pos is
// moved to tok.end by the caller that takes it).
func (p *textParser) peekValue() (token, error) {
	save, last := p.lex.pos, p.last
	tok, err := p.next()
	p.lex.pos, p.last = save, last
	return tok, err
}

// value reads a leaf's value; with del it may be missing (ok false).
func (p *textParser) value(s *schema.Node, del bool) (string, bool, error) {
	tok, err := p.peekValue()
	if err != nil {
		return "", false, err
	}
	if tok.kind != tWord && tok.kind != tString {
		if del {
			return "", false, nil
		}
		return "", false, p.errorf(tok.off, "syntax error: missing value of %s", s.Name)
	}
	p.take(tok)
	if err := p.b.check(s, tok.text); err != nil {
		return "", false, p.errorf(tok.off, "%s: %v", s.Name, err)
	}
	return tok.text, true, nil
}

// values reads a leaf-list's value or `[ values ]`; with del the values may
// be missing (nil: all of them).
func (p *textParser) values(s *schema.Node, del bool) ([]string, error) {
	tok, err := p.peekValue()
	if err != nil {
		return nil, err
	}
	if tok.kind != tLBrack {
		v, ok, err := p.value(s, del)
		if err != nil || !ok {
			return nil, err
		}
		return []string{v}, nil
	}
	p.take(tok)
	out := p.vals[:0]
	if out == nil {
		out = make([]string, 0, 8)
	}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tRBrack:
			if len(out) == 0 && !del {
				return nil, p.errorf(tok.off, "syntax error: missing value of %s", s.Name)
			}
			p.vals = out // reused by the next statement: callers consume values at once
			return out, nil
		case tWord, tString:
			if err := p.b.check(s, tok.text); err != nil {
				return nil, p.errorf(tok.off, "%s: %v", s.Name, err)
			}
			out = append(out, tok.text)
		default:
			return nil, p.errorf(tok.off, "syntax error: expecting ']'")
		}
	}
}

func (p *textParser) flags(n *tree.Node, tg tags, comment string, hasNote bool) {
	if tg.inactive {
		n.Inactive = true
	}
	if tg.protect {
		n.Protected = true
	}
	if hasNote {
		n.Comment = comment
	}
}

func (p *textParser) tagDirectives(st tree.Step, values []string, tg tags) {
	if tg.replace {
		p.directives(st, values, OpReplace)
	}
	if tg.active {
		p.directives(st, values, OpActive)
	}
	if tg.inactive {
		p.directives(st, values, OpInactive)
	}
	if tg.protect {
		p.directives(st, values, OpProtect)
	}
	if tg.unprotect {
		p.directives(st, values, OpUnprotect)
	}
}

// directives records op for the statement st under the open path (one per
// leaf-list value when values are given).
func (p *textParser) directives(st tree.Step, values []string, op string) {
	if len(values) == 0 {
		p.dirs = append(p.dirs, Directive{Path: tree.Path(p.path).Append(st), Op: op})
		return
	}
	for _, v := range values {
		st.Value, st.All = v, false
		p.dirs = append(p.dirs, Directive{Path: tree.Path(p.path).Append(st), Op: op})
	}
}

// prunable reports whether n is an empty non-presence container without
// flags, which a parser drops when a block or element left it empty (as
// tree.Editor does after a delete).
func prunable(n *tree.Node) bool {
	return n.S.Kind == schema.Container && !n.S.Presence && len(n.KidSlice()) == 0 && !n.Inactive && !n.Protected && n.Comment == ""
}

// keyPartCheck rejects a space inside one key of a list with several
// keys: the tree joins the keys with a space.
func keyPartCheck(list *schema.Node, part string) error {
	if len(list.Keys) > 1 && strings.Contains(part, " ") {
		return fmt.Errorf("%s: a key of a list with several keys cannot contain a space", list.Name)
	}
	return nil
}
