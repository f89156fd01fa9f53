package cli

import (
	"bufio"
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

// RunScript runs one command per line of in (the script front end: stdin
// not a terminal, or -c). Each line is echoed after the prompt, as a Junos
// session log reads; questions take their default answer. It reports
// whether any command failed.
func RunScript(c *Client, in io.Reader, out io.Writer, echo bool) (failed bool, err error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
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
	for sc.Scan() {
		line := sc.Text()
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
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		prompt := c.Prompt()
		if echo {
			if b := c.Banner(); b != "" {
				fmt.Fprintf(out, "\n%s\n", b)
			}
			fmt.Fprintf(out, "%s%s\n", prompt, line)
		}
		r, err := c.Exec(line)
		if err != nil {
			return true, err
		}
		collecting = r.Collecting
		if r.Question != "" {
			fmt.Fprint(out, r.Question)
			fmt.Fprintln(out)
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
		if echo && c.Banner() == "" && !r.Exit {
			fmt.Fprintln(out)
		}
		if r.Failed {
			failed = true
		}
		if r.Exit {
			return failed, nil
		}
	}
	return failed, sc.Err()
}
