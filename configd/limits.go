package configd

import "github.com/gnos/gnos/internal/errkind"

// Limits on what a client hands configd. A configuration load is parsed
// into a tree before anything is checked, so its text is bounded up
// front: DefaultMaxLoad is ample for the largest configuration gnos is
// measured with (550,000 lines, about 20 MB of text) and keeps one
// client from making configd parse gigabytes. The NETCONF framing and the
// management socket bound a message to 64 MiB on their own; `load FILE`
// checks the file's size against MaxLoad before reading it. Pending
// commits are bounded by construction: one `commit at` (any other commit
// is refused while it is pending) and one `commit confirmed` (a new one
// replaces its timer).

// DefaultMaxLoad is the default bound on one load's text.
const DefaultMaxLoad = 128 << 20

// MaxLoad returns the bound on one load's text, in bytes.
func (c *Configd) MaxLoad() int { return c.maxLoad }

// checkLoadSize refuses a load of n bytes over the limit, naming it.
func (c *Configd) checkLoadSize(n int64) error {
	if n > int64(c.maxLoad) {
		return errkind.Errorf(ErrLimit, "load: configuration of %d bytes exceeds the limit of %d bytes", n, c.maxLoad)
	}
	return nil
}

// CheckLoadSize is checkLoadSize for front ends that know a file's size
// before reading it.
func (s *Session) CheckLoadSize(n int64) error { return s.c.checkLoadSize(n) }
