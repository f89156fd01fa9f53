package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// WriteTextDetail writes n as WriteText does, with each statement's
// schema help above it in Junos' `| display detail` layout: "##" lines
// with the statement's description, its range or pattern, default and
// units.
func WriteTextDetail(w io.Writer, n *tree.Node) error {
	t := newTextWriter(w, "")
	t.detail = true
	t.kids(n.KidSlice(), 0)
	return t.w.Flush()
}

// describe writes the ## block of statement s in detail mode.
func (t *textWriter) describe(s *schema.Node, depth int) {
	if !t.detail || s == nil {
		return
	}
	var lines []string
	if d := strings.TrimSpace(s.Description); d != "" {
		lines = append(lines, strings.Split(d, "\n")[0])
	}
	if ty := s.Type; ty != nil {
		if r := ty.Range; len(r) > 0 {
			lines = append(lines, "range: "+r.String())
		}
		if r := ty.Length; len(r) > 0 {
			lines = append(lines, "length: "+r.String())
		}
		for _, p := range ty.Pattern {
			lines = append(lines, "match (regex): "+p)
		}
	}
	if len(s.Default) > 0 {
		lines = append(lines, "default: "+strings.Join(s.Default, " "))
	}
	if s.Units != "" {
		lines = append(lines, "units: "+s.Units)
	}
	if len(lines) == 0 {
		return
	}
	row := func(l string) {
		t.line(depth)
		t.w.WriteString(strings.TrimRight("## "+l, " "))
		t.w.WriteByte('\n')
	}
	row("")
	for _, l := range lines {
		row(fmt.Sprint(strings.TrimSpace(l)))
	}
	row("")
}
