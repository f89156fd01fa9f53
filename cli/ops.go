package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
)

func configureMode(args []token) (configd.Mode, error) {
	if len(args) == 0 {
		return configd.Shared, nil
	}
	w, err := pick(args[0], []string{"private", "exclusive"})
	if err != nil {
		return 0, err
	}
	if w == "private" {
		return configd.Private, nil
	}
	return configd.Exclusive, nil
}

// BaseCommands returns the operational commands of the management plane.
// Services add theirs to the same table.
func BaseCommands(t *Table) {
	t.Describe("show", "Show system information")
	t.Describe("show system", "Show system information")
	t.Describe("clear", "Clear information in the system")
	t.Describe("clear system", "Clear system information")

	t.Add(
		&Command{Words: []string{"show", "configuration"}, RPC: "get-configuration",
			Help: "Show current configuration",
			Args: []Arg{{Name: "statement", Positional: true, Rest: true, Help: "Configuration path"}},
			Run:  showConfiguration},
		&Command{Words: []string{"show", "system", "commit"}, RPC: "get-commit-information",
			Help: "Show pending commit and commit history", Run: showCommit, Text: textCommit},
		&Command{Words: []string{"show", "system", "rollback"}, RPC: "get-rollback-information",
			Help: "Show rolled back configuration",
			Args: []Arg{{Name: "number", Positional: true, Help: "Rollback number (0..49)"},
				{Name: "compare", Value: true, Help: "Compare with another rollback"}},
			Run: showRollback},
		&Command{Words: []string{"clear", "system", "commit"}, RPC: "clear-system-commit",
			Help: "Clear pending commit operation", Run: clearCommit},
	)
}

// Version is the gnos release. JunosVersion is the Junos release whose
// XML API gnos answers like: automation (PyEZ) reads junos-version to pick
// features, e.g. native JSON from 14.2 on.
var (
	Version      = "0.1"
	JunosVersion = "24.2R1"
)

func showConfiguration(_ context.Context, s *Session, a Args, p *Pipeline, w io.Writer) (*Elem, error) {
	root := s.visible(s.eng.Configd.Committed())
	var path tree.Path
	if st := a["statement"]; st != "" {
		ts, err := lex(st)
		if err != nil {
			return nil, err
		}
		ps, err := tree.ParseTokens(root.S, words(ts), tree.ForRef)
		if err != nil {
			return nil, fmt.Errorf("%v", strings.TrimSuffix(err.Error(), "."))
		}
		path = ps[0]
	}
	var b bytes.Buffer
	if p.compare {
		n := p.rollback
		if n < 0 {
			n = 1
		}
		old, _, err := s.eng.Configd.Revision(n)
		if err != nil {
			return nil, err
		}
		old = s.visible(old)
		if err := format.WriteCompare(&b, only(old, path), only(root, path)); err != nil {
			return nil, err
		}
	} else {
		v := configView{display: p.display, relative: p.relative, inherit: p.inherit, header: s.commitHeader()}
		if err := renderConfig(&b, root, path, v); err != nil {
			return nil, err
		}
	}
	p.display = "" // rendered already
	_, err := w.Write(b.Bytes())
	return nil, err
}

// commitHeader is the header of the committed configuration.
func (s *Session) commitHeader() *format.Header {
	h := &format.Header{Committed: true, Version: JunosVersion}
	if hist, err := s.eng.Configd.History(); err == nil && len(hist) > 0 {
		h.Time, h.User = hist[0].Time, hist[0].User
	}
	return h
}

func showCommit(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	h, err := s.eng.Configd.History()
	if err != nil {
		return nil, err
	}
	e := E("commit-information")
	if at, user, ok := s.eng.Configd.PendingCommitAt(); ok {
		e.Add(E("commit-history", T("sequence-number", "pending"), T("user", user), T("client", "cli"),
			T("date-time", at.UTC().Format("2006-01-02 15:04:05 MST"))))
	}
	for i, m := range h {
		c := E("commit-history",
			T("sequence-number", strconv.Itoa(i)),
			T("user", m.User),
			T("client", string(m.Client)),
			T("date-time", m.Time.UTC().Format("2006-01-02 15:04:05 MST")))
		if m.Comment != "" {
			c.Add(T("log", m.Comment))
		}
		if i == 0 && !m.ConfirmDeadline.IsZero() {
			if d, ok := s.eng.Configd.PendingConfirm(); ok {
				mins := int(d.Sub(s.eng.Configd.Clock().Now()).Round(time.Minute) / time.Minute)
				c.Add(T("comment", fmt.Sprintf("commit confirmed, rollback in %dmins", mins)))
			}
		}
		e.Add(c)
	}
	return e, nil
}

func textCommit(w io.Writer, e *Elem) {
	for _, c := range e.All("commit-history") {
		extra := ""
		if v := c.Val("comment"); v != "" {
			extra = " " + v
		}
		seq := c.Val("sequence-number")
		if seq == "pending" {
			fmt.Fprintf(w, "commit requested by %s via %s at %s\n", c.Val("user"), c.Val("client"), c.Val("date-time"))
			continue
		}
		fmt.Fprintf(w, "%-4s%s by %s via %s%s\n", seq, c.Val("date-time"), c.Val("user"), c.Val("client"), extra)
		if l := c.Val("log"); l != "" {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

// rollbackTree is what the session may see of rollback number arg.
func (s *Session) rollbackTree(arg string) (*tree.Node, error) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > configd.MaxRollback {
		return nil, fmt.Errorf("rollback number must be 0..49")
	}
	t, _, err := s.eng.Configd.Revision(n)
	if err != nil {
		return nil, err
	}
	return s.visible(t), nil
}

func showRollback(_ context.Context, s *Session, a Args, p *Pipeline, w io.Writer) (*Elem, error) {
	t, err := s.rollbackTree(a["number"])
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if cmp, ok := a["compare"]; ok {
		other, err := s.rollbackTree(cmp)
		if err != nil {
			return nil, err
		}
		// changes from rollback N (the base) to rollback M
		if err := format.WriteCompare(&b, t, other); err != nil {
			return nil, err
		}
	} else if err := renderConfig(&b, t, nil, configView{display: p.display}); err != nil {
		return nil, err
	}
	p.display = ""
	_, err = w.Write(b.Bytes())
	return nil, err
}

func clearCommit(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if err := s.eng.Configd.ClearCommitAt(); err != nil {
		return nil, err
	}
	return &Elem{Name: "clear-commit-information", Text: "Pending commit cleared"}, nil
}

// plainFileErr drops the absolute path from a file error: users name
// files relative to the file area.
func plainFileErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
