// Package term holds the CLI's terminal front ends. Interactive runs the
// go-prompt line editor on the local terminal: completion comes from the
// session's Complete (the same engine every front end uses), and the
// terminal is restored however the session ends.
package term

import (
	"fmt"
	"os"
	"strings"

	prompt "github.com/c-bata/go-prompt"

	"github.com/gnos/gnos/cli"
)

// Interactive runs the local terminal front end until the user exits.
func Interactive(c *cli.Client) error {
	exit := false
	var runErr error
	if b := c.Banner(); b != "" {
		fmt.Println(b)
	}
	executor := func(line string) {
		r, err := c.Exec(line)
		if err != nil {
			runErr, exit = err, true
			return
		}
		if r.Caret >= 0 {
			fmt.Print(strings.Repeat(" ", len(c.Prompt())+r.Caret) + "^\n")
		}
		fmt.Print(r.Output)
		if r.Question != "" {
			fmt.Print(r.Question)
		}
		if r.Exit {
			exit = true
			return
		}
		if r.Question == "" {
			if b := c.Banner(); b != "" {
				fmt.Printf("\n%s\n", b)
			} else {
				fmt.Println()
			}
		}
	}
	completer := func(d prompt.Document) []prompt.Suggest {
		cs, err := c.Complete(d.TextBeforeCursor())
		if err != nil {
			return nil
		}
		out := make([]prompt.Suggest, 0, len(cs))
		for _, x := range cs {
			out = append(out, prompt.Suggest{Text: x.Text, Description: x.Help})
		}
		return out
	}
	p := prompt.New(executor, completer,
		prompt.OptionLivePrefix(func() (string, bool) { return c.Prompt(), true }),
		prompt.OptionTitle("gnos"),
		prompt.OptionSetExitCheckerOnInput(func(string, bool) bool { return exit }),
		prompt.OptionAddKeyBind(prompt.KeyBind{Key: prompt.ControlC, Fn: func(b *prompt.Buffer) {
			b.DeleteBeforeCursor(len(b.Text()))
			b.Delete(len(b.Text()))
		}}),
		prompt.OptionCompletionOnDown(),
		prompt.OptionAddASCIICodeBind(prompt.ASCIICodeBind{ASCIICode: []byte{'?'}, Fn: func(b *prompt.Buffer) {
			help(c, b.Document().TextBeforeCursor())
		}}),
	)
	p.Run()
	restoreTerminal()
	return runErr
}

// restoreTerminal puts the tty back in cooked mode with echo; go-prompt
// v0.2.6 can leave it raw when its input ends abruptly.
func restoreTerminal() {
	if f, err := os.Open("/dev/tty"); err == nil {
		defer f.Close()
		restore(int(f.Fd()))
	}
}

// help prints Junos' `?` listing for the line so far; go-prompt redraws
// the prompt and the line below it.
func help(c *cli.Client, line string) {
	cs, err := c.Complete(line)
	if err != nil {
		return
	}
	fmt.Print("\r\n")
	fmt.Print(strings.ReplaceAll(cli.FormatHelp(cs), "\n", "\r\n"))
}
