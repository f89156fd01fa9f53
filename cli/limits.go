package cli

import "fmt"

// DefaultMaxSessionsPerUser bounds the concurrent CLI sessions of one user
// (management socket and SSH logins together) when
// Engine.MaxSessionsPerUser is zero. NETCONF sessions have their own
// bound in the NETCONF server.
const DefaultMaxSessionsPerUser = 64

// sessionLimit counts open CLI sessions per user. Its zero value is ready.
type sessionLimit struct {
	perUser map[string]int
}

// Acquire reserves one CLI session for user, refusing it when the user
// already holds the limit; release gives it back (call it once).
func (e *Engine) Acquire(user string) (release func(), err error) {
	limit := e.MaxSessionsPerUser
	if limit <= 0 {
		limit = DefaultMaxSessionsPerUser
	}
	e.limitMu.Lock()
	defer e.limitMu.Unlock()
	if e.limits.perUser == nil {
		e.limits.perUser = map[string]int{}
	}
	if e.limits.perUser[user] >= limit {
		return nil, fmt.Errorf("cli: too many sessions for user %s (limit %d)", user, limit)
	}
	e.limits.perUser[user]++
	return func() {
		e.limitMu.Lock()
		defer e.limitMu.Unlock()
		if e.limits.perUser[user]--; e.limits.perUser[user] <= 0 {
			delete(e.limits.perUser, user)
		}
	}, nil
}
