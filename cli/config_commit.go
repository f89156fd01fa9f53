package cli

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gnos/gnos/configd"
)

// commitWords are what may follow `commit`, in the order an ambiguous
// prefix lists them.
var commitWords = []Completion{
	{"check", "Check correctness of syntax; do not apply changes"},
	{"confirmed", "Automatically rollback if not confirmed"},
	{"comment", "Message to write to commit log"},
	{"and-quit", "Quit configuration mode if commit succeeds"},
	{"at", "Time at which to activate configuration changes"},
	{"synchronize", "Synchronize commit on both Routing Engines"},
}

func completeCommit(*Session, []string) []Completion { return commitWords }

// configCommit handles `commit [check] [confirmed [MINUTES]] [comment C]
// [and-quit] [at TIME] [synchronize]`.
func configCommit(ctx context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	o, andQuit, err := s.commitOptions(ts[1:], lineLen)
	if err != nil {
		return err
	}
	res, err := s.cfg.Commit(ctx, o)
	if err != nil {
		return err
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
	return nil
}

// commitOptions parses commit's arguments.
func (s *Session) commitOptions(args []token, lineLen int) (o configd.CommitOptions, andQuit bool, err error) {
	names := make([]string, len(commitWords))
	for i, c := range commitWords {
		names[i] = c.Text
	}
	for i := 0; i < len(args); i++ {
		w, err := pick(args[i], names)
		if err != nil {
			return o, false, err
		}
		switch w {
		case "check":
			o.Check = true
		case "and-quit":
			andQuit = true
		case "synchronize":
			return o, false, fmt.Errorf("commit synchronize: no other routing engine is present")
		case "confirmed":
			o.Confirmed = 10 * time.Minute
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1].s); err == nil {
					if n < 1 || n > 65535 {
						return o, false, &lineError{pos: args[i+1].pos, msg: "error: value " + args[i+1].s + " is not within range (1..65535)"}
					}
					o.Confirmed = time.Duration(n) * time.Minute
					i++
				}
			}
		case "comment":
			if i+1 >= len(args) {
				return o, false, &lineError{pos: lineLen, msg: "syntax error, expecting <comment>."}
			}
			o.Comment = args[i+1].s
			i++
		case "at":
			if i+1 >= len(args) {
				return o, false, &lineError{pos: lineLen, msg: "syntax error, expecting <time>."}
			}
			t, err := parseCommitTime(args[i+1].s, s.eng.Configd.Clock().Now())
			if err != nil {
				return o, false, &lineError{pos: args[i+1].pos, msg: "error: " + err.Error()}
			}
			o.At = t
			i++
		}
	}
	return o, andQuit, nil
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

// configRollback handles `rollback [N]`: the candidate becomes revision N.
func configRollback(_ context.Context, s *Session, ts []token, _ *Pipeline, out *bytes.Buffer, lineLen int) error {
	n := 0
	if len(ts) > 1 && ts[1].s == "rescue" {
		if err := s.cfg.RollbackRescue(); err != nil {
			return err
		}
		fmt.Fprintln(out, "load complete")
		return nil
	}
	if len(ts) > 1 {
		v, err := strconv.Atoi(ts[1].s)
		if err != nil || v < 0 || v > configd.MaxRollback {
			return errAt(ts, 1, lineLen, "syntax error, expecting <number> (0..49) or rescue.")
		}
		n = v
	}
	if err := s.cfg.Rollback(n); err != nil {
		return err
	}
	fmt.Fprintln(out, "load complete")
	return nil
}

func completeRollback(*Session, []string) []Completion {
	return []Completion{{"<number>", "Numeric argument (0..49)"}, {"rescue", "Roll back to the rescue configuration"}}
}
