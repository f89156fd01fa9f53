package lineedit

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
)

func TestReadLine(t *testing.T) {
	cands := func(line string) []cli.Completion {
		all := []cli.Completion{{Text: "show", Help: "Show information"}, {Text: "set", Help: "Set a value"}, {Text: "configure", Help: "Enter configuration mode"}}
		word := line[strings.LastIndex(line, " ")+1:]
		var out []cli.Completion
		for _, c := range all {
			if strings.HasPrefix(c.Text, word) {
				out = append(out, c)
			}
		}
		return out
	}
	tests := []struct {
		name  string
		input string
		want  []string // lines read, then the final error's text
	}{
		{"plain", "show version\r", []string{"show version"}},
		{"crlf", "a\r\nb\n", []string{"a", "b"}},
		{"backspace", "shox\x7fw\r", []string{"show"}},
		{"left and insert", "sow\x1b[D\x1b[Dh\r", []string{"show"}},
		{"ctrl-a ctrl-k", "xyz\x01\x0bshow\r", []string{"show"}},
		{"ctrl-u", "junk\x15ok\r", []string{"ok"}},
		{"ctrl-w", "show junk\x17version\r", []string{"show version"}},
		{"history up", "show version\r\x1b[A\r", []string{"show version", "show version"}},
		{"history up down", "one\rtwo\r\x1b[A\x1b[A\x1b[B\r", []string{"one", "two", "two"}},
		{"tab unique", "co\tprivate\r", []string{"configure private"}},
		{"space completes a unique keyword", "sh version\r", []string{"show version"}},
		{"space after an ambiguous word is a space", "s x\r", []string{"s x"}},
		{"tab common prefix", "s\te\t\r", []string{"set "}},
		{"ctrl-c", "abc\x03next\r", []string{"interrupt", "next"}},
		{"ctrl-d", "\x04", []string{"EOF"}},
		{"ctrl-d deletes", "ab\x01\x04\r", []string{"b"}},
		{"eof mid-line", "partial", []string{"partial"}},
		{"ctrl-k ctrl-y", "version\x01\x0bshow \x19\r", []string{"show version"}},
		{"ctrl-w ctrl-y", "show version\x17\x19 brief\r", []string{"show version brief"}},
		{"esc-b esc-d", "show bogus version\x1bb\x1bb\x1bd\r", []string{"show  version"}},
		{"esc-f", "show ver\x01\x1bf system\r", []string{"show system ver"}},
		{"esc-backspace", "show bogus\x1b\x7fversion\r", []string{"show version"}},
		{"ctrl-r", "show version\rshow system commit\r\x12vers\r", []string{"show version", "show system commit", "show version"}},
		{"ctrl-r again", "show a\rshow b\r\x12show\x12\r", []string{"show a", "show b", "show a"}},
		{"ctrl-r then edit", "show version\r\x12ver\x05 brief\r", []string{"show version", "show version brief"}},
		{"ctrl-r ctrl-g", "show version\rshow\x12ver\x07 x\r", []string{"show version", "show x"}},
		{"esc-d ctrl-y", "a b\x01\x1bd\x05 \x19\r", []string{" b a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := New(strings.NewReader(tt.input), &out)
			e.Complete = cands
			var got []string
			for len(got) < len(tt.want) {
				line, err := e.ReadLine("> ")
				switch {
				case errors.Is(err, ErrInterrupt):
					got = append(got, "interrupt")
				case err == io.EOF:
					got = append(got, "EOF")
				case err != nil:
					t.Fatalf("ReadLine: %v", err)
				default:
					got = append(got, line)
				}
				if err == io.EOF {
					break
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHelpListsCandidates(t *testing.T) {
	var out bytes.Buffer
	e := New(strings.NewReader("s?\r"), &out)
	e.Complete = func(string) []cli.Completion {
		return []cli.Completion{{Text: "set", Help: "Set a value"}, {Text: "show", Help: "Show information"}}
	}
	if _, err := e.ReadLine("> "); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Possible completions:") || !strings.Contains(out.String(), "Show information") {
		t.Fatalf("got %q, want a completion list with help", out.String())
	}
}

// TestCompletionEchoesOnlyWhatItAdds: a scraper (netmiko, scrapli) reads
// the echo of what it typed; completing at the end of the line must not
// repaint the prompt and the line.
func TestCompletionEchoesOnlyWhatItAdds(t *testing.T) {
	var out bytes.Buffer
	e := New(strings.NewReader("sh ver\tx\r"), &out)
	e.Complete = func(line string) []cli.Completion {
		word := line[strings.LastIndex(line, " ")+1:]
		for _, c := range []string{"show", "version"} {
			if strings.HasPrefix(c, word) {
				return []cli.Completion{{Text: c}}
			}
		}
		return nil
	}
	line, err := e.ReadLine("> ")
	if err != nil {
		t.Fatal(err)
	}
	if line != "show version x" {
		t.Fatalf("line %q, want %q", line, "show version x")
	}
	if got, want := out.String(), "> show version x\r\n"; got != want {
		t.Fatalf("echo %q, want %q", got, want)
	}
}

func TestQuestionMarkInsideQuotesIsLiteral(t *testing.T) {
	var out bytes.Buffer
	e := New(strings.NewReader("set description \"why?\"\r"), &out)
	e.Complete = func(string) []cli.Completion { return []cli.Completion{{Text: "x", Help: "help"}} }
	line, err := e.ReadLine("> ")
	if err != nil {
		t.Fatal(err)
	}
	if line != `set description "why?"` || strings.Contains(out.String(), "Possible completions") {
		t.Fatalf("line %q, output %q", line, out.String())
	}
}

// line renders what a one-line terminal shows after out: CR goes to the
// first column, BS one left, other runes overwrite; ok is false if out
// holds an escape sequence.
func line(out string) (shown string, ok bool) {
	var cells []rune
	col := 0
	for _, r := range out {
		switch r {
		case 0x1b:
			return "", false
		case '\r':
			col = 0
		case '\n':
			cells, col = nil, 0
		case '\b':
			col = max(col-1, 0)
		default:
			if col < len(cells) {
				cells[col] = r
			} else {
				cells = append(cells, r)
			}
			col++
		}
	}
	return strings.TrimRight(string(cells), " "), true
}

// TestDumbTerminal: with ANSI off (TERM=dumb or unknown), editing inside
// the line repaints with CR, spaces and backspaces only, and the screen
// shows the line as edited.
func TestDumbTerminal(t *testing.T) {
	for _, tt := range []struct{ name, keys, want string }{
		{"insert in the middle", "sow\x1b[D\x1b[Dh", "> show"},
		{"delete shortens", "show version\x01\x1b[3~\x1b[3~", "> ow version"},
		{"ctrl-u", "show version\x15ok", "> ok"},
		{"ctrl-w", "show junk\x17version", "> show version"},
		{"ctrl-l redraws", "show\x0c", "> show"},
		{"history", "a long command\r\x1b[Ashort\x01\x0bok", "> ok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := New(strings.NewReader(tt.keys), &out)
			e.ANSI = false
			seg := ""
			for {
				mark := out.Len()
				if _, err := e.ReadLine("> "); err != nil {
					break
				}
				seg = out.String()[mark:] // the last line's drawing
			}
			got, ok := line(seg)
			if !ok {
				t.Fatalf("escape sequence written to a dumb terminal: %q", out.String())
			}
			if got != tt.want {
				t.Fatalf("screen shows %q, want %q (written %q)", got, tt.want, seg)
			}
		})
	}
}

func TestANSITerm(t *testing.T) {
	for term, want := range map[string]bool{"xterm": true, "xterm-256color": true, "vt100": true, "screen.xterm": true,
		"linux": true, "tmux-256color": true, "dumb": false, "": false, "network": false, "unknown": false} {
		if got := ANSITerm(term); got != want {
			t.Errorf("ANSITerm(%q) = %v, want %v", term, got, want)
		}
	}
}
