package servicesd

import (
	"os"

	"github.com/gnos/gnos/pic/picd"
)

// Who holds a PIC slot. The last picd to say hello takes the slot (the
// old one is told it is superseded and stops), with one exception: a
// picd embedded in this process never takes the slot from a picd running
// as its own process. `gnos daemon` starts an embedded picd for every
// configured PIC as it comes up, while a `gnos picd` process that
// outlived a daemon restart reconnects on its own backoff: whichever said
// hello last used to win, so a restart could stop the process (and drop
// the sessions it holds) by a few milliseconds' chance.

// embedded reports whether a hello comes from a picd inside this process
// (over the Unix socket: a picd of another host may have the same PID).
func embedded(h picd.Hello, peer string) bool { return peer == "" && h.PID == os.Getpid() }

// standsDown reports whether the picd saying hello must not take the
// slot from the one holding it. A picd of another host is never embedded:
// it takes the slot from the embedded one and keeps it.
func standsDown(hello picd.Hello, peer string, holder *conn) bool {
	return holder != nil && embedded(hello, peer) && !embedded(holder.hello, holder.peer)
}
