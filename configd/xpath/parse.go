package xpath

import (
	"fmt"
	"strconv"
)

// maxDepth bounds the nesting of an expression so that hostile input cannot
// exhaust the stack.
const maxDepth = 64

type parser struct {
	toks  []token
	i     int
	depth int
}

func parse(src string) (expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errorf("unexpected %s", t.kind)
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) accept(k tokKind) bool {
	if p.peek().kind == k {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(k tokKind) error {
	if !p.accept(k) {
		return p.errorf("expected %s, found %s", k, p.peek().kind)
	}
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.peek().pos, fmt.Sprintf(format, args...))
}

func (p *parser) expr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errorf("expression nested too deeply")
	}
	return p.binaryLevel(0)
}

// levels lists the binary operators from the loosest to the tightest.
var levels = [][]tokKind{
	{tOr},
	{tAnd},
	{tEq, tNeq},
	{tLt, tLe, tGt, tGe},
	{tPlus, tMinus},
	{tMul, tDiv, tMod},
}

func (p *parser) binaryLevel(lv int) (expr, error) {
	if lv == len(levels) {
		return p.unary()
	}
	l, err := p.binaryLevel(lv + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek().kind
		found := false
		for _, k := range levels[lv] {
			found = found || k == op
		}
		if !found {
			return l, nil
		}
		p.next()
		r, err := p.binaryLevel(lv + 1)
		if err != nil {
			return nil, err
		}
		l = &binary{op: op, l: l, r: r}
	}
}

func (p *parser) unary() (expr, error) {
	if p.accept(tMinus) {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errorf("expression nested too deeply")
		}
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &negate{e: e}, nil
	}
	l, err := p.pathExpr()
	if err != nil {
		return nil, err
	}
	for p.accept(tPipe) {
		r, err := p.pathExpr()
		if err != nil {
			return nil, err
		}
		l = &union{l: l, r: r}
	}
	return l, nil
}

// pathExpr parses PathExpr: a location path, or a filter expression
// optionally followed by / or // and a relative path.
func (p *parser) pathExpr() (expr, error) {
	switch p.peek().kind {
	case tLParen, tLiteral, tNumber, tFunc, tVar:
		prim, err := p.primary()
		if err != nil {
			return nil, err
		}
		preds, err := p.predicates()
		if err != nil {
			return nil, err
		}
		k := p.peek().kind
		if len(preds) == 0 && k != tSlash && k != tSlashSlash {
			return prim, nil
		}
		pt := &path{filter: prim, preds: preds}
		if p.accept(tSlashSlash) {
			pt.steps = append(pt.steps, &step{axis: axDescendantOrSelf, node: true})
		} else if !p.accept(tSlash) {
			return pt, nil
		}
		return pt, p.relativePath(pt)
	}
	pt := &path{}
	switch {
	case p.accept(tSlash):
		pt.abs = true
		switch p.peek().kind {
		case tName, tStar, tAxis, tNodeType, tDot, tDotDot, tAt:
		default:
			return pt, nil // the root alone
		}
	case p.accept(tSlashSlash):
		pt.abs = true
		pt.steps = append(pt.steps, &step{axis: axDescendantOrSelf, node: true})
	}
	return pt, p.relativePath(pt)
}

func (p *parser) relativePath(pt *path) error {
	for {
		st, err := p.step()
		if err != nil {
			return err
		}
		pt.steps = append(pt.steps, st)
		switch {
		case p.accept(tSlash):
		case p.accept(tSlashSlash):
			pt.steps = append(pt.steps, &step{axis: axDescendantOrSelf, node: true})
		default:
			return nil
		}
	}
}

func (p *parser) step() (*step, error) {
	if p.accept(tDot) {
		return &step{axis: axSelf, node: true}, nil
	}
	if p.accept(tDotDot) {
		return &step{axis: axParent, node: true}, nil
	}
	st := &step{axis: axChild}
	if t := p.peek(); t.kind == tAxis {
		p.next()
		ax, ok := axisNames[t.val]
		if !ok {
			return nil, p.errorf("unsupported axis %q", t.val)
		}
		st.axis = ax
		if err := p.expect(tColonColon); err != nil {
			return nil, err
		}
	} else if t.kind == tAt {
		return nil, p.errorf("attributes are not supported")
	}
	switch t := p.next(); t.kind {
	case tName:
		st.name = t.val
	case tStar:
	case tNodeType:
		if t.val != "node" {
			return nil, fmt.Errorf("offset %d: %s() is not supported", t.pos, t.val)
		}
		st.node = true
		if err := p.expect(tLParen); err != nil {
			return nil, err
		}
		if err := p.expect(tRParen); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("offset %d: expected a step, found %s", t.pos, t.kind)
	}
	preds, err := p.predicates()
	if err != nil {
		return nil, err
	}
	st.preds = preds
	if len(preds) > 0 && st.axis == axChild {
		st.keyName, st.keyEq = keyPredicate(preds[0])
	}
	return st, nil
}

// keyPredicate recognises `[K = E]` and `[E = K]` where K is a plain child
// name and E does not depend on the context node.
func keyPredicate(e expr) (string, expr) {
	b, ok := e.(*binary)
	if !ok || b.op != tEq {
		return "", nil
	}
	if k := plainName(b.l); k != "" && !b.r.usesContext() {
		return k, b.r
	}
	if k := plainName(b.r); k != "" && !b.l.usesContext() {
		return k, b.l
	}
	return "", nil
}

func plainName(e expr) string {
	pt, ok := e.(*path)
	if !ok || pt.abs || pt.filter != nil || len(pt.steps) != 1 {
		return ""
	}
	st := pt.steps[0]
	if st.axis != axChild || st.name == "" || len(st.preds) > 0 {
		return ""
	}
	return st.name
}

func (p *parser) predicates() ([]expr, error) {
	var out []expr
	for p.accept(tLBracket) {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRBracket); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (p *parser) primary() (expr, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		return e, p.expect(tRParen)
	case tLiteral:
		return &literal{s: t.val}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil {
			return nil, fmt.Errorf("offset %d: bad number %q", t.pos, t.val)
		}
		return &number{n: f}, nil
	case tVar:
		return nil, fmt.Errorf("offset %d: variables are not supported", t.pos)
	case tFunc:
		fn := functions[t.val]
		if fn == nil {
			return nil, fmt.Errorf("offset %d: unknown function %s()", t.pos, t.val)
		}
		if err := p.expect(tLParen); err != nil {
			return nil, err
		}
		c := &call{fn: fn}
		if !p.accept(tRParen) {
			for {
				a, err := p.expr()
				if err != nil {
					return nil, err
				}
				c.args = append(c.args, a)
				if p.accept(tRParen) {
					break
				}
				if err := p.expect(tComma); err != nil {
					return nil, err
				}
			}
		}
		if len(c.args) < fn.min || (fn.max >= 0 && len(c.args) > fn.max) {
			return nil, fmt.Errorf("offset %d: wrong number of arguments to %s()", t.pos, t.val)
		}
		return c, nil
	}
	return nil, fmt.Errorf("offset %d: unexpected %s", t.pos, t.kind)
}
