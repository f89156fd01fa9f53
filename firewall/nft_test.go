package firewall

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/vishvananda/netns"

	"github.com/gnos/gnos/internal/testkit"
)

// TestProgramGolden programs edgeConf (every kind of condition and
// action) into a fresh network namespace: the kernel must take the
// batch, and `nft list table inet gnos` shows the chains in
// testdata/edge.nft (go test -update rewrites it). Needs root.
func TestProgramGolden(t *testing.T) {
	ns := enterNetNS(t)

	cfg := compiled(t, edgeConf)
	cfg.Filters = append(cfg.Filters, compiled(t, edge6Conf).Filters...)
	m := NewManager(Options{NetNSFd: int(ns)})
	if err := m.install(cfg); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nft", "list", "table", "inet", TableName).CombinedOutput()
	if err != nil {
		t.Fatalf("nft list: %v\n%s", err, out)
	}
	testkit.Golden(t, "edge.nft", string(out))
	// no filter, no binding: the table goes
	if err := m.install(&Config{}); err != nil {
		t.Fatal(err)
	}
	if out, _ := exec.Command("nft", "list", "tables").CombinedOutput(); strings.Contains(string(out), TableName) {
		t.Errorf("table %s left after an empty configuration:\n%s", TableName, out)
	}
}

// enterNetNS locks the test's goroutine to its thread and moves it into
// a fresh network namespace, back out when the test ends; it skips
// without root or without nft (the tests list the kernel's table with
// it).
func enterNetNS(t *testing.T) netns.NsHandle {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for a network namespace")
	}
	if _, err := exec.LookPath("nft"); err != nil {
		t.Skip("needs nft to list the table")
	}
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		t.Fatal(err)
	}
	ns, err := netns.New() // also enters it
	if err != nil {
		orig.Close()
		runtime.UnlockOSThread()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		netns.Set(orig)
		ns.Close()
		orig.Close()
		runtime.UnlockOSThread()
	})
	return ns
}

// edge6Conf exercises the inet6 family: either-side address with except,
// next-header, ICMPv6 types, tcp-established, reject styles.
const edge6Conf = `
firewall {
    family inet6 {
        filter v6 {
            term nd {
                from {
                    next-header icmp6;
                    icmp-type [ neighbor-solicit neighbor-advertisement ];
                }
                then accept;
            }
            term either {
                from {
                    address 2001:db8::/32;
                    address 2001:db8:1::/48 except;
                    port [ 53 123 ];
                }
                then {
                    log;
                    reject port-unreachable;
                }
            }
            term est {
                from {
                    tcp-established;
                    source-port-except 0-1023;
                }
                then accept;
            }
        }
    }
}
`
