package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Completion is one possible next word and its help text. Text in angle
// brackets (<name>) is a value placeholder, not something to insert.
type Completion struct {
	Text string `json:"text"`
	Help string `json:"help,omitempty"`
}

// Complete returns what may follow the partial line: candidates for its
// last (possibly empty) word, filtered by that word as a prefix.
func (s *Session) Complete(line string) []Completion {
	ts, err := lex(line)
	if err != nil {
		return nil
	}
	cmd, pipes := splitPipes(ts)
	partial := ""
	if !strings.HasSuffix(line, " ") && len(ts) > 0 {
		partial = ts[len(ts)-1].s
		if len(pipes) > 0 {
			last := &pipes[len(pipes)-1]
			if len(*last) > 0 {
				*last = (*last)[:len(*last)-1]
			}
		} else {
			cmd = cmd[:len(cmd)-1]
		}
	}
	var cands []Completion
	switch {
	case len(pipes) > 0:
		cands = pipeCompletions(pipes[len(pipes)-1])
	case s.cfg != nil:
		cands = s.configCompletions(words(cmd))
	default:
		cands = s.opCompletions(words(cmd))
	}
	return filter(cands, partial)
}

func filter(cs []Completion, prefix string) []Completion {
	var out []Completion
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Text] {
			continue
		}
		if strings.HasPrefix(c.Text, prefix) || (strings.HasPrefix(c.Text, "<") && prefix == "") {
			seen[c.Text] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := strings.HasPrefix(out[i].Text, "<"), strings.HasPrefix(out[j].Text, "<")
		if pi != pj {
			return pi
		}
		return out[i].Text < out[j].Text
	})
	return out
}

func pipeCompletions(seg []token) []Completion {
	if len(seg) == 0 {
		return []Completion{
			{"compare", "Compare configuration changes with prior version"},
			{"count", "Count occurrences"},
			{"display", "Show additional kinds of information"},
			{"append", "Append output text to file"},
			{"except", "Show only text that does not match a pattern"},
			{"find", "Search for first occurrence of pattern"},
			{"hold", "Hold text without exiting the --More-- prompt"},
			{"last", "Display end of output only"},
			{"match", "Show only text that matches a pattern"},
			{"no-more", "Don't paginate output"},
			{"refresh", "Refresh a continuous display of the command"},
			{"save", "Save output text to file"},
			{"tee", "Write to standard output and file"},
			{"trim", "Trim specified number of columns from start of line"},
		}
	}
	if len(seg) == 1 && strings.HasPrefix("display", seg[0].s) {
		return []Completion{{"detail", "Show configuration data detail"},
			{"inheritance", "Show inherited configuration data and source group"}, {"json", "Show JSON output"},
			{"set", "Show 'set' commands that create configuration"}, {"xml", "Show XML output"}}
	}
	if len(seg) == 2 && strings.HasPrefix("display", seg[0].s) && strings.HasPrefix("inheritance", seg[1].s) && len(seg[1].s) > 0 {
		return []Completion{{"no-comments", "Don't display comments"}}
	}
	return nil
}

func (s *Session) opCompletions(ws []string) []Completion {
	t := s.eng.Ops
	var prefix []string
	for i, w := range ws {
		nx := t.next(prefix)
		var names []string
		for k := range nx {
			names = append(names, k)
		}
		m, err := pick(token{s: w}, names)
		if err != nil {
			// inside the arguments of a command
			for _, c := range t.Commands() {
				if strings.Join(c.Words, " ") == strings.Join(prefix, " ") {
					if c.RPC == "get-configuration" {
						return s.schemaCompletions(s.eng.Configd.Active(), ws[i:])
					}
					return argCompletions(c)
				}
			}
			return nil
		}
		prefix = append(prefix, m)
	}
	var out []Completion
	if len(prefix) == 0 {
		// exit is accepted but, as in Junos, not listed
		out = append(out, Completion{"configure", "Manipulate software configuration information"},
			Completion{"help", "Provide help information"}, Completion{"quit", "Exit the management session"})
	}
	for w, h := range t.next(prefix) {
		out = append(out, Completion{w, h})
	}
	for _, c := range t.Commands() {
		if strings.Join(c.Words, " ") == strings.Join(prefix, " ") {
			if c.RPC == "get-configuration" {
				out = append(out, s.schemaCompletions(s.eng.Configd.Active(), nil)...)
			} else {
				out = append(out, argCompletions(c)...)
			}
			out = append(out, Completion{"|", "Pipe through a command"})
		}
	}
	if len(ws) == 1 && strings.HasPrefix("help", ws[0]) && len(ws[0]) > 0 && len(prefix) == 0 {
		return []Completion{{"apropos", "Find help information about a topic"},
			{"reference", "Display reference-level information (from the schema)"},
			{"topic", "Display usage guidelines for a statement (from the schema)"}}
	}
	if len(prefix) == 1 && prefix[0] == "configure" {
		out = append(out, Completion{"exclusive", "Obtain exclusive lock (other users cannot make changes)"},
			Completion{"private", "Work in private database (other users can make changes)"})
	}
	return out
}

