package format

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// maxDepth bounds the nesting of XML elements and JSON values a parser
// accepts; the deepest gnos statement is far shallower.
const maxDepth = 64

// ParseXML parses Junos XML configuration (what WriteXML prints), with or
// without a <configuration> (or NETCONF <config>) wrapper. Namespaces are
// ignored except to recognise <junos:comment> annotations. Operations come
// back as Directives: NETCONF operation="merge|replace|create|delete|remove"
// (any namespace prefix; remove is reported as delete) and the Junos
// attributes delete="delete", replace="replace", inactive="inactive"
// (also set on the node) and active="active". A statement being deleted is
// not added to the tree. DOCTYPE declarations (and so entity definitions)
// are rejected, as is nesting deeper than 64 elements. Errors are
// *ParseError with Source "xml" and name the element path.
func ParseXML(root *schema.Node, r io.Reader) (*tree.Node, []Directive, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	p := &xmlParser{d: d}
	t := tree.New(root)
	if err := p.document(t); err != nil {
		return nil, nil, err
	}
	tree.Settle(t)
	return t, p.pend.directives(), nil
}

type xmlParser struct {
	d     *xml.Decoder
	b     builder
	names []string     // element path, for errors
	chain []*tree.Node // statements from the root's child down, for directives
	pend  pendingDirs
}

func (p *xmlParser) errorf(format string, args ...any) error {
	line, col := p.d.InputPos()
	msg := fmt.Sprintf(format, args...)
	if len(p.names) > 0 {
		msg = elementPath(p.names) + ": " + msg
	}
	return &ParseError{Source: "xml", Line: line, Col: col, Msg: msg}
}

// token returns the next token, rejecting DTDs and mapping decoder errors.
func (p *xmlParser) token() (xml.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, col := p.d.InputPos()
			return nil, &ParseError{Source: "xml", Line: line, Col: col, Msg: "syntax error: " + se.Msg}
		}
		return nil, p.errorf("%v", err)
	}
	if _, ok := tok.(xml.Directive); ok {
		return nil, p.errorf("DOCTYPE and entity declarations are not allowed")
	}
	return tok, nil
}

func (p *xmlParser) document(t *tree.Node) error {
	err := p.children(&xmlFrame{node: t}, 0)
	if err == io.EOF {
		return nil
	}
	if err == nil {
		return p.errorf("syntax error: unexpected end tag")
	}
	return err
}

// wrapper reports whether element name at the root is a <configuration>
// or NETCONF <config> wrapper rather than a statement.
func wrapper(root *tree.Node, name string) bool {
	return root.S.Parent == nil && (name == "configuration" || name == "config") && root.S.Child(name) == nil
}

// xmlFrame is a statement whose child elements are being read.
type xmlFrame struct {
	node     *tree.Node
	keys     []string // list entry key parts, in key order
	comment  string   // pending <junos:comment> for the next element
	noted    bool
	elements bool   // a child element was read
	text     []byte // character data of a list entry of one key (old gnos XML: <stateful-firewall-rules>R</…>)
}

