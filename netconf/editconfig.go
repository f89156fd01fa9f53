package netconf

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// <edit-config> as RFC 6241 section 7.2 defines it, applied directly
// from the request's elements onto a tree.Editor over the candidate (the
// Junos XML API's <load-configuration> keeps its own semantics through
// configd.Load).
//
// Each element of <config> names a statement: a container, a list entry
// (by its key elements), a leaf or a leaf-list item (by value). Its
// operation is its operation attribute (the base namespace or none) or,
// without one, its parent's; at the top, <default-operation>. merge
// creates or updates the statement and merges its content; replace
// deletes it first; create fails with data-exists when it is there;
// delete fails with data-missing when it is not; remove deletes when it
// is there. Under none an element only navigates: a leaf without an
// operation changes nothing, and a list entry or presence container that
// is not in the candidate is data-missing (its level does not exist).
// default-operation replace makes <config> the whole configuration.
// Junos' delete="delete" (as remove), replace="replace", inactive= and
// active= and <junos:comment> are honoured too.
//
// Errors: stop-on-error and rollback-on-error stop at the first error
// and change nothing (the candidate is edited as one transaction, so
// stop-on-error never leaves half an edit behind); continue-on-error
// applies every statement that has no error and reports all of them.
// Attributes in other namespaces (junos:, yang:) are metadata and
// ignored; an unknown attribute without a namespace is unknown-attribute.
// Elements may be in no namespace, NETCONF's base (inherited from <rpc>),
// Junos' or their YANG module's; another is unknown-namespace.

// editOp is an RFC 6241 operation.
type editOp int

const (
	opNone editOp = iota
	opMerge
	opReplace
	opCreate
	opDelete
	opRemove
)

var editOps = map[string]editOp{"merge": opMerge, "replace": opReplace, "create": opCreate, "delete": opDelete, "remove": opRemove, "none": opNone}

// editRun is one edit-config's walk over <config>.
type editRun struct {
	e        *tree.Editor
	orig     *tree.Node      // the candidate before the edit
	replaced bool            // default-operation replace: e started empty
	cont     bool            // continue-on-error
	errs     errorList       // recorded under continue-on-error
	modules  map[string]bool // the YANG modules' namespaces, which configuration elements may use
}

// applyConfig walks the children of <config> with default operation def.
// The returned error stops the edit (nothing is published); errors
// recorded under continue-on-error are in r.errs.
func (r *editRun) applyConfig(cfg *Node, def editOp, root *schema.Node) error {
	r.orig = r.e.Root()
	if def == opReplace {
		r.e.Put(nil, tree.New(root))
		r.replaced = true
		def = opMerge // every statement is new: merge builds it
	}
	return r.children(cfg, nil, root, def, "", xpathNS{})
}

// fail records err under continue-on-error (and returns nil) or returns it.
func (r *editRun) fail(err *RPCError) error {
	if r.cont {
		r.errs = append(r.errs, err)
		return nil
	}
	return err
}

