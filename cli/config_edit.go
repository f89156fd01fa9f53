package cli

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/gnos/gnos/configd/tree"
)

// The verbs that change the candidate statement by statement: set,
// delete, activate, deactivate, annotate, copy, rename, insert, wildcard.

func configSet(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	args := ts[1:]
	if len(args) == 0 {
		return errAt(ts, 1, lineLen, "missing argument.")
	}
	if handled, err := s.plainTextPassword(args, out, lineLen); handled {
		return err
	}
	ps, err := s.paths(args, tree.ForSet, lineLen)
	if err != nil {
		return err
	}
	return s.cfg.Set(ps...)
}

// configDelete deletes a statement; a bare `delete` deletes the edit
// level, asking first at the top.
func configDelete(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	cs := s.cfg
	if len(ts) < 2 {
		if len(s.edit) > 0 {
			return cs.Delete(s.edit)
		}
		s.question = func(a string) (string, bool) {
			if yes(a, false) {
				if err := cs.Delete(nil); err != nil {
					return errorText(err), false
				}
			}
			return "", false
		}
		fmt.Fprint(out, "Delete everything under this level? [yes,no] (no) ")
		return nil
	}
	ps, err := s.paths(ts[1:], tree.ForRef, lineLen)
	if err != nil {
		return err
	}
	return cs.Delete(ps[0])
}

// configSetActive is activate (active) or deactivate.
func configSetActive(active bool) verbFunc {
	return configOnPath(func(s *Session, p tree.Path) error { return s.cfg.SetActive(p, active) })
}

// configSetProtected handles `protect PATH` and `unprotect PATH`.
func configSetProtected(protected bool) verbFunc {
	return configOnPath(func(s *Session, p tree.Path) error { return s.cfg.SetProtected(p, protected) })
}

// configOnPath is a verb that takes one statement's path and applies f
// to it.
func configOnPath(f func(*Session, tree.Path) error) verbFunc {
	return func(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
		if len(ts) < 2 {
			return errAt(ts, 1, lineLen, "missing argument.")
		}
		ps, err := s.paths(ts[1:], tree.ForRef, lineLen)
		if err != nil {
			return err
		}
		return f(s, ps[0])
	}
}

// configAnnotate handles `annotate PATH "comment"`.
func configAnnotate(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
	args := ts[1:]
	if len(args) < 2 {
		return errAt(ts, len(ts), lineLen, "missing argument.")
	}
	ps, err := s.paths(args[:len(args)-1], tree.ForRef, lineLen)
	if err != nil {
		return err
	}
	return s.cfg.Annotate(ps[0], args[len(args)-1].s)
}

func configCopy(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
	from, to, err := s.copyTarget(ts, lineLen)
	if err != nil {
		return err
	}
	return s.cfg.Copy(from, to)
}

func configRename(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
	from, to, err := s.copyTarget(ts, lineLen)
	if err != nil {
		return err
	}
	return s.cfg.Rename(from, to)
}

// copyTarget parses `copy|rename PATH to KEY` into the path and the new
// key; the target may repeat the list keyword (`to service-set S2`).
func (s *Session) copyTarget(ts []token, lineLen int) (tree.Path, string, error) {
	args := ts[1:]
	to := -1
	for i, a := range args {
		if a.s == "to" && !a.quoted {
			to = i
		}
	}
	if to < 1 || to == len(args)-1 {
		return nil, "", errAt(ts, len(ts), lineLen, "syntax error, expecting 'to'.")
	}
	ps, err := s.paths(args[:to], tree.ForRef, lineLen)
	if err != nil {
		return nil, "", err
	}
	return ps[0], args[len(args)-1].s, nil
}

// configInsert handles `insert PATH before|after [LIST] KEY`.
func configInsert(_ context.Context, s *Session, ts []token, _ *Pipeline, _ *bytes.Buffer, lineLen int) error {
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

// configWildcard handles `wildcard delete PATH-TO-LIST PATTERN`.
func configWildcard(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	if len(ts) < 4 {
		return errAt(ts, len(ts), lineLen, "syntax error, expecting 'delete' <path> <pattern>.")
	}
	if _, err := pick(ts[1], []string{"delete"}); err != nil {
		return err
	}
	pathToks := ts[2 : len(ts)-1]
	pat := ts[len(ts)-1].s
	ps, err := tree.ParseTokens(s.schemaAt(), words(pathToks), tree.ForRef)
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
	keys, err := s.cfg.WildcardMatches(p, pat)
	if err != nil {
		return err
	}
	for _, k := range keys {
		fmt.Fprintf(out, "  matched: %s\n", k)
	}
	cs := s.cfg
	s.question = func(a string) (string, bool) {
		if yes(a, false) {
			if err := cs.DeleteEntries(p, keys); err != nil {
				return errorText(err), false
			}
		}
		return "", false
	}
	fmt.Fprintf(out, "Delete %d objects? [yes,no] (no) ", len(keys))
	return nil
}

// configReplace handles `replace pattern PATTERN with REPLACEMENT [upto N]`
// at the edit level.
func configReplace(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	if len(ts) < 2 {
		return errAt(ts, 1, lineLen, "syntax error, expecting 'pattern'.")
	}
	if _, err := pick(ts[1], []string{"pattern"}); err != nil {
		return err
	}
	if len(ts) < 3 {
		return errAt(ts, 2, lineLen, "syntax error, expecting <pattern>.")
	}
	if len(ts) < 4 || ts[3].s != "with" {
		return errAt(ts, 3, lineLen, "syntax error, expecting 'with'.")
	}
	if len(ts) < 5 {
		return errAt(ts, 4, lineLen, "syntax error, expecting <replacement>.")
	}
	upto := 0
	switch {
	case len(ts) == 5:
	case len(ts) == 7 && ts[5].s == "upto":
		n, err := strconv.Atoi(ts[6].s)
		if err != nil || n < 1 || n > math.MaxInt32 {
			return errAt(ts, 6, lineLen, "syntax error, expecting <number>.")
		}
		upto = n
	default:
		return errAt(ts, 5, lineLen, "syntax error, expecting 'upto'.")
	}
	_, err := s.cfg.ReplacePattern(s.edit, ts[2].s, ts[4].s, upto)
	return err
}

func completeReplace(_ *Session, ws []string) []Completion {
	switch len(ws) {
	case 0:
		return []Completion{{"pattern", "Pattern to replace"}}
	case 1:
		return []Completion{{"<pattern>", "Regular expression to replace (POSIX)"}}
	case 2:
		return []Completion{{"with", "Replacement"}}
	case 3:
		return []Completion{{"<replacement>", "Replacement string (\\1..\\9 and & refer to the match)"}}
	case 4:
		return []Completion{{"upto", "Number of objects to replace"}}
	case 5:
		return []Completion{{"<number>", "Number of objects to replace"}}
	}
	return nil
}
