package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/ipc"
)

// Client is a front end's connection to a CLI session in the daemon.
type Client struct {
	// OnPartial, when set, gets the output of a streaming command (ping)
	// as it comes; unset, Exec returns it with the rest of the output.
	OnPartial func(chunk string)

	sendMu sync.Mutex // Interrupt may send while Exec waits
	st     ipc.Stream[Request, Response]
	last   *Response
	cc     *grpc.ClientConn // owned (DialSocket): closed with the client
}

// DialSocket connects to the management socket at path and opens a CLI
// session; Close closes both.
func DialSocket(ctx context.Context, path, client string) (*Client, error) {
	cc, err := ipc.DialUnix(path)
	if err != nil {
		return nil, err
	}
	c, err := Dial(ctx, cc, client)
	if err != nil {
		cc.Close()
		return nil, err
	}
	c.cc = cc
	return c, nil
}

// Dial opens a CLI session over cc.
func Dial(ctx context.Context, cc *grpc.ClientConn, client string) (*Client, error) {
	st, err := ipc.OpenStream[Request, Response](ctx, cc, SessionMethod)
	if err != nil {
		return nil, fmt.Errorf("cli: %w", err)
	}
	if err := st.Send(&Request{Open: &OpenRequest{Client: client, Stream: true}}); err != nil {
		return nil, fmt.Errorf("cli: %w", err)
	}
	r, err := st.Recv()
	if err != nil {
		return nil, fmt.Errorf("cli: %w", err)
	}
	return &Client{st: st, last: r}, nil
}

// Prompt is the current prompt.
func (c *Client) Prompt() string { return c.last.Prompt }

// Banner is the current banner ([edit …] in configuration mode).
func (c *Client) Banner() string { return c.last.Banner }

// Exec runs one line.
func (c *Client) Exec(line string) (*Response, error) {
	if err := c.send(&Request{Line: &line}); err != nil && err != io.EOF {
		return nil, err
	} // io.EOF: the server ended the session; Recv has its last word
	var partial strings.Builder
	for {
		r, err := c.st.Recv()
		if err != nil {
			return nil, err
		}
		if r.Partial {
			if c.OnPartial != nil {
				c.OnPartial(r.Output)
			} else {
				partial.WriteString(r.Output)
			}
			continue
		}
		r.Output = partial.String() + r.Output
		c.last = r
		return r, nil
	}
}

// RunLines runs lines one after the other and returns their output
// together, and whether any of them failed; err is a broken connection.
func (c *Client) RunLines(lines ...string) (out string, failed bool, err error) {
	var b strings.Builder
	for _, l := range lines {
		r, err := c.Exec(l)
		if err != nil {
			return b.String(), true, err
		}
		b.WriteString(r.Output)
		failed = failed || r.Failed
	}
	return b.String(), failed, nil
}

func (c *Client) send(r *Request) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return c.st.Send(r)
}

// Interrupt stops the line an Exec in another goroutine is running
// (Ctrl-C): the command's context ends and Exec returns what it
// produced. Between lines it does nothing.
func (c *Client) Interrupt() error { return c.send(&Request{Interrupt: true}) }

// Complete asks for completions of a partial line.
func (c *Client) Complete(line string) ([]Completion, error) {
	if err := c.send(&Request{Complete: &line}); err != nil {
		return nil, err
	}
	r, err := c.st.Recv()
	if err != nil {
		return nil, err
	}
	return r.Completions, nil
}

// Close ends the session.
func (c *Client) Close() error {
	err := c.st.CloseSend()
	if c.cc != nil {
		c.cc.Close()
	}
	return err
}

// CaretLine marks position pos (a Result's Caret) of a line printed after
// indent columns (the prompt's width, or 0).
func CaretLine(indent, pos int) string {
	return strings.Repeat(" ", indent+pos) + "^\n"
}

// ExecBatch runs lines as one batch (Session.ExecBatch) and returns the
// reply of each line the session ran: all of them, or fewer when one
// asked a question, started collecting input or ended the session.
func (c *Client) ExecBatch(lines []string) ([]*Response, error) {
	if err := c.send(&Request{Lines: lines}); err != nil && err != io.EOF {
		return nil, err
	}
	for {
		r, err := c.st.Recv()
		if err != nil {
			return nil, err
		}
		if r.Partial {
			if c.OnPartial != nil {
				c.OnPartial(r.Output)
			}
			continue
		}
		if len(r.Batch) == 0 {
			return nil, fmt.Errorf("cli: a batch of %d lines got no reply", len(lines))
		}
		out := make([]*Response, len(r.Batch))
		for i := range r.Batch {
			out[i] = &r.Batch[i]
		}
		c.last = out[len(out)-1]
		return out, nil
	}
}