// children reads the child elements of f's statement up to its end tag.
// At depth 0 (the document) it returns io.EOF at the end of the input.
func (p *xmlParser) children(f *xmlFrame, depth int) error {
	for {
		tok, err := p.token()
		if err == io.EOF {
			if depth == 0 {
				return io.EOF
			}
			return p.errorf("syntax error: unexpected end of input")
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if wrapper(f.node, tok.Name.Local) {
				p.names = append(p.names, tok.Name.Local)
				if depth+1 > maxDepth {
					return p.errorf("nesting deeper than %d elements", maxDepth)
				}
				if err := p.children(f, depth+1); err != nil {
					return err
				}
				p.names = p.names[:len(p.names)-1]
				continue
			}
			if isJunosComment(tok.Name) {
				text, err := p.text(depth + 1)
				if err != nil {
					return err
				}
				f.comment, f.noted = stripComment(text), true
				continue
			}
			f.elements = true
			if err := p.element(f, tok, depth+1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if isBlankText(tok) {
				continue
			}
			if (len(f.keys) == 1 && f.node.S.Kind == schema.List) || f.node.S.Value != nil {
				f.text = append(f.text, tok...)
				continue
			}
			return p.errorf("unexpected text %q", truncate(string(tok)))
		}
	}
}

// text reads a leaf's character data up to its end tag.
func (p *xmlParser) text(depth int) (string, error) {
	if depth > maxDepth {
		return "", p.errorf("nesting deeper than %d elements", maxDepth)
	}
	var b strings.Builder
	for {
		tok, err := p.token()
		if err == io.EOF {
			return "", p.errorf("unexpected end of input")
		}
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			b.Write(tok)
		case xml.StartElement:
			return "", p.errorf("unexpected element <%s> in a leaf", tok.Name.Local)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// xmlOps is what an element's attributes ask for.
type xmlOps struct {
	op       string // a Directive op, or ""
	inactive bool
	active   bool
	protect  bool
	unprot   bool
}

func (p *xmlParser) attrs(se xml.StartElement) (xmlOps, error) {
	var o xmlOps
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "operation":
			op, ok := netconfOp(a.Value)
			if !ok {
				return o, p.errorf("invalid operation %q", a.Value)
			}
			if op != "" { // merge keeps what an earlier operation said
				o.op = op
			}
		case "delete":
			if a.Value == "delete" {
				o.op = OpDelete
			}
		case "replace":
			if a.Value == "replace" {
				o.op = OpReplace
			}
		case "inactive":
			o.inactive = a.Value == "inactive"
		case "active":
			o.active = a.Value == "active"
		case "protect":
			o.protect = a.Value == "protect"
		case "unprotect":
			o.unprot = a.Value == "unprotect"
		}
	}
	return o, nil
}

// element reads one statement element under frame f.
func (p *xmlParser) element(f *xmlFrame, se xml.StartElement, depth int) error {
	name := se.Name.Local
	p.names = append(p.names, name)
	defer func() { p.names = p.names[:len(p.names)-1] }()
	if depth > maxDepth {
		return p.errorf("nesting deeper than %d elements", maxDepth)
	}
	parent := f.node
	s := parent.S.Child(name)
	if s == nil {
		return p.errorf("unknown element <%s>", name)
	}
	ops, err := p.attrs(se)
	if err != nil {
		return err
	}
	comment, noted := f.comment, f.noted
	f.comment, f.noted = "", false
	del := ops.op == OpDelete
	if s.IsKey() {
		v, err := p.text(depth)
		if err != nil {
			return err
		}
		if err := p.b.check(s, v); err != nil {
			return p.errorf("%v", err)
		}
		if err := keyPartCheck(parent.S, v); err != nil {
			return p.errorf("%v", err)
		}
		f.keys[keyIndex(parent.S, name)] = v
		return nil
	}
	var n *tree.Node
	all := false
	switch s.Kind {
	case schema.Leaf, schema.LeafList:
		v, err := p.text(depth)
		if err != nil {
			return err
		}
		if s.IsEmptyType() && isBlankText([]byte(v)) {
			v = ""
		}
		if del && v == "" && s.Kind == schema.LeafList {
			all = true
		} else if !del || v != "" {
			if err := p.b.check(s, v); err != nil {
				return p.errorf("%v", err)
			}
		}
		if del {
			n = p.b.node(s, "", v)
		} else {
			n = p.b.child(parent, s, "", v)
		}
	case schema.Container:
		n = p.b.node(s, "", "")
		nf := &xmlFrame{node: n}
		if err := p.nested(nf, depth); err != nil {
			return err
		}
		if len(nf.text) > 0 {
			// <autonomous-system>65000</autonomous-system>: the value of a
			// container holding one value as its text, which Junos takes
			// (Ansible's junos_routing_options sends it so) and gnos wrote
			// when it modelled these as leaves
			v := strings.TrimSpace(string(nf.text))
			if n.ChildNamed(s.Value.Name, "") != nil {
				return p.errorf("<%s> has both the text %q and <%s>", s.Name, truncate(v), s.Value.Name)
			}
			if err := p.b.check(s.Value, v); err != nil {
				return p.errorf("%s: %v", s.Name, err)
			}
			p.b.child(n, s.Value, "", v)
		}
		if prunable(n) && !ops.inactive && !noted {
			// Its children were all deletions, or it had none: add no
			// empty container. A non-presence container means nothing
			// by itself (RFC 7950 7.5.1), so <family><inet6/></family>
			// merges nothing, as <edit-config> does; Ansible's
			// junos_acls deleted sends it for a family it finds empty.
			p.record(n, false, ops)
			return nil
		}
		if !del {
			n = p.b.attach(parent, n)
		}
	case schema.List:
		n = p.b.node(s, "", "")
		nf := &xmlFrame{node: n, keys: make([]string, len(s.Keys))}
		if err := p.nested(nf, depth); err != nil {
			return err
		}
		if len(nf.text) > 0 {
			// <stateful-firewall-rules>R</stateful-firewall-rules>: a list of
			// keys as gnos printed it when it was a leaf-list
			k := strings.TrimSpace(string(nf.text))
			if nf.elements || nf.keys[0] != "" {
				return p.errorf("unexpected text %q beside the elements of <%s>", truncate(k), s.Name)
			}
			if err := p.b.check(s.Child(s.Keys[0]), k); err != nil {
				return p.errorf("%v", err)
			}
			nf.keys[0] = k
		}
		missing := ""
		for i, k := range nf.keys {
			if k == "" && missing == "" {
				missing = s.Keys[i]
			}
		}
		switch {
		case missing != "" && del && allEmpty(nf.keys):
			all = true
		case missing != "":
			return p.errorf("missing key <%s>", missing)
		default:
			n.Key = strings.Join(nf.keys, " ")
		}
		if !del {
			n = p.b.attach(parent, n)
		}
	}
	if noted && !del {
		n.Comment = comment
	}
	if ops.inactive && !del {
		n.Inactive = true
	}
	if ops.protect && !del {
		n.Protected = true
	}
	p.record(n, all, ops)
	return nil
}

// nested reads the children of statement f.node with f.node on the chain.
func (p *xmlParser) nested(f *xmlFrame, depth int) error {
	p.chain = append(p.chain, f.node)
	err := p.children(f, depth)
	p.chain = p.chain[:len(p.chain)-1]
	return err
}

func (p *xmlParser) record(n *tree.Node, all bool, o xmlOps) {
	if o.op != "" {
		p.pend.add(p.chain, n, all, o.op)
	}
	if o.inactive && o.op != OpDelete {
		p.pend.add(p.chain, n, false, OpInactive)
	}
	if o.active && o.op != OpDelete {
		p.pend.add(p.chain, n, false, OpActive)
	}
	if o.protect && o.op != OpDelete {
		p.pend.add(p.chain, n, false, OpProtect)
	}
	if o.unprot && o.op != OpDelete {
		p.pend.add(p.chain, n, false, OpUnprotect)
	}
}

// elementPath joins the names of the open elements (or JSON members) for
// an error message, keeping the last eight.
func elementPath(names []string) string {
	if len(names) > 8 {
		return ".../" + strings.Join(names[len(names)-8:], "/")
	}
	return strings.Join(names, "/")
}

func keyIndex(list *schema.Node, name string) int {
	for i, k := range list.Keys {
		if k == name {
			return i
		}
	}
	return 0
}

func allEmpty(ss []string) bool {
	for _, s := range ss {
		if s != "" {
			return false
		}
	}
	return true
}

func isJunosComment(n xml.Name) bool {
	return n.Local == "comment" && n.Space != "" && strings.Contains(n.Space, "junos")
}

// stripComment turns "/* text */" back into the annotation text.
func stripComment(s string) string {
	if strings.HasPrefix(s, "/*") && strings.HasSuffix(s, "*/") && len(s) >= 4 {
		return trimComment(s[2 : len(s)-2])
	}
	return s
}

func isBlankText(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// pendingDirs collects directives whose paths are known only once the
// whole document is read (a list entry's key may follow its children in
// XML and JSON). Each keeps the chain of statement nodes leading to it.
type pendingDirs []pendingDir

type pendingDir struct {
	chain []*tree.Node
	all   bool
	op    string
}

func (pd *pendingDirs) add(chain []*tree.Node, n *tree.Node, all bool, op string) {
	c := make([]*tree.Node, len(chain)+1)
	copy(c, chain)
	c[len(chain)] = n
	*pd = append(*pd, pendingDir{chain: c, all: all, op: op})
}

func (pd pendingDirs) directives() []Directive {
	var out []Directive
	for _, d := range pd {
		p := make(tree.Path, 0, len(d.chain))
		for _, n := range d.chain {
			p = append(p, n.Step())
		}
		if d.all {
			p[len(p)-1].All = true
			p[len(p)-1].Key, p[len(p)-1].Value = "", ""
		}
		out = append(out, Directive{Path: p, Op: d.op})
	}
	return out
}
