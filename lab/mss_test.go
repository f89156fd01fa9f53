package lab_test

import (
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
)

// maxSeg is a connected TCP socket's TCP_MAXSEG: the segment size it
// sends, bounded by the MSS its peer announced.
func maxSeg(c net.Conn) (int, error) {
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return 0, err
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG) }); err != nil {
		return 0, err
	}
	return v, serr
}

// TestLiveTCPMSS: with tcp-mss 1000 on the next-hop service-set (sfw +
// napt-44), a connection through the router ends with both sides sending
// segments of at most 1000 bytes less options, over IPv4 and IPv6: the
// client's SYN reached the server clamped and the server's SYN-ACK
// reached the client clamped (each side's TCP_MAXSEG is bounded by the
// MSS the other announced; 1500-byte links would give 1448).
func TestLiveTCPMSS(t *testing.T) {
	r := startLab(t, "mss")
	const port = 8080
	var ln net.Listener
	if err := lab.In(r.lab.Server, func() (err error) { ln, err = net.Listen("tcp", fmt.Sprintf(":%d", port)); return err }); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	server := make(chan int, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			v, _ := maxSeg(c)
			c.Close()
			server <- v
		}
	}()
	r.configure(append(append(append([]string{}, baseConfig...), benchJob...),
		"set applications application tcp-8080 protocol tcp",
		"set applications application tcp-8080 destination-port 8080",
		"set services stateful-firewall rule fw term open from applications tcp-8080",
		"set services service-set fw tcp-mss 1000")...)
	for _, host := range []string{lab.ServerAddr, lab.ServerAddr6} {
		addr := net.JoinHostPort(host, fmt.Sprint(port))
		var client int
		eventually(t, "TCP connect to "+addr, func() error {
			return lab.In(r.lab.Client, func() error {
				c, err := net.DialTimeout("tcp", addr, 2*time.Second)
				if err != nil {
					return err
				}
				defer c.Close()
				client, err = maxSeg(c)
				return err
			})
		})
		var srv int
		select {
		case srv = <-server:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the server accepted nothing", addr)
		}
		if client > 1000 || srv > 1000 || client < 900 || srv < 900 {
			t.Errorf("%s: TCP_MAXSEG client %d, server %d; want both in 900..1000 (tcp-mss 1000)", addr, client, srv)
		}
		t.Logf("%s: TCP_MAXSEG client %d, server %d", addr, client, srv)
	}
}
