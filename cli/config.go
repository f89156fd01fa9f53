package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// configCommands are configuration mode's verbs, in help order.
var configCommands = []struct{ name, help string }{
	{"activate", "Remove the inactive tag from a statement"},
	{"annotate", "Annotate the statement with a comment"},
	{"commit", "Commit current set of changes"},
	{"copy", "Copy a statement"},
	{"deactivate", "Add the inactive tag to a statement"},
	{"delete", "Delete a data element"},
	{"edit", "Edit a sub-element"},
	{"exit", "Exit from this level"},
	{"help", "Provide help information"},
	{"insert", "Insert a new ordered data element"},
	{"load", "Load configuration from ASCII file"},
	{"quit", "Quit from this level"},
	{"rename", "Rename a statement"},
	{"rollback", "Roll back to previous committed configuration"},
	{"run", "Run an operational-mode command"},
	{"save", "Save configuration to ASCII file"},
	{"set", "Set a parameter"},
	{"show", "Show a parameter"},
	{"status", "Show users currently editing configuration"},
	{"top", "Exit to top level of configuration"},
	{"up", "Exit one level of configuration"},
	{"update", "Update private database"},
	{"wildcard", "Wildcard operations"},
}

func configNames() []string {
	out := make([]string, len(configCommands))
	for i, c := range configCommands {
		out[i] = c.name
	}
	return out
}

// enterConfig starts configuration mode (`configure [private|exclusive]`).
func (s *Session) enterConfig(mode configd.Mode, out io.Writer) error {
	others := s.eng.Configd.Sessions()
	modified := s.eng.Configd.Modified()
	cs, err := s.eng.Configd.Open(s.user, s.client, mode)
	if err != nil {
		return err
	}
	s.cfg, s.edit = cs, nil
	fmt.Fprintln(out, "Entering configuration mode")
	if len(others) > 0 {
		fmt.Fprintln(out, "Users currently editing the configuration:")
		for _, o := range others {
			fmt.Fprintf(out, "  %s terminal %s (pid %d) on since %s, idle\n      %s%s\n", o.User, o.Client, o.ID,
				o.Since.UTC().Format("2006-01-02 15:04:05 MST"), o.Edit, privateNote(o.Mode))
		}
	}
	if modified && mode != configd.Private {
		fmt.Fprintln(out, "The configuration has been changed but not committed")
	}
	if mode == configd.Private || mode == configd.Exclusive {
		fmt.Fprintln(out, "warning: uncommitted changes will be discarded on exit")
	}
	return nil
}

func privateNote(m configd.Mode) string {
	switch m {
	case configd.Private:
		return "\n      (private)"
	case configd.Exclusive:
		return "\n      (exclusive)"
	}
	return ""
}

// schemaAt is the schema node of the current edit level.
func (s *Session) schemaAt() *schema.Node {
	return tree.SchemaOf(s.eng.Configd.Schema().Root, s.edit)
}

// paths parses tokens relative to the edit level into full paths.
func (s *Session) paths(ts []token, mode tree.ParseMode, lineLen int) ([]tree.Path, error) {
	ps, err := tree.ParseTokens(s.schemaAt(), words(ts), mode)
	if err != nil {
		var pe *tree.PathError
		if errors.As(err, &pe) {
			msg := pe.Msg
			if strings.HasSuffix(msg, "ambiguous.") && len(pe.Expect) > 0 {
				msg += "\nPossible completions:\n" + indentList(pe.Expect)
			}
			return nil, errAt(ts, pe.Token, lineLen, "%s", msg)
		}
		return nil, err
	}
	for i := range ps {
		ps[i] = s.edit.Append(ps[i]...)
	}
	return ps, nil
}

