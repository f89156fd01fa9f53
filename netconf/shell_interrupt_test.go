package netconf_test

import (
	"io"
	"testing"

	"github.com/gnos/gnos/internal/testkit/nodekit"
)

// TestShellInterrupt: Ctrl-C while a command runs (ping, in live mode)
// ends the command's context; what was typed ahead still reaches the
// prompt.
func TestShellInterrupt(t *testing.T) {
	n, _ := startNode(t)
	started := nodekit.AddBlockingCommand(n)
	in, out := shell(t, n, "admin")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "show test-blocking\r")
	<-started
	io.WriteString(in, "show version\r\x03")
	waitFor(t, out, "^C\r\nstopped: context canceled\r\n")
	waitFor(t, out, "Hostname: lab1\r\n")
}
