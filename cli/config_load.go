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
// and `load … terminal`. The file's syntax is detected unless the action
// fixes it.
func configLoad(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	args := ts[1:]
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

// completeLoad offers the actions (patch is accepted but not offered),
// then a file name.
func completeLoad(_ *Session, ws []string) []Completion {
	if len(ws) == 0 {
		return []Completion{{"merge", "Merge contents with existing configuration"}, {"override", "Override existing configuration"},
			{"replace", "Replace configuration data"}, {"set", "Execute set of commands on existing configuration"},
			{"update", "Update existing configuration"}}
	}
	return []Completion{{"<filename>", "Filename (inside the data directory)"}}
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
