package term

import (
	"fmt"
	"os"
	"strings"

	"github.com/gnos/gnos/cli"

	"golang.org/x/sys/unix"
)

// page prints output a screenful at a time with Junos' ---(more)---
// prompt: space shows the next screen, enter the next line, q stops.
// noMore (| no-more, set cli screen-length 0) or output that fits prints
// everything at once. The screen is the terminal's, or the session's set
// cli screen-length; hold (| hold) keeps the prompt after the last page.
func page(out string, r cli.Result) {
	noMore := r.NoMore
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
	if r.ScreenLength > 0 {
		rows = r.ScreenLength - 1
	}
	lines := strings.SplitAfter(out, "\n")
	if noMore || rows < 2 || (len(lines) <= rows && !r.Hold) {
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
		if len(lines) == 0 && !r.Hold {
			return
		}
		fmt.Print("---(more)---")
		var k [1]byte
		if _, err := tty.Read(k[:]); err != nil {
			return
		}
		fmt.Print("\r            \r")
		if len(lines) == 0 {
			return // held after the last page
		}
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
