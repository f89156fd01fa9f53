package lab_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/pic/dataplane"
)

// rspConfig puts the next-hop NAT service-set on rsp0 over two PICs.
var rspConfig = append([]string{
	"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider data-cores 2",
	"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider object-cache-size 64",
	"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider policy-db-size 16",
	"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider package stateful-firewall",
	"set chassis fpc 1 pic 0 adaptive-services service-package extension-provider package nat",
}, lab.RSPNAT("nat")...)

// TestLiveRSPFailover: a TCP connection through rsp0 (next-hop sfw →
// napt-44) keeps working when the primary PIC's picd is stopped in the
// middle of it: the secondary took over with the replicated session, so
// the next lines pass its firewall and leave from the same public
// address and port.
func TestLiveRSPFailover(t *testing.T) {
	r := startLab(t, "rsp")
	ln := echoServer(t, r.lab.Server, 80)
	defer ln.Close()
	r.configure(append(append([]string{}, baseConfig...), rspConfig...)...)

	line := echoConn(t, r, "a TCP connection through rsp0", web)
	before, err := line("before")
	if err != nil || !strings.HasPrefix(before, "before from 203.0.113.1:") {
		t.Fatalf("before the failover: got %q, %v; want the echo from the pool address", before, err)
	}
	eventually(t, "the session replicated", func() error {
		if out := r.cli("show services redundancy"); !strings.Contains(out, "Standby holds: 1 sessions") {
			return fmt.Errorf("not yet:\n%s", out)
		}
		return nil
	})
	for i := 0; i < 3; i++ { // the transfer goes on meanwhile
		if _, err := line(fmt.Sprintf("during %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	t.Log("stop the primary's picd")
	start := time.Now()
	r.n.PICs.Stop(dataplane.Slot{FPC: 0, PIC: 0})
	got, err := line("after")
	if err != nil || !strings.HasPrefix(got, "after from 203.0.113.1:") {
		t.Fatalf("after the failover: got %q, %v; want the echo on the same connection", got, err)
	}
	t.Logf("first echo after the failover in %v", time.Since(start))
	if a, b := strings.TrimPrefix(strings.TrimSpace(got), "after from "), strings.TrimPrefix(strings.TrimSpace(before), "before from "); a != b {
		t.Errorf("the server sees %s after the failover, %s before", a, b)
	}
	if out := r.cli("show interfaces redundancy"); !strings.Contains(out, "On secondary") {
		t.Errorf("show interfaces redundancy:\n%s", out)
	}
}
