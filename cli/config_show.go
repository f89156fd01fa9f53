package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// configShow shows the candidate at the edit level or at a path below it,
// in the display format or (| compare) as a diff against the committed
// configuration or a rollback.
func configShow(_ context.Context, s *Session, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	path := s.edit
	if len(ts) > 1 {
		ps, err := s.paths(ts[1:], tree.ForRef, lineLen)
		if err != nil {
			return err
		}
		path = ps[0]
	}
	cand := s.cfg.Candidate()
	if p.compare {
		var base *tree.Node
		if p.rollback >= 0 {
			t, _, err := s.eng.Configd.Revision(p.rollback)
			if err != nil {
				return err
			}
			base = t
		} else {
			base = s.eng.Configd.Committed()
		}
		out.WriteString(configd.ConflictWarning(s.cfg.Conflicts()))
		return format.WriteCompare(out, only(base, path), only(cand, path))
	}
	v := configView{display: p.display, relative: p.relative, inherit: p.inherit, edit: s.edit,
		header: &format.Header{Time: s.cfg.LastChanged(), Version: JunosVersion}}
	return renderConfig(out, cand, path, v)
}

// configView is how renderConfig shows a configuration.
type configView struct {
	display  string    // "", "set", "xml", "json"
	relative bool      // display set relative: lines relative to edit
	inherit  int       // display inheritance (Pipeline.inherit)
	edit     tree.Path // the edit level (configuration mode)
	// header of the whole configuration (no path), or nil
	header *format.Header
}

// renderConfig prints the subtree at path in the display format.
func renderConfig(out *bytes.Buffer, root *tree.Node, path tree.Path, v configView) error {
	display := v.display
	var origins groups.Origins
	if v.inherit != 0 {
		root, origins = groups.ExpandTrace(root)
		if v.inherit == inheritNoComments {
			origins = nil
		}
	}
	var header, xmlAttrs string
	if v.header != nil && len(path) == 0 {
		header, xmlAttrs = v.header.Text(root), v.header.XMLAttrs()
	}
	if last := len(path) - 1; last >= 0 && path[last].All && display == "" {
		// `show groups`, `show services service-set`: every entry
		entries := root.Get(path.Parent()).All(path[last].S)
		if len(entries) == 0 {
			return nil
		}
		return format.WriteEntries(out, entries, origins)
	}
	n := root.Get(path)
	if n == nil {
		if len(path) > 0 {
			return nil // nothing configured there: Junos prints nothing
		}
		n = root
	}
	switch display {
	case "set":
		if v.relative && len(path) >= len(v.edit) {
			// relative to the edit level: the edit level's own path left out
			return format.WriteSet(out, only(root, path).Get(v.edit), nil)
		}
		return format.WriteSet(out, only(root, path), nil)
	case "xml":
		fmt.Fprintln(out, `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/*/junos">`)
		fmt.Fprintf(out, "    <configuration%s>\n", xmlAttrs)
		var b bytes.Buffer
		if err := format.WriteXML(&b, only(root, path), true); err != nil {
			return err
		}
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if l != "" {
				fmt.Fprintln(out, "        "+l)
			}
		}
		fmt.Fprintln(out, `    </configuration>`)
		fmt.Fprintln(out, `</rpc-reply>`)
		return nil
	case "json":
		h := v.header
		if h != nil && len(path) > 0 {
			c := *h
			c.Version = "" // a part of the configuration: no version statement
			h = &c
		}
		return format.WriteJunosJSON(out, only(root, path), h, false)
	}
	write := format.WriteText
	if display == "detail" { // each statement's help above it
		write = format.WriteTextDetail
	}
	if n.S.Kind == schema.Leaf || n.S.Kind == schema.LeafList {
		// `show system host-name` prints the statement itself
		wrap := tree.NewEditor(tree.New(n.S.Parent))
		_ = wrap.Put(tree.Path{n.Step()}, n)
		return write(out, wrap.Freeze())
	}
	out.WriteString(header)
	if origins != nil { // | display inheritance
		return format.WriteTextOrigins(out, n, origins)
	}
	return write(out, n)
}

// only returns root pruned to the subtree at path (ancestors kept), for
// formats that print from the root.
func only(root *tree.Node, path tree.Path) *tree.Node {
	if len(path) == 0 {
		return root
	}
	e := tree.NewEditor(tree.New(root.S))
	if n := root.Get(path); n != nil {
		_ = e.Put(path, n)
	}
	return e.Freeze()
}
