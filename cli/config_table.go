package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// configVerb is one configuration-mode command, as Command is one
// operational command. configVerbs is the only list of them: dispatch,
// `?` and completion, `help` and docs/cli.md all read it.
type configVerb struct {
	name string
	help string // shown by `?`, completion, `help` and docs/cli.md
	run  verbFunc
	// complete lists what may follow the verb, given the complete words
	// ws after it; nil: nothing is offered.
	complete func(s *Session, ws []string) []Completion
}

// verbFunc runs a configuration-mode line: ts[0] is the verb as typed,
// ts[1:] its arguments. An error about the line itself is a *lineError at
// a position in it (lineLen is its length, for "at the end"); output goes
// to out, which the pipeline p then filters.
type verbFunc func(ctx context.Context, s *Session, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error

// configVerbs are configuration mode's verbs in help order. init fills the
// table because `top` runs a verb of this very table (an initialization
// cycle for a var declaration).
var configVerbs []configVerb

func init() {
	configVerbs = []configVerb{
		{"activate", "Remove the inactive tag from a statement", configSetActive(true), completeStatement},
		{"annotate", "Annotate the statement with a comment", configAnnotate, completeStatement},
		{"commit", "Commit current set of changes", configCommit, completeCommit},
		{"copy", "Copy a statement", configCopy, completeStatement},
		{"deactivate", "Add the inactive tag to a statement", configSetActive(false), completeStatement},
		{"delete", "Delete a data element", configDelete, completeStatement},
		{"edit", "Edit a sub-element", configEdit, completeStatement},
		{"exit", "Exit from this level", configExit, nil},
		{"help", "Provide help information", configHelp, nil},
		{"insert", "Insert a new ordered data element", configInsert, completeStatement},
		{"load", "Load configuration from ASCII file", configLoad, completeLoad},
		{"protect", "Protect the statement", configSetProtected(true), completeStatement},
		{"quit", "Quit from this level", configExit, nil},
		{"rename", "Rename a statement", configRename, completeStatement},
		{"replace", "Replace character string in configuration", configReplace, completeReplace},
		{"rollback", "Roll back to previous committed configuration", configRollback, completeRollback},
		{"run", "Run an operational-mode command", configRun, completeRun},
		{"save", "Save configuration to ASCII file", configSave, nil},
		{"set", "Set a parameter", configSet, completeStatement},
		{"show", "Show a parameter", configShow, completeShow},
		{"status", "Show users currently editing configuration", configStatus, nil},
		{"top", "Exit to top level of configuration", configTop, nil},
		{"unprotect", "Unprotect the statement", configSetProtected(false), completeStatement},
		{"up", "Exit one level of configuration", configUp, nil},
		{"update", "Update private database", configUpdate, nil},
		{"wildcard", "Wildcard operations", configWildcard, nil},
	}
}

// configCommand runs a configuration-mode line. Configuration mode never
// ends the CLI: exit and quit return to operational mode.
func (s *Session) configCommand(ctx context.Context, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	v, err := lookupConfigVerb(ts[0])
	if err != nil {
		return err
	}
	return v.run(ctx, s, ts, p, out, lineLen)
}

// lookupConfigVerb resolves a verb typed as a unique prefix. A word that
// starts no verb is an "unknown command."; one that starts several is
// ambiguous, listing them.
func lookupConfigVerb(t token) (*configVerb, error) {
	names := make([]string, len(configVerbs))
	for i, v := range configVerbs {
		names[i] = v.name
	}
	name, err := pick(t, names)
	if err != nil {
		if le, ok := err.(*lineError); ok && !strings.Contains(le.msg, "ambiguous") {
			le.msg = "unknown command."
		}
		return nil, err
	}
	for i := range configVerbs {
		if configVerbs[i].name == name {
			return &configVerbs[i], nil
		}
	}
	return nil, &lineError{pos: t.pos, msg: "unknown command."}
}

// configCompletions lists what may follow the complete words ws of a
// configuration-mode line: the verbs, or what the verb offers.
func (s *Session) configCompletions(ws []string) []Completion {
	if len(ws) == 0 {
		out := make([]Completion, len(configVerbs))
		for i, v := range configVerbs {
			out[i] = Completion{v.name, v.help}
		}
		return out
	}
	v, err := lookupConfigVerb(token{s: ws[0]})
	if err != nil || v.complete == nil {
		return nil
	}
	return v.complete(s, ws[1:])
}

func configHelp(_ context.Context, _ *Session, _ []token, _ *Pipeline, out *bytes.Buffer, _ int) error {
	for _, v := range configVerbs {
		fmt.Fprintf(out, "  %-20s %s\n", v.name, v.help)
	}
	return nil
}

func configRun(ctx context.Context, s *Session, ts []token, p *Pipeline, out *bytes.Buffer, lineLen int) error {
	if len(ts) < 2 {
		return errAt(ts, 1, lineLen, "missing argument.")
	}
	if len(ts[1].s) >= 2 && strings.HasPrefix("help", ts[1].s) {
		return s.opHelp(ts[1:], out, lineLen)
	}
	return s.runOp(ctx, ts[1:], p, out, lineLen)
}

func completeRun(s *Session, ws []string) []Completion { return s.opCompletions(ws) }

func configUpdate(context.Context, *Session, []token, *Pipeline, *bytes.Buffer, int) error {
	return fmt.Errorf("update is only valid in configure private")
}
