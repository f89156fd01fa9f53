package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
)

// configLoad handles `load merge|override|replace|set|update|patch FILE`
// and `load … terminal`, each with an optional `json`. The file's syntax
// is detected unless the action or `json` fixes it.
func configLoad(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	args := ts[1:]
	if len(args) < 2 {
		return &lineError{pos: lineLen, msg: "syntax error, expecting <filename>."}
	}
	action, err := pick(args[0], []string{"merge", "override", "replace", "set", "update", "patch"})
	if err != nil {
		return err
	}
	// `json` after the file says its syntax, as on Junos (else detected)
	var forced configd.Format
	for _, a := range args[2:] {
		if _, err := pick(a, []string{"json"}); err != nil {
			return err
		}
		forced = configd.FormatJSON
	}
	if args[1].s == "terminal" && !args[1].quoted {
		fmt.Fprint(out, s.startCollect(action, forced))
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
	switch {
	case forced != "":
		f = forced
	case action == "set":
		f = configd.FormatSet
	case action == "patch":
		f = configd.FormatText
	}
	errs, err := s.cfg.LoadAll(configd.LoadAction(action), f, string(b), args[1].s)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return newLoadReport(errs)
	}
	fmt.Fprintln(out, "load complete")
	return nil
}

// loadReport is a load that went on past errors: each refused statement
// as Junos reports it, then `load complete (N errors)`. The command
// failed (scripts see it), although the rest loaded.
type loadReport struct{ text string }

func (r *loadReport) Error() string { return r.text }

func newLoadReport(errs format.ParseErrors) *loadReport {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "%s:%d:(%d) %s\n", e.Source, e.Line, e.Col, e.Msg)
		if e.Edit != "" {
			fmt.Fprintf(&b, "  %s\n", e.Edit)
		}
		if e.Statement != "" {
			fmt.Fprintf(&b, "    '%s'\n", e.Statement)
			kind, _, _ := strings.Cut(e.Msg, ":")
			if !strings.HasPrefix(kind, "syntax error") {
				kind = e.Msg
			}
			fmt.Fprintf(&b, "      %s\n", kind)
		}
	}
	fmt.Fprintf(&b, "load complete (%d errors)\n", len(errs))
	return &loadReport{b.String()}
}

// completeLoad offers the actions (patch is accepted but not offered),
// then a file name.
func completeLoad(_ *Session, ws []string) []Completion {
	if len(ws) == 0 {
		return []Completion{{"merge", "Merge contents with existing configuration"}, {"override", "Override existing configuration"},
			{"replace", "Replace configuration data"}, {"set", "Execute set of commands on existing configuration"},
			{"update", "Update existing configuration"}}
	}
	if len(ws) == 1 {
		return []Completion{{"<filename>", "Filename (inside the data directory)"}, {"terminal", "Use login terminal"}}
	}
	return []Completion{{"json", "The input is Junos JSON"}}
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
		case "set", "delete", "activate", "deactivate", "edit", "insert", "rename", "annotate", "protect", "unprotect":
			return configd.FormatSet
		}
	}
	return configd.FormatText
}

// configSave handles `save FILE`: the candidate at the edit level, as
// curly-brace text, into the session's file area (files.go).
func configSave(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	if len(ts) < 2 {
		return errAt(ts, 1, lineLen, "missing argument.")
	}
	name := ts[1].s
	path, err := s.filePath(name, true)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := format.WriteText(&b, s.candidateAt()); err != nil {
		return err
	}
	if err := writeFile(path, b.Bytes()); err != nil {
		return fmt.Errorf("could not write %s: %w", name, err)
	}
	fmt.Fprintf(out, "Wrote %d lines of configuration to '%s'\n", strings.Count(b.String(), "\n"), name)
	return nil
}
