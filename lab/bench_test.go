package lab_test

import (
	"fmt"
	"os"
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

// measure runs the packet-rate and connection-rate measurements through
// whatever the lab's router is.
func measure(b *testing.B, l *lab.Lab) (pps, cps float64) {
	b.Helper()
	srv, err := lab.Serve(l.Server, 80)
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
		if err == nil && seen != "203.0.113.1" {
			return fmt.Errorf("server saw %s, want the NAT address 203.0.113.1", seen)
		}
		return err
	})
	if pps, err = lab.MeasurePPS(l.Client, lab.ServerAddr, sink, benchFlows, benchSize, benchWindow()); err != nil {
		b.Fatal(err)
	}
	if cps, err = lab.MeasureCPS(l.Client, web, benchWorkers, benchWindow()); err != nil {
		b.Fatal(err)
	}
	return pps, cps
}

// BenchmarkLive compares gnos (next-hop stateful firewall + NAT through
// TUN service interfaces and picd) with Linux forwarding through
// nftables and conntrack doing the same job, in the same three-namespace
// topology: UDP packets per second delivered to the server, and TCP
// connections (connect, one line each way, close) per second.
func BenchmarkLive(b *testing.B) {
	r := startLab(b, "bg")
	r.configure(append(append([]string{}, baseConfig...), benchJob...)...)
	gnosPPS, gnosCPS := measure(b, r.lab)
	l := labtest.Up(b, "bn")
	if err := l.LinuxRouter(lab.NftRuleset); err != nil {
		b.Fatal(err)
	}
	nftPPS, nftCPS := measure(b, l)
	b.ReportMetric(gnosPPS, "gnos-pps")
	b.ReportMetric(nftPPS, "nft-pps")
	b.ReportMetric(gnosCPS, "gnos-conn/s")
	b.ReportMetric(nftCPS, "nft-conn/s")
}