func (s *Session) configCommand(ctx context.Context, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) (bool, error) {
	verb, err := pick(ts[0], configNames())
	if err != nil {
		if le, ok := err.(*lineError); ok && !strings.Contains(le.msg, "ambiguous") {
			le.msg = "unknown command."
		}
		return false, err
	}
	args := ts[1:]
	cs := s.cfg
	switch verb {
	case "set":
		if len(args) == 0 {
			return false, errAt(ts, 1, lineLen, "missing argument.")
		}
		if handled, err := s.plainTextPassword(args, out, lineLen); handled {
			return false, err
		}
		ps, err := s.paths(args, tree.ForSet, lineLen)
		if err != nil {
			return false, err
		}
		return false, cs.Set(ps...)
	case "delete":
		if len(args) == 0 {
			if len(s.edit) == 0 {
				s.question = func(a string) (string, bool) {
					if yes(a, false) {
						if err := cs.Delete(nil); err != nil {
							return errorText(err), false
						}
					}
					return "", false
				}
				fmt.Fprint(out, "Delete everything under this level? [yes,no] (no) ")
				return false, nil
			}
			return false, cs.Delete(s.edit)
		}
		ps, err := s.paths(args, tree.ForRef, lineLen)
		if err != nil {
			return false, err
		}
		return false, cs.Delete(ps[0])
	case "activate", "deactivate":
		if len(args) == 0 {
			return false, errAt(ts, 1, lineLen, "missing argument.")
		}
		ps, err := s.paths(args, tree.ForRef, lineLen)
		if err != nil {
			return false, err
		}
		return false, cs.SetActive(ps[0], verb == "activate")
	case "annotate":
		if len(args) < 2 {
			return false, errAt(ts, len(ts), lineLen, "missing argument.")
		}
		ps, err := s.paths(args[:len(args)-1], tree.ForRef, lineLen)
		if err != nil {
			return false, err
		}
		return false, cs.Annotate(ps[0], args[len(args)-1].s)
	case "edit":
		if len(args) == 0 {
			return false, errAt(ts, 1, lineLen, "missing argument.")
		}
		ps, err := s.paths(args, tree.ForRef, lineLen)
		if err != nil {
			return false, err
		}
		last := ps[0][len(ps[0])-1]
		if last.All || last.S.Kind == schema.Leaf || last.S.Kind == schema.LeafList {
			return false, errAt(ts, len(ts), lineLen, "syntax error, expecting <statement>.")
		}
		s.edit = ps[0]
		return false, nil
	case "up":
		n := 1
		if len(args) > 0 {
			v, err := strconv.Atoi(args[0].s)
			if err != nil || v < 1 {
				return false, errAt(ts, 1, lineLen, "syntax error, expecting <number>.")
			}
			n = v
		}
		s.up(n)
		return false, nil
	case "top":
		if len(args) > 0 { // `top set …`, `top show …`: run at the top, stay here
			saved := s.edit
			s.edit = nil
			exit, err := s.configCommand(ctx, args, p, out, lineLen)
			if s.cfg != nil {
				s.edit = saved
			}
			return exit, err
		}
		s.edit = nil
		return false, nil
	case "exit", "quit":
		if len(args) > 0 {
			if _, err := pick(args[0], []string{"configuration-mode"}); err != nil {
				return false, err
			}
			return s.leaveConfig(out, true), nil
		}
		if len(s.edit) > 0 {
			s.up(1)
			return false, nil
		}
		return s.leaveConfig(out, false), nil
	case "show":
		return false, s.configShow(args, p, out, lineLen)
	case "status":
		s.status(out)
		return false, nil
	case "run":
		if len(args) == 0 {
			return false, errAt(ts, 1, lineLen, "missing argument.")
		}
		return false, s.runOp(ctx, args, p, out, lineLen)
	case "commit":
		return s.commit(ctx, args, out, lineLen)
	case "rollback":
		n := 0
		if len(args) > 0 {
			v, err := strconv.Atoi(args[0].s)
			if err != nil || v < 0 || v > configd.MaxRollback {
				return false, errAt(ts, 1, lineLen, "syntax error, expecting <number> (0..49).")
			}
			n = v
		}
		if err := cs.Rollback(n); err != nil {
			return false, err
		}
		fmt.Fprintln(out, "load complete")
		return false, nil
	case "load":
		return false, s.load(args, out, lineLen)
	case "save":
		if len(args) == 0 {
			return false, errAt(ts, 1, lineLen, "missing argument.")
		}
		path, err := s.filePath(args[0].s, true)
		if err != nil {
			return false, err
		}
		var b bytes.Buffer
		if err := format.WriteText(&b, s.candidateAt()); err != nil {
			return false, err
		}
		if err := writeFile(path, b.Bytes()); err != nil {
			return false, fmt.Errorf("could not write %s: %w", args[0].s, err)
		}
		fmt.Fprintf(out, "Wrote %d lines of configuration to '%s'\n", strings.Count(b.String(), "\n"), args[0].s)
		return false, nil
	case "copy", "rename":
		return false, s.copyRename(verb, ts, lineLen)
	case "insert":
		return false, s.insert(ts, lineLen)
	case "wildcard":
		return false, s.wildcard(ts, out, lineLen)
	case "update":
		return false, fmt.Errorf("update is only valid in configure private")
	case "help":
		for _, c := range configCommands {
			fmt.Fprintf(out, "  %-20s %s\n", c.name, c.help)
		}
		return false, nil
	}
	return false, errAt(ts, 0, lineLen, "unknown command.")
}

