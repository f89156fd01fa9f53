package cli

import (
	"fmt"
	"strings"
	"sync"
)

// Notices are what reaches a CLI session without being asked for at that
// moment: syslog messages for a `system syslog user` destination, and
// the lines of the files `monitor start` follows. They are posted from
// any goroutine (the system log posts while a commit holds configd's
// lock), so posting never blocks: a notice is queued, at most
// noticeLimit of them (older ones are dropped and the drop is said). A
// front end that can write at any time (the SSH shell) takes them as
// they come with Session.Notify; for the others (the local terminal over
// the management socket) they come before the next command's output.

const noticeLimit = 256

type notices struct {
	mu      sync.Mutex
	queue   []string
	dropped int
	ready   chan struct{} // signalled when the queue becomes non-empty
}

func newNotices() *notices { return &notices{ready: make(chan struct{}, 1)} }

// post queues text; it never blocks.
func (n *notices) post(text string) {
	n.mu.Lock()
	if len(n.queue) == noticeLimit {
		n.queue = n.queue[1:]
		n.dropped++
	}
	n.queue = append(n.queue, text)
	n.mu.Unlock()
	select {
	case n.ready <- struct{}{}:
	default:
	}
}

// take returns and clears what is queued ("" when nothing is).
func (n *notices) take() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var b strings.Builder
	if n.dropped > 0 {
		fmt.Fprintf(&b, "[%d messages dropped: the terminal did not keep up]\n", n.dropped)
		n.dropped = 0
	}
	for _, t := range n.queue {
		b.WriteString(t)
	}
	n.queue = n.queue[:0]
	return b.String()
}

// Notify hands the session's notices to f as they come, from a goroutine
// of its own, until the session closes; f may block (a slow terminal)
// without holding up whoever posts.
func (s *Session) Notify(f func(text string)) {
	if s.login == nil || s.notifyStop != nil {
		return
	}
	stop := make(chan struct{})
	s.notifyStop = stop
	n := s.login.notices
	go func() {
		for {
			select {
			case <-n.ready:
				if t := n.take(); t != "" {
					f(t)
				}
			case <-stop:
				return
			}
		}
	}()
}

// pendingNotices is what a session without Notify shows before its next
// command's output.
func (s *Session) pendingNotices() string {
	if s.login == nil || s.notifyStop != nil {
		return ""
	}
	return s.login.notices.take()
}

// Notice posts text to the CLI sessions of user ("*": every CLI
// session): the system log's user destinations. NETCONF sessions get
// none, as on Junos.
func (e *Engine) Notice(user, text string) {
	e.logins.mu.Lock()
	defer e.logins.mu.Unlock()
	for _, l := range e.logins.m {
		if l.Client == "cli" && l.notices != nil && (user == "*" || l.User == user) {
			l.notices.post(text)
		}
	}
}