// RunScript runs one command per line of in (the script front end: stdin
// not a terminal, or -c). Each line is echoed after the prompt, as a Junos
// session log reads; questions take their default answer. It reports
// whether any command failed.
//
// Editing lines (set, delete, …) that are already read when one is run
// (a script piped in, a paste) go as one batch (Client.ExecBatch): the
// session writes their candidate edits in one transaction. Lines still to
// come are not waited for, so a slow writer's lines run as they arrive.
func RunScript(c *Client, in io.Reader, out io.Writer, echo bool) (failed bool, err error) {
	lr := &lineReader{r: bufio.NewReaderSize(in, 1<<20)}
	var queue []string // lines read but not run yet
	next := func() (string, bool, error) {
		if len(queue) > 0 {
			l := queue[0]
			queue = queue[1:]
			return l, true, nil
		}
		return lr.next()
	}
	collecting := false
	defer func() {
		if collecting && err == nil { // the script ended inside load … terminal: that is its ^D
			r, e := c.Exec(EndOfInput)
			if e != nil {
				err = e
				return
			}
			fmt.Fprint(out, r.Output)
			failed = failed || r.Failed
		}
	}()
	header := func(line, prompt, banner string) {
		if echo {
			if banner != "" {
				fmt.Fprintf(out, "\n%s\n", banner)
			}
			fmt.Fprintf(out, "%s%s\n", prompt, line)
		}
	}
	// report prints what a line produced (after its header) and says
	// whether the session ended.
	report := func(line, prompt string, r *Response) (bool, error) {
		collecting = r.Collecting
		if r.Question != "" {
			fmt.Fprint(out, r.Question)
			fmt.Fprintln(out)
			var err error
			if r, err = c.Exec(""); err != nil {
				return true, err
			}
		}
		if r.Caret >= 0 {
			indent := len(prompt)
			if !echo {
				fmt.Fprintln(out, line)
				indent = 0
			}
			fmt.Fprint(out, CaretLine(indent, r.Caret))
		}
		fmt.Fprint(out, r.Output)
		if echo && r.Banner == "" && !r.Exit {
			fmt.Fprintln(out)
		}
		if r.Failed {
			failed = true
		}
		return r.Exit, nil
	}
	for {
		line, ok, err := next()
		if err != nil {
			return true, err
		}
		if !ok {
			return failed, nil
		}
		if collecting {
			if echo {
				fmt.Fprintln(out, line)
			}
			r, err := c.Exec(line)
			if err != nil {
				return true, err
			}
			collecting = r.Collecting
			fmt.Fprint(out, r.Output)
			failed = failed || r.Failed
			continue
		}
		if skipped(line) {
			continue
		}
		batch, size := []string{line}, len(line)
		for batchable(line) && len(batch) < MaxBatch && size < maxBatchBytes {
			var l string
			switch {
			case len(queue) > 0:
				l, queue = queue[0], queue[1:]
			case lr.ready():
				l, _, _ = lr.next() // a whole line is buffered: no read, no error
			}
			if l == "" && len(queue) == 0 && !lr.ready() {
				break
			}
			if skipped(l) {
				continue
			}
			if !batchable(l) {
				queue = append([]string{l}, queue...)
				break
			}
			batch, size = append(batch, l), size+len(l)
		}
		if len(batch) == 1 {
			prompt := c.Prompt()
			header(line, prompt, c.Banner())
			r, err := c.Exec(line)
			if err != nil {
				return true, err
			}
			if exit, err := report(line, prompt, r); exit || err != nil {
				return failed || err != nil, err
			}
			continue
		}
		prompt, banner := c.Prompt(), c.Banner()
		reps, err := c.ExecBatch(batch)
		if err != nil {
			return true, err
		}
		queue = append(append([]string(nil), batch[len(reps):]...), queue...)
		for i, r := range reps {
			header(batch[i], prompt, banner)
			if exit, err := report(batch[i], prompt, r); exit || err != nil {
				return failed || err != nil, err
			}
			prompt, banner = r.Prompt, r.Banner
		}
	}
}

// maxBatchBytes bounds the text of one batch request, far below the
// management socket's message limit.
const maxBatchBytes = 256 << 10

// skipped reports whether a script line is blank or a comment.
func skipped(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#")
}

// batchable reports whether a script line may go in a batch with the
// lines after it: configuration edits and moves, which print little and
// never stream.
func batchable(line string) bool {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "set", "delete", "activate", "deactivate", "annotate", "protect", "unprotect",
		"insert", "rename", "copy", "edit", "up", "top":
		return true
	}
	return false
}

// lineReader reads a script's lines and tells whether another whole line
// is already buffered (read without waiting for the writer).
type lineReader struct {
	r   *bufio.Reader
	eof bool
}

// next returns the next line, without its end of line; false at the end.
func (l *lineReader) next() (string, bool, error) {
	if l.eof {
		return "", false, nil
	}
	s, err := l.r.ReadString('\n')
	if err == io.EOF {
		l.eof = true
		if s == "" {
			return "", false, nil
		}
	} else if err != nil {
		return "", false, err
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r"), true, nil
}

// ready reports whether a whole line is buffered.
func (l *lineReader) ready() bool {
	if l.eof {
		return false
	}
	b, _ := l.r.Peek(l.r.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}
