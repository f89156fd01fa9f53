package lab_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
)

// benchJob is the benchmark's firewall and NAT job for gnos, next-hop
// style: from the client, TCP/80, UDP/9 and iperf3's TCP and UDP 5201
// open sessions, other TCP is
// refused with an RST, the rest is dropped; the client network is
// source-NATed (napt-44) to 203.0.113.1. lab.NftRuleset does the same
// job with nftables and conntrack.
var benchJob = append(append(append([]string{}, nextHop...),
	"set applications application tcp-any protocol tcp",
	"set applications application udp-9 protocol udp",
	"set applications application udp-9 destination-port 9",
	"set applications application iperf-tcp protocol tcp",
	"set applications application iperf-tcp destination-port 5201",
	"set applications application iperf-udp protocol udp",
	"set applications application iperf-udp destination-port 5201",
	"set services stateful-firewall rule fw match-direction input",
	"set services stateful-firewall rule fw term open from applications [ junos-http udp-9 iperf-tcp iperf-udp ]",
	"set services stateful-firewall rule fw term open then accept",
	"set services stateful-firewall rule fw term other-tcp from applications tcp-any",
	"set services stateful-firewall rule fw term other-tcp then reject",
	"set services nat pool p1 address 203.0.113.1/32",
	"set services nat pool p1 port range low 1024 high 65535",
	"set services nat rule nr match-direction input",
	"set services nat rule nr term t1 from source-address 10.0.1.0/24",
	"set services nat rule nr term t1 then translated source-pool p1",
	"set services nat rule nr term t1 then translated translation-type napt-44",
	"set services service-set fw stateful-firewall-rules fw",
	"set services service-set fw nat-rules nr",
	"set services service-set fw next-hop-service inside-service-interface ms-0/0/0.1",
	"set services service-set fw next-hop-service outside-service-interface ms-0/0/0.2",
	"set routing-options static route 203.0.113.1/32 next-hop ms-0/0/0.2",
), "set services service-set fw max-flows 1000000")

// benchWindow is each measurement's duration (GNOS_LIVE_BENCH_WINDOW).
func benchWindow() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("GNOS_LIVE_BENCH_WINDOW")); err == nil && d > 0 {
		return d
	}
	return 2 * time.Second
}

const (
	benchFlows   = 1  // UDP senders: one, which leaves the router a CPU of the two
	benchSize    = 64 // UDP payload bytes
	benchWorkers = 8  // concurrent TCP clients
)

// liveFigures are one router's figures.
type liveFigures struct {
	pps, cps  float64         // flood of one socket (64 B), TCP connections
	bulk, udp lab.IperfResult // iperf3: TCP bulk, unlimited 64-byte UDP
	tunLoss   float64         // of the UDP run's datagrams, the share dropped at the TUN (gnos)
}

// measure runs the packet-rate, connection-rate, TCP bulk and unlimited
// UDP measurements through whatever the lab's router is (conn/s and the
// one-socket flood only when nat: they check the NAT address).
func measure(b *testing.B, l *lab.Lab, nat bool, tun bool) (f liveFigures) {
	b.Helper()
	srv, err := lab.ServeProcess(l.Server, 80) // out of this process, as MeasureCPS's clients are
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	sink, err := lab.NewSink(l.Server)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	eventually(b, "TCP/80 through the router", func() error {
		seen, err := lab.TCPExchange(l.Client, web, 2*time.Second)
		if err == nil && nat && seen != "203.0.113.1" {
			return fmt.Errorf("server saw %s, want the NAT address 203.0.113.1", seen)
		}
		return err
	})
	if nat {
		if f.pps, err = lab.MeasurePPS(l.Client, lab.ServerAddr, sink, benchFlows, benchSize, benchWindow()); err != nil {
			b.Fatal(err)
		}
		if f.cps, err = lab.MeasureCPS(l.Client, web, benchWorkers, benchWindow()); err != nil {
			b.Fatal(err)
		}
	}
	ip, err := lab.StartIperf(l.Server, iperfPort)
	if err != nil {
		b.Fatal(err)
	}
	defer ip.Close()
	eventually(b, "iperf3 TCP bulk through the router", func() (err error) {
		f.bulk, err = lab.Iperf(l.Client, lab.ServerAddr, iperfPort, benchWindow(), 0)
		return err
	})
	var drops0 float64
	eventually(b, "iperf3 UDP through the router", func() (err error) {
		if tun {
			drops0 = tunDrops(b, l.Router)
		}
		f.udp, err = lab.Iperf(l.Client, lab.ServerAddr, iperfPort, benchWindow(), benchSize)
		return err
	})
	if tun && f.udp.Packets > 0 {
		f.tunLoss = (tunDrops(b, l.Router) - drops0) / float64(f.udp.Packets)
	}
	return f
}