func (s *Session) up(n int) {
	for i := 0; i < n && len(s.edit) > 0; i++ {
		s.edit = s.edit[:len(s.edit)-1]
		// a list step and its key are one level; containers one each
	}
}

func yes(a string, def bool) bool {
	switch strings.ToLower(a) {
	case "":
		return def
	case "y", "ye", "yes":
		return true
	}
	return false
}

// leaveConfig exits configuration mode, asking first when there are
// uncommitted changes (unless force, as `exit configuration-mode`).
func (s *Session) leaveConfig(out io.Writer, force bool) bool {
	done := func() string {
		s.cfg.Close()
		s.cfg, s.edit = nil, nil
		return "Exiting configuration mode\n"
	}
	if !force && s.cfg.Modified() {
		s.question = func(a string) (string, bool) {
			if yes(a, true) {
				return done(), false
			}
			return "", false
		}
		fmt.Fprint(out, "The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) ")
		return false
	}
	fmt.Fprint(out, done())
	return false
}

// candidateAt returns the candidate subtree at the edit level.
func (s *Session) candidateAt() *tree.Node {
	n := s.cfg.Candidate().Get(s.edit)
	if n == nil {
		return tree.New(s.schemaAt())
	}
	return n
}

func (s *Session) configShow(args []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	path := s.edit
	if len(args) > 0 {
		ps, err := s.paths(args, tree.ForRef, lineLen)
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

func (s *Session) status(out io.Writer) {
	fmt.Fprintln(out, "Users currently editing the configuration:")
	for _, o := range s.eng.Configd.Sessions() {
		fmt.Fprintf(out, "  %s terminal %s (pid %d) on since %s\n      %s%s\n", o.User, o.Client, o.ID,
			o.Since.UTC().Format("2006-01-02 15:04:05 MST"), o.Edit, privateNote(o.Mode))
	}
}

func (s *Session) commit(ctx context.Context, args []token, out io.Writer, lineLen int) (bool, error) {
	var o configd.CommitOptions
	andQuit := false
	for i := 0; i < len(args); i++ {
		w, err := pick(args[i], []string{"check", "confirmed", "comment", "and-quit", "at", "synchronize"})
		if err != nil {
			return false, err
		}
		switch w {
		case "check":
			o.Check = true
		case "and-quit":
			andQuit = true
		case "synchronize":
			return false, fmt.Errorf("commit synchronize: no other routing engine is present")
		case "confirmed":
			o.Confirmed = 10 * time.Minute
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1].s); err == nil {
					if n < 1 || n > 65535 {
						return false, &lineError{pos: args[i+1].pos, msg: "error: value " + args[i+1].s + " is not within range (1..65535)"}
					}
					o.Confirmed = time.Duration(n) * time.Minute
					i++
				}
			}
		case "comment":
			if i+1 >= len(args) {
				return false, &lineError{pos: lineLen, msg: "syntax error, expecting <comment>."}
			}
			o.Comment = args[i+1].s
			i++
		case "at":
			if i+1 >= len(args) {
				return false, &lineError{pos: lineLen, msg: "syntax error, expecting <time>."}
			}
			t, err := parseCommitTime(args[i+1].s, s.eng.Configd.Clock().Now())
			if err != nil {
				return false, &lineError{pos: args[i+1].pos, msg: "error: " + err.Error()}
			}
			o.At = t
			i++
		}
	}
	res, err := s.cfg.Commit(ctx, o)
	if err != nil {
		return false, err
	}
	switch {
	case o.Check:
		fmt.Fprintln(out, "configuration check succeeds")
	case !o.At.IsZero():
		fmt.Fprintln(out, "configuration check succeeds")
		fmt.Fprintf(out, "commit at will be executed at %s\n", res.At.UTC().Format("2006-01-02 15:04:05 MST"))
	default:
		if o.Confirmed > 0 {
			fmt.Fprintf(out, "commit confirmed will be automatically rolled back in %d minutes unless confirmed\n", int(o.Confirmed/time.Minute))
		}
		fmt.Fprintln(out, "commit complete")
	}
	if andQuit && !o.Check {
		s.cfg.Close()
		s.cfg, s.edit = nil, nil
		fmt.Fprintln(out, "Exiting configuration mode")
	}
	return false, nil
}

