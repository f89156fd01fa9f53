package lab_test

import (
	"crypto/sha256"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
)

// IperfPort is where the lab's iperf3 servers listen (benchJob opens it).
const iperfPort = 5201

// TestLiveOffloadBulk: with the TUN service interfaces' offloads on, TCP
// bulk transfers through gnos (next-hop sfw + napt-44) move as GSO
// super-packets (the service interfaces' packets average well above one
// MTU) and arrive intact: an iperf3 upload is received, and a
// 50 MB download arrives hash-exact.
func TestLiveOffloadBulk(t *testing.T) {
	if _, err := exec.LookPath("iperf3"); err != nil {
		t.Skip("needs iperf3 (scripts/deps.sh installs it)")
	}
	r := startLab(t, "gso")
	r.configure(append(append([]string{}, baseConfig...), benchJob...)...)
	srv, err := lab.StartIperf(r.lab.Server, iperfPort)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var res lab.IperfResult
	eventually(t, "iperf3 through gnos", func() (err error) {
		res, err = lab.Iperf(r.lab.Client, lab.ServerAddr, iperfPort, 2*time.Second, 0)
		return err
	})
	// What the client wrote in its last instants may still be in its
	// socket buffer when the run ends: the server's count trails a bit.
	if res.RecvBytes == 0 || float64(res.RecvBytes) < 0.9*float64(res.SentBytes) {
		t.Errorf("iperf3 upload: server got %d bytes of %d sent, want (nearly) all", res.RecvBytes, res.SentBytes)
	}
	t.Logf("iperf3 upload through gnos: %.2f Gbit/s, %d retransmits, %.2f CPU-s/Gbit (machine), gnos process %.2f CPU-s",
		res.Gbps, res.Retransmits, res.CPUPerGbit(), res.SelfCPU)

	body := make([]byte, 50<<20)
	rand.NewChaCha8([32]byte{'g', 's', 'o'}).Read(body)
	bs, err := lab.ServeBulk(r.lab.Server, 80, body)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	n, sum, took, err := lab.Download(r.lab.Client, web, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(body); n != int64(len(body)) || sum != want {
		t.Errorf("download: got %d bytes (sha256 %x), want %d (sha256 %x)", n, sum[:8], len(body), want[:8])
	}
	t.Logf("50 MB download through gnos in %v", took.Round(time.Millisecond))

	// Super-packets: what the kernel handed each service interface
	// (its TX side: into picd) averages above the 1500-byte MTU, which
	// packets of at most the MTU cannot. (Not much above: each unit's
	// count also holds the other transfer's ACKs, 66 bytes each, and how
	// far GRO aggregates depends on the machine's load.)
	for _, unit := range []string{"ms-0-0-0.1", "ms-0-0-0.2"} {
		out, err := lab.Exec(r.lab.Router, "ip", "-s", "link", "show", "dev", unit)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`TX:[^\n]*\n\s*(\d+)\s+(\d+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("ip -s link show %s: no TX counters in\n%s", unit, out)
		}
		bytes, _ := strconv.ParseFloat(m[1], 64)
		pkts, _ := strconv.ParseFloat(m[2], 64)
		if pkts == 0 || bytes/pkts <= 1500 {
			t.Errorf("%s into picd: %.0f bytes in %.0f packets (%.0f a packet), want GSO super-packets (over 1500 bytes a packet)",
				unit, bytes, pkts, bytes/max(pkts, 1))
		}
	}
}