func argCompletions(c *Command) []Completion {
	var out []Completion
	for _, a := range c.Args {
		if a.Positional {
			out = append(out, Completion{"<" + a.Name + ">", a.Help})
		} else {
			out = append(out, Completion{a.Name, a.Help})
		}
	}
	return out
}

// completeStatement offers what may follow a statement path typed from
// the edit level: the candidate's keywords, list keys and values.
func completeStatement(s *Session, ws []string) []Completion {
	return s.schemaCompletions(s.candidateAt(), ws)
}

// completeShow is completeStatement and a pipe.
func completeShow(s *Session, ws []string) []Completion {
	return append(completeStatement(s, ws), Completion{"|", "Pipe through a command"})
}

// schemaCompletions walks complete words ws from data node n (whose
// schema is the walk's start) and lists what may come next: child
// keywords, existing list keys, enumeration values, value placeholders.
func (s *Session) schemaCompletions(n *tree.Node, ws []string) []Completion {
	root, sn := n, n.S
	i := 0
	for i < len(ws) {
		c := sn.Child(ws[i])
		if c == nil && sn.Value != nil { // autonomous-system 65000: the value, then the rest of the line
			i++
			continue
		}
		if c == nil {
			if m := uniquePrefix(sn, ws[i]); m != nil {
				c = m
			}
		}
		if c == nil {
			if fl := sn.FlatList(); fl != nil { // interfaces NAME
				n = n.Child(fl, ws[i])
				sn = fl
				i++
				continue
			}
			return nil
		}
		i++
		switch c.Kind {
		case schema.Container:
			n, sn = n.Child(c, ""), c
		case schema.List:
			if i >= len(ws) {
				return keyCompletions(n, c)
			}
			n, sn = n.Child(c, ws[i]), c
			i++
		case schema.Leaf, schema.LeafList:
			if c.IsEmptyType() {
				continue
			}
			if i >= len(ws) {
				out := valueCompletions(c)
				if c.IsApplyGroups() { // the groups defined
					for _, g := range root.AllNamed(schema.GroupsName) {
						out = append(out, Completion{g.Key, ""})
					}
				}
				return out
			}
			i++
		}
	}
	var out []Completion
	if fl := sn.FlatList(); fl != nil {
		out = append(out, keyCompletions(n, fl)...)
	}
	if sn.Value != nil { // a container holding one value: its value, not the leaf's keyword
		out = append(out, valueCompletions(sn.Value)...)
	}
	for _, c := range sn.Children {
		if c.IsKey() || c.Flat || c == sn.Value {
			continue
		}
		out = append(out, Completion{c.Name, c.Description})
	}
	return out
}

func uniquePrefix(sn *schema.Node, w string) *schema.Node {
	var m *schema.Node
	for _, c := range sn.Children {
		if strings.HasPrefix(c.Name, w) && !c.IsKey() && !c.Flat {
			if m != nil {
				return nil
			}
			m = c
		}
	}
	return m
}

func keyCompletions(n *tree.Node, list *schema.Node) []Completion {
	out := []Completion{{"<" + list.Keys[0] + ">", list.Description}}
	for _, e := range n.All(list) {
		out = append(out, Completion{e.Key, ""})
	}
	return out
}

func valueCompletions(c *schema.Node) []Completion {
	out := []Completion{{"<" + c.Name + ">", c.Description}}
	if c.Type != nil && c.Type.Enum != nil {
		for _, v := range c.Type.Enum.Names() {
			out = append(out, Completion{v, ""})
		}
	}
	for _, u := range unionEnums(c) {
		out = append(out, Completion{u, ""})
	}
	return out
}

func unionEnums(c *schema.Node) []string {
	if c.Type == nil {
		return nil
	}
	var out []string
	for _, t := range c.Type.Type {
		if t.Enum != nil {
			out = append(out, t.Enum.Names()...)
		}
	}
	return out
}

// FormatHelp renders completions the way Junos answers `?`.
func FormatHelp(cs []Completion) string {
	var b strings.Builder
	b.WriteString("Possible completions:\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "  %-22s %s\n", c.Text, c.Help)
	}
	return b.String()
}
