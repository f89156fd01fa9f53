package term

import (
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
