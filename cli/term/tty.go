package term

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// IsTerminal reports whether fd is a terminal.
func IsTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}

// restore sets canonical mode and echo on fd.
func restore(fd int) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return
	}
	t.Lflag |= unix.ICANON | unix.ECHO | unix.ISIG | unix.IEXTEN
	t.Iflag |= unix.ICRNL
	t.Oflag |= unix.OPOST
	_ = unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// keysMode puts the terminal in character mode without echo, for the
// executor's own reads (the pager, a password); the returned function
// puts it back.
func keysMode() (func(), error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		tty.Close()
		return nil, err
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG
	raw.Iflag &^= unix.ICRNL
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		tty.Close()
		return nil, err
	}
	return func() {
		_ = unix.IoctlSetTermios(fd, unix.TCSETS, old)
		tty.Close()
	}, nil
}

var errInterrupted = errors.New("term: interrupted")

// readSecret reads a line without echo (a password), taking the keys
// typed ahead first.
func (e *editor) readSecret() (string, error) {
	back, err := keysMode()
	if err != nil {
		return "", err
	}
	defer back()
	var line []rune
	for {
		k, err := e.p.readKey()
		if err != nil {
			return "", err
		}
		switch k[0] {
		case '\r':
			return string(line), nil
		case 3:
			return "", errInterrupted
		case 0x7f, 8:
			if len(line) > 0 {
				line = line[:len(line)-1]
			}
		default:
			if k[0] >= ' ' {
				line = append(line, []rune(string(k))...)
			}
		}
	}
}
