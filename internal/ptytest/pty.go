// Package ptytest runs a program on a pseudo-terminal and lets a test type
// at it the way a person does, waiting for what the screen shows rather
// than sleeping.
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Term is a program running on a pty.
type Term struct {
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex // guards out
	out    bytes.Buffer
	cond   *sync.Cond
	done   bool
}

// Start runs cmd with a new pty (rows × cols) as its controlling terminal.
func Start(cmd *exec.Cmd, rows, cols int) (*Term, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	unlock := 0
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, unlock); err != nil {
		m.Close()
		return nil, err
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, err
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, err
	}
	defer s.Close()
	ws := &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		m.Close()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		m.Close()
		return nil, err
	}
	t := &Term{master: m, cmd: cmd}
	t.cond = sync.NewCond(&t.mu)
	go t.read()
	return t, nil
}

func (t *Term) read() {
	buf := make([]byte, 4096)
	for {
		n, err := t.master.Read(buf)
		t.mu.Lock()
		t.out.Write(buf[:n])
		if err != nil {
			t.done = true
		}
		t.cond.Broadcast()
		t.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Type sends text as typed keys.
func (t *Term) Type(s string) error {
	_, err := t.master.WriteString(s)
	return err
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07`)

// Text returns everything the program printed so far, escape sequences
// removed.
func (t *Term) Text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ansi.ReplaceAllString(t.out.String(), "")
}

// Mark returns the current output length, to Expect only newer output.
func (t *Term) Mark() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.Len()
}

// containsSeq reports whether s contains the parts of want (separated by
// "\x00") in order.
func containsSeq(s, want string) bool {
	for _, part := range strings.Split(want, "\x00") {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}

// Expect waits until the output after mark, with escape sequences removed,
// contains want (parts separated by \x00 must appear in order); it fails after timeout (a bound on a hang, not a
// synchronisation delay).
func (t *Term) Expect(mark int, want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		t.mu.Lock()
		t.cond.Broadcast()
		t.mu.Unlock()
	})
	defer timer.Stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		b := t.out.Bytes()
		if mark > len(b) {
			mark = len(b)
		}
		if containsSeq(ansi.ReplaceAllString(string(b[mark:]), ""), want) {
			return nil
		}
		if t.done || time.Now().After(deadline) {
			return fmt.Errorf("ptytest: did not see %q; screen so far:\n%s", want, ansi.ReplaceAllString(string(b[mark:]), ""))
		}
		t.cond.Wait()
	}
}

// Wait waits for the program to exit and for its last output to be read.
func (t *Term) Wait() error {
	err := t.cmd.Wait()
	t.mu.Lock()
	for !t.done {
		t.cond.Wait()
	}
	t.mu.Unlock()
	return err
}

// Close kills the program if still running and closes the pty.
func (t *Term) Close() {
	if t.cmd.ProcessState == nil {
		t.cmd.Process.Kill()
		t.cmd.Wait()
	}
	t.master.Close()
}
