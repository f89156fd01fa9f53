// Package loginthrottle slows password guessing on every login surface
// (SSH for the CLI and NETCONF, gNMI's per-call credentials) the way
// OpenSSH's sshd does, without ever refusing a correct password:
//
//   - each failed password for a user from an address is answered only
//     after a delay that doubles with every recent failure of that pair
//     (base, 2×base, 4×base, … up to max), so a guesser gets a few tries a
//     minute while everyone else behind the same NAT logs in at once;
//   - an address may hold only maxPending connections that have not yet
//     authenticated (sshd's MaxStartups, per source): more are closed
//     before the handshake, so delays cannot be dodged by opening many.
//
// Failures are remembered for ten minutes (a quiet pair starts again at
// base); at most 4,096 pairs are tracked (past that, expired pairs are
// forgotten first, then arbitrary ones).
package loginthrottle

import (
	"net"
	"sync"
	"time"

	"github.com/gnos/gnos/internal/clock"
)

// Throttle is one login surface's failure memory; safe for concurrent
// use.
type Throttle struct {
	clock      clock.Clock
	base, max  time.Duration
	memory     time.Duration
	maxPending int

	mu      sync.Mutex // guards fails and pending
	fails   map[pairKey][]time.Time
	pending map[string]int
}

type pairKey struct{ user, host string }

// New returns a throttle on clock c: failures wait base doubling up to max;
// an address may hold maxPending unauthenticated connections.
func New(c clock.Clock, base, max time.Duration, maxPending int) *Throttle {
	return &Throttle{clock: c, base: base, max: max, memory: 10 * time.Minute, maxPending: maxPending,
		fails: map[pairKey][]time.Time{}, pending: map[string]int{}}
}

// maxTracked bounds the pairs remembered (prune).
const maxTracked = 4096

// HostOf is the address part of a peer address (the key failures are
// counted by).
func HostOf(addr net.Addr) string {
	if addr == nil {
		return ""
	}
	if h, _, err := net.SplitHostPort(addr.String()); err == nil {
		return h
	}
	return addr.String()
}

// recent returns k's failures still remembered; t.mu held.
func (t *Throttle) recent(k pairKey) []time.Time {
	cut := t.clock.Now().Add(-t.memory)
	fs := t.fails[k]
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fails, k)
	} else {
		t.fails[k] = fs
	}
	return fs
}

// Fail records a failed password of user from host and returns how long
// to wait before answering it.
func (t *Throttle) Fail(user, host string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxTracked {
		t.prune()
	}
	k := pairKey{user, host}
	fs := append(t.recent(k), t.clock.Now())
	t.fails[k] = fs
	return t.delay(len(fs))
}

// prune makes room when maxTracked pairs are remembered: the pairs whose
// failures have all expired go, then arbitrary ones until half the bound
// is left, so that the work is amortised over the failures that filled
// the table. t.mu held.
func (t *Throttle) prune() {
	for k := range t.fails {
		t.recent(k)
	}
	for k := range t.fails {
		if len(t.fails) < maxTracked/2 {
			break
		}
		delete(t.fails, k)
	}
}

// delay is the wait after the n-th recent failure (n ≥ 1).
func (t *Throttle) delay(n int) time.Duration {
	d := t.base
	for i := 1; i < n && d < t.max; i++ {
		d *= 2
	}
	return min(d, t.max)
}

// Admit counts a new unauthenticated connection from host; false means
// the address already holds maxPending and the connection must go.
// Every admitted connection is released exactly once (Release).
func (t *Throttle) Admit(host string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending[host] >= t.maxPending {
		return false
	}
	t.pending[host]++
	return true
}

// Release ends the unauthenticated phase of a connection Admit counted:
// it authenticated, failed or closed.
func (t *Throttle) Release(host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending[host]--; t.pending[host] <= 0 {
		delete(t.pending, host)
	}
}

// Wait blocks for d on clock c, or until quit closes.
func Wait(c clock.Clock, d time.Duration, quit <-chan struct{}) {
	if d <= 0 {
		return
	}
	done := make(chan struct{})
	tm := c.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
	case <-quit:
		tm.Stop()
	}
}
