package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// ParseJSON parses RFC 7951 JSON configuration (what WriteJSON prints),
// optionally wrapped in {"configuration": …} as Junos prints it. Member
// names may omit their module prefix (names are unambiguous in gnos's
// schema); a prefix that names the wrong module is an error. Integers and
// booleans are accepted as numbers or strings. RFC 7952 metadata (with any
// module prefix) gives "inactive": true (set on the node and returned as
// a Directive), "active": true, "comment": "text" and "operation":
// "merge|replace|create|delete|remove" (Directives; a statement being
// deleted is not added to the tree). Nesting deeper than 64 levels is
// rejected. Errors are *ParseError with Source "json".
func ParseJSON(root *schema.Node, r io.Reader) (*tree.Node, []Directive, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("format: json: %w", err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	p := &jsonParser{src: data, d: d}
	t := tree.New(root)
	if err := p.document(t); err != nil {
		return nil, nil, err
	}
	tree.Settle(t)
	return t, p.pend.directives(), nil
}

type jsonParser struct {
	src   []byte
	d     *json.Decoder
	b     builder
	names []string
	chain []*tree.Node
	pend  pendingDirs
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return p.errorAt(int(p.d.InputOffset()), format, args...)
}

func (p *jsonParser) errorAt(off int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if len(p.names) > 0 {
		msg = elementPath(p.names) + ": " + msg
	}
	line, col := position(string(p.src), off)
	return &ParseError{Source: "json", Line: line, Col: col, Msg: msg}
}

func (p *jsonParser) token() (json.Token, error) {
	tok, err := p.d.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return nil, p.errorAt(int(se.Offset), "syntax error: %s", se.Error())
	}
	if err == io.EOF {
		return nil, p.errorf("unexpected end of input")
	}
	return nil, p.errorf("syntax error: %v", err)
}

func (p *jsonParser) expect(want json.Delim, what string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if tok != want {
		return p.errorf("expecting %s", what)
	}
	return nil
}

func (p *jsonParser) document(t *tree.Node) error {
	if err := p.expect('{', "an object"); err != nil {
		return err
	}
	if err := p.members(&jsonFrame{node: t, top: true}, 1); err != nil {
		return err
	}
	if _, err := p.d.Token(); err != io.EOF {
		return p.errorf("unexpected data after the configuration")
	}
	return nil
}

// jsonFrame is an object (the root, a container or a list entry) whose
// members are being read.
type jsonFrame struct {
	node    *tree.Node
	top     bool
	keys    []string // list entry key parts
	self    jsonMeta // its "@" member
	metas   map[string]any
	kids    map[string][]*tree.Node // leaves and leaf-list items, by member name
	members bool                    // a data member was read
}

// jsonMeta is one RFC 7952 metadata object.
type jsonMeta struct {
	inactive, active bool
	comment          *string
	op               string
}

// members reads the members of f's object up to its closing brace.
func (p *jsonParser) members(f *jsonFrame, depth int) error {
	if depth > maxDepth {
		return p.errorf("nesting deeper than %d levels", maxDepth)
	}
	for p.d.More() {
		tok, err := p.token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		switch {
		case f.top && name == "configuration" && f.node.S.Child(name) == nil:
			if err := p.expect('{', "an object"); err != nil {
				return err
			}
			if err := p.members(f, depth+1); err != nil {
				return err
			}
		case name == "@":
			if f.node.S.Parent == nil {
				// Junos' header (junos:commit-seconds …): nothing to load.
				if _, err := p.meta(depth + 1); err != nil {
					return err
				}
				continue
			}
			if f.self, err = p.meta(depth + 1); err != nil {
				return err
			}
		case strings.HasPrefix(name, "@"):
			v, err := p.metaValue(depth + 1)
			if err != nil {
				return err
			}
			if f.metas == nil {
				f.metas = map[string]any{}
			}
			f.metas[localName(name[1:])] = v
		default:
			f.members = true
			if err := p.member(f, name, depth); err != nil {
				return err
			}
		}
	}
	if _, err := p.token(); err != nil { // the closing brace
		return err
	}
	return p.memberMetas(f)
}