// children processes the statement elements under el, whose statement is
// at p with schema s; xp is el's error-path.
func (r *editRun) children(el *Node, p tree.Path, s *schema.Node, inh editOp, xp string, ns xpathNS) error {
	comment, noted := "", false
	for _, k := range el.Kids {
		if s.Parent == nil && (k.Name.Local == "configuration" || k.Name.Local == "config") && s.Child(k.Name.Local) == nil {
			op, err := r.operation(k, inh, xp, ns)
			if err != nil {
				if err := r.fail(err); err != nil {
					return err
				}
				continue
			}
			// The wrapper stands for the whole configuration: replace
			// starts it empty, delete and remove empty it.
			switch op {
			case opReplace, opDelete, opRemove:
				if op == opDelete && r.e.Root().NumKids() == 0 {
					if err := r.fail(dataError("data-missing", nil, xp+"/"+ns.step(k), ns, "the configuration is empty: nothing to delete")); err != nil {
						return err
					}
					continue
				}
				r.e.Put(nil, tree.New(s))
				r.replaced = true
				if op != opReplace {
					continue
				}
				op = opMerge
			}
			if err := r.children(k, p, s, op, xp+"/"+ns.step(k), ns); err != nil {
				return err
			}
			continue
		}
		if k.Name.Local == "comment" && strings.Contains(k.Name.Space, "junos") {
			comment, noted = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(k.Text, "/*"), "*/")), true
			continue
		}
		if cs := s.Child(k.Name.Local); cs != nil && cs.IsKey() {
			continue // a key names its entry: step reads it
		}
		var err error
		if noted {
			err = r.element(k, p, s, inh, xp, ns, &comment)
			noted = false
		} else {
			err = r.element(k, p, s, inh, xp, ns, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// operation is el's effective operation: its own attribute or inherited.
// It also rejects unknown attributes.
func (r *editRun) operation(el *Node, inh editOp, xp string, ns xpathNS) (editOp, *RPCError) {
	op, set := inh, false
	for _, a := range el.Attrs {
		if isXMLNS(a) || (a.Name.Space != "" && a.Name.Space != nsBase) {
			continue // metadata of other namespaces (junos:, yang:)
		}
		var o editOp
		switch {
		case a.Name.Local == "operation":
			v, ok := editOps[a.Value]
			if !ok || a.Value == "none" {
				return 0, r.attrError("bad-attribute", el, a.Name.Local, xp, ns,
					fmt.Sprintf("invalid operation %q: expected merge, replace, create, delete or remove", a.Value))
			}
			o = v
		case a.Name.Local == "delete" && a.Name.Space == "" && a.Value == "delete":
			o = opRemove // Junos' delete="delete": no error when it is not there
		case a.Name.Local == "replace" && a.Name.Space == "" && a.Value == "replace":
			o = opReplace
		case (a.Name.Local == "inactive" || a.Name.Local == "active") && a.Name.Space == "":
			continue
		default:
			return 0, r.attrError("unknown-attribute", el, a.Name.Local, xp, ns,
				fmt.Sprintf("unknown attribute %q on <%s>", a.Name.Local, el.Name.Local))
		}
		if set && o != op {
			return 0, r.attrError("bad-attribute", el, a.Name.Local, xp, ns, "conflicting operations on <"+el.Name.Local+">")
		}
		if (inh == opDelete || inh == opRemove) && o != opDelete && o != opRemove {
			return 0, r.attrError("bad-attribute", el, a.Name.Local, xp, ns,
				"operation inside a statement being deleted: <"+el.Name.Local+"> cannot be "+a.Value)
		}
		op, set = o, true
	}
	return op, nil
}

func (r *editRun) attrError(tag string, el *Node, attr, xp string, ns xpathNS, msg string) *RPCError {
	return &RPCError{Type: "protocol", Tag: tag, Path: xp + "/" + ns.step(el), PathNS: ns,
		Message: msg, BadAttribute: attr, BadElement: el.Name.Local}
}

// dataError is an application error about the statement at p.
func dataError(tag string, p tree.Path, xp string, ns xpathNS, msg string) *RPCError {
	return &RPCError{Type: "application", Tag: tag, Path: xp, PathNS: ns, Message: p.Edit() + " " + msg}
}

// element processes one statement element under the statement at p
// (schema ps). comment, when not nil, is the <junos:comment> before it.
func (r *editRun) element(el *Node, p tree.Path, ps *schema.Node, inh editOp, pxp string, ns xpathNS, comment *string) error {
	if uri := el.Name.Space; uri != "" && uri != nsBase && !strings.Contains(uri, "juniper.net") && !r.modules[uri] {
		return r.fail(&RPCError{Type: "application", Tag: "unknown-namespace", Path: pxp + "/" + ns.step(el), PathNS: ns,
			Message: fmt.Sprintf("%s <%s> is in namespace %s, which is not gnos's configuration", p.Edit(), el.Name.Local, uri), BadElement: el.Name.Local, BadNamespace: uri})
	}
	s := ps.Child(el.Name.Local)
	if s == nil {
		return r.fail(&RPCError{Type: "application", Tag: "unknown-element", Path: pxp + "/" + ns.step(el), PathNS: ns,
			Message: fmt.Sprintf("%s syntax error: <%s> is not a statement here", p.Edit(), el.Name.Local), BadElement: el.Name.Local})
	}
	op, aerr := r.operation(el, inh, pxp, ns)
	if aerr != nil {
		return r.fail(aerr)
	}
	st, xp, serr := r.step(el, s, op, pxp, ns, p)
	if serr != nil {
		return r.fail(serr)
	}
	path := p.Append(st)
	exists := r.e.Root().Get(path) != nil
	switch op {
	case opDelete, opRemove:
		if st.All {
			pn := r.e.Root().Get(p)
			exists = pn != nil && len(pn.All(s)) > 0
		}
		if !exists {
			// Under default-operation replace, deleting what the new
			// configuration leaves out is what the client meant.
			if op == opDelete && !(r.replaced && r.orig.Get(path) != nil) {
				return r.fail(dataError("data-missing", path, xp, ns, "statement not found: cannot delete it"))
			}
			return nil
		}
		if err := r.e.Delete(path); err != nil {
			return r.fail(dataError("operation-failed", path, xp, ns, err.Error()))
		}
		return nil
	case opCreate:
		if exists {
			return r.fail(dataError("data-exists", path, xp, ns, "statement already exists: cannot create it"))
		}
	case opReplace:
		if exists {
			// In place, so an entry of an ordered-by-user list keeps its position.
			if err := r.e.Put(path, &tree.Node{S: s, Key: st.Key, Value: st.Value}); err != nil {
				return r.fail(dataError("operation-failed", path, xp, ns, err.Error()))
			}
		}
	case opNone:
		if !exists && (s.Kind == schema.List || (s.Kind == schema.Container && s.Presence)) {
			return r.fail(dataError("data-missing", path, xp, ns, "statement not found (default-operation none only changes statements given an operation)"))
		}
		if s.Kind == schema.Leaf || s.Kind == schema.LeafList {
			return nil
		}
	}
	if op != opNone {
		if s.Kind != schema.Container || s.Presence || len(el.Kids) > 0 {
			if err := r.e.Set(path); err != nil {
				return r.fail(dataError("operation-failed", path, xp, ns, err.Error()))
			}
		}
	}
	if v := strings.TrimSpace(el.Text); s.Value != nil && v != "" && op != opNone {
		// <autonomous-system>65000</autonomous-system>: the value of a
		// container holding one value as its text, as Junos takes it
		vp := path.Append(tree.Step{S: s.Value, Value: v})
		if err := s.Value.CheckValue(v); err != nil {
			return r.fail(&RPCError{Type: "application", Tag: "invalid-value", Path: xp, PathNS: ns,
				Message: path.Edit() + " " + s.Value.Name + ": " + err.Error(), BadElement: el.Name.Local})
		}
		if err := r.e.Set(vp); err != nil {
			return r.fail(dataError("operation-failed", vp, xp, ns, err.Error()))
		}
	}
	inner := op
	if op == opCreate || op == opReplace {
		inner = opMerge // the statement is new: its content is merged into it
	}
	if err := r.children(el, path, s, inner, xp, ns); err != nil {
		return err
	}
	n := r.e.Root().Get(path)
	if n == nil {
		return nil
	}
	if s.Kind == schema.Container && !s.Presence && n.NumKids() == 0 && !n.Inactive && n.Comment == "" && op != opNone {
		_ = r.e.Delete(path) // an empty container is no statement
		return nil
	}
	if v, ok := el.Attr("inactive"); ok && v == "inactive" {
		_ = r.e.SetInactive(path, true)
	}
	if v, ok := el.Attr("active"); ok && v == "active" {
		_ = r.e.SetInactive(path, false)
	}
	if comment != nil {
		_ = r.e.Annotate(path, *comment)
	}
	return nil
}

// step is the path step element el names (schema s) and its error-path.
func (r *editRun) step(el *Node, s *schema.Node, op editOp, pxp string, ns xpathNS, p tree.Path) (tree.Step, string, *RPCError) {
	xp := pxp + "/" + ns.step(el)
	del := op == opDelete || op == opRemove
	bad := func(msg string) *RPCError {
		return &RPCError{Type: "application", Tag: "invalid-value", Path: xp, PathNS: ns,
			Message: p.Append(tree.Step{S: s, All: true}).Edit() + " " + msg, BadElement: el.Name.Local}
	}
	switch s.Kind {
	case schema.Leaf, schema.LeafList:
		if len(el.Kids) > 0 {
			return tree.Step{}, xp, &RPCError{Type: "application", Tag: "bad-element", Path: xp, PathNS: ns,
				Message: fmt.Sprintf("<%s> is a leaf: it takes a value, not element <%s>", el.Name.Local, el.Kids[0].Name.Local), BadElement: el.Name.Local}
		}
		v := el.Text
		if s.Kind == schema.LeafList && del && v == "" && !s.IsEmptyType() {
			return tree.Step{S: s, All: true}, xp, nil
		}
		if s.Kind == schema.LeafList {
			xp += predicate(".", v)
		}
		if !(del && s.Kind == schema.Leaf) {
			if err := s.CheckValue(v); err != nil {
				return tree.Step{}, xp, bad(err.Error())
			}
		}
		return tree.Step{S: s, Value: v}, xp, nil
	case schema.List:
		keys := make([]string, len(s.Keys))
		for i, k := range s.Keys {
			kn := el.Child(k)
			if kn == nil {
				return tree.Step{}, xp, &RPCError{Type: "protocol", Tag: "missing-element", Path: xp, PathNS: ns,
					Message: fmt.Sprintf("%s <%s> needs its key <%s>", p.Edit(), el.Name.Local, k), BadElement: k}
			}
			xp += predicate(ns.step(kn), kn.Text)
			if err := s.Child(k).CheckValue(kn.Text); err != nil {
				return tree.Step{}, xp, bad(err.Error())
			}
			if len(s.Keys) > 1 && strings.Contains(kn.Text, " ") {
				return tree.Step{}, xp, bad(fmt.Sprintf("key <%s> of a list with several keys cannot contain a space", k))
			}
			keys[i] = kn.Text
		}
		return tree.Step{S: s, Key: strings.Join(keys, " ")}, xp, nil
	}
	return tree.Step{S: s}, xp, nil
}
