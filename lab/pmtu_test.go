package lab_test

import (
	"crypto/sha256"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
)

// TestLivePathMTU: with the router's client-side link at MTU 1400, a
// 50 MB download from the server through the next-hop stateful firewall
// and napt-44 completes, byte for byte, over IPv4 and IPv6. The server
// sends 1500-byte segments; the router cannot forward them to the client
// and answers with fragmentation needed (packet too big), which travel
// through the service interface: the PIC must relate them to the
// download's session and translate the quoted header back to what the
// server sent, or path-MTU discovery fails and the transfer stalls.
func TestLivePathMTU(t *testing.T) {
	r := startLab(t, "pmtu")
	body := make([]byte, 50<<20)
	rng := rand.NewChaCha8([32]byte{'g', 'n', 'o', 's'})
	rng.Read(body)
	want := sha256.Sum256(body)
	srv, err := lab.ServeBulk(r.lab.Server, 80, body)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r.configure(append(append(append([]string{}, baseConfig...), benchJob...), "set interfaces ge-0/0/0 mtu 1400")...)
	if out, _ := lab.Exec(r.lab.Router, "ip", "link", "show", "ge-0-0-0"); !strings.Contains(out, "mtu 1400") {
		t.Fatalf("ge-0-0-0 is not at MTU 1400:\n%s", out)
	}
	for _, addr := range []string{web, web6} {
		eventually(t, "TCP connect to "+addr, func() error { // the commit took effect, IPv6 addresses passed DAD
			return lab.In(r.lab.Client, func() error {
				c, err := net.DialTimeout("tcp", addr, 2*time.Second)
				if err == nil {
					c.Close()
				}
				return err
			})
		})
		n, sum, took, err := lab.Download(r.lab.Client, addr, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(body)) || sum != want {
			t.Errorf("download from %s: got %d bytes (sha256 %x), want %d (sha256 %x)", addr, n, sum[:8], len(body), want[:8])
		}
		t.Logf("download from %s through gnos, client-side MTU 1400: %d bytes in %v", addr, n, took.Round(time.Millisecond))
	}
	// The reference, same job and same MTU: Linux forwarding with
	// nftables and conntrack (IPv4 only: LinuxRouter sets up IPv4).
	l := labtest.Up(t, "pmtun")
	if err := l.LinuxRouter(lab.NftRuleset); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Exec(l.Router, "ip", "link", "set", "ge-0-0-0", "mtu", "1400"); err != nil {
		t.Fatal(err)
	}
	ref, err := lab.ServeBulk(l.Server, 80, body)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	n, sum, took, err := lab.Download(l.Client, web, 30*time.Second)
	if err != nil || n != int64(len(body)) || sum != want {
		t.Errorf("reference download through nftables: %d bytes, sha256 %x, %v", n, sum[:8], err)
	}
	t.Logf("download from %s through nftables+conntrack, client-side MTU 1400: %d bytes in %v", web, n, took.Round(time.Millisecond))

	out := r.cli("show services service-sets statistics packet-drops")
	if !regexp.MustCompile(`icmp unrelated drops:\s+0\n`).MatchString(out) {
		t.Errorf("show services service-sets statistics packet-drops: want no unrelated ICMP errors dropped, got\n%s", out)
	}
}