func localName(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (p *jsonParser) member(f *jsonFrame, name string, depth int) error {
	local := localName(name)
	p.names = append(p.names, local)
	defer func() { p.names = p.names[:len(p.names)-1] }()
	s := f.node.S.Child(local)
	if s == nil {
		return p.errorf("unknown member %q", name)
	}
	if local != name {
		if prefix := name[:len(name)-len(local)-1]; moduleOf(s) != "" && prefix != moduleOf(s) {
			return p.errorf("member %q: %s is defined by module %s", name, local, moduleOf(s))
		}
	}
	switch s.Kind {
	case schema.Leaf:
		v, err := p.scalar(s)
		if err != nil {
			return err
		}
		if err := p.b.check(s, v); err != nil {
			return p.errorf("%v", err)
		}
		if s.IsKey() && f.keys != nil {
			if err := keyPartCheck(f.node.S, v); err != nil {
				return p.errorf("%v", err)
			}
			f.keys[keyIndex(f.node.S, local)] = v
			return nil
		}
		f.addKid(local, p.b.child(f.node, s, "", v))
	case schema.LeafList:
		if err := p.expect('[', "an array"); err != nil {
			return err
		}
		for p.d.More() {
			v, err := p.scalar(s)
			if err != nil {
				return err
			}
			if err := p.b.check(s, v); err != nil {
				return p.errorf("%v", err)
			}
			f.addKid(local, p.b.child(f.node, s, "", v))
		}
		_, err := p.token()
		return err
	case schema.Container:
		tok, err := p.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('[') && s.Presence {
			// [null]: an empty presence container, as gnos printed the
			// empty leaves that became presence containers (discard, napt-44)
			if tok, err = p.token(); err != nil {
				return err
			}
			if tok != nil {
				return p.errorf("expecting an object or [null]")
			}
			if err := p.expect(']', "[null]"); err != nil {
				return err
			}
			p.b.child(f.node, s, "", "")
			return nil
		}
		if tok != json.Delim('{') {
			return p.errorf("expecting an object")
		}
		return p.object(f, &jsonFrame{node: p.b.node(s, "", "")}, depth+1)
	case schema.List:
		if err := p.expect('[', "an array"); err != nil {
			return err
		}
		if depth+1 > maxDepth {
			return p.errorf("nesting deeper than %d levels", maxDepth)
		}
		for p.d.More() {
			tok, err := p.token()
			if err != nil {
				return err
			}
			if k, ok := tok.(string); ok && len(s.Keys) == 1 {
				// a bare key: a list of keys as gnos printed it when it was a
				// leaf-list (stateful-firewall-rules, source-address)
				if err := p.b.check(s.Child(s.Keys[0]), k); err != nil {
					return p.errorf("%v", err)
				}
				p.b.child(f.node, s, k, "")
				continue
			}
			if tok != json.Delim('{') {
				return p.errorf("expecting an object for each list entry")
			}
			e := &jsonFrame{node: p.b.node(s, "", ""), keys: make([]string, len(s.Keys))}
			if err := p.object(f, e, depth+2); err != nil {
				return err
			}
		}
		_, err := p.token()
		return err
	}
	return nil
}

func (f *jsonFrame) addKid(name string, n *tree.Node) {
	if f.kids == nil {
		f.kids = map[string][]*tree.Node{}
	}
	f.kids[name] = append(f.kids[name], n)
}

// object reads the members of container or list entry nf and then places
// it under f (unless it is being deleted).
func (p *jsonParser) object(f, nf *jsonFrame, depth int) error {
	p.chain = append(p.chain, nf.node)
	err := p.members(nf, depth)
	p.chain = p.chain[:len(p.chain)-1]
	if err != nil {
		return err
	}
	n := nf.node
	m := nf.self
	del := m.op == OpDelete
	all := false
	if nf.keys != nil {
		missing := ""
		for i, k := range nf.keys {
			if k == "" && missing == "" {
				missing = n.S.Keys[i]
			}
		}
		switch {
		case missing != "" && del && allEmpty(nf.keys):
			all = true
		case missing != "":
			return p.errorf("missing key %q", missing)
		default:
			n.Key = strings.Join(nf.keys, " ")
		}
	}
	if nf.members && prunable(n) && !m.inactive && m.comment == nil {
		// Its members were all deletions: add no empty container.
		p.apply(n, m, all)
		return nil
	}
	if !del {
		n = p.b.attach(f.node, n)
	}
	p.apply(n, m, all)
	return nil
}

// apply sets a node's metadata and records its directives.
func (p *jsonParser) apply(n *tree.Node, m jsonMeta, all bool) {
	if m.op != "" {
		p.pend.add(p.chain, n, all, m.op)
	}
	if m.op == OpDelete {
		return
	}
	if m.comment != nil {
		n.Comment = *m.comment
	}
	if m.inactive {
		n.Inactive = true
		p.pend.add(p.chain, n, false, OpInactive)
	}
	if m.active {
		p.pend.add(p.chain, n, false, OpActive)
	}
}

// memberMetas applies "@name" metadata to the leaves and leaf-list items
// of f once all its members are read.
func (p *jsonParser) memberMetas(f *jsonFrame) error {
	if len(f.metas) == 0 {
		return nil
	}
	for name, v := range f.metas {
		nodes := f.kids[name]
		if len(nodes) == 0 {
			return p.errorf("metadata @%s for a missing leaf or leaf-list", name)
		}
		var metas []*jsonMeta
		switch v := v.(type) {
		case jsonMeta:
			if nodes[0].S.Kind != schema.Leaf {
				return p.errorf("metadata @%s: expecting an array for a leaf-list", name)
			}
			metas = []*jsonMeta{&v}
		case []*jsonMeta:
			if nodes[0].S.Kind != schema.LeafList || len(v) != len(nodes) {
				return p.errorf("metadata @%s: expecting one entry per leaf-list value", name)
			}
			metas = v
		}
		for i, m := range metas {
			if m == nil {
				continue
			}
			if m.op == OpDelete {
				removeKid(f.node, nodes[i])
			}
			p.apply(nodes[i], *m, false)
		}
	}
	f.metas = nil
	return nil
}

func removeKid(parent, n *tree.Node) {
	kids := parent.KidSlice() // a fresh tree: the node's own slice
	for i, k := range kids {
		if k == n {
			parent.SetKids(append(kids[:i], kids[i+1:]...))
			return
		}
	}
}

// scalar reads a leaf value: a string, a number, a boolean, or [null] (or
// null) for a type-empty leaf.
func (p *jsonParser) scalar(s *schema.Node) (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	switch v := tok.(type) {
	case string:
		return v, nil
	case json.Number:
		return string(v), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case nil:
		if s.IsEmptyType() {
			return "", nil
		}
	case json.Delim:
		if v == '[' && s.IsEmptyType() {
			if tok, err = p.token(); err != nil {
				return "", err
			}
			if tok != nil {
				return "", p.errorf("expecting [null]")
			}
			return "", p.expect(']', "[null]")
		}
	}
	return "", p.errorf("expecting a value for %s", s.Name)
}

// metaValue reads the value of an "@name" member: a metadata object, or an
// array of metadata objects and nulls (for a leaf-list).
func (p *jsonParser) metaValue(depth int) (any, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		return p.metaMembers(depth)
	case json.Delim('['):
		var out []*jsonMeta
		for p.d.More() {
			tok, err := p.token()
			if err != nil {
				return nil, err
			}
			switch tok {
			case nil:
				out = append(out, nil)
			case json.Delim('{'):
				m, err := p.metaMembers(depth + 1)
				if err != nil {
					return nil, err
				}
				out = append(out, &m)
			default:
				return nil, p.errorf("expecting a metadata object or null")
			}
		}
		_, err := p.token()
		return out, err
	}
	return nil, p.errorf("expecting metadata")
}

