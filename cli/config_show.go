package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
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
	return renderConfig(out, cand, path, p.display)
}

// renderConfig prints the subtree at path in the display format.
func renderConfig(out *bytes.Buffer, root *tree.Node, path tree.Path, display string) error {
	n := root.Get(path)
	if n == nil {
		if len(path) > 0 {
			return nil // nothing configured there: Junos prints nothing
		}
		n = root
	}
	switch display {
	case "set":
		return format.WriteSet(out, only(root, path), nil)
	case "xml":
		fmt.Fprintln(out, `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/*/junos">`)
		fmt.Fprintln(out, `    <configuration>`)
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
		return format.WriteJSON(out, only(root, path), true)
	}
	if n.S.Kind == schema.Leaf || n.S.Kind == schema.LeafList {
		// `show system host-name` prints the statement itself
		wrap := tree.NewEditor(tree.New(n.S.Parent))
		_ = wrap.Put(tree.Path{n.Step()}, n)
		return format.WriteText(out, wrap.Freeze())
	}
	return format.WriteText(out, n)
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
