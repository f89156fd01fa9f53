package gnmi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// configValue renders the configuration at p under cfg as RFC 7951 JSON:
// the whole configuration for the root, else the value of p's member
// (an object for a container or list entry, an array for a whole list or
// leaf-list, a scalar for a leaf). ok is false when nothing is configured
// there.
func configValue(cfg *tree.Node, p tree.Path) ([]byte, bool, error) {
	var buf bytes.Buffer
	if len(p) == 0 {
		err := format.WriteJSON(&buf, cfg, false)
		return buf.Bytes(), true, err
	}
	parent := cfg.Get(p.Parent())
	last := p[len(p)-1]
	var kids []*tree.Node
	if last.All {
		kids = parent.All(last.S)
	} else if c := parent.Child(last.S, last.ID()); c != nil {
		kids = []*tree.Node{c}
	}
	if len(kids) == 0 {
		return nil, false, nil
	}
	// The parent with only the addressed children: WriteJSON prints the
	// member (qualified, at the first level), whose value is the answer.
	only := &tree.Node{S: parent.S}
	only.SetKids(kids)
	if err := format.WriteJSON(&buf, only, false); err != nil {
		return nil, false, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		return nil, false, fmt.Errorf("gnmi: %w", err)
	}
	v, ok := m[qualified(last.S)]
	if !ok {
		v, ok = m[last.S.Name]
	}
	if !ok {
		return nil, false, fmt.Errorf("gnmi: %s missing from its rendering", last.S.Name)
	}
	if last.S.Kind == schema.List && !last.All {
		var arr []json.RawMessage
		if err := json.Unmarshal(v, &arr); err != nil || len(arr) != 1 {
			return nil, false, fmt.Errorf("gnmi: list entry rendering: %v", err)
		}
		v = arr[0]
	}
	return v, true, nil
}

func qualified(s *schema.Node) string {
	if s.Module == "" {
		return s.Name
	}
	return s.Module + ":" + s.Name
}

// stripModules rewrites RFC 7951 JSON into gNMI's JSON encoding: member
// names lose their module prefix; order and values are kept.
func stripModules(src []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(src))
	d.UseNumber()
	var out bytes.Buffer
	// stack of containers: true for an object; expectKey tells whether the
	// next string in an object is a member name.
	type frame struct {
		object, expectKey, first bool
	}
	var stack []frame
	comma := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if !f.first && (!f.object || f.expectKey) {
			out.WriteByte(',')
		}
		f.first = false
	}
	value := func() { // after a value inside an object, a key comes next
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expectKey = true
		}
	}
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("gnmi: %w", err)
		}
		switch v := t.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				comma()
				out.WriteByte(byte(v))
				stack = append(stack, frame{object: v == '{', expectKey: v == '{', first: true})
			default:
				out.WriteByte(byte(v))
				stack = stack[:len(stack)-1]
				value()
			}
			continue
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				comma()
				name := v
				if i := strings.IndexByte(name, ':'); i >= 0 && !strings.HasPrefix(name, "@") {
					name = name[i+1:]
				}
				b, _ := json.Marshal(name)
				out.Write(b)
				out.WriteByte(':')
				stack[n-1].expectKey = false
				continue
			}
			comma()
			b, _ := json.Marshal(v)
			out.Write(b)
		case json.Number:
			comma()
			out.WriteString(v.String())
		case bool:
			comma()
			fmt.Fprint(&out, v)
		case nil:
			comma()
			out.WriteString("null")
		}
		value()
	}
	return out.Bytes(), nil
}
