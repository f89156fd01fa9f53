package term

import (
	"strings"

	prompt "github.com/c-bata/go-prompt"
)

// lineParser wraps go-prompt's terminal reader so that it behaves with
// pasted text and odd terminals: go-prompt treats each read as one key, so
// a paste of several lines ("show version\rshow system commit\r") would be
// inserted as text; here every read is cut after each CR or LF so Enter
// arrives as its own key. A terminal that reports no size (0 columns,
// which makes go-prompt divide by zero) is taken as 80×24.
type lineParser struct {
	prompt.ConsoleParser
	pending    []byte
	collecting *bool // load … terminal is reading: Ctrl-D ends the input
}

func newLineParser() *lineParser { return &lineParser{ConsoleParser: prompt.NewStandardInputParser()} }

func (p *lineParser) Read() ([]byte, error) {
	if len(p.pending) == 0 {
		b, err := p.ConsoleParser.Read()
		if err != nil || len(b) == 0 {
			return b, err
		}
		if p.collecting != nil && *p.collecting {
			// Ctrl-D would make go-prompt exit: send "^D" and Enter instead
			b = []byte(strings.ReplaceAll(string(b), "\x04", "^D\r"))
		}
		p.pending = append(p.pending[:0], b...)
	}
	n := len(p.pending)
	for i, c := range p.pending {
		if c == '\r' || c == '\n' {
			n = i
			if i == 0 {
				n = 1 // the Enter itself
			}
			break
		}
	}
	out := append([]byte(nil), p.pending[:n]...)
	p.pending = p.pending[n:]
	return out, nil
}

func (p *lineParser) GetWinSize() *prompt.WinSize {
	ws := p.ConsoleParser.GetWinSize()
	if ws == nil || ws.Col == 0 || ws.Row == 0 {
		return &prompt.WinSize{Row: 24, Col: 80}
	}
	return ws
}