func (p *jsonParser) meta(depth int) (jsonMeta, error) {
	if err := p.expect('{', "a metadata object"); err != nil {
		return jsonMeta{}, err
	}
	return p.metaMembers(depth)
}

// metaMembers reads a metadata object after its opening brace. Unknown
// annotations are skipped.
func (p *jsonParser) metaMembers(depth int) (jsonMeta, error) {
	var m jsonMeta
	if depth > maxDepth {
		return m, p.errorf("nesting deeper than %d levels", maxDepth)
	}
	for p.d.More() {
		tok, err := p.token()
		if err != nil {
			return m, err
		}
		name, _ := tok.(string)
		if tok, err = p.token(); err != nil {
			return m, err
		}
		switch localName(name) {
		case "inactive":
			m.inactive = tok == true
		case "active":
			m.active = tok == true
		case "comment":
			s, ok := tok.(string)
			if !ok {
				return m, p.errorf("metadata %s: expecting a string", name)
			}
			s = stripComment(s)
			m.comment = &s
		case "operation":
			v, _ := tok.(string)
			op, ok := netconfOp(v)
			if !ok {
				return m, p.errorf("invalid operation %v", tok)
			}
			if op != "" { // merge keeps what an earlier operation said
				m.op = op
			}
		default:
			if err := p.skip(tok, depth+1); err != nil {
				return m, err
			}
		}
	}
	_, err := p.token()
	return m, err
}

// skip skips the rest of a value whose first token is tok.
func (p *jsonParser) skip(tok json.Token, depth int) error {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	if depth > maxDepth {
		return p.errorf("nesting deeper than %d levels", maxDepth)
	}
	for p.d.More() {
		t, err := p.token()
		if err != nil {
			return err
		}
		if d == '{' { // t was a member name
			if t, err = p.token(); err != nil {
				return err
			}
		}
		if err := p.skip(t, depth+1); err != nil {
			return err
		}
	}
	_, err := p.token()
	return err
}
