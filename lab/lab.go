// Package lab builds the three-namespace lab gnos is tested and
// demonstrated in:
//
//	client (10.0.1.2/24) eth0 ==veth== ge-0-0-0  router  ge-0-0-1 ==veth== eth0 server (10.0.2.2/24)
//	       (2001:db8:1::2/64)                                                   (2001:db8:2::2/64)
//
// The router namespace gets the two links only: gnos, started inside it,
// gives them addresses from `interfaces` (ge-0/0/0 unit 0 family inet
// address 10.0.1.1/24, ge-0/0/1 … 10.0.2.1/24). Client and server route
// everything through the router (default via 10.0.1.1 / 10.0.2.1).
//
// Namespaces are created with iproute2 (`ip netns add`) under names that
// share a prefix, so several labs (parallel test runs) never meet, and
// everything is torn down by deleting the namespaces: the veth pairs go
// with them. The host's own interfaces are never touched.
package lab

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/vishvananda/netns"
)

// Addresses of the lab.
const (
	ClientAddr    = "10.0.1.2"
	ServerAddr    = "10.0.2.2"
	RouterInside  = "10.0.1.1"
	RouterOutside = "10.0.2.1"
	// IPv6: the router's are 2001:db8:1::1/64 and 2001:db8:2::1/64.
	ClientAddr6 = "2001:db8:1::2"
	ServerAddr6 = "2001:db8:2::2"
)

// Lab is one three-namespace topology.
type Lab struct {
	Prefix string
	Client string // namespace names
	Router string
	Server string
}

// New names a lab; nothing is created until Up.
func New(prefix string) *Lab {
	return &Lab{Prefix: prefix, Client: prefix + "-client", Router: prefix + "-router", Server: prefix + "-server"}
}

// Permitted reports whether this process can build labs (root).
func Permitted() bool { return os.Geteuid() == 0 }

// ip runs an iproute2 command.
func ip(args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("lab: ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Up creates the namespaces and links. On failure it tears down what it
// built.
func (l *Lab) Up() (err error) {
	defer func() {
		if err != nil {
			l.Down()
		}
	}()
	if err := l.Down(); err != nil { // what a killed run of the same name left
		return err
	}
	for _, ns := range []string{l.Client, l.Router, l.Server} {
		if err := ip("netns", "add", ns); err != nil {
			return err
		}
		if err := ip("-n", ns, "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	for _, side := range []struct{ ns, port, addr, gw, addr6, gw6 string }{
		{l.Client, "ge-0-0-0", ClientAddr + "/24", RouterInside, ClientAddr6 + "/64", "2001:db8:1::1"},
		{l.Server, "ge-0-0-1", ServerAddr + "/24", RouterOutside, ServerAddr6 + "/64", "2001:db8:2::1"},
	} {
		steps := [][]string{
			{"-n", l.Router, "link", "add", side.port, "type", "veth", "peer", "name", "eth0", "netns", side.ns},
			{"-n", side.ns, "addr", "add", side.addr, "dev", "eth0"},
			{"-n", side.ns, "addr", "add", side.addr6, "dev", "eth0", "nodad"},
			{"-n", side.ns, "link", "set", "eth0", "up"},
			{"-n", side.ns, "route", "add", "default", "via", side.gw},
			{"-n", side.ns, "-6", "route", "add", "default", "via", side.gw6},
		}
		for _, s := range steps {
			if err := ip(s...); err != nil {
				return err
			}
		}
	}
	return nil
}

// Down deletes the namespaces (and so the links); it is safe to call on
// a lab that is partly or not built.
func (l *Lab) Down() error {
	var first error
	for _, ns := range []string{l.Client, l.Router, l.Server} {
		if _, err := os.Stat("/run/netns/" + ns); err != nil {
			continue
		}
		if err := ip("netns", "del", ns); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Handle opens a namespace of the lab; the caller closes it.
func Handle(ns string) (netns.NsHandle, error) {
	h, err := netns.GetFromName(ns)
	if err != nil {
		return netns.None(), fmt.Errorf("lab: namespace %s: %w", ns, err)
	}
	return h, nil
}

// In runs f on an OS thread inside namespace ns. Sockets f opens stay in
// ns whatever goroutine uses them later.
func In(ns string, f func() error) error {
	target, err := Handle(ns)
	if err != nil {
		return err
	}
	defer target.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// The thread is never unlocked: it dies with this goroutine
		// rather than go back to the scheduler in another namespace.
		if err := netns.Set(target); err != nil {
			errc <- fmt.Errorf("lab: enter %s: %w", ns, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// Exec runs a command inside namespace ns (ip netns exec) and returns
// its combined output.
func Exec(ns string, name string, args ...string) (string, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("lab: %s %s in %s: %v: %s", name, strings.Join(args, " "), ns, err, out)
	}
	return string(out), nil
}
