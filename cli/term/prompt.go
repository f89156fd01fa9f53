// Package term holds the CLI's terminal front ends. Interactive runs the
// go-prompt line editor on the local terminal: completion comes from the
// session's Complete (the same engine every front end uses), and the
// terminal is restored however the session ends.
package term

import (
	"fmt"
	"os"
	"os/signal"
	"strings"

	prompt "github.com/c-bata/go-prompt"

	"github.com/gnos/gnos/cli"
)

// Interactive runs the local terminal front end until the user exits.
func Interactive(c *cli.Client) (runErr error) {
	exit := false
	collecting := false
	c.OnPartial = func(chunk string) { fmt.Print(chunk) } // ping's replies as they come
	parser := newLineParser()
	parser.collecting = &collecting
	if b := c.Banner(); b != "" {
		fmt.Println(b)
	}
	executor := func(line string) {
		r, err := execInterruptible(c, line)
		if err != nil {
			runErr, exit = err, true
			return
		}
		collecting = r.Collecting
		if collecting {
			fmt.Print(r.Output)
			return
		}
		if r.Caret >= 0 {
			fmt.Print(cli.CaretLine(len(c.Prompt()), r.Caret))
		}
		page(r.Output, r.Result)
		for r.Question != "" && r.Secret {
			// a password: read it here without echo, not through go-prompt
			fmt.Print(r.Question)
			pw, err := readSecret()
			fmt.Println()
			if err != nil {
				pw = ""
			}
			if r, err = c.Exec(pw); err != nil {
				runErr, exit = err, true
				return
			}
			fmt.Print(r.Output)
		}
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
	// Junos completes on TAB and space and lists on ?; go-prompt's
	// drop-down menu is not used.
	completer := func(prompt.Document) []prompt.Suggest { return nil }
	p := prompt.New(executor, completer,
		prompt.OptionParser(parser),
		prompt.OptionLivePrefix(func() (string, bool) { return c.Prompt(), true }),
		prompt.OptionTitle("gnos"),
		prompt.OptionSetExitCheckerOnInput(func(string, bool) bool { return exit }),
		prompt.OptionAddKeyBind(prompt.KeyBind{Key: prompt.ControlC, Fn: func(b *prompt.Buffer) {
			b.DeleteBeforeCursor(len(b.Text()))
			b.Delete(len(b.Text()))
		}}),
		prompt.OptionAddKeyBind(prompt.KeyBind{Key: prompt.Tab, Fn: func(b *prompt.Buffer) { complete(c, b, true) }}),
		prompt.OptionAddASCIICodeBind(
			prompt.ASCIICodeBind{ASCIICode: []byte{'?'}, Fn: func(b *prompt.Buffer) {
				help(c, b.Document().TextBeforeCursor())
			}},
			prompt.ASCIICodeBind{ASCIICode: []byte{' '}, Fn: func(b *prompt.Buffer) {
				if !complete(c, b, false) {
					b.InsertText(" ", false, true)
				}
			}}),
	)
	defer restoreTerminal()
	defer func() {
		if r := recover(); r != nil {
			runErr = fmt.Errorf("terminal front end: %v", r)
		}
	}()
	p.Run()
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

// complete applies TAB or space completion (cli.WordCompletion) to the
// word before the cursor, listing the candidates when it says so. It
// reports whether it inserted anything.
func complete(c *cli.Client, b *prompt.Buffer, tab bool) bool {
	line := b.Document().TextBeforeCursor()
	if !tab && (strings.HasSuffix(line, " ") || line == "") {
		return false
	}
	cs, err := c.Complete(line)
	if err != nil {
		return false
	}
	insert, list := cli.WordCompletion(line, cs, tab)
	if insert != "" {
		b.InsertText(insert, false, true)
		return true
	}
	if list {
		help(c, line)
	}
	return false
}

// execInterruptible runs line; Ctrl-C meanwhile (SIGINT: go-prompt gives
// the terminal back in cooked mode while a command runs) stops it, as
// Ctrl-C stops ping on Junos.
func execInterruptible(c *cli.Client, line string) (*cli.Response, error) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-sig:
				fmt.Println("^C")
				c.Interrupt()
			case <-stop:
				return
			}
		}
	}()
	return c.Exec(line)
}
