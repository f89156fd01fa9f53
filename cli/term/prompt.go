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
	c.OnPartial = func(chunk string) { fmt.Print(chunk) } // ping's replies as they come
	parser := newLineParser()
	ed := &editor{c: c, p: parser}
	if b := c.Banner(); b != "" {
		fmt.Println(b)
	}
	executor := func(line string) {
		defer parser.execDone()
		if err := ed.run(line); err != nil {
			runErr, exit = err, true
		}
		exit = exit || ed.exit
	}
	// Junos completes on TAB and space and lists on ?; go-prompt's
	// drop-down menu is not used, nor its key bindings: the editor gives
	// every key its meaning (go-prompt only sees Enter, Ctrl-C, Ctrl-D
	// and the parser's keyMarker).
	completer := func(prompt.Document) []prompt.Suggest { return nil }
	p := prompt.New(executor, completer,
		prompt.OptionParser(parser),
		prompt.OptionLivePrefix(ed.prefix),
		prompt.OptionTitle("gnos"),
		prompt.OptionSwitchKeyBindMode(prompt.CommonKeyBind),
		prompt.OptionSetExitCheckerOnInput(func(string, bool) bool { return exit }),
		prompt.OptionAddKeyBind(
			prompt.KeyBind{Key: prompt.ControlC, Fn: func(b *prompt.Buffer) {
				ed.search = nil
				setText(b, "")
			}},
			prompt.KeyBind{Key: prompt.ControlD, Fn: func(b *prompt.Buffer) { b.Delete(1) }}),
		prompt.OptionAddASCIICodeBind(prompt.ASCIICodeBind{ASCIICode: keyMarker, Fn: ed.key}),
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
