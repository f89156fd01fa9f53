package cli

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// Elem is structured reply data, shaped like Junos' XML replies: every
// operational command returns an Elem tree; `| display xml` and NETCONF
// serialise it as XML, `| display json` as Junos-style JSON, and the
// command's renderer turns it into text.
type Elem struct {
	Name  string
	Text  string
	Attrs []xml.Attr
	Kids  []*Elem
}

// E builds an element with children.
func E(name string, kids ...*Elem) *Elem { return &Elem{Name: name, Kids: kids} }

// T builds a text element.
func T(name, text string) *Elem { return &Elem{Name: name, Text: text} }

// Add appends children and returns e.
func (e *Elem) Add(kids ...*Elem) *Elem {
	e.Kids = append(e.Kids, kids...)
	return e
}

// Get returns the first child named name.
func (e *Elem) Get(name string) *Elem {
	for _, k := range e.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Val returns the text of the first child named name.
func (e *Elem) Val(name string) string {
	if k := e.Get(name); k != nil {
		return k.Text
	}
	return ""
}

// All returns the children named name.
func (e *Elem) All(name string) []*Elem {
	var out []*Elem
	for _, k := range e.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

// WriteXML writes e as indented XML (Junos `| display xml` body).
func (e *Elem) WriteXML(w io.Writer, indent string) { e.WriteXMLAt(w, indent, 0) }

// WriteXMLAt writes e indented as if depth levels deep.
func (e *Elem) WriteXMLAt(w io.Writer, indent string, depth int) {
	var b strings.Builder
	e.xml(&b, indent, depth)
	io.WriteString(w, b.String())
}

func (e *Elem) xml(b *strings.Builder, indent string, depth int) {
	pad := strings.Repeat(indent, depth)
	b.WriteString(pad)
	b.WriteString("<" + e.Name)
	for _, a := range e.Attrs {
		name := a.Name.Local
		if a.Name.Space != "" {
			name = a.Name.Space + ":" + name
		}
		b.WriteString(" " + name + `="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	switch {
	case len(e.Kids) == 0 && e.Text == "":
		b.WriteString("/>\n")
	case len(e.Kids) == 0:
		b.WriteString(">")
		xml.EscapeText(b, []byte(e.Text))
		b.WriteString("</" + e.Name + ">\n")
	default:
		b.WriteString(">\n")
		for _, k := range e.Kids {
			k.xml(b, indent, depth+1)
		}
		b.WriteString(pad + "</" + e.Name + ">\n")
	}
}

// JSON returns e in Junos' JSON layout: each element is an array of
// objects, each leaf {"data": "text"}, so repeated elements need no
// special case.
func (e *Elem) JSON() any {
	return map[string]any{e.Name: []any{e.jsonBody()}}
}

func (e *Elem) jsonBody() any {
	if len(e.Kids) == 0 {
		if e.Text == "" {
			return map[string]any{"data": []any{nil}}
		}
		return map[string]any{"data": e.Text}
	}
	obj := map[string]any{}
	var order []string
	for _, k := range e.Kids {
		if _, ok := obj[k.Name]; !ok {
			order = append(order, k.Name)
			obj[k.Name] = []any{}
		}
		obj[k.Name] = append(obj[k.Name].([]any), k.jsonBody())
	}
	_ = order
	return obj
}

// WriteJSON writes e as indented JSON.
func (e *Elem) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	return enc.Encode(e.JSON())
}
