package gnmi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/netconf"
)

// setOp is one resolved operation of a SetRequest.
type setOp struct {
	op    gpb.UpdateResult_Operation
	path  *gpb.Path // as the client sent it
	what  string    // "update /a/b", for errors
	p     tree.Path
	src   *tree.Node  // update/replace: the statements to merge (JSON values)
	paths []tree.Path // update/replace: statements to set (scalar values)
}

// Set applies a SetRequest as one transaction, in the order the gNMI
// specification gives (deletes, replaces, updates), to a private
// candidate, then commits it (show system commit: via grpc). Paths and
// values are all resolved before anything is edited; any failure, the
// commit's included, discards the private candidate, so a failed Set
// changes nothing. A delete of what is not configured is no error.
func (s *Server) Set(ctx context.Context, req *gpb.SetRequest) (*gpb.SetResponse, error) {
	if err := need(ctx, netconf.LevelConfigure, "set"); err != nil {
		return nil, err
	}
	if len(req.GetUnionReplace()) > 0 {
		return nil, status.Error(codes.Unimplemented, "gnmi: union_replace is not supported")
	}
	root := s.cfg.Configd.Schema().Root
	var ops []setOp
	for _, p := range req.GetDelete() {
		o, err := resolve(root, req.GetPrefix(), p, gpb.UpdateResult_DELETE)
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	for _, batch := range []struct {
		op  gpb.UpdateResult_Operation
		ups []*gpb.Update
	}{{gpb.UpdateResult_REPLACE, req.GetReplace()}, {gpb.UpdateResult_UPDATE, req.GetUpdate()}} {
		for _, u := range batch.ups {
			o, err := resolve(root, req.GetPrefix(), u.GetPath(), batch.op)
			if err != nil {
				return nil, err
			}
			if err := o.value(root, u.GetVal()); err != nil {
				return nil, err
			}
			ops = append(ops, o)
		}
	}
	u := userOf(ctx)
	sess, err := s.cfg.Configd.Open(u.name, string(db.ClientGRPC), configd.Private)
	if err != nil {
		return nil, statusOf("gnmi: set", err)
	}
	defer sess.Close()
	var failed string
	err = sess.Edit(func(e *tree.Editor) error {
		for _, o := range ops {
			failed = o.what
			if err := o.apply(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, statusOf("gnmi: "+failed, err)
	}
	if _, err := sess.Commit(ctx, configd.CommitOptions{}); err != nil {
		return nil, statusOf("gnmi: set: commit", err)
	}
	resp := &gpb.SetResponse{Prefix: req.GetPrefix(), Timestamp: s.clock.Now().UnixNano()}
	for _, o := range ops {
		resp.Response = append(resp.Response, &gpb.UpdateResult{Path: o.path, Op: o.op})
	}
	return resp, nil
}

func resolve(root *schema.Node, prefix, p *gpb.Path, op gpb.UpdateResult_Operation) (setOp, error) {
	elems, err := fullPath(prefix, p)
	if err != nil {
		return setOp{}, err
	}
	o := setOp{op: op, path: p, what: strings.ToLower(op.String()) + " " + pathString(elems)}
	if isState(elems) {
		return o, status.Errorf(codes.InvalidArgument, "gnmi: %s: state is read-only", o.what)
	}
	o.p, err = configPath(root, elems)
	if err != nil {
		return o, err
	}
	for i, st := range o.p {
		if st.All && (i < len(o.p)-1 || op != gpb.UpdateResult_DELETE && st.S.Kind == schema.List) {
			return o, status.Errorf(codes.InvalidArgument, "gnmi: %s: name the list entry's keys (no wildcards in a Set)", o.what)
		}
	}
	return o, nil
}

// value resolves an update's value: JSON or JSON_IETF (any statement),
// or a scalar for a leaf or leaf-list.
func (o *setOp) value(root *schema.Node, tv *gpb.TypedValue) error {
	var raw []byte
	switch v := tv.GetValue().(type) {
	case *gpb.TypedValue_JsonVal:
		raw = v.JsonVal
	case *gpb.TypedValue_JsonIetfVal:
		raw = v.JsonIetfVal
	case nil:
		return invalidf("gnmi: %s: no value", o.what)
	default:
		return o.scalar(tv)
	}
	doc, err := wrapJSON(o.p, raw)
	if err != nil {
		return invalidf("gnmi: %s: %v", o.what, err)
	}
	t, _, err := format.ParseJSON(root, bytes.NewReader(doc))
	if err != nil {
		return invalidf("gnmi: %s: %v", o.what, err)
	}
	o.src = t
	return nil
}

// scalar turns a scalar value for a leaf or leaf-list into set paths.
func (o *setOp) scalar(tv *gpb.TypedValue) error {
	if len(o.p) == 0 {
		return invalidf("gnmi: %s: the root takes a JSON value", o.what)
	}
	last := o.p[len(o.p)-1]
	if last.S.Kind != schema.Leaf && last.S.Kind != schema.LeafList {
		return invalidf("gnmi: %s: a %s takes a JSON value", o.what, last.S.Kind)
	}
	var vals []string
	if ll, ok := tv.GetValue().(*gpb.TypedValue_LeaflistVal); ok {
		for _, e := range ll.LeaflistVal.GetElement() {
			v, err := scalarString(e)
			if err != nil {
				return invalidf("gnmi: %s: %v", o.what, err)
			}
			vals = append(vals, v)
		}
	} else {
		v, err := scalarString(tv)
		if err != nil {
			return invalidf("gnmi: %s: %v", o.what, err)
		}
		vals = []string{v}
	}
	if last.S.Kind == schema.Leaf && len(vals) != 1 {
		return invalidf("gnmi: %s: a leaf takes one value", o.what)
	}
	for _, v := range vals {
		if last.S.IsEmptyType() {
			if v != "true" {
				return invalidf("gnmi: %s: %s is a type-empty leaf: set it with true", o.what, last.S.Name)
			}
			v = ""
		} else if err := last.S.CheckValue(v); err != nil {
			return invalidf("gnmi: %s: %v at '%s'", o.what, err, v)
		}
		st := last
		st.All, st.Value = false, v
		o.paths = append(o.paths, append(o.p.Parent(), st))
	}
	return nil
}

func scalarString(tv *gpb.TypedValue) (string, error) {
	switch v := tv.GetValue().(type) {
	case *gpb.TypedValue_StringVal:
		return v.StringVal, nil
	case *gpb.TypedValue_IntVal:
		return strconv.FormatInt(v.IntVal, 10), nil
	case *gpb.TypedValue_UintVal:
		return strconv.FormatUint(v.UintVal, 10), nil
	case *gpb.TypedValue_BoolVal:
		return strconv.FormatBool(v.BoolVal), nil
	case *gpb.TypedValue_AsciiVal:
		return v.AsciiVal, nil
	}
	return "", fmt.Errorf("value type %T is not supported (JSON, JSON_IETF, string, int, uint, bool, leaf-list)", tv.GetValue())
}

// apply performs the operation on the private candidate.
func (o *setOp) apply(e *tree.Editor) error {
	if o.op == gpb.UpdateResult_DELETE || o.op == gpb.UpdateResult_REPLACE {
		if err := e.Delete(o.p); err != nil && !errors.Is(err, tree.ErrNotFound) {
			return err
		}
		if o.op == gpb.UpdateResult_DELETE {
			return nil
		}
	}
	if o.src != nil {
		e.Merge(o.src)
		return nil
	}
	for _, p := range o.paths {
		if err := e.Set(p); err != nil {
			return err
		}
	}
	return nil
}

// wrapJSON nests the JSON value v of the statement at p into a document
// from the root, which format.ParseJSON reads: list entries on the way
// become one-entry arrays holding their keys; the addressed entry's keys
// are added to v (a key v names differently is an error).
func wrapJSON(p tree.Path, v []byte) ([]byte, error) {
	if len(p) == 0 {
		return v, nil
	}
	last := p[len(p)-1]
	body := json.RawMessage(v)
	switch {
	case last.S.Kind == schema.List && !last.All:
		entry, err := withKeys(last, body)
		if err != nil {
			return nil, err
		}
		body = arrayOf(entry)
	case last.S.Kind == schema.LeafList:
		if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '[' {
			body = arrayOf(body)
		}
	}
	doc := member(last.S.Name, body)
	for i := len(p) - 2; i >= 0; i-- {
		st := p[i]
		if st.S.Kind == schema.List {
			entry, err := withKeys(st, doc)
			if err != nil {
				return nil, err
			}
			doc = member(st.S.Name, arrayOf(entry))
			continue
		}
		doc = member(st.S.Name, doc)
	}
	return doc, nil
}

func member(name string, v json.RawMessage) json.RawMessage {
	n, _ := json.Marshal(name)
	out := make([]byte, 0, len(n)+len(v)+3)
	out = append(out, '{')
	out = append(out, n...)
	out = append(out, ':')
	out = append(out, v...)
	return append(out, '}')
}

func arrayOf(v json.RawMessage) json.RawMessage {
	return append(append(json.RawMessage{'['}, v...), ']')
}

// withKeys returns object v with the list entry's key members.
func withKeys(st tree.Step, v json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("a %s entry takes a JSON object: %v", st.S.Name, err)
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	keys := splitKey(st.S, st.Key)
	for i, k := range st.S.Keys {
		if i >= len(keys) {
			break
		}
		for name, have := range m {
			if localName(name) != k {
				continue
			}
			var got any
			_ = json.Unmarshal(have, &got)
			if fmt.Sprint(got) != keys[i] {
				return nil, fmt.Errorf("key %s is %s in the path but %s in the value", k, keys[i], have)
			}
			delete(m, name)
		}
		b, _ := json.Marshal(keys[i])
		m[k] = b
	}
	return json.Marshal(m)
}
