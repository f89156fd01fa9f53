package netconf

import (
	"bytes"
	"context"
	"io"

	"github.com/gnos/gnos/cli"
)

// keys is the SSH shell's terminal input, read by one goroutine, so that
// while a command runs the shell can watch for Ctrl-C (and stop the
// command, as Junos stops ping) without taking away what the user types
// ahead: those bytes stay for the line editor. The editor reads keys
// only between commands and the watch runs only during one, so the
// buffer has one user at a time (the shell's goroutine).
type keys struct {
	ch   chan []byte
	err  error // why the input ended, once ch is closed
	buf  []byte
	done bool // ch is closed
}

func newKeys(r io.Reader) *keys {
	k := &keys{ch: make(chan []byte, 16)}
	go func() {
		for {
			b := make([]byte, 256)
			n, err := r.Read(b)
			if n > 0 {
				k.ch <- b[:n]
			}
			if err != nil {
				k.err = err // written before close, read after it
				close(k.ch)
				return
			}
		}
	}()
	return k
}

// Read is the line editor's input.
func (k *keys) Read(p []byte) (int, error) {
	for len(k.buf) == 0 {
		if k.done {
			return 0, k.err
		}
		b, ok := <-k.ch
		if !ok {
			k.done = true
			continue
		}
		k.buf = b
	}
	n := copy(p, k.buf)
	k.buf = k.buf[n:]
	return n, nil
}

// exec runs line in sess and waits for its result; a Ctrl-C typed
// meanwhile cancels the command's context, and out shows ^C as a
// terminal echoes it. Other input is kept for the editor.
func (k *keys) exec(ctx context.Context, sess *cli.Session, line string, out io.Writer) cli.Result {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resc := make(chan cli.Result, 1)
	go func() { resc <- sess.Exec(lctx, line) }()
	ch := k.ch
	if k.done {
		ch = nil
	}
	for {
		select {
		case r := <-resc:
			return r
		case b, ok := <-ch:
			if !ok {
				k.done, ch = true, nil
				continue
			}
			if i := bytes.IndexByte(b, 3); i >= 0 {
				k.buf = append(append(k.buf, b[:i]...), b[i+1:]...)
				io.WriteString(out, "^C\n")
				cancel()
				continue
			}
			k.buf = append(k.buf, b...)
		}
	}
}
