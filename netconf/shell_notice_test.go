package netconf_test

import (
	"io"
	"strings"
	"testing"
)

// TestShellNotices: an SSH CLI session shows what monitor start follows
// and the system log's user messages as they come, while it sits at its
// prompt: another session's commit reaches it without a key typed.
func TestShellNotices(t *testing.T) {
	n, _ := startNode(t)
	commitLines(t, n, "set system syslog file messages any notice", "set system syslog user admin interactive-commands notice")
	in, out := shell(t, n, "admin")
	waitFor(t, out, "admin@lab1> ")
	io.WriteString(in, "monitor start messages\r")
	waitFor(t, out, "monitor start messages\r\n")
	waitForAfter(t, out, strings.Index(out.String(), "monitor start messages"), "admin@lab1> ") // it ran
	commitLines(t, n, "set system domain-name notice.example")
	waitFor(t, out, "\r\n*** messages ***\r\n")
	waitFor(t, out, "Message from syslogd@lab1 at ")
	waitFor(t, out, "UI_COMMIT: User 'root' requested 'commit' operation")
}