// report adds a router's figures under its prefix.
func (f liveFigures) report(b *testing.B, who string) {
	if f.pps > 0 {
		b.ReportMetric(f.pps, who+"-pps")
		b.ReportMetric(f.cps, who+"-conn/s")
	}
	b.ReportMetric(f.bulk.Gbps, who+"-tcp-Gbit/s")
	b.ReportMetric(f.bulk.CPUPerGbit(), who+"-tcp-cpu-s/Gbit")
	b.ReportMetric(f.udp.ReceivedPPS, who+"-udp-pps")
	b.ReportMetric(100*f.udp.LossFraction, who+"-udp-loss-%")
	if f.tunLoss > 0 || who == "gnos" {
		b.ReportMetric(100*f.tunLoss, who+"-udp-tun-loss-%")
	}
}

// BenchmarkLive compares gnos (next-hop stateful firewall + NAT through
// TUN service interfaces and picd) with Linux forwarding through
// nftables and conntrack doing the same job, and with plain Linux
// forwarding, in the same three-namespace topology: UDP packets per
// second delivered to the server from one socket, TCP connections
// (connect, one line each way, close) per second, iperf3 TCP bulk
// (Gbit/s, and the machine's CPU seconds per Gbit: every core's busy
// time, the endpoints' included) and iperf3 64-byte UDP from an
// unlimited sender (datagrams per second received, and the share lost).
func BenchmarkLive(b *testing.B) {
	if _, err := exec.LookPath("iperf3"); err != nil {
		b.Skip("needs iperf3 (scripts/deps.sh installs it)")
	}
	r := startLab(b, "bg")
	r.configure(append(append([]string{}, baseConfig...), benchJob...)...)
	g := measure(b, r.lab, true, true)
	g.report(b, "gnos")
	b.ReportMetric(g.bulk.SelfCPU/(float64(g.bulk.RecvBytes)*8/1e9), "gnos-process-cpu-s/Gbit")
	l := labtest.Up(b, "bn")
	if err := l.LinuxRouter(lab.NftRuleset); err != nil {
		b.Fatal(err)
	}
	measure(b, l, true, false).report(b, "nft")
	p := labtest.Up(b, "bp")
	if err := p.LinuxRouter("flush ruleset\n"); err != nil {
		b.Fatal(err)
	}
	measure(b, p, false, false).report(b, "plain")
}

// tunDrops returns the packets the kernel dropped at the service
// interfaces so far (queued toward picd with no room).
func tunDrops(b *testing.B, router string) float64 {
	var drops float64
	for _, unit := range []string{"ms-0-0-0.1", "ms-0-0-0.2"} {
		out, err := lab.Exec(router, "ip", "-s", "link", "show", "dev", unit)
		if err != nil {
			b.Fatal(err)
		}
		if m := regexp.MustCompile(`TX:[^\n]*\n\s*\d+\s+\d+\s+\d+\s+(\d+)`).FindStringSubmatch(out); m != nil {
			n, _ := strconv.ParseFloat(m[1], 64)
			drops += n
		}
	}
	return drops
}
