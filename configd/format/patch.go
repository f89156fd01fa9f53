package format

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// A patch is `show | compare` output applied as an edit (`load patch`):
// under each `[edit PATH]` header, lines marked `-` are statements to
// delete and lines marked `+` statements to add, both in curly-brace form
// relative to PATH; `! inactive: STATEMENT …` and `! active: …` set and
// clear the inactive flag. Deletions of a section apply before its
// additions, so a changed leaf (its old line, then its new one) ends with
// the new value.

// PatchSection is one `[edit …]` section of a patch.
type PatchSection struct {
	Path      tree.Path
	Delete    []tree.Path // statements to delete (absolute paths)
	Add       *tree.Node  // a whole configuration holding what to add
	Inactive  []tree.Path
	Active    []tree.Path
	Protect   []tree.Path // ! protect: marks
	Unprotect []tree.Path // ! unprotect: marks
}

// ParsePatch reads a patch against the schema at root. Errors name the
// line.
func ParsePatch(root *schema.Node, text string) ([]PatchSection, error) {
	var out []PatchSection
	var cur *PatchSection
	var del, add strings.Builder
	flush := func() error {
		if cur == nil {
			return nil
		}
		if d := del.String(); d != "" {
			t, err := parseUnder(root, cur.Path, d)
			if err != nil {
				return err
			}
			if last := len(cur.Path) - 1; last >= 0 && cur.Path[last].All {
				// [edit groups]: the lines are entries of the list
				at := cur.Path.Parent()
				for _, k := range t.Get(at).All(cur.Path[last].S) {
					cur.Delete = append(cur.Delete, at.Append(k.Step()))
				}
			} else if n := t.Get(cur.Path); n != nil {
				for _, k := range n.Kids() {
					cur.Delete = append(cur.Delete, cur.Path.Append(k.Step()))
				}
			}
		}
		if a := add.String(); a != "" {
			t, err := parseUnder(root, cur.Path, a)
			if err != nil {
				return err
			}
			cur.Add = t
		}
		out = append(out, *cur)
		del.Reset()
		add.Reset()
		return nil
	}
	for i, line := range strings.Split(text, "\n") {
		where := func(err error) error { return fmt.Errorf("patch line %d: %w", i+1, err) }
		l := strings.TrimRight(line, " \t\r")
		switch {
		case strings.TrimSpace(l) == "":
		case strings.HasPrefix(strings.TrimSpace(l), "[edit"):
			if err := flush(); err != nil {
				return nil, where(err)
			}
			p, err := headerPath(root, strings.TrimSpace(l))
			if err != nil {
				return nil, where(err)
			}
			cur = &PatchSection{Path: p}
		case cur == nil:
			return nil, where(fmt.Errorf("a change before any [edit …] header"))
		case l[0] == '-':
			del.WriteString(l[1:] + "\n")
		case l[0] == '+':
			add.WriteString(l[1:] + "\n")
		case l[0] == '!':
			st := strings.TrimSpace(l[1:])
			var list *[]tree.Path
			switch {
			case strings.HasPrefix(st, "inactive: "):
				list, st = &cur.Inactive, strings.TrimPrefix(st, "inactive: ")
			case strings.HasPrefix(st, "active: "):
				list, st = &cur.Active, strings.TrimPrefix(st, "active: ")
			case strings.HasPrefix(st, "protect: "):
				list, st = &cur.Protect, strings.TrimPrefix(st, "protect: ")
			case strings.HasPrefix(st, "unprotect: "):
				list, st = &cur.Unprotect, strings.TrimPrefix(st, "unprotect: ")
			default:
				return nil, where(fmt.Errorf("unsupported change %q (only inactive:, active:, protect: and unprotect: marks)", st))
			}
			st = strings.TrimSuffix(strings.TrimSuffix(st, "{ ... }"), ";")
			ps, err := tree.ParseTokens(schemaAt(root, cur.Path), splitTokens(st), tree.ForRef)
			if err != nil || len(ps) == 0 {
				return nil, where(fmt.Errorf("%s: %v", st, err))
			}
			*list = append(*list, cur.Path.Append(ps[0]...))
		default:
			return nil, where(fmt.Errorf("expecting +, - or ! at the start of %q", l))
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// headerPath parses `[edit a b c]`.
func headerPath(root *schema.Node, h string) (tree.Path, error) {
	if !strings.HasSuffix(h, "]") {
		return nil, fmt.Errorf("bad header %q", h)
	}
	toks := splitTokens(strings.TrimSuffix(strings.TrimPrefix(h, "[edit"), "]"))
	if len(toks) == 0 {
		return nil, nil
	}
	ps, err := tree.ParseTokens(root, toks, tree.ForRef)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", h, err)
	}
	return ps[0], nil
}

// schemaAt is the schema node path p leads to.
func schemaAt(root *schema.Node, p tree.Path) *schema.Node {
	if len(p) == 0 {
		return root
	}
	return p[len(p)-1].S
}

// parseUnder parses statements written relative to p as a whole
// configuration: p's steps open braces around them.
func parseUnder(root *schema.Node, p tree.Path, text string) (*tree.Node, error) {
	var b strings.Builder
	for _, st := range p {
		for _, t := range (tree.Path{st}).Tokens(false) {
			b.WriteString(tree.Quote(t) + " ")
		}
		b.WriteString("{\n")
	}
	b.WriteString(text)
	b.WriteString(strings.Repeat("}\n", len(p)))
	t, _, err := ParseText(root, b.String())
	return t, err
}

// splitTokens splits on blanks, keeping double-quoted words whole.
func splitTokens(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && inQ && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQ, have = !inQ, true
		case (c == ' ' || c == '\t') && !inQ:
			if have || cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
		}
	}
	if have || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
