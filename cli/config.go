package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// Configuration mode: entering and leaving it, the edit level and the
// verbs that move it (edit, up, top, exit, quit), and status. The verbs
// themselves are listed in config_table.go.

// enterConfig starts configuration mode (`configure [private|exclusive]`).
func (s *Session) enterConfig(mode configd.Mode, out io.Writer) error {
	others := s.eng.Configd.Sessions()
	modified := s.eng.Configd.Modified()
	cs, err := s.eng.Configd.Open(s.user, s.client, mode)
	if err != nil {
		return err
	}
	cs.SetOwner(s.id)
	s.cfg, s.edit = cs, nil
	fmt.Fprintln(out, "Entering configuration mode")
	if len(others) > 0 {
		fmt.Fprintln(out, "Users currently editing the configuration:")
		for _, o := range others {
			fmt.Fprintf(out, "  %s terminal %s (pid %d) on since %s, idle\n      %s%s\n", o.User, o.Client, o.PID(),
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

// leaveConfig exits configuration mode, asking first when there are
// uncommitted changes.
func (s *Session) leaveConfig(out io.Writer) {
	done := func() string {
		s.cfg.Close()
		s.cfg, s.edit = nil, nil
		return "Exiting configuration mode\n"
	}
	if s.cfg.Modified() {
		s.question = func(a string) (string, bool) {
			if yes(a, true) {
				return done(), false
			}
			return "", false
		}
		fmt.Fprint(out, "The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) ")
		return
	}
	fmt.Fprint(out, done())
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

// schemaAt is the schema node of the current edit level.
func (s *Session) schemaAt() *schema.Node {
	return tree.SchemaOf(s.eng.Configd.Schema().Root, s.edit)
}

// candidateAt returns the candidate subtree at the edit level.
func (s *Session) candidateAt() *tree.Node {
	n := s.cfg.Candidate().Get(s.edit)
	if n == nil {
		return tree.New(s.schemaAt())
	}
	return n
}

// paths parses tokens relative to the edit level into full paths.
func (s *Session) paths(ts []token, mode tree.ParseMode, lineLen int) ([]tree.Path, error) {
	ps, err := tree.ParseTokens(s.schemaAt(), words(ts), mode)
	if err != nil {
		var pe *tree.PathError
		if errors.As(err, &pe) {
			msg := pe.Msg
			if strings.HasSuffix(msg, "ambiguous.") && len(pe.Expect) > 0 {
				msg += "\nPossible completions:\n" + indentList(pe.Expect, nil)
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

// up leaves n levels: a list step and its key are one level, containers
// one each.
func (s *Session) up(n int) {
	for i := 0; i < n && len(s.edit) > 0; i++ {
		s.edit = s.edit[:len(s.edit)-1]
	}
}

func configEdit(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
	if len(ts) < 2 {
		return errAt(ts, 1, lineLen, "missing argument.")
	}
	ps, err := s.paths(ts[1:], tree.ForRef, lineLen)
	if err != nil {
		return err
	}
	last := ps[0][len(ps[0])-1]
	if last.All || last.S.Kind == schema.Leaf || last.S.Kind == schema.LeafList {
		return errAt(ts, len(ts), lineLen, "syntax error, expecting <statement>.")
	}
	s.edit = ps[0]
	return nil
}

func configUp(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
	n := 1
	if len(ts) > 1 {
		v, err := strconv.Atoi(ts[1].s)
		if err != nil || v < 1 {
			return errAt(ts, 1, lineLen, "syntax error, expecting <number>.")
		}
		n = v
	}
	s.up(n)
	return nil
}

// configTop goes to the top level; `top set …`, `top show …` run a verb
// at the top and stay where they were.
func configTop(ctx context.Context, s *Session, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	if len(ts) < 2 {
		s.edit = nil
		return nil
	}
	saved := s.edit
	s.edit = nil
	err := s.configCommand(ctx, ts[1:], p, out, lineLen)
	if s.cfg != nil {
		s.edit = saved
	}
	return err
}

// configExit (exit and quit) goes up one level, or leaves configuration
// mode from the top; `exit configuration-mode` leaves from anywhere.
// Both ask first when the candidate holds uncommitted changes, as Junos
// does.
func configExit(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, _ int) error {
	if len(ts) > 1 {
		if _, err := pick(ts[1], []string{"configuration-mode"}); err != nil {
			return err
		}
		s.leaveConfig(out)
		return nil
	}
	if len(s.edit) > 0 {
		s.up(1)
		return nil
	}
	s.leaveConfig(out)
	return nil
}

func configStatus(_ context.Context, s *Session, _ []token, _ *Pipeline, out *bytes.Buffer, _ int) error {
	fmt.Fprintln(out, "Users currently editing the configuration:")
	for _, o := range s.eng.Configd.Sessions() {
		fmt.Fprintf(out, "  %s terminal %s (pid %d) on since %s\n      %s%s\n", o.User, o.Client, o.PID(),
			o.Since.UTC().Format("2006-01-02 15:04:05 MST"), o.Edit, privateNote(o.Mode))
	}
	return nil
}
