package netconf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"sync"
)

// budget bounds the bytes of NETCONF messages held in memory across all
// sessions at once. Each message's Reader takes from it while the message
// arrives and gives back after the reply; past the limit a message is read
// to its end but discarded, and answered with resource-denied (ErrBusy),
// so a few clients sending huge messages cannot grow the daemon without
// bound, and the session stays usable.
type budget struct {
	mu   sync.Mutex // guards used
	used int64
	max  int64
}

// ErrBusy is a message refused because the server-wide budget for
// in-flight message bytes was spent; the message was read and dropped.
var ErrBusy = errors.New("netconf: too many message bytes in flight across all sessions")

func newBudget(max int64) *budget { return &budget{max: max} }

func (b *budget) take(n int64) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

func (b *budget) give(n int64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// InFlight returns the message bytes held now (for tests and figures).
func (b *budget) InFlight() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// budgetStep is how much a Reader takes at a time: fewer lock round trips
// than per read, little slack.
const budgetStep = 256 << 10

// peekOperation reads only as far as the operation element of an <rpc>
// message: the rpc element (for its attributes) and the operation's local
// name. It builds no tree, so a request the user may not make is refused
// before a large body is parsed. ok is false when the prefix is not an rpc
// with an operation (the full parse reports why).
func peekOperation(msg []byte) (rpc *Node, op string, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(msg))
	d.Strict = true
	for depth := 0; depth < 2; {
		tok, err := d.RawToken()
		if err != nil {
			return nil, "", false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if t.Name.Local != "rpc" {
					return nil, "", false
				}
				rpc = &Node{Name: t.Name, Attrs: append([]xml.Attr(nil), t.Attr...)}
				depth++
				continue
			}
			return rpc, t.Name.Local, true
		case xml.EndElement:
			return nil, "", false
		case xml.Directive:
			return nil, "", false // DOCTYPE: the parser refuses it
		}
	}
	return nil, "", false
}
