package cli

import (
	"context"
	"fmt"
)

// Batches: a front end that already holds several lines (a script piped
// in, a paste) sends them in one request, and the session runs them one
// after the other exactly as it would one by one, with one difference:
// the shared candidate's writes are grouped (configd's DeferWrites). The
// batch's edits are written to the store in one transaction when the
// batch ends, before any of its replies leaves, so each acknowledged edit
// is durable as before, and 10,000 pasted `set` lines cost one fsync
// instead of 10,000.
//
// A batch stops after a line whose reply the front end must act on before
// the next line means anything: a question (the next line answers it),
// `load … terminal` starting to collect input, or the end of the session.
// The front end sends the lines left again.

// MaxBatch bounds the lines of one batch request.
const MaxBatch = 1024

// ExecBatch runs lines as Exec does, in order, and returns the reply of
// each line it ran (prompt and banner after it included); it may run fewer
// lines than given (see above). A failure to write the candidate at the
// end fails the batch's last reply and undoes the batch's unwritten edits.
func (s *Session) ExecBatch(ctx context.Context, lines []string) []Response {
	if len(lines) > MaxBatch {
		lines = lines[:MaxBatch]
	}
	out := make([]Response, 0, len(lines))
	deferring := s.cfg
	if deferring != nil {
		if err := deferring.DeferWrites(); err != nil {
			return []Response{{Result: Result{Output: errorText(err), Failed: true, Caret: -1}, Prompt: s.Prompt(), Banner: s.Banner()}}
		}
	}
	var flushErr error
	for _, l := range lines {
		r := s.Exec(ctx, l)
		if s.cfg != deferring { // left (or re-entered) configuration mode
			if deferring != nil {
				flushErr = deferring.Flush() // closed sessions have flushed already: nil
			}
			if deferring = s.cfg; deferring != nil && flushErr == nil {
				flushErr = deferring.DeferWrites()
			}
		}
		out = append(out, Response{Result: r, Prompt: s.Prompt(), Banner: s.Banner()})
		if flushErr != nil || r.Question != "" || r.Collecting || r.Exit || ctx.Err() != nil {
			break
		}
	}
	if deferring != nil {
		if err := deferring.Flush(); err != nil && flushErr == nil {
			flushErr = err
		}
	}
	if flushErr != nil {
		last := &out[len(out)-1]
		last.Failed = true
		last.Output += errorText(fmt.Errorf("the candidate could not be saved, the edits of these lines are undone: %w", flushErr))
	}
	return out
}
