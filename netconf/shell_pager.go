package netconf

import (
	"io"
	"strings"

	"github.com/gnos/gnos/cli/lineedit"
)

// page writes text to an SSH terminal a screen at a time when the session
// set cli screen-length N: after N-1 lines Junos' ---(more)--- prompt
// waits for a key — space shows the next screen, enter the next line, q
// (or Ctrl-C) drops the rest. hold (| hold) keeps the prompt after the
// last screen too. Text that fits is written at once.
func page(out io.Writer, ed *lineedit.Editor, text string, length int, hold bool) {
	rows := max(length-1, 1)
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= rows && !hold {
		io.WriteString(out, text)
		return
	}
	show := rows
	for {
		n := min(show, len(lines))
		io.WriteString(out, strings.Join(lines[:n], ""))
		lines = lines[n:]
		if len(lines) == 0 && !hold {
			return
		}
		io.WriteString(out, "---(more)---")
		k, err := ed.ReadKey()
		io.WriteString(out, "\r            \r")
		if err != nil || len(lines) == 0 {
			return
		}
		switch k {
		case 'q', 'Q', 3:
			return
		case '\r', '\n':
			show = 1
		default:
			show = rows
		}
	}
}
