package netconf

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/cli/lineedit"
)

// crlf translates "\n" to "\r\n" for a terminal.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, strings.ReplaceAll(string(p), "\n", "\r\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// serveShell runs the gnos CLI for user over ch: one command when cmd is
// set (ssh host "show version"), else an interactive session through the
// line editor (with a pty: the client sent pty-req) or a plain line reader
// (without). Commands the
// user's class does not allow get "permission denied". It returns the exit
// status.
//
// Only a session with a pty gets a terminal's treatment (CR LF line ends,
// echo, editing, completion), and only the escape sequences its TERM
// understands; without one (exec, or `ssh -T`) output is plain and input
// is read line by line, as typed, with no echo.
func (s *Server) serveShell(ctx context.Context, ch io.ReadWriter, user, from string, kill func(), lvl Level, pty *atomic.Pointer[ptyRequest], cmd string) int {
	release, err := s.cfg.CLI.Acquire(user)
	if err != nil {
		fmt.Fprintf(ch, "error: %v\r\n", err)
		return 1
	}
	defer release()
	sess := s.cfg.CLI.NewSession(user, "cli")
	defer sess.Close()
	sess.Login().SetOrigin(from, kill) // request system logout closes the channel
	if lvl < LevelConfigure {
		sess.HideSecrets()
		sess.RestrictFiles() // only the super-user class writes outside its home
	}
	req := pty.Load() // nil: no pty
	var out io.Writer = ch
	if req != nil {
		out = crlf{ch}
	}
	// ask answers a question (yes/no, a password); nil takes the default.
	var ask func(q string, secret bool) string
	var in *keys            // interactive sessions: Ctrl-C stops a running command
	var ed *lineedit.Editor // the interactive line editor, nil for a command
	run := func(line string, indent int) (cli.Result, bool) {
		if !sess.InConfig() && CommandLevel(line) > lvl {
			fmt.Fprintln(out, "error: permission denied")
			return cli.Result{Failed: true, Caret: -1}, false
		}
		var r cli.Result
		if in != nil {
			r = in.exec(ctx, sess, line, out)
		} else {
			r = sess.Exec(ctx, line)
		}
		for r.Question != "" {
			answer := ""
			if ask != nil {
				answer = ask(r.Question, r.Secret)
			} else {
				io.WriteString(out, r.Question)
			}
			r = sess.Exec(ctx, answer)
		}
		if r.Caret >= 0 && indent >= 0 {
			io.WriteString(out, cli.CaretLine(indent, r.Caret))
		}
		if ed != nil && r.ScreenLength > 0 && !r.NoMore {
			page(out, ed, r.Output, r.ScreenLength, r.Hold) // set cli screen-length N
		} else {
			io.WriteString(out, r.Output)
		}
		return r, true
	}
	if cmd != "" {
		failed := false
		for _, line := range strings.Split(cmd, ";") {
			if r, _ := run(strings.TrimSpace(line), -1); r.Failed {
				failed = true
			}
		}
		if failed {
			return 1
		}
		return 0
	}
	in = newKeys(ch)
	sess.Stream(func(chunk string) { io.WriteString(out, chunk) }) // ping's replies as they come
	sess.Notify(func(text string) { io.WriteString(out, text) })   // syslog user messages, monitor start
	var read func(prompt string) (string, error)                   // a line after prompt
	var readHidden func() (string, error)
	if req != nil {
		ed = lineedit.New(in, ch) // the editor writes CR LF itself
		ed.ANSI = lineedit.ANSITerm(req.term)
		ed.Complete = sess.Complete
		read, readHidden = ed.ReadLine, ed.ReadHidden
		fmt.Fprintf(out, "--- gnos %s\n", s.cfg.CLI.Version)
		io.WriteString(out, LoginAnnouncement(s.cfg.Configd.Active()))
	} else {
		br := bufio.NewReader(in)
		read = func(prompt string) (string, error) {
			io.WriteString(ch, prompt)
			line, err := br.ReadString('\n')
			if err != nil && line == "" {
				return "", err
			}
			return strings.TrimRight(line, "\r\n"), nil
		}
		readHidden = func() (string, error) { return read("") }
	}
	ask = func(q string, secret bool) string {
		// the question is the prompt: its last line, after any text above it
		if i := strings.LastIndexByte(q, '\n'); i >= 0 {
			io.WriteString(out, q[:i+1])
			q = q[i+1:]
		}
		if secret { // a password: no echo, no history
			io.WriteString(out, q)
			a, err := readHidden()
			io.WriteString(out, "\n")
			if err != nil {
				return ""
			}
			return a
		}
		a, err := read(q)
		if err != nil {
			return ""
		}
		return a
	}
	collecting := false // load … terminal is reading input
	ran := false        // a command ran: Junos leaves a blank line before the next prompt
	for {
		if b := sess.Banner(); b != "" && !collecting {
			fmt.Fprintf(out, "\n%s\n", b)
		} else if ran && !collecting {
			io.WriteString(out, "\n")
		}
		ran = false
		prompt := sess.Prompt()
		line, err := read(prompt)
		if errors.Is(err, lineedit.ErrInterrupt) {
			continue
		}
		if err != nil && !collecting {
			return 0
		}
		if err != nil { // Ctrl-D (or the end) ends load … terminal input
			line = cli.EndOfInput
		}
		indent := len(prompt)
		if req == nil {
			indent = -1 // nothing was echoed: a caret would point at nothing
		}
		r, _ := run(line, indent)
		collecting, ran = r.Collecting, true
		if r.Exit {
			return 0
		}
	}
}
