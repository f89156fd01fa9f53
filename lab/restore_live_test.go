package lab_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/lab"
)

// TestLiveSessionsSurviveRestart: an established TCP connection through
// next-hop napt-44 keeps working after gnos restarts (the node closed and
// started again on the same data directory): the picd wrote its session
// snapshot on the way down and restored it at its first resync, so the
// connection's next segments find their session, the firewall's
// decision and their NAT mapping. Without the restore the firewall
// drops them (not a SYN) and the connection times out.
func TestLiveSessionsSurviveRestart(t *testing.T) {
	r := startLab(t, "restore")
	ln := echoServer(t, r.lab.Server, 80)
	defer ln.Close()
	rules := []string{ // the firewall's rule in the NAT service-set: sfw -> nat
		"set services stateful-firewall rule fw match-direction input",
		"set services stateful-firewall rule fw term web from applications junos-http",
		"set services stateful-firewall rule fw term web then accept",
		"set services service-set nat stateful-firewall-rules fw",
	}
	r.configure(append(append(append(append([]string{}, baseConfig...), nextHop...), nat...), rules...)...)

	line := echoConn(t, r, "a TCP connection through NAT", web)
	if got, err := line("before"); err != nil || !strings.HasPrefix(got, "before from 203.0.113.1:") {
		t.Fatalf("before the restart: got %q, %v; want the echo from the pool address", got, err)
	}
	before := r.cli("show services sessions")

	t.Log("restart gnos on the same data directory")
	dir := r.n.Opts.DataDir
	live := r.n.Opts.Live
	r.c.Close()
	if err := r.n.Close(); err != nil {
		t.Fatal(err)
	}
	n, err := compose.Start(context.Background(), compose.Options{DataDir: dir, NoSync: true,
		Log:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		NetconfAddr: "127.0.0.1:0", Live: live})
	if err != nil {
		t.Fatal(err)
	}
	r.n = n // closed by startLab's cleanup
	if r.c, err = cli.DialSocket(context.Background(), compose.SocketPath(dir), "cli"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the restored session", func() error {
		if out := r.cli("show services sessions"); !strings.Contains(out, "10.0.1.2") {
			return fmt.Errorf("no session yet:\n%s", out)
		}
		return nil
	})
	got, err := line("after")
	if err != nil || !strings.HasPrefix(got, "after from 203.0.113.1:") {
		t.Fatalf("after the restart: got %q, %v; want the echo on the same connection", got, err)
	}
	if port := strings.TrimSpace(strings.TrimPrefix(got, "after from ")); !strings.Contains(before, port) {
		t.Errorf("after the restart the server sees %s, which the sessions before did not show:\n%s", port, before)
	}
}

// echoServer listens on port in namespace ns and answers each line with
// "LINE from ADDR:PORT" on the same connection until it closes.
func echoServer(t *testing.T, ns string, port int) net.Listener {
	t.Helper()
	var ln net.Listener
	if err := lab.In(ns, func() error {
		var err error
		ln, err = net.Listen("tcp4", fmt.Sprintf(":%d", port))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				rd := bufio.NewReader(c)
				for {
					s, err := rd.ReadString('\n')
					if err != nil {
						return
					}
					fmt.Fprintf(c, "%s from %s\n", strings.TrimSpace(s), c.RemoteAddr())
				}
			}()
		}
	}()
	return ln
}

// echoConn opens a TCP connection from the client namespace to addr once
// the path lets it through (what), and returns a function that sends a
// line and reads the server's answer line; the connection closes with
// the test.
func echoConn(t *testing.T, r *router, what, addr string) func(string) (string, error) {
	t.Helper()
	var c net.Conn
	eventually(t, what, func() error {
		return lab.In(r.lab.Client, func() error {
			var err error
			c, err = net.DialTimeout("tcp", addr, 2*time.Second)
			return err
		})
	})
	t.Cleanup(func() { c.Close() })
	rd := bufio.NewReader(c)
	return func(s string) (string, error) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(c, "%s\n", s); err != nil {
			return "", err
		}
		return rd.ReadString('\n')
	}
}
