package cli

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd"
)

// collector gathers the text of `load ACTION terminal` until Ctrl-D.
type collector struct {
	action configd.LoadAction
	format configd.Format // "json" given; else detected
	lines  []string
	size   int
}

// maxTerminalLoad bounds what one `load … terminal` may collect.
const maxTerminalLoad = 64 << 20

func (s *Session) startCollect(action string, f configd.Format) string {
	s.collect = &collector{action: configd.LoadAction(action), format: f}
	return "[Type ^D at a new line to end input]\n"
}

// collectLine takes one line of `load … terminal` input; at EndOfInput
// (or a line "^D") it loads what was collected.
func (s *Session) collectLine(line string) Result {
	c := s.collect
	if line != EndOfInput && strings.TrimSpace(line) != "^D" {
		c.size += len(line) + 1
		if c.size > maxTerminalLoad {
			s.collect = nil
			return Result{Output: fmt.Sprintf("error: load terminal: more than %d bytes\n", maxTerminalLoad), Failed: true, Caret: -1}
		}
		c.lines = append(c.lines, line)
		return Result{Caret: -1, Collecting: true}
	}
	s.collect = nil
	text := strings.Join(c.lines, "\n") + "\n"
	f := detectFormat(text)
	switch {
	case c.format != "":
		f = c.format
	case c.action == configd.LoadSet:
		f = configd.FormatSet
	}
	if s.cfg == nil {
		return Result{Output: "error: not in configuration mode\n", Failed: true, Caret: -1}
	}
	errs, err := s.cfg.LoadAll(c.action, f, text, "terminal")
	if err == nil && len(errs) > 0 {
		err = newLoadReport(errs)
	}
	if err != nil {
		return Result{Output: errorText(err), Failed: true, Caret: -1}
	}
	return Result{Output: "load complete\n", Caret: -1}
}
