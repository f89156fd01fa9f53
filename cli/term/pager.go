package term

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// page prints output a screenful at a time with Junos' ---(more)---
// prompt: space shows the next screen, enter the next line, q stops.
// noMore (| no-more) or output that fits prints everything at once.
func page(out string, noMore bool) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		fmt.Print(out)
		return
	}
	defer tty.Close()
	ws, err := unix.IoctlGetWinsize(int(tty.Fd()), unix.TIOCGWINSZ)
	rows := 0
	if err == nil {
		rows = int(ws.Row) - 1
	}
	lines := strings.SplitAfter(out, "\n")
	if noMore || rows < 2 || len(lines) <= rows {
		fmt.Print(out)
		return
	}
	old, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		fmt.Print(out)
		return
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	_ = unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, &raw)
	defer unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, old)
	show := rows
	for len(lines) > 0 {
		n := min(show, len(lines))
		fmt.Print(strings.Join(lines[:n], ""))
		lines = lines[n:]
		if len(lines) == 0 {
			return
		}
		fmt.Print("---(more)---")
		var k [1]byte
		if _, err := tty.Read(k[:]); err != nil {
			return
		}
		fmt.Print("\r            \r")
		switch k[0] {
		case 'q', 'Q', 3:
			return
		case '\r', '\n':
			show = 1
		default:
			show = rows
		}
	}
}
