package netconf

import (
	"bytes"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/netconf/crypt"
)

// Account is a user of `system login`, as authentication sees it.
type Account struct {
	Name  string
	Class string
	Hash  string // encrypted-password, crypt(3) form
	Keys  []ssh.PublicKey
}

// LookupAccount finds user name in the configuration cfg (the committed
// one: an uncommitted user cannot log in). Inactive users do not exist.
func LookupAccount(cfg *tree.Node, name string) (*Account, bool) {
	u := cfg.ChildNamed("system", "").ChildNamed("login", "").ChildNamed("user", name)
	if u == nil || u.Inactive {
		return nil, false
	}
	a := &Account{Name: name}
	a.Class, _ = u.Leaf("class")
	auth := u.ChildNamed("authentication", "")
	if auth != nil && !auth.Inactive {
		a.Hash, _ = auth.Leaf("encrypted-password")
		for _, list := range []string{"ssh-rsa", "ssh-ed25519"} {
			for _, k := range auth.AllNamed(list) {
				if k.Inactive {
					continue
				}
				if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k.Key)); err == nil {
					a.Keys = append(a.Keys, pk)
				}
			}
		}
	}
	return a, true
}

// CheckPassword reports whether password is the account's.
func (a *Account) CheckPassword(password string) bool {
	if a.Hash == "" {
		return false
	}
	ok, err := crypt.Verify(a.Hash, password)
	return err == nil && ok
}

// HasKey reports whether key is one of the account's.
func (a *Account) HasKey(key ssh.PublicKey) bool {
	m := key.Marshal()
	for _, k := range a.Keys {
		if bytes.Equal(k.Marshal(), m) {
			return true
		}
	}
	return false
}

// limiter rate-limits failed logins per source address: after max
// failures within window, every attempt from that address is refused
// until the oldest failure leaves the window.
type limiter struct {
	clock  clock.Clock
	max    int
	window time.Duration

	mu    sync.Mutex // guards fails
	fails map[string][]time.Time
}

func newLimiter(c clock.Clock, max int, window time.Duration) *limiter {
	return &limiter{clock: c, max: max, window: window, fails: map[string][]time.Time{}}
}

// maxTracked bounds the addresses remembered; past it old entries go.
const maxTracked = 4096

func hostOf(addr net.Addr) string {
	if addr == nil {
		return ""
	}
	if h, _, err := net.SplitHostPort(addr.String()); err == nil {
		return h
	}
	return addr.String()
}

// recent returns host's failures still in the window; l.mu held.
func (l *limiter) recent(host string) []time.Time {
	cut := l.clock.Now().Add(-l.window)
	fs := l.fails[host]
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, host)
	} else {
		l.fails[host] = fs
	}
	return fs
}

// Blocked reports whether host is over its limit.
func (l *limiter) Blocked(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(host)) >= l.max
}

// Fail records a failed login from host.
func (l *limiter) Fail(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= maxTracked {
		for h := range l.fails {
			if len(l.recent(h)) == 0 || len(l.fails) >= maxTracked {
				delete(l.fails, h)
			}
			if len(l.fails) < maxTracked/2 {
				break
			}
		}
	}
	l.fails[host] = append(l.recent(host), l.clock.Now())
}

// errAuth is what a refused login gets (no detail for the client).
var errAuth = fmt.Errorf("netconf: authentication failed")
