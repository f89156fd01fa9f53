package netconf_test

import (
	"io"
	"strings"
	"testing"
)

// Over SSH, set cli screen-length N pages output with ---(more)---
// (space: next screen, enter: next line, q: stop), screen-length 0 and
// | no-more do not, and show system users lists this SSH session.
func TestShellScreenLength(t *testing.T) {
	n, _ := startNode(t)
	in, out := shell(t, n, "admin")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "set cli screen-length 4\r")
	waitFor(t, out, "Screen length set to 4")
	io.WriteString(in, "show version\r") // 7 lines: 3, more, 1, more, rest
	waitFor(t, out, "Junos: 24.2R1\r\n---(more)---")
	if strings.Contains(out.String(), "Management Daemon") {
		t.Fatalf("the pager showed more than a screen: %q", out.String())
	}
	io.WriteString(in, "\r")
	waitFor(t, out, "OS Kernel")
	io.WriteString(in, "q")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show version | no-more\r")
	waitFor(t, out, "PIC Daemon")
	io.WriteString(in, "set cli screen-length 0\r")
	waitFor(t, out, "Screen length set to 0")
	io.WriteString(in, "show system users\r")
	waitFor(t, out, "127.0.0.1")
	if got := out.String(); strings.Count(got, "---(more)---") != 2 {
		t.Errorf("---(more)--- shown %d times, want 2 (show version, then none after no-more and length 0):\n%s",
			strings.Count(got, "---(more)---"), got)
	}
}
