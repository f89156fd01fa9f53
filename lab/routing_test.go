package lab_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
)

// TestLiveRoutingInstance routes between client and server inside a
// routing instance (a Linux VRF): traffic passes while both ports are in
// it, the instance's table shows in show route, ping routing-instance
// reaches the server from the router; with the server's port alone in
// the instance the two are apart. Skips on kernels without VRF devices.
func TestLiveRoutingInstance(t *testing.T) {
	r := startLab(t, "vrf")
	if _, err := lab.Exec(r.lab.Router, "ip", "link", "add", "vrfprobe", "type", "vrf", "table", "4242"); err != nil {
		t.Skipf("this kernel has no VRF devices (CONFIG_NET_VRF): %v", err)
	}
	lab.Exec(r.lab.Router, "ip", "link", "del", "vrfprobe")
	r.configure(append(baseConfig,
		"set routing-instances red instance-type virtual-router",
		"set routing-instances red interface ge-0/0/0.0",
		"set routing-instances red interface ge-0/0/1.0")...)
	eventually(t, "ping client -> server inside red", func() error { return lab.Ping(r.lab.Client, lab.ServerAddr) })
	out := r.cli("show route table red.inet.0")
	for _, want := range []string{"red.inet.0: 4 destinations", "10.0.2.0/24        *[Direct/0]"} {
		if !strings.Contains(out, want) {
			t.Errorf("show route table red.inet.0: missing %q in\n%s", want, out)
		}
	}
	if out := r.cli("ping " + lab.ServerAddr + " routing-instance red count 1"); !strings.Contains(out, "1 packets received") {
		t.Errorf("ping routing-instance red:\n%s", out)
	}
	// The client's port back in the default instance: apart.
	r.configure("delete routing-instances red interface ge-0/0/0.0")
	if err := lab.Ping(r.lab.Client, lab.ServerAddr); err == nil {
		t.Errorf("client reached the server across routing instances")
	}
}

// TestLiveServiceSetInInstance runs a next-hop NAT service-set inside a
// routing instance: the instance routes the server's address into the
// inside unit and the pool address into the outside one; what picd
// writes back is routed by the instance's return table, so the server
// sees the pool address and the session shows on the PIC. Skips on
// kernels without VRF devices.
func TestLiveServiceSetInInstance(t *testing.T) {
	r := startLab(t, "vrfsvc")
	if _, err := lab.Exec(r.lab.Router, "ip", "link", "add", "vrfprobe", "type", "vrf", "table", "4242"); err != nil {
		t.Skipf("this kernel has no VRF devices (CONFIG_NET_VRF): %v", err)
	}
	lab.Exec(r.lab.Router, "ip", "link", "del", "vrfprobe")
	srv, err := lab.Serve(r.lab.Server, 80, 81)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conf := slices.Concat(baseConfig, nextHop[:4], nat[:len(nat)-1]) // the units, NAT without the default instance's route
	r.configure(append(conf,
		"set routing-instances red instance-type virtual-router",
		"set routing-instances red interface ge-0/0/0.0",
		"set routing-instances red interface ge-0/0/1.0",
		"set routing-instances red interface ms-0/0/0.1",
		"set routing-instances red interface ms-0/0/0.2",
		// more specific than the connected /24: into the PIC
		"set routing-instances red routing-options static route "+lab.ServerAddr+"/32 next-hop ms-0/0/0.1",
		"set routing-instances red routing-options static route 203.0.113.1/32 next-hop ms-0/0/0.2")...)
	eventually(t, "TCP through NAT inside red", func() error {
		seen, err := lab.TCPExchange(r.lab.Client, web, 2*time.Second)
		if err == nil && seen != "203.0.113.1" {
			return fmt.Errorf("server saw %s, want the pool address 203.0.113.1", seen)
		}
		return err
	})
	if out := r.cli("show services sessions service-set nat"); !strings.Contains(out, lab.ServerAddr+":80") {
		t.Errorf("show services sessions: no session to the server in\n%s", out)
	}
}