// parseCommitTime accepts Junos' forms: "hh:mm[:ss]" (today, or tomorrow
// when already past) and "yyyy-mm-dd hh:mm[:ss]".
func parseCommitTime(v string, now time.Time) (time.Time, error) {
	for _, f := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(f, v, now.Location()); err == nil {
			return t, nil
		}
	}
	for _, f := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(f, v, now.Location()); err == nil {
			d := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, now.Location())
			if !d.After(now) {
				d = d.Add(24 * time.Hour)
			}
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time '%s': expecting \"yyyy-mm-dd hh:mm[:ss]\" or \"hh:mm[:ss]\"", v)
}

func (s *Session) load(args []token, out io.Writer, lineLen int) error {
	if len(args) < 2 {
		return &lineError{pos: lineLen, msg: "syntax error, expecting <filename>."}
	}
	action, err := pick(args[0], []string{"merge", "override", "replace", "set", "update", "patch"})
	if err != nil {
		return err
	}
	if args[1].s == "terminal" && !args[1].quoted {
		fmt.Fprint(out, s.startCollect(action))
		return nil
	}
	path, err := s.filePath(args[1].s, false)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		if err := s.cfg.CheckLoadSize(fi.Size()); err != nil { // before reading it
			return fmt.Errorf("%s: %w", args[1].s, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("could not read %s: %w", args[1].s, plainFileErr(err))
	}
	f := detectFormat(string(b))
	switch action {
	case "set":
		f = configd.FormatSet
	case "patch":
		f = configd.FormatText
	}
	if err := s.cfg.Load(configd.LoadAction(action), f, string(b)); err != nil {
		return err
	}
	fmt.Fprintln(out, "load complete")
	return nil
}

// detectFormat guesses a file's syntax from its first significant
// character or word.
func detectFormat(text string) configd.Format {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "<"):
		return configd.FormatXML
	case strings.HasPrefix(t, "{"):
		return configd.FormatJSON
	}
	first := strings.Fields(t)
	if len(first) > 0 {
		switch first[0] {
		case "set", "delete", "activate", "deactivate", "edit", "insert", "rename", "annotate":
			return configd.FormatSet
		}
	}
	return configd.FormatText
}

// copyRename handles `copy PATH to KEY` and `rename PATH to KEY`; the
// target may repeat the list keyword (`to service-set S2`).
func (s *Session) copyRename(verb string, ts []token, lineLen int) error {
	args := ts[1:]
	to := -1
	for i, a := range args {
		if a.s == "to" && !a.quoted {
			to = i
		}
	}
	if to < 1 || to == len(args)-1 {
		return errAt(ts, len(ts), lineLen, "syntax error, expecting 'to'.")
	}
	ps, err := s.paths(args[:to], tree.ForRef, lineLen)
	if err != nil {
		return err
	}
	id := args[len(args)-1].s
	if verb == "copy" {
		return s.cfg.Copy(ps[0], id)
	}
	return s.cfg.Rename(ps[0], id)
}

// insert handles `insert PATH before|after [LIST] KEY`.
func (s *Session) insert(ts []token, lineLen int) error {
	args := ts[1:]
	at := -1
	for i, a := range args {
		if a.s == "before" || a.s == "after" {
			at = i
		}
	}
	if at < 1 || at == len(args)-1 {
		return errAt(ts, len(ts), lineLen, "syntax error, expecting 'before' or 'after'.")
	}
	ps, err := s.paths(args[:at], tree.ForRef, lineLen)
	if err != nil {
		return err
	}
	return s.cfg.Insert(ps[0], args[at].s == "before", args[len(args)-1].s)
}

// wildcard handles `wildcard delete PATH-TO-LIST PATTERN`.
func (s *Session) wildcard(ts []token, out io.Writer, lineLen int) error {
	if len(ts) < 4 {
		return errAt(ts, len(ts), lineLen, "syntax error, expecting 'delete' <path> <pattern>.")
	}
	if _, err := pick(ts[1], []string{"delete"}); err != nil {
		return err
	}
	pathToks := ts[2 : len(ts)-1]
	pat := ts[len(ts)-1].s
	base := s.schemaAt()
	ps, err := tree.ParseTokens(base, words(pathToks), tree.ForRef)
	if err != nil {
		return errAt(ts, 2, lineLen, "syntax error.")
	}
	p := s.edit.Append(ps[0]...)
	last := tree.SchemaOf(s.eng.Configd.Schema().Root, p)
	if len(p) == 0 || !p[len(p)-1].All {
		fl := last.FlatList()
		if fl == nil {
			return errAt(ts, len(ts)-1, lineLen, "syntax error, expecting a list.")
		}
		p = p.Append(tree.Step{S: fl, All: true})
	}
	n, err := s.cfg.WildcardDelete(p, pat)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  matched: %d\n", n)
	return nil
}
