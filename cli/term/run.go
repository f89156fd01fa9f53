package term

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/cli"
)

// run executes a line go-prompt read (a command, or the answer to the
// question waiting) and prints what it produced. A question's text goes
// above the line and its last line becomes the prompt (editor.question):
// nothing else is drawn until it is answered, so the next line typed is
// the answer and is not taken for a command. A password is read here,
// without echo.
func (e *editor) run(line string) error {
	prompt := e.c.Prompt()
	if e.question != "" {
		e.question = ""
		e.hist, e.search = len(e.history), nil
	} else {
		e.remember(line)
	}
	r, err := execInterruptible(e.c, line)
	if err != nil {
		return err
	}
	e.p.setCollecting(r.Collecting)
	if r.Collecting {
		fmt.Print(r.Output)
		return nil
	}
	if r.Caret >= 0 {
		fmt.Print(cli.CaretLine(len(prompt), r.Caret))
	}
	page(e.p, r.Output, r.Result)
	for r.Question != "" && r.Secret {
		fmt.Print(r.Question)
		pw, err := e.readSecret()
		fmt.Println()
		if err != nil {
			pw = ""
		}
		if r, err = e.c.Exec(pw); err != nil {
			return err
		}
		fmt.Print(r.Output)
	}
	if q := r.Question; q != "" {
		if i := strings.LastIndexByte(q, '\n'); i >= 0 {
			fmt.Print(q[:i+1])
			q = q[i+1:]
		}
		e.question = q
		return nil
	}
	if r.Exit {
		e.exit = true
		return nil
	}
	if b := e.c.Banner(); b != "" {
		fmt.Printf("\n%s\n", b)
	} else {
		fmt.Println()
	}
	return nil
}
