package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Arg describes one argument of an operational command.
type Arg struct {
	Name       string // keyword (`service-set`) or, when Positional, the value's name
	Help       string
	Value      bool // the keyword takes a value (`service-set S1`)
	Positional bool // a bare value in this position (`rollback 3`)
	Rest       bool // positional taking all remaining words (a configuration path)
}

// Args are the parsed arguments: keyword → value ("" for flags).
type Args map[string]string

// Has reports whether a flag or keyword was given.
func (a Args) Has(name string) bool { _, ok := a[name]; return ok }

// Command is one operational command: an RPC with a structured reply.
type Command struct {
	Words []string // e.g. {"show", "system", "commit"}
	RPC   string   // Junos RPC name, e.g. "get-commit-information"
	Help  string
	Args  []Arg
	// Run returns the reply. Raw commands (show configuration) may instead
	// write their output to w themselves and return nil.
	Run func(ctx context.Context, s *Session, a Args, p *Pipeline, w io.Writer) (*Elem, error)
	// Text renders the reply for the terminal; nil prints Elem texts.
	Text func(w io.Writer, e *Elem)
}

// Table is the operational command table, shared by the CLI and the
// NETCONF server (one RPC per command).
type Table struct {
	mu   sync.RWMutex
	cmds []*Command
	help map[string]string // help of intermediate words ("show system")
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{help: map[string]string{}} }

// Add registers commands. Plugins add theirs the same way.
func (t *Table) Add(cmds ...*Command) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cmds = append(t.cmds, cmds...)
}

// Describe sets the help of an intermediate word sequence ("show system").
func (t *Table) Describe(words, help string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.help[words] = help
}

// Merge adds from's commands, each passed through wrap, and its help of
// intermediate words: how a daemon in another process contributes its
// commands (same words, help and renderers; a Run that forwards).
func (t *Table) Merge(from *Table, wrap func(*Command) *Command) {
	from.mu.RLock()
	cmds := append([]*Command(nil), from.cmds...)
	help := make(map[string]string, len(from.help))
	for k, v := range from.help {
		help[k] = v
	}
	from.mu.RUnlock()
	for k, v := range help {
		if _, ok := t.help[k]; !ok {
			t.Describe(k, v)
		}
	}
	for _, c := range cmds {
		t.Add(wrap(c))
	}
}

// Commands returns all commands sorted by words.
func (t *Table) Commands() []*Command {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := append([]*Command(nil), t.cmds...)
	sort.Slice(out, func(i, j int) bool {
		return strings.Join(out[i].Words, " ") < strings.Join(out[j].Words, " ")
	})
	return out
}

// ByRPC finds a command by its RPC name.
func (t *Table) ByRPC(rpc string) *Command {
	for _, c := range t.Commands() {
		if c.RPC == rpc {
			return c
		}
	}
	return nil
}

// next returns the words that may follow prefix, with help.
func (t *Table) next(prefix []string) map[string]string {
	out := map[string]string{}
	for _, c := range t.Commands() {
		if len(c.Words) <= len(prefix) || !hasPrefix(c.Words, prefix) {
			continue
		}
		w := c.Words[len(prefix)]
		if len(c.Words) == len(prefix)+1 {
			out[w] = c.Help
		} else if _, ok := out[w]; !ok {
			out[w] = t.help[strings.Join(c.Words[:len(prefix)+1], " ")]
		}
	}
	return out
}

func hasPrefix(ws, p []string) bool {
	for i := range p {
		if ws[i] != p[i] {
			return false
		}
	}
	return true
}

// resolve matches the leading tokens against the table (unique prefixes)
// and returns the command and the remaining tokens.
func (t *Table) resolve(ts []token, lineLen int) (*Command, []token, error) {
	var words []string
	i := 0
	for {
		var cmd *Command
		for _, c := range t.Commands() {
			if len(c.Words) == len(words) && hasPrefix(c.Words, words) {
				cmd = c
			}
		}
		nx := t.next(words)
		if i >= len(ts) || len(nx) == 0 {
			if cmd != nil {
				return cmd, ts[i:], nil
			}
			return nil, nil, &lineError{pos: lineLen, msg: "syntax error, expecting <command>."}
		}
		var names []string
		for w := range nx {
			names = append(names, w)
		}
		sort.Strings(names)
		w, err := pickHelp(ts[i], names, nx)
		if err != nil {
			if cmd != nil && !ambiguous(err) { // extra words are the command's arguments
				return cmd, ts[i:], nil
			}
			if len(words) == 0 {
				return nil, nil, &lineError{pos: ts[i].pos, msg: "unknown command."}
			}
			return nil, nil, err
		}
		words = append(words, w)
		i++
	}
}

func ambiguous(err error) bool {
	le, ok := err.(*lineError)
	return ok && strings.Contains(le.msg, "is ambiguous")
}

