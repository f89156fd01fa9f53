package cli

// help in operational mode: bare, it lists the top-level commands with
// their help (what `?` shows); `help apropos WORD` lists every command
// whose words or help mention WORD, as Junos' help apropos does. It reads
// the same command table as dispatch, `?` and docs/cli.md.

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

func (s *Session) opHelp(ts []token, out *bytes.Buffer, lineLen int) error {
	if len(ts) == 1 {
		cs := filter(s.opCompletions(nil), "")
		fmt.Fprintln(out, "Possible completions:")
		for _, c := range cs {
			fmt.Fprintf(out, "  %-20s %s\n", c.Text, c.Help)
		}
		return nil
	}
	sub, err := pick(ts[1], []string{"apropos", "reference", "topic"})
	if err != nil {
		return err
	}
	switch sub {
	case "reference":
		return s.helpReference(ts[2:], out, lineLen)
	case "topic":
		return s.helpTopic(ts[2:], out, lineLen)
	}
	if len(ts) < 3 {
		return &lineError{pos: lineLen, msg: "syntax error, expecting <string>."}
	}
	word := strings.ToLower(strings.Join(words(ts[2:]), " "))
	var lines []string
	for _, c := range s.eng.Ops.Commands() {
		name := strings.Join(c.Words, " ")
		if strings.Contains(name, word) || strings.Contains(strings.ToLower(c.Help), word) {
			lines = append(lines, fmt.Sprintf("%s\n    %s", name, c.Help))
		}
		for _, a := range c.Args {
			if !a.Positional && (strings.Contains(a.Name, word) || strings.Contains(strings.ToLower(a.Help), word)) {
				lines = append(lines, fmt.Sprintf("%s %s\n    %s", name, a.Name, a.Help))
			}
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("no matches for '%s'", word)
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return nil
}