// parseArgs matches tokens against the command's argument list.
func (c *Command) parseArgs(ts []token, lineLen int) (Args, error) {
	a := Args{}
	var names []string
	for _, arg := range c.Args {
		if !arg.Positional {
			names = append(names, arg.Name)
		}
	}
	for i := 0; i < len(ts); i++ {
		if w, err := pick(ts[i], names); err == nil {
			for _, arg := range c.Args {
				if arg.Name != w {
					continue
				}
				if arg.Value {
					if i+1 >= len(ts) {
						return nil, &lineError{pos: lineLen, msg: fmt.Sprintf("syntax error, expecting <%s>.", arg.Name)}
					}
					a[w] = ts[i+1].s
					i++
				} else {
					a[w] = ""
				}
			}
			continue
		}
		placed := false
		for _, arg := range c.Args {
			if !arg.Positional || a.Has(arg.Name) {
				continue
			}
			if arg.Rest {
				a[arg.Name] = strings.Join(quoteWords(ts[i:]), " ")
				i = len(ts)
			} else {
				a[arg.Name] = ts[i].s
			}
			placed = true
			break
		}
		if !placed {
			return nil, &lineError{pos: ts[i].pos, msg: "syntax error."}
		}
	}
	return a, nil
}

func quoteWords(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.s
		if t.quoted || strings.ContainsAny(t.s, " \t") {
			out[i] = fmt.Sprintf("%q", t.s)
		}
	}
	return out
}

// opCommand runs an operational command line.
func (s *Session) opCommand(ctx context.Context, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) (bool, error) {
	// The first word picks among the table's verbs and the mode commands,
	// so `c` is ambiguous between clear and configure, as in Junos.
	first := []string{"configure", "exit", "help", "quit"}
	help := map[string]string{}
	for _, c := range s.opCompletions(nil) {
		help[c.Text] = c.Help
	}
	for w := range s.eng.Ops.next(nil) {
		first = append(first, w)
	}
	sort.Strings(first)
	w, err := pickHelp(ts[0], first, help)
	if err != nil {
		if le, ok := err.(*lineError); ok && !strings.Contains(le.msg, "ambiguous") {
			le.msg = "unknown command."
		}
		return false, err
	}
	switch w {
	case "exit", "quit":
		if len(ts) == 1 {
			return true, nil
		}
		return false, errAt(ts, 1, lineLen, "syntax error.")
	case "help":
		return false, s.opHelp(ts, out, lineLen)
	case "configure":
		mode, err := configureMode(ts[1:])
		if err != nil {
			return false, err
		}
		return false, s.enterConfig(mode, out)
	}
	return false, s.runOp(ctx, ts, p, out, lineLen)
}

func (s *Session) runOp(ctx context.Context, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	cmd, rest, err := s.eng.Ops.resolve(ts, lineLen)
	if err != nil {
		return err
	}
	a, err := cmd.parseArgs(rest, lineLen)
	if err != nil {
		return err
	}
	if p.display == "xml-rpc" {
		writeRPC(out, cmd, a)
		return nil
	}
	e, err := cmd.Run(ctx, s, a, p, out)
	if err != nil || e == nil {
		return err
	}
	return render(out, cmd, e, p)
}

// writeRPC is `| display xml rpc`: the RPC the command line sends, each
// argument an element (a flag empty), in the command's argument order.
func writeRPC(out io.Writer, cmd *Command, a Args) {
	req := E(cmd.RPC)
	for _, arg := range cmd.Args {
		if v, ok := a[arg.Name]; ok {
			req.Add(T(arg.Name, v))
		}
	}
	fmt.Fprintln(out, `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/`+JunosVersion+`/junos">`)
	fmt.Fprintln(out, `    <rpc>`)
	req.WriteXMLAt(out, "    ", 2)
	fmt.Fprintln(out, `    </rpc>`)
	fmt.Fprintln(out, `    <cli>`)
	fmt.Fprintln(out, `        <banner></banner>`)
	fmt.Fprintln(out, `    </cli>`)
	fmt.Fprintln(out, `</rpc-reply>`)
}

func render(out io.Writer, cmd *Command, e *Elem, p *Pipeline) error {
	switch p.display {
	case "xml":
		fmt.Fprintln(out, `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/*/junos">`)
		e.WriteXMLAt(out, "    ", 1)
		fmt.Fprintln(out, `    <cli>`)
		fmt.Fprintln(out, `        <banner></banner>`)
		fmt.Fprintln(out, `    </cli>`)
		fmt.Fprintln(out, `</rpc-reply>`)
		return nil
	case "json":
		return e.WriteJSON(out)
	}
	if cmd.Text != nil {
		cmd.Text(out, e)
		return nil
	}
	if e.Text != "" {
		fmt.Fprintln(out, e.Text)
	}
	return nil
}
